"""Each role's README "Smallest playbook" runs as written, against a moto server on 127.0.0.1 and the Halyard
emulator: the playbook text is read from the README itself. Credentials come only from the environment (the
controller's AWS_* variables, AWS_ENDPOINT_URL pointing at the local endpoint, which botocore reads), never from
the site playbook's session facts. The inventory is one AWS account, moto's default 123456789012, that is both the
managing and the managed account."""

import os
import subprocess

import pytest
import yaml

from tests.gate.emulator import GateEmulator
from tests.halyard.emulator import Emulator
from tests.local_aws import LocalAWS
from tests.playbook import ROOT
from tests.playbook import parse_recap
from tests.playbook import playbook_env

pytestmark = pytest.mark.xdist_group("role-readmes")

ACCOUNT = "123456789012"
INVENTORY = {"all": {
    "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
             "spinnaker_regions": ["us-east-1"]},
    "children": {
        "spinnaker_managing": {"hosts": {"spinnakerManaging": {"aws_account_id": ACCOUNT}}},
        "spinnaker_managed": {"hosts": {"spinnakerManaging": None}},
        "halyard": {"hosts": {"halyard-host": None}},
        "clouddriver": {"hosts": {"clouddriver-host": None}},
        "gate": {"hosts": {"gate-host": None}},
    }}}


def smallest_playbook(role):
    """The first YAML block under "## Smallest playbook" in the role's README."""
    with open(os.path.join(ROOT, "roles", role, "README.md")) as handle:
        text = handle.read()
    section = text.split("## Smallest playbook", 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("readmes")
    inventory = tmp / "inventory.yml"
    inventory.write_text(yaml.safe_dump(INVENTORY))
    with LocalAWS() as aws:
        def run(role, extra=(), text=None):
            playbook = tmp / ("%s.yml" % role)
            playbook.write_text(text or smallest_playbook(role))
            env = playbook_env(aws.endpoint, tmp / "hal")
            env["AWS_ENDPOINT_URL"] = aws.endpoint
            command = [os.path.join(os.path.dirname(os.sys.executable), "ansible-playbook"), "-i", str(inventory),
                       "-e", "spinnaker_halyard_halconfig_path=%s" % (tmp / "hal" / ".hal" / "config")] + list(extra) + [str(playbook)]
            proc = subprocess.run(command, env=env, capture_output=True, text=True, cwd=str(tmp), check=False)
            assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
            return parse_recap(proc.stdout)
        yield {"aws": aws, "run": run, "tmp": tmp}


def test_managing_account_readme_playbook(world):
    world["run"]("managing_account")
    iam = world["aws"].client("iam", ACCOUNT)
    assert iam.get_user(UserName="spinnakerManaging")["User"]["UserName"] == "spinnakerManaging"
    assert [p["PolicyName"] for p in iam.list_attached_user_policies(UserName="spinnakerManaging")["AttachedPolicies"]] == [
        "SpinnakerManagingAccountPolicy"]


def test_managed_account_readme_playbook(world):
    world["run"]("managed_account")
    role = world["aws"].client("iam", ACCOUNT).get_role(RoleName="spinnakerManaged")["Role"]
    principals = [s["Principal"] for s in role["AssumeRolePolicyDocument"]["Statement"] if s.get("Sid") == "SpinnakerManaging"]
    # The run plan's managing principal: the managing account's user.
    assert principals == [{"AWS": ["arn:aws:iam::%s:user/spinnakerManaging" % ACCOUNT]}]
    # BaseIAMRole and its instance profile come with it (base_iam_role folded into managed_account).
    profile = world["aws"].client("iam", ACCOUNT).get_instance_profile(InstanceProfileName="BaseIAMRole")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["BaseIAMRole"]


def test_spinnaker_halyard_readme_playbook(world):
    world["run"]("spinnaker_halyard")
    accounts = Emulator(world["tmp"] / "hal").aws()["accounts"]
    assert [(a["name"], a["accountId"]) for a in accounts] == [("spinnakerManaging", ACCOUNT)]


def test_spinnaker_clouddriver_readme_playbook(world):
    component = world["tmp"] / "srv" / "components" / "spinnaker-aws"
    readme = smallest_playbook("spinnaker_clouddriver")
    text = readme.replace("/srv/spinnaker-kustomize/components/spinnaker-aws", str(component))
    assert text != readme  # only the component's directory differs: a temporary one instead of /srv
    world["run"]("spinnaker_clouddriver", text=text)
    aws = yaml.safe_load((component / "files" / "clouddriver.yml").read_text())["aws"]
    assert [a["name"] for a in aws["accounts"]] == ["spinnakerManaging"]


def test_spinnaker_gate_readme_playbook(world):
    # gate cannot run here: the emulator (tests/gate/emulator.py) answers for it. Only gate's URL differs from the
    # README, and the password it reads from a vault variable is given as that variable.
    readme = smallest_playbook("spinnaker_gate")
    with GateEmulator(username="spinnaker-aws", password="gate-password-7e21", reload_seconds=0.05) as gate:
        text = readme.replace("https://gate.example.com/api/v1", gate.url)
        assert text != readme
        world["run"]("spinnaker_gate", extra=["-e", "vault_gate_password=gate-password-7e21"], text=text)
        assert sorted(gate.stored) == ["spinnakerManaging"] and gate.stored["spinnakerManaging"]["accountId"] == ACCOUNT
        assert "spinnakerManaging" in gate.loaded
