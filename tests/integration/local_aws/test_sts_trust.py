"""The STS trust layer (tests/sts_trust.py) in front of a real moto server: boto3 against the endpoint.

The world: a moto Organization whose management account (moto's default, where the ``testing`` keys act) holds
the callers (IAM users with access keys), and two member accounts: ``roles``, whose roles the callers assume, and
``other``. Each test writes its own role, so the tests share one endpoint (one xdist group)."""

import json
import os
import socket
import subprocess
import sys
import time
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.local_aws import LocalAWS
from tests.playbook import ROOT
from tests.sts_trust import TrustConfig
from tests.sts_trust import deny_assume_role_into

pytestmark = pytest.mark.xdist_group("local_aws_sts_trust")

CAN_ASSUME = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}


class World:
    def __init__(self, aws):
        self.aws = aws
        org = aws.client("organizations")
        self.org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        self.management = aws.client("sts").get_caller_identity()["Account"]
        for name in ("roles", "other"):
            org.create_account(AccountName=name, Email="%s@example.com" % name)
        ids = {a["Name"]: a["Id"] for a in org.list_accounts()["Accounts"]}
        self.roles_account, self.other_account = ids["roles"], ids["other"]
        self.iam = aws.client("iam")
        self.users = {name: self.user(name, policy) for name, policy in
                      (("spinnaker", CAN_ASSUME), ("intruder", CAN_ASSUME), ("bare", None))}

    def user(self, name, policy):
        user = self.iam.create_user(UserName=name)["User"]
        if policy:
            self.iam.put_user_policy(UserName=name, PolicyName="assume", PolicyDocument=json.dumps(policy))
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        return {"arn": user["Arn"], "key": (key["AccessKeyId"], key["SecretAccessKey"], None)}

    def role(self, *statements, account=None):
        """A new role in ``account`` (the roles account) with these trust statements; returns its ARN."""
        account = account or self.roles_account
        iam = self.iam if account == self.management else self.aws.client("iam", account)
        name = "role-" + uuid.uuid4().hex[:8]
        doc = {"Version": "2012-10-17", "Statement": list(statements)}
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(doc))["Role"]["Arn"]

    def client(self, service, key):
        access_key, secret, token = key
        return boto3.client(service, region_name="us-east-1", endpoint_url=self.aws.endpoint, aws_access_key_id=access_key,
                            aws_secret_access_key=secret, aws_session_token=token)

    def assume(self, who, role_arn, session="spinnaker", **kwargs):
        """Credentials ``(key, secret, token)`` of the session, as ``who`` (a user name or credentials)."""
        key = self.users[who]["key"] if isinstance(who, str) else who
        creds = self.client("sts", key).assume_role(RoleArn=role_arn, RoleSessionName=session, **kwargs)["Credentials"]
        return creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]

    def refused(self, who, role_arn, **kwargs):
        """The ClientError STS answers ``who``; fails the test when the session is granted."""
        with pytest.raises(ClientError) as error:
            self.assume(who, role_arn, **kwargs)
        return error.value.response


def allow(principal, **condition):
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return statement


@pytest.fixture(scope="module")
def world():
    with LocalAWS(managed_policies=[], trust=TrustConfig()) as aws:
        yield World(aws)


def test_an_allowed_principal_assumes_the_role(world):
    role = world.role(allow(world.users["spinnaker"]["arn"]))
    identity = world.client("sts", world.assume("spinnaker", role)).get_caller_identity()
    assert identity["Account"] == world.roles_account
    assert identity["Arn"] == role.replace(":iam:", ":sts:").replace(":role/", ":assumed-role/") + "/spinnaker"


def test_a_principal_the_trust_policy_does_not_name_gets_access_denied_as_from_sts(world):
    role = world.role(allow(world.users["spinnaker"]["arn"]))
    response = world.refused("intruder", role)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert response["Error"] == {
        "Type": "Sender", "Code": "AccessDenied",
        "Message": "User: %s is not authorized to perform: sts:AssumeRole on resource: %s" % (world.users["intruder"]["arn"], role)}
    assert world.aws.trust.decisions[-1] == (world.users["intruder"]["arn"], role, False)


def test_the_account_root_admits_only_principals_whose_identity_policy_allows_assume_role(world):
    role = world.role(allow("arn:aws:iam::%s:root" % world.management))
    world.assume("spinnaker", role)
    assert world.refused("bare", role)["Error"]["Code"] == "AccessDenied"


def test_a_role_session_arn_in_the_trust_policy_admits_that_session_only(world):
    hop = world.role(allow(world.users["spinnaker"]["arn"]), account=world.management)
    world.aws.client("iam").put_role_policy(RoleName=hop.split("/")[-1], PolicyName="assume", PolicyDocument=json.dumps(CAN_ASSUME))
    session_arn = hop.replace(":iam:", ":sts:").replace(":role/", ":assumed-role/") + "/session-x"
    role = world.role(allow(session_arn))
    world.assume(world.assume("spinnaker", hop, session="session-x"), role)
    response = world.refused(world.assume("spinnaker", hop, session="session-y"), role)
    assert response["Error"]["Message"].startswith("User: %s is not authorized" % session_arn.replace("session-x", "session-y"))


@pytest.mark.parametrize("external_id,granted", [("spinnaker-abc123", True), (None, False), ("wrong-id", False)],
                         ids=["with_the_id", "without_an_id", "with_a_wrong_id"])
def test_an_external_id_condition_is_required(world, external_id, granted):
    role = world.role(allow(world.users["spinnaker"]["arn"], StringEquals={"sts:ExternalId": "spinnaker-abc123"}))
    kwargs = {"ExternalId": external_id} if external_id else {}
    if granted:
        world.assume("spinnaker", role, **kwargs)
    else:
        assert world.refused("spinnaker", role, **kwargs)["Error"]["Code"] == "AccessDenied"


def test_string_like_external_id(world):
    role = world.role(allow(world.users["spinnaker"]["arn"], StringLike={"sts:ExternalId": "spin-*"}))
    world.assume("spinnaker", role, ExternalId="spin-prod")
    assert world.refused("spinnaker", role, ExternalId="prod-spin")["Error"]["Code"] == "AccessDenied"


def test_null_condition_requires_some_external_id(world):
    role = world.role(allow(world.users["spinnaker"]["arn"], Null={"sts:ExternalId": "false"}))
    world.assume("spinnaker", role, ExternalId="any-value")
    assert world.refused("spinnaker", role)["Error"]["Code"] == "AccessDenied"


def test_a_foreign_deny_statement_wins(world):
    other_team = {"Sid": "SecurityTeamDeny", "Effect": "Deny", "Principal": {"AWS": world.users["spinnaker"]["arn"]},
                  "Action": "sts:AssumeRole"}
    role = world.role(allow(world.users["spinnaker"]["arn"]), other_team)
    assert world.refused("spinnaker", role)["Error"]["Code"] == "AccessDenied"


def test_principal_org_id_is_the_callers_organization(world):
    role = world.role(allow("*", StringEquals={"aws:PrincipalOrgID": world.org_id}))
    elsewhere = world.role(allow("*", StringEquals={"aws:PrincipalOrgID": "o-aaaaaaaaaa"}))
    world.assume("spinnaker", role)
    assert world.refused("spinnaker", elsewhere)["Error"]["Code"] == "AccessDenied"


def test_an_scp_like_deny_refuses_assume_role_into_the_account(world):
    role = world.role(allow(world.users["spinnaker"]["arn"]))
    elsewhere = world.role(allow(world.users["spinnaker"]["arn"]), account=world.other_account)
    world.aws.trust.config.scps["*"] = [deny_assume_role_into(world.roles_account)]
    try:
        assert world.refused("spinnaker", role)["Error"]["Code"] == "AccessDenied"
        world.assume("spinnaker", elsewhere)
    finally:
        world.aws.trust.config.scps.clear()
    world.assume("spinnaker", role)


def test_a_region_the_account_has_not_opted_in_to_is_listed_as_not_opted_in(world):
    session = world.assume("spinnaker", world.role(allow(world.users["spinnaker"]["arn"])))
    world.aws.trust.config.not_opted_in[world.roles_account] = ["eu-west-3"]
    try:
        ec2 = world.client("ec2", session)
        everything = {r["RegionName"]: r["OptInStatus"] for r in ec2.describe_regions(AllRegions=True)["Regions"]}
        enabled = {r["RegionName"] for r in ec2.describe_regions()["Regions"]}
        other_account = {r["RegionName"]: r["OptInStatus"] for r in
                         world.aws.client("ec2").describe_regions(AllRegions=True)["Regions"]}
    finally:
        world.aws.trust.config.not_opted_in.clear()
    assert everything["eu-west-3"] == "not-opted-in"
    assert everything["us-east-1"] == "opt-in-not-required"
    assert "eu-west-3" not in enabled and "us-east-1" in enabled
    assert other_account["eu-west-3"] == "opt-in-not-required"


def test_without_the_layer_moto_grants_what_the_layer_refuses():
    with LocalAWS(managed_policies=[]) as aws:
        assert aws.trust is None
        iam = aws.client("iam")
        doc = {"Version": "2012-10-17", "Statement": [allow("arn:aws:iam::999999999999:root")]}
        role = iam.create_role(RoleName="nobody-of-ours", AssumeRolePolicyDocument=json.dumps(doc))["Role"]["Arn"]
        aws.client("sts").assume_role(RoleArn=role, RoleSessionName="moto-grants-it")


def test_an_unchecked_role_is_moto_s_answer_and_every_other_assume_role_is_evaluated_and_recorded():
    config = TrustConfig(unchecked_roles=["OrganizationAccountAccessRole"])
    with LocalAWS(managed_policies=[], trust=config) as aws:
        # No moto Organization: the bootstrap role exists nowhere, yet moto grants it, as without the layer.
        iam = aws.client("iam", "200000000002")
        doc = {"Version": "2012-10-17", "Statement": [allow("arn:aws:iam::999999999999:root",
                                                            StringEquals={"sts:ExternalId": "x-1"})]}
        role = iam.create_role(RoleName="guarded", AssumeRolePolicyDocument=json.dumps(doc))["Role"]["Arn"]
        with pytest.raises(ClientError) as error:
            aws.client("sts").assume_role(RoleArn=role, RoleSessionName="no-id")
        assert error.value.response["Error"]["Code"] == "AccessDenied"
        assert [(a["role_arn"], a["external_id"], a["allowed"]) for a in aws.trust.answers] == [(role, False, False)]


def test_the_command_serves_moto_with_the_layer_in_front(tmp_path):
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "tests.sts_trust", "--port", str(port), "--managed-policies", "",
                                "--not-opted-in", "123456789012=eu-west-3"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=dict(os.environ, PYTHONPATH=ROOT), text=True)
    try:
        started = []
        while not started or started[-1] and "STS trust layer on" not in started[-1]:
            started.append(process.stdout.readline())
        assert started[-1] == "moto with the STS trust layer on http://127.0.0.1:%d\n" % port, started
        kwargs = dict(region_name="us-east-1", endpoint_url="http://127.0.0.1:%d" % port,
                      aws_access_key_id="testing", aws_secret_access_key="testing")
        with pytest.raises(ClientError) as error:
            boto3.client("sts", **kwargs).assume_role(RoleArn="arn:aws:iam::123456789012:role/none", RoleSessionName="cli")
        assert error.value.response["Error"]["Code"] == "AccessDenied"
        regions = boto3.client("ec2", **kwargs).describe_regions(AllRegions=True)["Regions"]
        assert {r["RegionName"]: r["OptInStatus"] for r in regions}["eu-west-3"] == "not-opted-in"
    finally:
        process.terminate()
        deadline = time.time() + 30
        while process.poll() is None and time.time() < deadline:
            time.sleep(0.1)
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
