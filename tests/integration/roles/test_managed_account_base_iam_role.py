"""site.yml converges BaseIAMRole inside the managed_account role's module run, with its
managed_account_base_iam_role_* variables as the inventory sets them; managed_account_base_iam_role: false leaves BaseIAMRole alone. Against a moto
server on 127.0.0.1 and the Halyard emulator."""

import json

import pytest

from tests.integration.site.test_site import write_inventory
from tests.local_aws import LocalAWS
from tests.playbook import run_playbook

pytestmark = pytest.mark.xdist_group("base_iam_role_settings")

DEVELOP = "200000000002"


def converge(tmp_path, name, host_vars=None, extra_vars=None):
    """One first run of site.yml (verify off); returns what develop's IAM holds and the run's AssumeRole calls."""
    inventory = write_inventory(tmp_path / ("%s.yml" % name), host_vars=host_vars)
    with LocalAWS() as aws:
        # A customer managed policy of the account: moto's AWS managed catalogue depends on the process (test_bench
        # limits it), the account's own policies do not.
        aws.client("iam", DEVELOP).create_policy(PolicyName="PlatformInstancePolicy", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
        run_playbook("site.yml", inventory, aws.endpoint, tmp_path / name, extra_vars=dict({"spinnaker_verify": "false"}, **(extra_vars or {})))
        iam = aws.client("iam", DEVELOP)
        roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
        state = {"roles": roles, "assume_role_calls": len([c for c in aws.calls if c == ("sts", "AssumeRole")])}
        if "BaseIAMRole" in roles:
            state["trust"] = iam.get_role(RoleName="BaseIAMRole")["Role"]["AssumeRolePolicyDocument"]
            state["attached"] = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="BaseIAMRole")["AttachedPolicies"]]
            state["profile_roles"] = [r["RoleName"] for r in iam.get_instance_profile(
                InstanceProfileName="BaseIAMRole")["InstanceProfile"]["Roles"]]
        return state


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("base_iam_role_settings")
    return {
        "with": converge(tmp_path, "with", host_vars={"develop": {
            "managed_account_base_iam_role_trust_sid": "PlatformEC2", "managed_account_base_iam_role_managed_policies": ["PlatformInstancePolicy"]}}),
        "without": converge(tmp_path, "without", extra_vars={"managed_account_base_iam_role": "false"}),
    }


def test_the_base_iam_role_variables_set_in_the_inventory_shape_base_iam_role(runs):
    state = runs["with"]
    assert [s["Sid"] for s in state["trust"]["Statement"]] == ["PlatformEC2"]
    assert state["attached"] == ["PlatformInstancePolicy"]
    assert state["profile_roles"] == ["BaseIAMRole"]


def test_base_iam_role_rides_in_the_session_of_spinnaker_managed(runs):
    # Converging BaseIAMRole in every account costs no sts:AssumeRole of its own.
    assert runs["with"]["assume_role_calls"] == runs["without"]["assume_role_calls"]


def test_managed_account_base_iam_role_false_leaves_base_iam_role_alone(runs):
    assert "spinnakerManaged" in runs["without"]["roles"] and "BaseIAMRole" not in runs["without"]["roles"]
