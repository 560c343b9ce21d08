"""site.yml with an enterprise organization's IAM rules, against a moto server on 127.0.0.1 (moto stores and reads
back IAM paths, permissions boundaries and a secret's KMS key): every role and the user the collection creates sit
under spinnaker_iam_path with spinnaker_iam_permissions_boundary, every ARN the collection builds follows the path
(the managing policy, the trust, PassRole, Spinnaker's assumeRole, the check), and the access key's secret is
encrypted with managing_account_secret_kms_key_id."""

import json
import os

import pytest

from tests.halyard.emulator import Emulator
from tests.local_aws import LocalAWS
from tests.playbook import ROOT
from tests.playbook import run_playbook

pytestmark = pytest.mark.xdist_group("enterprise")

ACCOUNTS = {"spinnakerManaging": "100000000001", "develop": "200000000002", "staging": "300000000003"}
PATH = "/spinnaker/"
BOUNDARY = "arn:aws:iam::%s:policy/PlatformBoundary"


@pytest.fixture(scope="module")
def enterprise(tmp_path_factory):
    home = tmp_path_factory.mktemp("hal")
    with LocalAWS() as aws:
        for account_id in ACCOUNTS.values():
            aws.client("iam", account_id).create_policy(PolicyName="PlatformBoundary", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = aws.client("kms", "100000000001").create_key(Description="Spinnaker secrets")["KeyMetadata"]["Arn"]
        extra = {"spinnaker_iam_path": PATH,
                 "spinnaker_iam_permissions_boundary": "arn:aws:iam::{{ aws_account_id }}:policy/PlatformBoundary",
                 "managing_account_secret_kms_key_id": key}
        inventory = os.path.join(ROOT, "examples", "inventory.yml")
        first = run_playbook("site.yml", inventory, aws.endpoint, home, extra_vars=extra)
        aws.clear()
        second = run_playbook("site.yml", inventory, aws.endpoint, home, extra_vars=extra)
        yield {"aws": aws, "hal": Emulator(home), "first": first, "second": second, "writes": aws.writes(), "key": key}


def test_every_role_sits_under_the_path_with_the_boundary_and_so_does_the_user(enterprise):
    aws = enterprise["aws"]
    for name, account_id in ACCOUNTS.items():
        iam = aws.client("iam", account_id)
        for role_name in ("spinnakerManaged", "BaseIAMRole"):
            role = iam.get_role(RoleName=role_name)["Role"]
            assert role["Path"] == PATH, (name, role_name)
            assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY % account_id, (name, role_name)
        assert iam.get_instance_profile(InstanceProfileName="BaseIAMRole")["InstanceProfile"]["Path"] == PATH
    user = aws.client("iam", "100000000001").get_user(UserName="spinnakerManaging")["User"]
    assert user["Path"] == PATH and user["Arn"] == "arn:aws:iam::100000000001:user/spinnaker/spinnakerManaging"


def test_every_arn_the_collection_builds_follows_the_path(enterprise):
    aws = enterprise["aws"]
    iam = aws.client("iam", "100000000001")
    arn = "arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy"
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    assume = [s for s in document["Statement"] if s["Sid"] == "SpinnakerAssumeManagedRoles"][0]
    assert sorted(assume["Resource"]) == sorted("arn:aws:iam::%s:role/spinnaker/spinnakerManaged" % a for a in ACCOUNTS.values())
    develop = aws.client("iam", "200000000002")
    trust = develop.get_role(RoleName="spinnakerManaged")["Role"]["AssumeRolePolicyDocument"]
    owned = [s for s in trust["Statement"] if s.get("Sid") == "SpinnakerManaging"][0]
    assert owned["Principal"] == {"AWS": ["arn:aws:iam::100000000001:user/spinnaker/spinnakerManaging"]}
    inline = develop.get_role_policy(RoleName="spinnakerManaged", PolicyName="PassRole-and-Certificates")["PolicyDocument"]
    pass_role = [s for s in inline["Statement"] if s["Sid"] == "SpinnakerPassRole"][0]
    assert pass_role["Resource"] in (["arn:aws:iam::200000000002:role/spinnaker/BaseIAMRole"],
                                     "arn:aws:iam::200000000002:role/spinnaker/BaseIAMRole")
    assert "ec2.amazonaws.com" in pass_role["Condition"]["StringEquals"]["iam:PassedToService"]
    accounts = dict((a["name"], a) for a in enterprise["hal"].aws()["accounts"])
    assert all(a["assumeRole"] == "role/spinnaker/spinnakerManaged" for a in accounts.values())
    output = enterprise["first"][1]
    for account_id in ACCOUNTS.values():  # the check assumed every role by its path ARN
        assert "%s  role/spinnaker/spinnakerManaged" % account_id in output or "%s  spinnakerManaged" % account_id in output


def test_the_access_key_secret_is_encrypted_with_the_given_kms_key(enterprise):
    secret = enterprise["aws"].client("secretsmanager", "100000000001").describe_secret(
        SecretId="spinnaker/spinnakerManaging/access-key")
    assert secret["KmsKeyId"] == enterprise["key"]


def test_a_rerun_under_the_enterprise_rules_writes_nothing(enterprise):
    recap = enterprise["second"][2]
    assert all(c["changed"] == 0 and c["failed"] == 0 for c in recap.values()), recap
    assert enterprise["writes"] == []


def test_one_variable_renames_the_managed_role_for_every_role_and_spinnaker(tmp_path):
    with LocalAWS() as aws:
        inventory = os.path.join(ROOT, "examples", "inventory.yml")
        run_playbook("site.yml", inventory, aws.endpoint, tmp_path,
                     extra_vars={"spinnaker_managed_role_name": "spinnakerRole", "spinnaker_base_iam_role_name": "SpinnakerInstance"})
        for account_id in ACCOUNTS.values():
            iam = aws.client("iam", account_id)
            assert iam.get_role(RoleName="spinnakerRole")["Role"]["Arn"].endswith(":role/spinnakerRole")
            assert iam.get_instance_profile(InstanceProfileName="SpinnakerInstance")["InstanceProfile"]["Roles"]
        iam = aws.client("iam", "100000000001")
        arn = "arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy"
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
        resources = [r for s in document["Statement"] if s["Sid"] == "SpinnakerAssumeManagedRoles" for r in s["Resource"]]
        assert sorted(resources) == sorted("arn:aws:iam::%s:role/spinnakerRole" % a for a in ACCOUNTS.values())
        assert set(a["assumeRole"] for a in Emulator(tmp_path).aws()["accounts"]) == {"role/spinnakerRole"}
