"""spinnaker.aws.iam_policy_attachment against moto in-process.

The module never attaches: the tasks that create a principal attach the managing policy to it. It detaches the
policy from every entity that is not a current principal and makes the active access keys of a previous managing
user that the collection created (tag ``managed-by=spinnaker.aws``) inactive."""

import json

import pytest

from ansible_collections.spinnaker.aws.plugins.modules import iam_policy_attachment

from .conftest import AWS_ARGS
from .conftest import run_module

ACCOUNT = "123456789012"  # moto's default account
POLICY_ARN = "arn:aws:iam::%s:policy/SpinnakerManagingAccountPolicy" % ACCOUNT
ROLE_ARN = "arn:aws:iam::%s:role/spinnakerManaging" % ACCOUNT
USER_ARN = "arn:aws:iam::%s:user/spinnakerManaging" % ACCOUNT
OWNED = [{"Key": "managed-by", "Value": "spinnaker.aws"}]
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def run(principal_arns=(ROLE_ARN,), **kw):
    check_mode = kw.pop("check_mode", False)
    diff = kw.pop("diff", False)
    args = dict(AWS_ARGS, policy_arn=POLICY_ARN, principal_arns=list(principal_arns), **kw)
    return run_module(iam_policy_attachment.main, args, check_mode=check_mode, diff=diff)


def managing_policy(client):
    client.create_policy(PolicyName="SpinnakerManagingAccountPolicy", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))


def role(client, name="spinnakerManaging", path="/", attach=True):
    client.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=TRUST)
    if attach:
        client.attach_role_policy(RoleName=name, PolicyArn=POLICY_ARN)


def user(client, name="spinnakerManaging", owned=True, attach=True, keys=1):
    """A user with ``keys`` active access keys; returns their ids."""
    client.create_user(UserName=name, **({"Tags": OWNED} if owned else {}))
    if attach:
        client.attach_user_policy(UserName=name, PolicyArn=POLICY_ARN)
    return [client.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"] for _key in range(keys)]


def attached(client):
    pages = client.get_paginator("list_entities_for_policy").paginate(PolicyArn=POLICY_ARN).build_full_result()
    return sorted(["user/%s" % e["UserName"] for e in pages["PolicyUsers"]]
                  + ["role/%s" % e["RoleName"] for e in pages["PolicyRoles"]]
                  + ["group/%s" % e["GroupName"] for e in pages["PolicyGroups"]])


def key_status(client, name="spinnakerManaging"):
    return {k["AccessKeyId"]: k["Status"] for k in client.list_access_keys(UserName=name)["AccessKeyMetadata"]}


def test_the_current_principal_keeps_the_policy_and_nothing_is_written(aws):
    client, log = aws
    managing_policy(client)
    role(client)
    log.clear()
    result = run()
    assert not result.get("failed"), result
    assert not result["changed"] and result["detached"] == []
    assert attached(client) == ["role/spinnakerManaging"]
    assert log.writes() == []


def test_the_policy_is_detached_from_the_previous_user_and_kept_on_the_current_role(aws):
    client, log = aws
    managing_policy(client)
    role(client)
    user(client, keys=0)
    log.clear()
    result = run()
    assert result["changed"] and result["detached"] == ["user/spinnakerManaging"]
    assert attached(client) == ["role/spinnakerManaging"]
    assert log.writes() == ["DetachUserPolicy"]


def test_the_previous_identity_itself_is_never_deleted(aws):
    client, log = aws
    managing_policy(client)
    role(client)
    role(client, name="spinnakerManagingOld")
    user(client, keys=0)
    run()
    assert client.get_user(UserName="spinnakerManaging")["User"]["UserName"] == "spinnakerManaging"
    assert client.get_role(RoleName="spinnakerManagingOld")["Role"]["RoleName"] == "spinnakerManagingOld"
    assert not any(op.startswith("Delete") for op in log.writes())


def test_a_previous_role_loses_the_policy(aws):
    client = aws[0]
    managing_policy(client)
    role(client)
    role(client, name="spinnakerManagingOld")
    result = run()
    assert result["detached"] == ["role/spinnakerManagingOld"]
    assert attached(client) == ["role/spinnakerManaging"]


def test_groups_are_always_detached(aws):
    client = aws[0]
    managing_policy(client)
    role(client)
    client.create_group(GroupName="admins")
    client.attach_group_policy(GroupName="admins", PolicyArn=POLICY_ARN)
    result = run()
    assert result["detached"] == ["group/admins"]
    assert attached(client) == ["role/spinnakerManaging"]


def test_a_path_in_a_principal_arn_is_ignored(aws):
    client, log = aws
    managing_policy(client)
    role(client, path="/spinnaker/")
    log.clear()
    result = run([ROLE_ARN])  # the ARN without the role's path
    assert not result["changed"] and attached(client) == ["role/spinnakerManaging"]
    result = run(["arn:aws:iam::%s:role/spinnaker/spinnakerManaging" % ACCOUNT])  # the ARN with it
    assert not result["changed"] and attached(client) == ["role/spinnakerManaging"]
    assert log.writes() == []


def test_the_active_keys_of_a_detached_user_the_collection_created_are_made_inactive(aws):
    client = aws[0]
    managing_policy(client)
    role(client)
    keys = user(client, keys=2)
    result = run()
    assert key_status(client) == {k: "Inactive" for k in keys}
    assert sorted(result["deactivated_access_keys"], key=lambda e: e["access_key_id"]) == sorted(
        [{"user_name": "spinnakerManaging", "access_key_id": k} for k in keys], key=lambda e: e["access_key_id"])


def test_keys_are_made_inactive_never_deleted(aws):
    client, log = aws
    managing_policy(client)
    role(client)
    keys = user(client)
    run()
    assert list(key_status(client)) == keys
    assert "DeleteAccessKey" not in log.writes()


def test_the_keys_of_a_user_the_collection_did_not_create_are_never_touched(aws):
    client, log = aws
    managing_policy(client)
    role(client)
    keys = user(client, owned=False)
    log.clear()
    result = run()
    assert result["detached"] == ["user/spinnakerManaging"]  # the policy is detached all the same
    assert key_status(client) == {keys[0]: "Active"}
    assert result["deactivated_access_keys"] == [] and "UpdateAccessKey" not in log.writes()


def test_a_key_in_keep_access_key_ids_stays_active_and_is_reported(aws):
    client = aws[0]
    managing_policy(client)
    role(client)
    named, other = user(client, keys=2)
    result = run(keep_access_key_ids=[named])
    assert key_status(client) == {named: "Active", other: "Inactive"}
    assert result["kept_access_keys"] == [{"user_name": "spinnakerManaging", "access_key_id": named}]
    assert result["deactivated_access_keys"] == [{"user_name": "spinnakerManaging", "access_key_id": other}]


def test_deactivate_access_keys_false_detaches_but_leaves_keys_active(aws):
    client, log = aws
    managing_policy(client)
    role(client)
    keys = user(client)
    log.clear()
    result = run(deactivate_access_keys=False)
    assert result["detached"] == ["user/spinnakerManaging"]
    assert key_status(client) == {keys[0]: "Active"} and result["deactivated_access_keys"] == []
    assert log.writes() == ["DetachUserPolicy"]


def test_a_previous_user_detached_by_an_earlier_run_has_its_keys_made_inactive(aws):
    client = aws[0]
    managing_policy(client)
    role(client)
    keys = user(client, attach=False)
    result = run(previous_user_names=["spinnakerManaging"])
    assert result["changed"] and result["detached"] == []
    assert key_status(client) == {keys[0]: "Inactive"}
    assert result["deactivated_access_keys"] == [{"user_name": "spinnakerManaging", "access_key_id": keys[0]}]


def test_a_key_kept_for_spinnaker_is_made_inactive_by_the_run_after_the_config_drops_it(aws):
    client = aws[0]
    managing_policy(client)
    role(client)
    keys = user(client)
    first = run(previous_user_names=["spinnakerManaging"], keep_access_key_ids=keys)
    assert key_status(client) == {keys[0]: "Active"} and first["kept_access_keys"]
    second = run(previous_user_names=["spinnakerManaging"])
    assert second["changed"] and key_status(client) == {keys[0]: "Inactive"}


def test_a_previous_user_that_does_not_exist_is_skipped(aws):
    client, log = aws
    managing_policy(client)
    role(client)
    log.clear()
    result = run(previous_user_names=["gone"])
    assert not result.get("failed"), result
    assert not result["changed"] and log.writes() == []


def test_a_previous_user_that_is_a_current_principal_keeps_its_keys(aws):
    client, log = aws
    managing_policy(client)
    keys = user(client)
    log.clear()
    result = run([USER_ARN], previous_user_names=["spinnakerManaging"])
    assert not result["changed"] and key_status(client) == {keys[0]: "Active"}
    assert attached(client) == ["user/spinnakerManaging"] and log.writes() == []


def test_a_policy_that_does_not_exist_is_not_an_error(stubbed_clients):
    # IAM answers ListEntitiesForPolicy on a missing policy with NoSuchEntity; moto lists no entities instead, so
    # the answer is stubbed. Any further call would fail the run: the Stubber has no response queued for it.
    iam = stubbed_clients["iam"]
    iam.add_client_error("list_entities_for_policy", "NoSuchEntity", "Policy %s was not found." % POLICY_ARN, 404)
    result = run()
    assert not result.get("failed"), result
    assert not result["changed"] and result["detached"] == []
    iam.assert_no_pending_responses()


def test_check_mode_writes_nothing_and_reports_what_would_change(aws):
    client, log = aws
    managing_policy(client)
    role(client)
    keys = user(client)
    log.clear()
    result = run(check_mode=True)
    assert result["changed"] and result["detached"] == ["user/spinnakerManaging"]
    assert result["deactivated_access_keys"] == [{"user_name": "spinnakerManaging", "access_key_id": keys[0]}]
    assert log.writes() == []
    assert attached(client) == ["role/spinnakerManaging", "user/spinnakerManaging"]
    assert key_status(client) == {keys[0]: "Active"}


def test_a_rerun_writes_nothing(aws):
    client, log = aws
    managing_policy(client)
    role(client)
    user(client)
    args = dict(previous_user_names=["spinnakerManaging"])
    assert run(**args)["changed"]
    log.clear()
    result = run(**args)
    assert not result["changed"] and result["detached"] == [] and result["deactivated_access_keys"] == []
    assert log.writes() == []


def test_diff_mode_shows_the_entities_before_and_after(aws):
    client = aws[0]
    managing_policy(client)
    role(client)
    user(client, keys=0)
    result = run(diff=True)
    assert result["diff"] == {"before": ["role/spinnakerManaging", "user/spinnakerManaging"],
                              "after": ["role/spinnakerManaging"]}


@pytest.mark.parametrize("principal", ["spinnakerManaging", "arn:aws:iam::%s:root" % ACCOUNT, ""])
def test_a_principal_that_is_not_a_user_or_role_arn_fails_before_any_aws_call(aws, principal):
    client, log = aws
    managing_policy(client)
    role(client)
    log.clear()
    result = run([ROLE_ARN, principal])
    assert result["failed"] and result["field"] == "principal_arns"
    assert log.calls == []
