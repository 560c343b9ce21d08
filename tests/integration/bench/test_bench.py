"""The benchmark harness itself, on N = 1: it counts API calls at the endpoint and writes RESULTS.md.
(Timings are measured by `make bench`, never asserted.)"""

import json
import os
import subprocess
import sys

from tests.playbook import ROOT


def test_harness_counts_calls_and_writes_results(tmp_path):
    out, raw = tmp_path / "RESULTS.md", tmp_path / "raw.json"
    subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "run.py"), "--sizes", "1", "--reps", "1",
                    "--variants", "ours-noverify", "reference", "--out", str(out), "--raw", str(raw)],
                   check=True, cwd=ROOT, capture_output=True, text=True)
    samples = json.loads(raw.read_text())
    by_variant = {s["variant"]: s for s in samples}
    ours = by_variant["ours-noverify"]["phases"]
    reference = by_variant["reference"]["phases"]
    # Calls are counted at the endpoint, by action: the first run creates, the second writes nothing.
    assert ours["create"]["writes"] > 0 and ours["create"]["calls_by_action"]["iam:CreateRole"] == 2
    assert ours["noop"]["writes"] == 0 and ours["noop"]["reads"] == ours["noop"]["calls"] > 0
    assert reference["create"]["calls_by_action"]["iam:CreateRole"] == 2
    text = out.read_text()
    assert "### N = 1 accounts" in text and "| ours-noverify | noop |" in text and "| reference | create |" in text
    assert "cores: %d" % os.cpu_count() in text and "ours (verify off) / reference" in text
    assert "profile_tasks of the slowest run" in text
