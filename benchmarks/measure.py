"""One benchmark measurement, in a fresh process: a new moto server, then the playbook twice (create, no-op).

Prints one JSON document: per phase, wall seconds, CPU seconds of the Ansible process tree and of the endpoint,
the peak RSS of the largest Ansible process, the AWS API calls counted at the endpoint by (service, action) with
the read/write split, the recap, and the profile_tasks output.

    python benchmarks/measure.py --variant ours|ours-noverify|ours-mitogen|reference --accounts N [--forks F]
        [--scope accounts|wildcard]

``--forks``: Ansible's forks (default 5, Ansible's own default). ``--scope wildcard``: the managing policy names
``arn:aws:iam::*:role/spinnakerManaged`` bound to the organization (``managing_account_organization_id``) instead of
one ARN per account, as the README recommends past 117 accounts. ``--managed-policies PowerUserAccess``: moto gives
each account only the AWS managed policies named (it copies its whole catalogue of ~1,100 into every account
otherwise, ~32 MB each: 1,000 accounts would not fit in this machine's memory).
"""

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.inventory import write_inventory  # noqa: E402  pylint: disable=wrong-import-position
from tests.local_aws import LocalAWS  # noqa: E402  pylint: disable=wrong-import-position
from tests.playbook import RECAP_RE  # noqa: E402  pylint: disable=wrong-import-position
from tests.playbook import playbook_env  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOKS = {
    "ours": ("site.yml", {}),
    "ours-noverify": ("site.yml", {"spinnaker_verify": "false"}),
    "ours-mitogen": ("site.yml", {"spinnaker_verify": "false"}),
    "reference": ("benchmarks/reference/site.yml", {}),
}


def mitogen_env():
    """Environment that makes Ansible use mitogen's strategy (one interpreter per host, modules run in it)."""
    import ansible_mitogen  # pylint: disable=import-outside-toplevel

    strategy = os.path.join(os.path.dirname(ansible_mitogen.__file__), "plugins", "strategy")
    return {"ANSIBLE_STRATEGY_PLUGINS": strategy, "ANSIBLE_STRATEGY": "mitogen_linear"}


def run_phase(aws, variant, inventory, hal_home, forks=5):
    playbook, extra = PLAYBOOKS[variant]
    env = playbook_env(aws.endpoint, hal_home)
    env.update(ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", PROFILE_TASKS_TASK_OUTPUT_LIMIT="25",
               ANSIBLE_DEPRECATION_WARNINGS="False", ANSIBLE_FORKS=str(forks))
    if variant == "ours-mitogen":
        env.update(mitogen_env())
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory,
               "-e", "aws_endpoint_url=%s" % aws.endpoint,
               "-e", "spinnaker_halyard_halconfig_path=%s" % os.path.join(hal_home, ".hal", "config")]
    for key, value in extra.items():
        command += ["-e", "%s=%s" % (key, value)]
    command.append(os.path.join(ROOT, playbook))
    # The playbook runs under a small wrapper process, so that RUSAGE_CHILDREN there covers this phase only.
    wrapper = ("import resource, subprocess, sys, json\n"
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "print(json.dumps({'rc': p.returncode, 'out': p.stdout + p.stderr, 'cpu': u.ru_utime + u.ru_stime, 'maxrss_kb': u.ru_maxrss}))\n")
    aws.clear()
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", wrapper] + command, env=env, capture_output=True, text=True, cwd=ROOT, check=True)
    wall = time.perf_counter() - start
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    result = json.loads(proc.stdout)
    calls = collections.Counter("%s:%s" % call for call in aws.calls)
    # The run lock (created and deleted by every run that writes) is coordination, not a change: not a write here.
    writes = sum(count for name, count in calls.items() if not name.startswith("run-lock:") and name.split(":")[1].startswith(
        ("Create", "Update", "Put", "Delete", "Attach", "Detach", "Add", "Remove", "Set", "Tag", "Untag")))
    recap = {m.group(1): {"ok": int(m.group(2)), "changed": int(m.group(3)), "failed": int(m.group(5))}
             for m in RECAP_RE.finditer(result["out"])}
    profile = result["out"][result["out"].rfind("=" * 20):] if "=" * 20 in result["out"] else ""
    return {
        "rc": result["rc"],
        "wall_s": round(wall, 2),
        "ansible_cpu_s": round(result["cpu"], 2),
        "endpoint_cpu_s": round((self_after.ru_utime + self_after.ru_stime) - (self_before.ru_utime + self_before.ru_stime), 2),
        "peak_rss_mb": round(result["maxrss_kb"] / 1024.0, 1),
        # This process runs the endpoint (moto, in threads): its peak RSS so far is the endpoint's, plus the harness.
        "endpoint_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        "calls": sum(calls.values()),
        "writes": writes,
        "reads": sum(calls.values()) - writes,
        "calls_by_action": dict(sorted(calls.items())),
        "changed": sum(h["changed"] for h in recap.values()),
        "failed": sum(h["failed"] for h in recap.values()),
        "profile": profile,
        "tail": result["out"][-3000:] if result["rc"] else "",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variant", choices=sorted(PLAYBOOKS), required=True)
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--forks", type=int, default=5)
    parser.add_argument("--scope", choices=("accounts", "wildcard"), default="accounts")
    parser.add_argument("--managed-policies", nargs="+", default=None, metavar="NAME",
                        help="the AWS managed policies moto gives each account (default: its whole catalogue); "
                             "PowerUserAccess is the one the playbooks attach. Needed past a few hundred accounts")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="spinnaker-bench-")
    inventory = write_inventory(os.path.join(work, "inventory.yml"), args.accounts, scope=args.scope)
    with LocalAWS(managed_policies=args.managed_policies) as aws:
        phases = {}
        for phase in ("create", "noop"):
            phases[phase] = run_phase(aws, args.variant, inventory, work, forks=args.forks)
            if phases[phase]["rc"] != 0:
                break
        policy_size = None
        try:
            iam = aws.client("iam", "100000000001")
            arn = "arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy"
            version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
            document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
            policy_size = len(json.dumps(document, separators=(",", ":")))
        except Exception:  # pylint: disable=broad-except
            pass
    print(json.dumps({"variant": args.variant, "accounts": args.accounts, "forks": args.forks, "scope": args.scope,
                      "managed_policies": args.managed_policies or "all",
                      "phases": phases, "managing_policy_size": policy_size}))


if __name__ == "__main__":
    main()
