"""Run the collection's playbooks the way a user does: ansible-playbook in a subprocess, against a local AWS
endpoint (tests/local_aws.py) and the Halyard emulator (tests/halyard/hal)."""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, "build", "collections")
HAL_DIR = os.path.join(ROOT, "tests", "halyard")
RECAP_RE = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def ensure_collection_link():
    """build/collections/ansible_collections/spinnaker/aws -> the checkout (as `make collection` does)."""
    link = os.path.join(COLLECTIONS, "ansible_collections", "spinnaker", "aws")
    if not os.path.lexists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)


def playbook_env(endpoint, hal_home):
    """Environment of a run: controller credentials for the local endpoint, the emulator first on PATH."""
    ensure_collection_link()
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_HOST_KEY_CHECKING="False",
        ANSIBLE_RETRY_FILES_ENABLED="False",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        HAL_EMULATOR_HOME=str(hal_home),
        PATH=os.pathsep.join([HAL_DIR, os.path.dirname(sys.executable), os.environ.get("PATH", "")]),
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "MOTO_ACCOUNT_ID"):
        env.pop(name, None)
    return env


def playbook_command(playbook, inventory, endpoint, hal_home, extra_vars=None, args=()):
    """The ``ansible-playbook`` argv of a run (see ``run_playbook``)."""
    halconfig = os.path.join(str(hal_home), ".hal", "config")
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory]
    if endpoint:  # None: the inventory sets aws_endpoint_url per host
        command += ["-e", "aws_endpoint_url=%s" % endpoint]
    command += ["-e", "spinnaker_halyard_halconfig_path=%s" % halconfig]
    for key, value in (extra_vars or {}).items():
        command += ["-e", "%s=%s" % (key, value)]
    return command + list(args) + [os.path.join(ROOT, playbook)]


def parse_recap(stdout):
    """``PLAY RECAP`` as ``{host: {"ok", "changed", "unreachable", "failed"}}``."""
    return {m.group(1): dict(ok=int(m.group(2)), changed=int(m.group(3)), unreachable=int(m.group(4)), failed=int(m.group(5)))
            for m in RECAP_RE.finditer(stdout)}


def run_playbook(playbook, inventory, endpoint, hal_home, extra_vars=None, args=(), check=True):
    """Run ``ansible-playbook``; returns ``(returncode, output, recap)`` where recap maps host -> counts."""
    command = playbook_command(playbook, inventory, endpoint, hal_home, extra_vars, args)
    proc = subprocess.run(command, env=playbook_env(endpoint, hal_home), capture_output=True, text=True, cwd=ROOT, check=False)
    output = proc.stdout + proc.stderr
    if check and proc.returncode != 0:
        raise AssertionError("ansible-playbook failed (%d):\n%s" % (proc.returncode, output[-8000:]))
    return proc.returncode, output, parse_recap(proc.stdout)


def run_together(runs):
    """Start several ``ansible-playbook`` runs at the same moment and wait for all of them.

    ``runs``: a list of ``run_playbook`` keyword dicts. Returns one ``(returncode, output, recap)`` per run, in order.
    """
    procs = []
    for run in runs:
        command = playbook_command(run["playbook"], run["inventory"], run["endpoint"], run["hal_home"],
                                   run.get("extra_vars"), run.get("args", ()))
        procs.append(subprocess.Popen(command, env=playbook_env(run["endpoint"], run["hal_home"]), cwd=ROOT,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    results = []
    for proc in procs:
        stdout = proc.communicate()[0]
        results.append((proc.returncode, stdout, parse_recap(stdout)))
    return results
