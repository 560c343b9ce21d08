"""iam_trust_policy's additional_roles: several roles of one account in one module run (one session), against moto."""

import json

from ansible_collections.spinnaker.aws.plugins.modules import iam_roles as iam_trust_policy

from .conftest import AWS_ARGS
from .conftest import run_module

ACCOUNT = "123456789012"  # moto's default account
MANAGING_USER = "arn:aws:iam::100000000001:user/spinnakerManaging"
MANAGED = {"role_name": "spinnakerManaged", "create_role": True, "sid": "SpinnakerManaging",
           "principals": {"aws": [MANAGING_USER]}}
BASE = {"role_name": "BaseIAMRole", "create_role": True, "sid": "SpinnakerEC2",
        "principals": {"service": ["ec2.amazonaws.com"]}, "instance_profile": True}
SESSION = {"assume_role_arn": "arn:aws:iam::%s:role/Bootstrap" % ACCOUNT, "aws_account_id": ACCOUNT, "aws_partition": "aws"}


def run(args, **kw):
    return run_module(iam_trust_policy.main, dict(AWS_ARGS, **args), **kw)


def trusted(client, role_name):
    document = client.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    return [s["Principal"] for s in document["Statement"]]


def test_two_roles_converge_in_one_session_and_a_rerun_writes_nothing(aws):
    client, log = aws
    result = run(dict(MANAGED, additional_roles=[BASE], **SESSION))
    assert result["changed"] and result["created"] and not result.get("failed"), result
    base = result["additional_roles"][0]
    assert base["created"] and base["role_arn"] == "arn:aws:iam::%s:role/BaseIAMRole" % ACCOUNT
    assert base["instance_profile_arn"] == "arn:aws:iam::%s:instance-profile/BaseIAMRole" % ACCOUNT
    assert trusted(client, "BaseIAMRole") == [{"Service": ["ec2.amazonaws.com"]}]
    assert client.get_instance_profile(InstanceProfileName="BaseIAMRole")["InstanceProfile"]["Roles"][0]["RoleName"] == "BaseIAMRole"
    assert log.operations("sts") == ["AssumeRole"]  # one session for both roles

    log.clear()
    again = run(dict(MANAGED, additional_roles=[BASE], **SESSION))
    assert not again["changed"] and not again["additional_roles"][0]["changed"], again
    assert log.writes() == [] and log.operations("sts") == ["AssumeRole"]


def test_only_an_additional_role_that_changed_makes_the_run_changed(aws):
    client, _log = aws
    run(dict(MANAGED, additional_roles=[BASE]))
    client.remove_role_from_instance_profile(InstanceProfileName="BaseIAMRole", RoleName="BaseIAMRole")
    result = run(dict(MANAGED, additional_roles=[BASE]))
    assert result["changed"] and result["additional_roles"][0]["changed"]
    assert client.get_instance_profile(InstanceProfileName="BaseIAMRole")["InstanceProfile"]["Roles"][0]["RoleName"] == "BaseIAMRole"


def test_bad_input_in_an_additional_role_fails_before_any_call(aws):
    _client, log = aws
    wildcard = dict(BASE, principals={"aws": ["*"]})
    result = run(dict(MANAGED, additional_roles=[wildcard], **SESSION))
    assert result["failed"] and result["field"] == "principals", result
    assert log.operations("iam") == [] and log.operations("sts") == []


def test_additional_roles_are_refused_with_state_absent(aws):
    _client, log = aws
    result = run(dict(MANAGED, state="absent", additional_roles=[BASE]))
    assert result["failed"] and result["field"] == "additional_roles"
    assert log.operations("iam") == []


def test_a_foreign_statement_in_an_additional_role_fails_naming_it_and_stays(aws):
    client, _log = aws
    foreign = {"Version": "2012-10-17", "Statement": [
        {"Sid": "SpinnakerEC2", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    client.create_role(RoleName="BaseIAMRole", AssumeRolePolicyDocument=json.dumps(foreign),
                       Tags=[{"Key": "spinnaker.aws:owned-statements", "Value": "Other"}])
    result = run(dict(MANAGED, additional_roles=[BASE]))
    assert result["failed"] and result["field"] == "sid" and "BaseIAMRole" in result["msg"], result
    assert result["changed"]  # spinnakerManaged, before it, was created and is reported
    assert client.get_role(RoleName="spinnakerManaged")
    assert trusted(client, "BaseIAMRole") == [{"Service": "lambda.amazonaws.com"}]


def test_diff_mode_gives_one_diff_per_role(aws):
    _client, _log = aws
    result = run(dict(MANAGED, additional_roles=[BASE]), diff=True)
    assert [d["after_header"] for d in result["diff"]] == ["spinnakerManaged", "BaseIAMRole"]
    assert result["diff"][1]["before"] is None and result["diff"][1]["after"]["Statement"][0]["Sid"] == "SpinnakerEC2"


def test_check_mode_plans_both_roles_without_writing(aws):
    client, log = aws
    result = run(dict(MANAGED, additional_roles=[BASE]), check_mode=True)
    assert result["changed"] and result["additional_roles"][0]["created"]
    assert log.writes() == [] and not client.list_roles()["Roles"]
