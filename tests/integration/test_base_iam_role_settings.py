"""site.yml converges BaseIAMRole inside the managed_account role's module run, with the base_iam_role role's
variables as the inventory sets them; managed_account_base_iam_role: false leaves BaseIAMRole alone. Against a moto
server on 127.0.0.1 and the Halyard emulator."""

import pytest

from tests.integration.test_site import write_inventory
from tests.local_aws import LocalAWS
from tests.playbook import run_playbook

pytestmark = pytest.mark.xdist_group("base_iam_role_settings")

DEVELOP = "200000000002"


def test_the_base_iam_role_variables_set_in_the_inventory_shape_base_iam_role(tmp_path):
    inventory = write_inventory(tmp_path / "inventory.yml", host_vars={"develop": {
        "base_iam_role_trust_sid": "PlatformEC2", "base_iam_role_managed_policies": ["ReadOnlyAccess"]}})
    with LocalAWS() as aws:
        run_playbook("site.yml", inventory, aws.endpoint, tmp_path, extra_vars={"spinnaker_verify": "false"})
        iam = aws.client("iam", DEVELOP)
        trust = iam.get_role(RoleName="BaseIAMRole")["Role"]["AssumeRolePolicyDocument"]
        assert [s["Sid"] for s in trust["Statement"]] == ["PlatformEC2"]
        attached = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="BaseIAMRole")["AttachedPolicies"]]
        assert attached == ["ReadOnlyAccess"]
        profile = iam.get_instance_profile(InstanceProfileName="BaseIAMRole")["InstanceProfile"]
        assert [r["RoleName"] for r in profile["Roles"]] == ["BaseIAMRole"]
        # One module run per account: the bootstrap role is assumed once for develop's two roles.
        assumed = [c for c in aws.calls if c == ("sts", "AssumeRole")]
        assert len(assumed) == 3, aws.calls  # develop, staging, and the managing account's session step


def test_managed_account_base_iam_role_false_leaves_base_iam_role_alone(tmp_path):
    inventory = write_inventory(tmp_path / "inventory.yml")
    with LocalAWS() as aws:
        run_playbook("site.yml", inventory, aws.endpoint, tmp_path,
                     extra_vars={"spinnaker_verify": "false", "managed_account_base_iam_role": "false"})
        iam = aws.client("iam", DEVELOP)
        assert iam.get_role(RoleName="spinnakerManaged")["Role"]
        assert "BaseIAMRole" not in [r["RoleName"] for r in iam.list_roles()["Roles"]]
