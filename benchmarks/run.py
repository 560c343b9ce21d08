"""The benchmark: site.yml against the docs-style reference playbook, side by side, and RESULTS.md.

For each N (accounts), the variants run alternately (A B A B ...), each measurement in a fresh process with a fresh
moto server (benchmarks/measure.py), `--reps` times each. Reported: medians of wall time, CPU time and API calls
for the first run (create) and the second (no-op), the ratio ours / reference, and the profile_tasks output of the
slowest run.

    python benchmarks/run.py --sizes 1 10 50 100 --reps 3 --out benchmarks/RESULTS.md
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPARED = ("ours-noverify", "reference")


def parse_variant(spec):
    """``"ours-mitogen:10"`` -> ``("ours-mitogen", 10, "ours-mitogen-f10")``; without ``:F``, Ansible's default 5 forks."""
    name, forks = (spec.split(":", 1) + [""])[:2]
    forks = int(forks or 5)
    return name, forks, name if forks == 5 else "%s-f%d" % (name, forks)


def measure(spec, accounts):
    """Run one measurement of the variant ``spec`` (``name[:forks]``) in a fresh process; returns its JSON, with
    ``label`` (the variant's name in the tables)."""
    variant, forks, label = parse_variant(spec)
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "measure.py"), "--variant", variant,
                           "--accounts", str(accounts), "--forks", str(forks)], capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise RuntimeError("measure.py %s %d failed:\n%s" % (spec, accounts, proc.stderr[-4000:]))
    sample = json.loads(proc.stdout.strip().splitlines()[-1])
    sample["label"] = label
    return sample


def median(values):
    return statistics.median(values) if values else float("nan")


def summarize(samples):
    """Medians per phase of one variant's samples."""
    out = {}
    for phase in ("create", "noop"):
        runs = [s["phases"][phase] for s in samples if phase in s["phases"]]
        out[phase] = {key: median([r[key] for r in runs if key in r]) for key in
                      ("wall_s", "ansible_cpu_s", "endpoint_cpu_s", "peak_rss_mb", "endpoint_peak_rss_mb", "calls", "reads",
                       "writes", "changed", "failed")}
        out[phase]["runs"] = len(runs)
        out[phase]["rc"] = max([r["rc"] for r in runs] or [1])
    return out


def versions():
    """Versions of what is measured."""
    names = ("ansible-core", "ansible", "moto", "boto3", "mitogen")
    found = {}
    for name in names:
        try:
            from importlib.metadata import version  # pylint: disable=import-outside-toplevel

            found[name] = version(name)
        except Exception:  # pylint: disable=broad-except
            found[name] = "not installed"
    return found


def table(n, summaries):
    """Markdown table of one N."""
    lines = ["### N = %d accounts" % n, "",
             "| variant | phase | runs | wall s | Ansible CPU s | endpoint CPU s | peak RSS MB | endpoint RSS MB | API calls | reads | writes"
             " | calls/account | changed |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for variant, summary in summaries.items():
        for phase in ("create", "noop"):
            s = summary[phase]
            lines.append("| %s | %s | %d | %.1f | %.1f | %.1f | %.0f | %.0f | %d | %d | %d | %.1f | %d |" % (
                variant, phase, s["runs"], s["wall_s"], s["ansible_cpu_s"], s["endpoint_cpu_s"], s["peak_rss_mb"], s["endpoint_peak_rss_mb"],
                s["calls"], s["reads"], s["writes"], s["calls"] / float(n), s["changed"]))
    if all(v in summaries for v in COMPARED):
        ours, ref = summaries[COMPARED[0]], summaries[COMPARED[1]]
        lines.append("")
        for phase in ("create", "noop"):
            lines.append("- %s, ours (verify off) / reference: wall %.2f, CPU %.2f, API calls %.2f" % (
                phase, ours[phase]["wall_s"] / ref[phase]["wall_s"], ours[phase]["ansible_cpu_s"] / ref[phase]["ansible_cpu_s"],
                ours[phase]["calls"] / float(ref[phase]["calls"])))
    return lines


def write_results(path, results, profile, notes, started, finished):
    lines = ["# Benchmark results", "",
             "Written by `make bench` (`benchmarks/run.py`). Numbers are medians; every measurement ran in a fresh process",
             "against a fresh moto server on 127.0.0.1 that counted the API calls it received. \"ours\" is `site.yml`",
             "(verify on: with the trust-chain check at the end; verify off: without), \"reference\" is",
             "`benchmarks/reference/site.yml`, the docs' Option 3 with plain amazon.aws modules. create = first run on an",
             "empty endpoint, noop = the second run right after it. peak RSS = the largest Ansible process (the",
             "controller); endpoint RSS = the measuring process, which runs moto in threads (peak so far in that process).", "",
             "## Machine", "",
             "- cores: %d; %s; Python %s" % (os.cpu_count(), platform.platform(), platform.python_version()),
             "- versions: %s" % ", ".join("%s %s" % kv for kv in versions().items()),
             "- Ansible forks: 5 (the default) for every variant, except those whose name ends in -fN (N forks)",
             "- run from %s to %s" % (started, finished), ""]
    lines += ["## Results", ""]
    for n in sorted(results):
        lines += table(n, results[n]) + [""]
    lines += ["## Notes", ""] + notes + [""]
    if profile:
        lines += ["## Where the time goes: profile_tasks of the slowest run (%s, N = %d, %s)" % profile[:3], "", "```",
                  profile[3].strip(), "```", ""]
    with open(path, "w") as handle:
        handle.write("\n".join(lines))


def report(samples_all, out, notes_file, started, finished):
    """Summaries per N and variant, the slowest run's profile, and RESULTS.md from a list of samples."""
    results, slowest = {}, (None, 0, None, "", -1.0)
    for sample in samples_all:
        results.setdefault(sample["accounts"], {}).setdefault(sample.get("label", sample["variant"]), []).append(sample)
        for phase, data in sample["phases"].items():
            if data["wall_s"] > slowest[4]:
                slowest = (sample["variant"], sample["accounts"], phase, data["profile"], data["wall_s"])
    notes = []
    for n in sorted(results):
        size = max((s["managing_policy_size"] or 0) for samples in results[n].values() for s in samples)
        notes.append("- N = %d: the managing policy (per-account ARNs) is %d characters; IAM's limit is 6,144." % (n, size))
        results[n] = {v: summarize(s) for v, s in sorted(results[n].items(), key=lambda kv: variant_order(kv[1][0]))}
    if notes_file and os.path.exists(notes_file):
        with open(notes_file) as handle:
            notes += [line.rstrip("\n") for line in handle]
    write_results(out, results, slowest[:4] if slowest[0] else None, notes, started, finished)


VARIANT_ORDER = ["ours", "ours-noverify", "ours-mitogen", "reference"]


def variant_order(sample):
    """Sort key of a variant's tables rows: VARIANT_ORDER, then forks."""
    return VARIANT_ORDER.index(sample["variant"]), sample.get("forks", 5)


def report_from(args):
    samples = []
    for path in args.report_from:
        with open(path) as handle:
            samples += json.load(handle)
    report(samples, args.out, args.notes, "(merged)", time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
    print("wrote %s" % args.out)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 50, 100])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--single-rep-from", type=int, default=100, help="sizes from this one on run --large-reps times per variant")
    parser.add_argument("--large-reps", type=int, default=1)
    parser.add_argument("--variants", nargs="+", default=["ours", "ours-noverify", "reference"])
    parser.add_argument("--extra-variants", nargs="*", default=["ours-mitogen"],
                        help="variants (name[:forks]) measured only at --extra-sizes, e.g. ours-mitogen:10")
    parser.add_argument("--extra-sizes", type=int, nargs="*", default=[], help="sizes at which --extra-variants are measured")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "RESULTS.md"))
    parser.add_argument("--raw", default=None, help="also write every sample as JSON here")
    parser.add_argument("--notes", default=None, help="a file whose lines are added under Notes")
    parser.add_argument("--report-from", nargs="+", default=None, metavar="RAW",
                        help="measure nothing: write the report from the samples of these --raw files")
    args = parser.parse_args()
    if args.report_from:
        return report_from(args)

    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    samples_all = []
    for n in args.sizes:
        reps = args.large_reps if n >= args.single_rep_from else args.reps
        for rep in range(reps):
            # alternated: A B C A B C ...; the extra variants once, in the first round
            variants = list(args.variants) + (list(args.extra_variants) if n in args.extra_sizes and rep == 0 else [])
            for variant in variants:
                sample = measure(variant, n)
                samples_all.append(sample)
                print("N=%d %s: create %.1fs, noop %.1fs" % (n, sample["label"], sample["phases"]["create"]["wall_s"],
                                                             sample["phases"].get("noop", {}).get("wall_s", float("nan"))), flush=True)
                if args.raw:
                    with open(args.raw, "w") as handle:
                        json.dump(samples_all, handle, indent=1)
    finished = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    report(samples_all, args.out, args.notes, started, finished)
    print("wrote %s" % args.out)


if __name__ == "__main__":
    main()
