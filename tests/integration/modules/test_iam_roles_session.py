"""iam_roles' session options (assume a role, prove the account) and a role's inline_policies, against moto."""

import json

import botocore.client

from ansible_collections.spinnaker.aws.plugins.module_utils.session import SESSION_ARGUMENT_SPEC
from ansible_collections.spinnaker.aws.plugins.module_utils.session import session_mismatch
from ansible_collections.spinnaker.aws.plugins.modules import iam_roles

from .conftest import AWS_ARGS
from .conftest import run_module

ACCOUNT = "123456789012"  # moto's default account
MANAGING_USER = "arn:aws:iam::100000000001:user/spinnakerManaging"
INLINE = [{"policy_name": "PassRole-and-Certificates", "statements": [
    {"sid": "SpinnakerPassRole", "actions": ["iam:PassRole"], "resources": ["arn:aws:iam::%s:role/BaseIAMRole" % ACCOUNT]}]}]
FOREIGN_STATEMENT = {"Sid": "OtherTeam", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
CREATE = {"role_name": "spinnakerManaged", "create_role": True, "sid": "SpinnakerManaging",
          "principals": {"aws": [MANAGING_USER]}}


def run(args, **kw):
    """Run the module with the session options of ``args`` and the rest as its one role; return the role's result
    beside the run's keys (``changed``, ``failed``, ``msg``, ``field``...)."""
    session = dict((k, v) for k, v in args.items() if k in SESSION_ARGUMENT_SPEC)
    entry = dict((k, v) for k, v in args.items() if k not in SESSION_ARGUMENT_SPEC)
    result = run_module(iam_roles.main, dict(AWS_ARGS, roles=[entry], **session), **kw)
    return dict(result["roles"][0], **result) if result.get("roles") else result


def test_a_session_in_another_account_fails_before_any_iam_call(aws):
    _client, log = aws
    result = run(dict(CREATE, assume_role_arn="arn:aws:iam::%s:role/Bootstrap" % ACCOUNT, aws_account_id="200000000002"))
    assert result["failed"] and result["field"] == "aws_account_id"
    assert "in account %s (aws), but aws_account_id is 200000000002" % ACCOUNT in result["msg"]
    assert "Nothing was written for this host" in result["msg"] and "assume_role_arn" in result["msg"]
    assert log.operations("iam") == [] and log.operations("sts") == ["AssumeRole"]


def test_ambient_credentials_are_checked_with_get_caller_identity(aws):
    _client, log = aws
    result = run(dict(CREATE, aws_account_id="200000000002"))
    assert result["failed"] and "the profile or ambient credentials" in result["msg"]
    assert log.operations("iam") == [] and log.operations("sts") == ["GetCallerIdentity"]


def test_the_assumed_role_is_used_and_its_credentials_do_not_appear_in_the_result(aws, monkeypatch):
    client, log = aws
    answers = []
    spied = botocore.client.BaseClient._make_api_call

    def keep_sts_answers(self, operation_name, api_params):
        answer = spied(self, operation_name, api_params)
        if operation_name == "AssumeRole":
            answers.append(answer["Credentials"])
        return answer

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", keep_sts_answers)
    result = run(dict(CREATE, assume_role_arn="arn:aws:iam::%s:role/Bootstrap" % ACCOUNT, aws_account_id=ACCOUNT,
                      aws_partition="aws"), diff=True)
    assert result["changed"] and not result.get("failed"), result
    assert log.operations("sts") == ["AssumeRole"] and client.get_role(RoleName="spinnakerManaged")
    printed = json.dumps(result)
    assert answers and answers[0]["SecretAccessKey"] not in printed and answers[0]["SessionToken"] not in printed


def test_session_mismatch_names_partition_and_account():
    arn = "arn:aws-cn:sts::200000000002:assumed-role/Bootstrap/s"
    assert session_mismatch(arn, "200000000002") is None
    assert session_mismatch(arn, "200000000002", "aws-cn") is None
    assert "(aws-cn), but aws_account_id is 200000000002 (aws)" in session_mismatch(arn, "200000000002", "aws")
    assert "in account ? (?)" in session_mismatch("garbage", "200000000002")


def test_inline_policies_are_merged_in_the_same_run_and_a_rerun_writes_nothing(aws):
    client, log = aws
    result = run(dict(CREATE, inline_policies=INLINE))
    assert result["changed"] and result["inline_policies"]["PassRole-and-Certificates"]["changed"], result
    stored = client.get_role_policy(RoleName="spinnakerManaged", PolicyName="PassRole-and-Certificates")["PolicyDocument"]
    assert [s["Sid"] for s in stored["Statement"]] == ["SpinnakerPassRole"]
    log.clear()
    again = run(dict(CREATE, inline_policies=INLINE))
    assert not again["changed"] and not again["inline_policies"]["PassRole-and-Certificates"]["changed"]
    assert log.writes() == []


def test_inline_policies_keep_every_statement_they_do_not_own(aws):
    client, _log = aws
    run(CREATE)
    client.put_role_policy(RoleName="spinnakerManaged", PolicyName="PassRole-and-Certificates",
                           PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [FOREIGN_STATEMENT]}))
    result = run(dict(CREATE, inline_policies=INLINE))
    assert result["inline_policies"]["PassRole-and-Certificates"]["changed"]
    stored = client.get_role_policy(RoleName="spinnakerManaged", PolicyName="PassRole-and-Certificates")["PolicyDocument"]
    assert FOREIGN_STATEMENT in stored["Statement"] and len(stored["Statement"]) == 2


def test_inline_policies_in_check_mode_plan_without_writing(aws):
    client, log = aws
    result = run(dict(CREATE, inline_policies=INLINE), check_mode=True)
    assert result["changed"] and result["inline_policies"]["PassRole-and-Certificates"]["policy"]["Statement"][0]["Sid"] == "SpinnakerPassRole"
    assert log.writes() == [] and not client.list_roles()["Roles"]
