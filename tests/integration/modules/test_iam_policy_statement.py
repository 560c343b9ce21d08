"""spinnaker.aws.iam_policy_statement against moto in-process."""

import json

import pytest

from ansible_collections.spinnaker.aws.plugins.modules import iam_policy_statement

from .conftest import AWS_ARGS
from .conftest import run_module

ACCOUNT = "123456789012"  # moto's default account
POLICY_ARN = "arn:aws:iam::%s:policy/SpinnakerManagingAccountPolicy" % ACCOUNT
ROLE = "arn:aws:iam::%s:role/spinnakerManaged"


def run(args, **kw):
    return run_module(iam_policy_statement.main, dict(AWS_ARGS, **args), **kw)


def assume(*accounts):
    return {
        "managed_policy": "SpinnakerManagingAccountPolicy",
        "sid": "SpinnakerAssumeManagedRoles",
        "actions": ["sts:AssumeRole"],
        "resources": [ROLE % a for a in accounts],
    }


def default_document(client, arn=POLICY_ARN):
    version = client.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return client.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]


def test_creates_managed_policy_when_missing(aws):
    client, log = aws
    result = run(assume("200000000002"))
    assert result["changed"] and result["policy_arn"] == POLICY_ARN
    assert default_document(client)["Statement"][0]["Resource"] == [ROLE % "200000000002"]
    assert log.writes() == ["CreatePolicy"]


def test_onboarding_one_account_adds_one_arn_and_removes_nothing(aws):
    client = aws[0]
    run(assume("200000000002", "300000000003"))
    result = run(assume("400000000004"))
    assert result["added_resources"] == {"SpinnakerAssumeManagedRoles": [ROLE % "400000000004"]}
    assert result["removed_resources"] == {"SpinnakerAssumeManagedRoles": []}
    assert default_document(client)["Statement"][0]["Resource"] == [ROLE % a for a in ("200000000002", "300000000003", "400000000004")]


def test_rerun_makes_no_write_call(aws):
    client, log = aws
    run(assume("200000000002"))
    log.clear()
    result = run(assume("200000000002"))
    assert not result["changed"]
    assert log.writes() == []


def test_statements_of_other_sids_are_kept(aws):
    client = aws[0]
    foreign = {"Sid": "PlatformTeam", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}
    client.create_policy(PolicyName="SpinnakerManagingAccountPolicy", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [foreign]}))
    run(assume("200000000002"))
    assert default_document(client)["Statement"][0] == foreign


def test_version_rotation_keeps_at_most_five_versions(aws):
    # IAM keeps five versions of a managed policy and answers LimitExceeded for a sixth (IAM User Guide,
    # "Versioning IAM policies"); moto enforces the same limit.
    client = aws[0]
    for i in range(7):
        result = run(assume("2%011d" % i))
        assert not result.get("failed"), result
    versions = client.list_policy_versions(PolicyArn=POLICY_ARN)["Versions"]
    assert len(versions) == 5
    assert result["deleted_version_id"] == "v2"
    assert result["deleted_version"]["version_id"] == "v2" and result["deleted_version"]["create_date"][:2] == "20"
    assert any("v2 of 20" in w and "oldest version that was not the default" in w for w in result["warnings"])
    assert len(default_document(client)["Statement"][0]["Resource"]) == 7


def test_statements_option_writes_several_sids_at_once(aws):
    client, log = aws
    args = {
        "managed_policy": "SpinnakerManagingAccountPolicy",
        "statements": [
            {"sid": "SpinnakerBaseActions", "actions": ["ec2:DescribeAvailabilityZones", "ec2:DescribeRegions"], "resources": ["*"]},
            {"sid": "SpinnakerAssumeManagedRoles", "actions": ["sts:AssumeRole"], "resources": [ROLE % "200000000002"]},
        ],
    }
    run(args)
    assert [s["Sid"] for s in default_document(client)["Statement"]] == ["SpinnakerBaseActions", "SpinnakerAssumeManagedRoles"]
    log.clear()
    assert not run(args)["changed"] and log.writes() == []


def test_absent_removes_resource(aws):
    client = aws[0]
    run(assume("200000000002", "300000000003"))
    result = run(dict(assume("300000000003"), state="absent", actions=[]))
    assert result["changed"]
    assert default_document(client)["Statement"][0]["Resource"] == [ROLE % "200000000002"]


def test_check_mode_writes_nothing(aws):
    client, log = aws
    result = run(assume("200000000002"), check_mode=True, diff=True)
    assert result["changed"] and result["diff"]["before"] is None
    assert log.writes() == []
    with pytest.raises(client.exceptions.NoSuchEntityException):
        client.get_policy(PolicyArn=POLICY_ARN)


def test_inline_role_policy_merge_and_rerun(aws):
    client, log = aws
    client.create_role(RoleName="spinnakerManaged", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    args = {
        "role_name": "spinnakerManaged",
        "policy_name": "PassRole-and-Certificates",
        "sid": "PassRoleAndCertificates",
        "actions": ["iam:ListServerCertificates", "iam:PassRole"],
        "resources": ["*"],
    }
    assert run(args)["changed"]
    document = client.get_role_policy(RoleName="spinnakerManaged", PolicyName="PassRole-and-Certificates")["PolicyDocument"]
    assert document["Statement"][0]["Action"] == ["iam:ListServerCertificates", "iam:PassRole"]
    log.clear()
    assert not run(args)["changed"] and log.writes() == []


def test_managed_policy_over_quota_fails_before_write(aws):
    log = aws[1]
    args = assume(*["%012d" % (200000000000 + i) for i in range(130)])
    result = run(args)
    assert result["failed"] and result["field"] == "size"
    assert "6144" in result["msg"] and "130 resources" in result["msg"]
    assert log.writes() == []


@pytest.mark.parametrize(
    "args, field",
    [
        ({"resources": ["spinnakerManaged"]}, "resources"),
        ({"actions": ["AssumeRole"]}, "actions"),
    ],
)
def test_bad_input_fails_before_any_aws_call(aws, args, field):
    log = aws[1]
    result = run(dict(assume("200000000002"), **args))
    assert result["failed"] and result["field"] == field
    assert log.calls == []


@pytest.mark.parametrize("when", [2, 3], ids=["between-read-and-write", "just-after-the-write"])
def test_a_concurrent_writer_loses_nothing_and_neither_do_we(aws, monkeypatch, when):
    # Another run's blind read-modify-write lands at the worst moments: between this module's read and its write
    # (call 2, the re-read before writing, sees a newer default version and merges again from it), or just after
    # its write, built on the state before it (call 3, the re-read after writing, sees a later version that lacks
    # our ARN and merges it back). Either way both ARNs end in the policy.
    from ansible_collections.spinnaker.aws.plugins.modules import iam_policy_statement

    client = aws[0]
    run(assume("200000000002"))
    original = iam_policy_statement.get_managed_policy
    calls = []
    stale = default_document(client)  # what the other run read

    def get_with_a_concurrent_writer(iam, arn):
        calls.append(arn)
        if len(calls) == when:
            other = json.loads(json.dumps(stale))
            resource = other["Statement"][0]["Resource"]
            other["Statement"][0]["Resource"] = ([resource] if isinstance(resource, str) else resource) + [ROLE % "999999999999"]
            client.create_policy_version(PolicyArn=POLICY_ARN, PolicyDocument=json.dumps(other), SetAsDefault=True)
        return original(iam, arn)

    monkeypatch.setattr(iam_policy_statement, "get_managed_policy", get_with_a_concurrent_writer)
    result = run(assume("300000000003"))
    assert result["changed"] and not result.get("failed"), result
    resources = default_document(client)["Statement"][0]["Resource"]
    assert sorted(resources) == [ROLE % "200000000002", ROLE % "300000000003", ROLE % "999999999999"]
