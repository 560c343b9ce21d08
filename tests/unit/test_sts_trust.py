"""The STS trust layer's pure part (tests/sts_trust.py): the AssumeRole decision, STS's refusal, the regions rewrite,
the command's configuration. Hand-built callers and policies; each stands for what STS decides for it in AWS."""

import json
import re

import pytest

from tests.sts_trust import Caller
from tests.sts_trust import TrustConfig
from tests.sts_trust import access_denied
from tests.sts_trust import assume_role_allowed
from tests.sts_trust import canonical_policy
from tests.sts_trust import config_from_args
from tests.sts_trust import deny_assume_role_into
from tests.sts_trust import parse_args
from tests.sts_trust import request_context
from tests.sts_trust import rewrite_regions

MANAGING = "100000000001"
MANAGED = "200000000002"
ROLE = "arn:aws:iam::%s:role/spinnakerManaged" % MANAGED
USER_ARN = "arn:aws:iam::%s:user/spinnakerManaging" % MANAGING
CAN_ASSUME = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
USER = Caller(USER_ARN, USER_ARN, MANAGING, "AIDAUSER", (CAN_ASSUME,))
BARE_USER = Caller(USER_ARN, USER_ARN, MANAGING, "AIDAUSER")
SESSION_ARN = "arn:aws:sts::%s:assumed-role/hop/session-x" % MANAGING
SESSION = Caller(SESSION_ARN, "arn:aws:iam::%s:role/hop" % MANAGING, MANAGING, "AROAHOP:session-x", (CAN_ASSUME,))


def trust(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(principal, **condition):
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return statement


def decide(caller, policy, external_id=None, scps=(), org_id=None, role=ROLE):
    parameters = {"RoleSessionName": "spinnaker"}
    if external_id is not None:
        parameters["ExternalId"] = external_id
    return assume_role_allowed(caller, role, policy, request_context(caller, parameters, org_id), scps)


def test_a_principal_named_by_its_arn_is_allowed():
    assert decide(USER, trust(allow(USER_ARN)))


def test_a_principal_the_trust_policy_does_not_name_is_refused():
    assert not decide(USER, trust(allow("arn:aws:iam::%s:user/someoneElse" % MANAGING)))


def test_a_role_that_does_not_exist_is_refused():
    assert not decide(USER, None)


@pytest.mark.parametrize("principal", ["arn:aws:iam::%s:root" % MANAGING, MANAGING])
def test_an_account_principal_admits_a_caller_whose_identity_policy_allows_assume_role(principal):
    assert decide(USER, trust(allow(principal)))


@pytest.mark.parametrize("principal", ["arn:aws:iam::%s:root" % MANAGING, MANAGING])
def test_an_account_principal_refuses_a_caller_without_an_identity_policy_allowing_it(principal):
    assert not decide(BARE_USER, trust(allow(principal)))


def test_a_caller_of_another_account_named_by_arn_still_needs_its_own_identity_allow():
    assert not decide(BARE_USER, trust(allow(USER_ARN)))


def test_in_the_roles_own_account_a_principal_named_by_arn_needs_no_identity_allow():
    same_account = Caller("arn:aws:iam::%s:user/local" % MANAGED, "arn:aws:iam::%s:user/local" % MANAGED, MANAGED, "AIDALOCAL")
    assert decide(same_account, trust(allow(same_account.arn)))


def test_an_identity_policy_deny_refuses_even_a_named_principal():
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sts:*", "Resource": ROLE}]}
    caller = Caller(USER_ARN, USER_ARN, MANAGING, "AIDAUSER", (CAN_ASSUME, deny))
    assert not decide(caller, trust(allow(USER_ARN)))


def test_a_role_arn_admits_its_sessions():
    assert decide(SESSION, trust(allow("arn:aws:iam::%s:role/hop" % MANAGING)))


def test_a_session_arn_admits_that_session_only():
    other = Caller("arn:aws:sts::%s:assumed-role/hop/session-y" % MANAGING, SESSION.principal_arn, MANAGING,
                   "AROAHOP:session-y", (CAN_ASSUME,))
    assert decide(SESSION, trust(allow(SESSION_ARN)))
    assert not decide(other, trust(allow(SESSION_ARN)))


def test_a_wildcard_principal_admits_a_caller_whose_identity_policy_allows_it():
    assert decide(USER, trust(allow("*")))


def test_a_service_principal_admits_no_iam_caller():
    assert not decide(USER, trust({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}))


@pytest.mark.parametrize("external_id,allowed", [("abc-123", True), (None, False), ("wrong", False)])
def test_string_equals_external_id(external_id, allowed):
    policy = trust(allow(USER_ARN, StringEquals={"sts:ExternalId": "abc-123"}))
    assert decide(USER, policy, external_id) is allowed


@pytest.mark.parametrize("external_id,allowed", [("spin-prod", True), ("prod-spin", False), (None, False)])
def test_string_like_external_id(external_id, allowed):
    policy = trust(allow(USER_ARN, StringLike={"sts:ExternalId": "spin-*"}))
    assert decide(USER, policy, external_id) is allowed


@pytest.mark.parametrize("null,external_id,allowed", [
    ("false", "anything", True), ("false", None, False), (False, None, False),
    ("true", None, True), ("true", "anything", False), (True, None, True)])
def test_null_external_id(null, external_id, allowed):
    policy = trust(allow(USER_ARN, Null={"sts:ExternalId": null}))
    assert decide(USER, policy, external_id) is allowed


def test_a_foreign_deny_statement_wins_over_the_allow():
    deny = {"Sid": "SecurityTeam", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
            "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "999999999999"}}}
    assert not decide(USER, trust(allow(USER_ARN), deny))


def test_a_deny_whose_condition_does_not_match_leaves_the_allow():
    deny = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
            "Condition": {"StringNotEquals": {"aws:PrincipalAccount": MANAGING}}}
    assert decide(USER, trust(allow(USER_ARN), deny))


@pytest.mark.parametrize("org_id,allowed", [("o-example1234", True), ("o-other56789", False), (None, False)])
def test_principal_org_id(org_id, allowed):
    policy = trust(allow("*", StringEquals={"aws:PrincipalOrgID": "o-example1234"}))
    assert decide(USER, policy, org_id=org_id) is allowed


def test_an_scp_deny_refuses_and_an_unrelated_one_does_not():
    policy = trust(allow(USER_ARN))
    assert not decide(USER, policy, scps=[deny_assume_role_into(MANAGED)])
    assert decide(USER, policy, scps=[deny_assume_role_into("300000000003")])


def test_a_session_policy_that_allows_nothing_refuses():
    caller = Caller(SESSION_ARN, SESSION.principal_arn, MANAGING, "AROAHOP:session-x", (CAN_ASSUME,),
                    session_policy={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    assert not decide(caller, trust(allow(SESSION.principal_arn)), role="arn:aws:iam::%s:role/x" % MANAGED)


def test_canonical_policy_lists_statements_stringifies_conditions_and_names_the_sessions_role():
    doc = {"Statement": {"Effect": "Allow", "Principal": {"AWS": SESSION_ARN}, "Action": "sts:AssumeRole",
                         "Condition": {"Null": {"sts:ExternalId": False}, "NumericLessThan": {"k": 3}}}}
    statement = canonical_policy(json.dumps(doc), SESSION)["Statement"][0]
    assert statement["Principal"] == {"AWS": [SESSION.principal_arn]}
    assert statement["Condition"] == {"Null": {"sts:ExternalId": "false"}, "NumericLessThan": {"k": "3"}}


def test_access_denied_is_the_sts_error_response():
    status, headers, body = access_denied(USER_ARN, ROLE)
    assert status == "403 Forbidden"
    assert dict(headers)["Content-Type"] == "text/xml"
    text = body.decode()
    assert "<Code>AccessDenied</Code>" in text and "<Type>Sender</Type>" in text
    assert re.search(r"<Message>User: %s is not authorized to perform: sts:AssumeRole on resource: %s</Message>"
                     % (re.escape(USER_ARN), re.escape(ROLE)), text)
    assert text.startswith('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">')


REGIONS = (b'<?xml version="1.0" encoding="utf-8"?>\n<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">'
           b'<regionInfo><item><optInStatus>not-opted-in</optInStatus><regionName>ap-east-1</regionName></item>'
           b'<item><optInStatus>opt-in-not-required</optInStatus><regionName>eu-west-3</regionName></item>'
           b'<item><optInStatus>opt-in-not-required</optInStatus><regionName>us-east-1</regionName></item>'
           b'</regionInfo></DescribeRegionsResponse>')


def statuses(body):
    return dict((name.decode(), status.decode()) for status, name in re.findall(
        rb"<optInStatus>([^<]*)</optInStatus><regionName>([^<]*)</regionName>", body))


def test_regions_not_opted_in_are_listed_as_such_with_all_regions():
    assert statuses(rewrite_regions(REGIONS, {"eu-west-3"}, True)) == {
        "ap-east-1": "not-opted-in", "eu-west-3": "not-opted-in", "us-east-1": "opt-in-not-required"}


def test_regions_not_opted_in_are_left_out_without_all_regions():
    assert statuses(rewrite_regions(REGIONS, {"eu-west-3"}, False)) == {"us-east-1": "opt-in-not-required"}


def test_the_command_builds_its_configuration_from_flags_and_a_file(tmp_path):
    path = tmp_path / "trust.json"
    path.write_text(json.dumps({"scps": {MANAGING: [deny_assume_role_into("400000000004")]},
                                "not_opted_in": {MANAGED: ["me-south-1"]}}))
    config = config_from_args(parse_args(["--config", str(path), "--deny-assume-role-into", "300000000003",
                                          "--not-opted-in", "%s=ap-east-1,eu-west-3" % MANAGED]))
    assert isinstance(config, TrustConfig)
    assert config.scps == {MANAGING: [deny_assume_role_into("400000000004")], "*": [deny_assume_role_into("300000000003")]}
    assert config.not_opted_in == {MANAGED: ["me-south-1", "ap-east-1", "eu-west-3"]}
