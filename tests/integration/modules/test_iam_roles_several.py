"""iam_roles with several roles of one account in one module run (one session), against moto."""

import json

from ansible_collections.spinnaker.aws.plugins.modules import iam_roles

from .conftest import AWS_ARGS
from .conftest import run_module

ACCOUNT = "123456789012"  # moto's default account
MANAGING_USER = "arn:aws:iam::100000000001:user/spinnakerManaging"
MANAGED = {"role_name": "spinnakerManaged", "create_role": True, "sid": "SpinnakerManaging",
           "principals": {"aws": [MANAGING_USER]}}
BASE = {"role_name": "BaseIAMRole", "create_role": True, "sid": "SpinnakerEC2",
        "principals": {"service": ["ec2.amazonaws.com"]}, "instance_profile": True}
SESSION = {"assume_role_arn": "arn:aws:iam::%s:role/Bootstrap" % ACCOUNT, "aws_account_id": ACCOUNT, "aws_partition": "aws"}


def run(roles, session=None, **kw):
    return run_module(iam_roles.main, dict(AWS_ARGS, roles=roles, **(session or {})), **kw)


def trusted(client, role_name):
    document = client.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    return [s["Principal"] for s in document["Statement"]]


def test_two_roles_converge_in_one_session_and_a_rerun_writes_nothing(aws):
    client, log = aws
    result = run([MANAGED, BASE], SESSION)
    assert result["changed"] and not result.get("failed"), result
    managed, base = result["roles"]
    assert managed["created"] and managed["role_arn"] == "arn:aws:iam::%s:role/spinnakerManaged" % ACCOUNT
    assert base["created"] and base["role_arn"] == "arn:aws:iam::%s:role/BaseIAMRole" % ACCOUNT
    assert base["instance_profile_arn"] == "arn:aws:iam::%s:instance-profile/BaseIAMRole" % ACCOUNT
    assert trusted(client, "BaseIAMRole") == [{"Service": ["ec2.amazonaws.com"]}]
    assert client.get_instance_profile(InstanceProfileName="BaseIAMRole")["InstanceProfile"]["Roles"][0]["RoleName"] == "BaseIAMRole"
    assert log.operations("sts") == ["AssumeRole"]  # one session for both roles

    log.clear()
    again = run([MANAGED, BASE], SESSION)
    assert not again["changed"] and [r["changed"] for r in again["roles"]] == [False, False], again
    assert log.writes() == [] and log.operations("sts") == ["AssumeRole"]


def test_only_the_role_that_changed_is_changed_and_makes_the_run_changed(aws):
    client, _log = aws
    run([MANAGED, BASE])
    client.remove_role_from_instance_profile(InstanceProfileName="BaseIAMRole", RoleName="BaseIAMRole")
    result = run([MANAGED, BASE])
    assert result["changed"] and [r["changed"] for r in result["roles"]] == [False, True]
    assert client.get_instance_profile(InstanceProfileName="BaseIAMRole")["InstanceProfile"]["Roles"][0]["RoleName"] == "BaseIAMRole"


def test_bad_input_in_a_later_role_fails_before_any_call(aws):
    _client, log = aws
    wildcard = dict(BASE, principals={"aws": ["*"]})
    result = run([MANAGED, wildcard], SESSION)
    assert result["failed"] and result["field"] == "principals" and result["role_name"] == "BaseIAMRole", result
    assert log.operations("iam") == [] and log.operations("sts") == []


def test_a_bad_wait_timeout_in_any_role_fails_before_any_call(aws):
    _client, log = aws
    result = run([MANAGED, dict(BASE, state="absent", wait_timeout=-1)], SESSION)
    assert result["failed"] and result["field"] == "wait_timeout" and result["role_name"] == "BaseIAMRole", result
    assert log.operations("iam") == [] and log.operations("sts") == []


def test_a_role_offboarded_beside_one_converged_in_the_same_run(aws):
    # One run keeps spinnakerManaged and offboards BaseIAMRole (state per entry): BaseIAMRole and its instance
    # profile, both the collection's, are deleted; spinnakerManaged is left exactly as it was.
    client, log = aws
    run([MANAGED, BASE])
    log.clear()
    result = run([MANAGED, dict(BASE, state="absent", delete_role=True)], SESSION, diff=True)
    assert result["changed"] and not result.get("failed"), result
    managed, base = result["roles"]
    assert not managed["changed"] and not managed["deleted"]
    assert base["changed"] and base["deleted"] and base["deleted_instance_profiles"] == ["BaseIAMRole"]
    assert [r["RoleName"] for r in client.list_roles()["Roles"]] == ["spinnakerManaged"]
    assert not client.list_instance_profiles()["InstanceProfiles"]
    assert [d["after_header"] for d in result["diff"]] == ["spinnakerManaged", "BaseIAMRole"]
    assert result["diff"][1]["before"]["Statement"][0]["Sid"] == "SpinnakerEC2" and result["diff"][1]["after"] is None
    assert log.operations("sts") == ["AssumeRole"]

    log.clear()
    again = run([MANAGED, dict(BASE, state="absent", delete_role=True)], SESSION)
    assert not again["changed"] and again["roles"][1]["policy"] is None and not again["roles"][1]["deleted"], again
    assert log.writes() == []


def test_two_roles_offboarded_in_one_run(aws):
    client, _log = aws
    run([MANAGED, BASE])
    offboard = [dict(MANAGED, state="absent", delete_role=True), dict(BASE, state="absent", delete_role=True)]
    result = run(offboard, SESSION)
    assert result["changed"] and [r["deleted"] for r in result["roles"]] == [True, True], result
    assert not client.list_roles()["Roles"]


def test_a_foreign_statement_in_a_later_role_fails_naming_it_and_stays(aws):
    client, _log = aws
    foreign = {"Version": "2012-10-17", "Statement": [
        {"Sid": "SpinnakerEC2", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    client.create_role(RoleName="BaseIAMRole", AssumeRolePolicyDocument=json.dumps(foreign),
                       Tags=[{"Key": "spinnaker.aws:owned-statements:default", "Value": "Other"}])
    result = run([MANAGED, BASE])
    assert result["failed"] and result["field"] == "sid" and "BaseIAMRole" in result["msg"], result
    assert result["role_name"] == "BaseIAMRole" and result["statement_ownership"] == "foreign"
    assert result["changed"] and result["roles"][0]["created"]  # spinnakerManaged, before it, was created and is reported
    assert client.get_role(RoleName="spinnakerManaged")
    assert trusted(client, "BaseIAMRole") == [{"Service": "lambda.amazonaws.com"}]


def test_the_roles_after_a_failed_one_are_left_alone(aws):
    client, log = aws
    result = run([dict(MANAGED, create_role=False), BASE])
    assert result["failed"] and result["field"] == "role_name" and result["role_name"] == "spinnakerManaged", result
    assert not result["changed"] and result["roles"] == []
    assert log.writes() == [] and not client.list_roles()["Roles"]


def test_diff_mode_gives_one_diff_per_role(aws):
    _client, _log = aws
    result = run([MANAGED, BASE], diff=True)
    assert [d["after_header"] for d in result["diff"]] == ["spinnakerManaged", "BaseIAMRole"]
    assert result["diff"][1]["before"] is None and result["diff"][1]["after"]["Statement"][0]["Sid"] == "SpinnakerEC2"


def test_check_mode_plans_both_roles_without_writing(aws):
    client, log = aws
    result = run([MANAGED, BASE], check_mode=True)
    assert result["changed"] and [r["created"] for r in result["roles"]] == [True, True]
    assert log.writes() == [] and not client.list_roles()["Roles"]
