"""spinnaker.aws.sts_trust_check: against moto with its auth mode on, for what moto evaluates right, and against
Stubber fixtures reproducing AWS's answers for what it does not."""

import datetime
import json

import boto3
import pytest
from moto.core import set_initial_no_auth_action_count

from ansible_collections.spinnaker.aws.plugins.module_utils.iam import api as iam_io
from ansible_collections.spinnaker.aws.plugins.modules import sts_trust_check

from .conftest import run_module

ACCOUNT = "123456789012"  # moto's default account
ROLE = "arn:aws:iam::%s:role/%s"
ASSUME_ALL = "arn:aws:iam::%s:role/spinnakerManaged-*" % ACCOUNT

# ------------------------------------------------------------------------------------------------------------------
# moto, auth mode on. moto checks a trust policy only for a role in the caller's own account, and only a single
# Allow statement naming the caller (aws-iam.md, "What moto can and cannot show"), so the "accounts" here are three
# roles of one account, each trusting the managing user with one statement.
# ------------------------------------------------------------------------------------------------------------------

SETUP_CALLS = 12  # the unauthenticated calls the setup below makes before moto starts checking


def setup_managing_and_roles(iam, assume_resources, trusted=("a", "b", "c")):
    """The managing user with a policy allowing sts:AssumeRole on ``assume_resources``; roles a, b, c trusting
    the user when listed in ``trusted`` (else another user); each role may call ec2:DescribeRegions."""
    user = iam.create_user(UserName="spinnakerManaging")["User"]["Arn"]
    key = iam.create_access_key(UserName="spinnakerManaging")["AccessKey"]
    policy = iam.create_policy(PolicyName="SpinnakerManagingAccountPolicy", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": assume_resources}],
    }))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="spinnakerManaging", PolicyArn=policy)
    for name in ("a", "b", "c"):
        principal = user if name in trusted else "arn:aws:iam::%s:user/someoneElse" % ACCOUNT
        iam.create_role(RoleName="spinnakerManaged-" + name, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}],
        }))
        iam.put_role_policy(RoleName="spinnakerManaged-" + name, PolicyName="read", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeRegions", "Resource": "*"}],
        }))
    return key


def check_with_auth(monkeypatch, assume_resources, trusted=("a", "b", "c")):
    from moto import mock_aws

    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")

    @set_initial_no_auth_action_count(SETUP_CALLS)
    def scenario():
        iam = boto3.client("iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        key = setup_managing_and_roles(iam, assume_resources, trusted)
        return run_module(sts_trust_check.main, {
            "region": "us-east-1", "access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"],
            "roles": [{"role_arn": ROLE % (ACCOUNT, "spinnakerManaged-" + n)} for n in ("a", "b", "c")],
            "consistency_timeout": 0,
        })

    with mock_aws():
        return scenario()


def by_role(result):
    return {row["role_arn"].rsplit("-", 1)[-1]: row for row in result["rows"]}


def test_trusted_principal_assumes_and_reads(monkeypatch):
    result = check_with_auth(monkeypatch, ASSUME_ALL)
    assert not result["changed"] and result["failed_accounts"] == []
    for row in result["rows"]:
        assert row["assumed"] and row["read_ok"] and row["identity_account"] == ACCOUNT and row["ok"]
    assert "account" in result["table"][0] and all(line.endswith("ok") for line in result["table"][1:])


def test_mutation_principal_dropped_from_one_trust_policy_fails_only_that_role(monkeypatch):
    rows = by_role(check_with_auth(monkeypatch, ASSUME_ALL, trusted=("a", "c")))
    assert [n for n, r in sorted(rows.items()) if not r["ok"]] == ["b"]
    assert rows["b"]["reason"] == "not trusted"


def test_mutation_arn_dropped_from_managing_policy_fails_only_that_role(monkeypatch):
    resources = [ROLE % (ACCOUNT, "spinnakerManaged-a"), ROLE % (ACCOUNT, "spinnakerManaged-c")]
    rows = by_role(check_with_auth(monkeypatch, resources))
    assert [n for n, r in sorted(rows.items()) if not r["ok"]] == ["b"]
    assert not rows["b"]["assumed"]


# ------------------------------------------------------------------------------------------------------------------
# Stubber fixtures: AWS's real answers, which moto does not give
# ------------------------------------------------------------------------------------------------------------------

MANAGING = "arn:aws:iam::100000000001:user/spinnakerManaging"
STAGING_ROLE = "arn:aws:iam::300000000003:role/spinnakerManaged"
NOT_AUTHORIZED = "User: %s is not authorized to perform: sts:AssumeRole on resource: %s" % (MANAGING, STAGING_ROLE)


def assumed(account="300000000003", session="s"):
    return {
        "Credentials": {"AccessKeyId": "ASIAEXAMPLEEXAMPLE01", "SecretAccessKey": "x" * 40, "SessionToken": "token",
                        "Expiration": datetime.datetime(2030, 1, 1)},
        "AssumedRoleUser": {
            "AssumedRoleId": "AROAEXAMPLEEXAMPLE01:%s" % session,
            "Arn": "arn:aws:sts::%s:assumed-role/spinnakerManaged/%s" % (account, session),
        },
    }


def run_stubbed(stubbers, roles, **args):
    return run_module(sts_trust_check.main, dict({"region": "us-east-1", "access_key": "AKIAEXAMPLE", "secret_key": "x",
                                                  "roles": roles, "run_id": "t1", "read_check": False,
                                                  "consistency_timeout": 0}, **args))


@pytest.fixture
def stubbers(stubbed_clients):
    return stubbed_clients


def test_external_id_enforced_when_assume_without_it_is_denied(stubbers):
    # AWS: with an sts:ExternalId condition, AssumeRole without the id is AccessDenied (IAM User Guide,
    # "How to use an external ID when granting access to your AWS resources to a third party").
    sts = stubbers["sts"]
    sts.add_response("assume_role", assumed(), {"RoleArn": STAGING_ROLE, "RoleSessionName": "spinnaker-verify-t1-300000000003", "ExternalId": "ext-1"})
    sts.add_client_error("assume_role", "AccessDenied", NOT_AUTHORIZED, 403,
                         expected_params={"RoleArn": STAGING_ROLE, "RoleSessionName": "spinnaker-verify-t1-300000000003-noextid"})
    result = run_stubbed(stubbers, [{"role_arn": STAGING_ROLE, "external_id": "ext-1"}])
    row = result["rows"][0]
    assert row["assumed"] and row["external_id_enforced"] is True and row["ok"]
    sts.assert_no_pending_responses()


def test_mutation_external_id_condition_removed_fails(stubbers):
    # AWS: a trust without an external-id condition accepts AssumeRole with any external id and without one.
    sts = stubbers["sts"]
    sts.add_response("assume_role", assumed())
    sts.add_response("assume_role", assumed())
    result = run_stubbed(stubbers, [{"role_arn": STAGING_ROLE, "external_id": "ext-1"}])
    row = result["rows"][0]
    assert row["external_id_enforced"] is False and not row["ok"] and row["reason"] == "external id not enforced"
    assert result["failed_accounts"] == ["300000000003"]


def test_wrong_principal_is_not_trusted(stubbers):
    # AWS: AccessDenied "is not authorized to perform: sts:AssumeRole on resource" when the trust does not name the caller.
    stubbers["sts"].add_client_error("assume_role", "AccessDenied", NOT_AUTHORIZED, 403)
    row = run_stubbed(stubbers, [{"role_arn": STAGING_ROLE}])["rows"][0]
    assert not row["assumed"] and row["reason"] == "not trusted" and NOT_AUTHORIZED in row["error"]


def test_managing_policy_without_the_arn_is_reported_as_policy(stubbers):
    # AWS appends the reason when the caller's identity policies lack the permission (IAM User Guide,
    # "Troubleshooting access denied error messages").
    message = NOT_AUTHORIZED + " because no identity-based policy allows the sts:AssumeRole action"
    stubbers["sts"].add_client_error("assume_role", "AccessDenied", message, 403)
    row = run_stubbed(stubbers, [{"role_arn": STAGING_ROLE}])["rows"][0]
    assert row["reason"] == "policy does not allow AssumeRole"


def test_identity_in_another_account_is_a_mismatch(stubbers):
    stubbers["sts"].add_response("assume_role", assumed(account="999999999999"))
    row = run_stubbed(stubbers, [{"role_arn": STAGING_ROLE}])["rows"][0]
    assert row["reason"] == "account mismatch"


def test_access_denied_is_retried_for_eventual_consistency_then_succeeds(stubbers, monkeypatch):
    # IAM is eventually consistent: a trust merged seconds ago can still deny for a while. The backoff's sleep is
    # skipped here; the retry is bounded by consistency_timeout.
    monkeypatch.setattr(iam_io.time, "sleep", lambda seconds: None)
    sts = stubbers["sts"]
    sts.add_client_error("assume_role", "AccessDenied", NOT_AUTHORIZED, 403)
    sts.add_response("assume_role", assumed())
    row = run_stubbed(stubbers, [{"role_arn": STAGING_ROLE}], consistency_timeout=30)["rows"][0]
    assert row["ok"]


def test_fail_on_error_fails_with_the_table(stubbers):
    stubbers["sts"].add_client_error("assume_role", "AccessDenied", NOT_AUTHORIZED, 403)
    result = run_stubbed(stubbers, [{"role_arn": STAGING_ROLE}], fail_on_error=True)
    assert result["failed"] and "FAIL: not trusted" in result["msg"] and "300000000003" in result["msg"]


def test_bad_role_arn_is_refused_before_any_call(stubbers):
    result = run_stubbed(stubbers, [{"role_arn": "spinnakerManaged"}])
    assert result["failed"] and result["field"] == "roles"
    stubbers["sts"].assert_no_pending_responses()
