"""AWX job slicing: each slice sees only its own hosts. Two slices (plus the unsliced Halyard job of the workflow)
must end in the same state as one unsliced run; with default settings a slice without the managing host stops."""

import os

import yaml

from tests.halyard.emulator import Emulator
from tests.local_aws import LocalAWS
from tests.playbook import ROOT
from tests.playbook import run_playbook

from .test_site import ACCOUNTS
from .test_site import iam_state

SLICING_VARS = {
    "spinnaker_managing_principal_arn": "arn:aws:iam::100000000001:user/spinnakerManaging",
    "managing_account_assume_role_scope": "wildcard",
    "managing_account_organization_id": "o-exampleorg1",
}


def sliced_inventory(path, hosts, extra_vars):
    """The example inventory as AWX hands it to one slice: only ``hosts`` remain in every group."""
    with open(os.path.join(ROOT, "examples", "inventory.yml")) as handle:
        inventory = yaml.safe_load(handle)
    inventory["all"]["vars"].update(extra_vars)
    for group in inventory["all"]["children"].values():
        group["hosts"] = {h: v for h, v in group["hosts"].items() if h in hosts}
    with open(path, "w") as handle:
        yaml.safe_dump(inventory, handle, sort_keys=False)
    return str(path)


def end_state(aws, hal):
    """Everything the job manages, without what differs by nature between two endpoints (access key ids)."""
    iam = aws.client("iam", "100000000001")
    arn = "arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy"
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    provider = hal.aws()
    return {
        "accounts": {a: iam_state(aws, a) for a in ACCOUNTS.values()},
        "managing_policy": iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"],
        "keys": len(iam.list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"]),
        "halconfig_accounts": sorted(provider["accounts"], key=lambda a: a["name"]),
        "provider": (provider["enabled"], bool(provider.get("accessKeyId")), bool(provider.get("secretAccessKey"))),
    }


def test_two_slices_end_in_the_same_state_as_one_run(tmp_path):
    full = sliced_inventory(tmp_path / "full.yml", set(ACCOUNTS) | {"halyard-host"}, SLICING_VARS)
    with LocalAWS() as aws:
        run_playbook("site.yml", full, aws.endpoint, tmp_path / "one")
        one = end_state(aws, Emulator(tmp_path / "one"))
    with LocalAWS() as aws:
        home = tmp_path / "sliced"
        for index, hosts in enumerate([{"spinnakerManaging", "develop"}, {"staging", "halyard-host"}]):
            inventory = sliced_inventory(tmp_path / ("slice%d.yml" % index), hosts, SLICING_VARS)
            run_playbook("site.yml", inventory, aws.endpoint, home, extra_vars={"spinnaker_registration_enabled": "false"})
        # The workflow's second job template: Halyard and the check, not sliced, IAM off.
        _rc, output, recap = run_playbook("site.yml", full, aws.endpoint, home, extra_vars={"spinnaker_iam_enabled": "false"})
        sliced = end_state(aws, Emulator(home))
    assert sliced == one
    assert one["managing_policy"]["Statement"][1] == {
        "Sid": "SpinnakerAssumeManagedRoles", "Effect": "Allow", "Action": ["sts:AssumeRole"],
        "Resource": ["arn:aws:iam::*:role/spinnakerManaged"],
        "Condition": {"StringEquals": {"aws:ResourceOrgID": "o-exampleorg1"}},
    }
    assert recap["develop"]["changed"] == 0 and "300000000003  role/spinnakerManaged  halyard        yes" in output


def test_default_settings_stop_a_slice_without_the_managing_host(tmp_path):
    with LocalAWS() as aws:
        inventory = sliced_inventory(tmp_path / "slice.yml", {"staging", "halyard-host"}, {})
        rc, output, _recap = run_playbook("site.yml", inventory, aws.endpoint, tmp_path, check=False)
        assert rc != 0
        assert "spinnaker_managing must hold exactly one host" in output and "spinnaker_managing_principal_arn" in output
        assert aws.calls == []
