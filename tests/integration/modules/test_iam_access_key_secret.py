"""spinnaker.aws.iam_access_key_secret against moto in-process (IAM and Secrets Manager): one stored key per user,
what an interrupted run or a lost CreateAccessKey answer leaves, the third key, reading, rotating, check mode."""

import json

import boto3
import botocore.client

from ansible_collections.spinnaker.aws.plugins.modules import iam_access_key_secret

from .conftest import AWS_ARGS
from .conftest import run_module

USER = "spinnakerManaging"
SECRET = "spinnaker/spinnakerManaging/access-key"
PENDING = "spinnaker.aws:pending-access-key"


def run(check_mode=False, diff=False, **options):
    args = dict(AWS_ARGS, user_name=USER, secret_name=SECRET, **options)
    return run_module(iam_access_key_secret.main, args, check_mode=check_mode, diff=diff)


def secrets():
    return boto3.client("secretsmanager", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def stored(stage="AWSCURRENT"):
    return json.loads(secrets().get_secret_value(SecretId=SECRET, VersionStage=stage)["SecretString"])


def keys(client):
    return {k["AccessKeyId"]: k["Status"] for k in client.list_access_keys(UserName=USER)["AccessKeyMetadata"]}


def user_tags(client):
    return {t["Key"]: t["Value"] for t in client.list_user_tags(UserName=USER)["Tags"]}


def all_writes(log):
    return log.writes("iam") + log.writes("secretsmanager")


def test_ensure_creates_and_stores_one_key_then_a_rerun_writes_nothing(aws):
    client, log = aws
    client.create_user(UserName=USER)
    first = run(tags={"team": "platform"}, description="Access key of the Spinnaker managing user")
    assert not first.get("failed"), first
    assert first["changed"] and first["created"] and first["age_days"] == 0 and not first["rotation_due"]
    assert stored() == first["access_key"] and list(keys(client)) == [first["access_key_id"]]
    assert first["access_key"]["secret_access_key"]
    secret = secrets().describe_secret(SecretId=SECRET)
    assert {t["Key"]: t["Value"] for t in secret["Tags"]} == {"team": "platform", "managed-by": "spinnaker.aws"}
    assert PENDING not in user_tags(client)  # the mark is cleared once the key is stored
    log.clear()
    again = run(tags={"team": "platform"})
    assert not again["changed"] and not again["created"] and again["access_key"] == first["access_key"]
    assert all_writes(log) == []


def test_a_key_an_interrupted_run_created_but_never_stored_is_deleted_and_a_foreign_one_is_kept(aws):
    client, log = aws
    client.create_user(UserName=USER)
    kept = run()["access_key_id"]
    foreign = client.create_access_key(UserName=USER)["AccessKey"]["AccessKeyId"]
    log.clear()
    assert not run()["changed"] and all_writes(log) == []  # unmarked: a key the module did not create stays
    assert set(keys(client)) == {kept, foreign}
    client.delete_access_key(UserName=USER, AccessKeyId=foreign)
    # The killed run had marked the user with the keys that existed, then created a key it never stored.
    client.tag_user(UserName=USER, Tags=[{"Key": PENDING, "Value": kept}])
    unstored = client.create_access_key(UserName=USER)["AccessKey"]["AccessKeyId"]
    result = run()
    assert result["changed"] and result["deleted_key_ids"] == [unstored] and not result["created"]
    assert list(keys(client)) == [kept] and result["access_key_id"] == kept
    assert PENDING not in user_tags(client)


def test_a_killed_first_run_leaves_a_mark_of_none_and_the_next_run_replaces_its_key(aws):
    client, _log = aws
    client.create_user(UserName=USER, Tags=[{"Key": PENDING, "Value": "none"}])
    unstored = client.create_access_key(UserName=USER)["AccessKey"]["AccessKeyId"]
    result = run()
    assert result["deleted_key_ids"] == [unstored] and result["created"]
    assert list(keys(client)) == [result["access_key_id"]] == [stored()["access_key_id"]]


def test_a_lost_create_access_key_answer_leaves_no_second_key(aws, monkeypatch):
    client, _log = aws
    client.create_user(UserName=USER)
    original = botocore.client.BaseClient._make_api_call
    lost = []

    # A CreateAccessKey that IAM carried out but whose answer never arrived, retried (botocore retries a 5xx or a
    # connection error): the user has one more key than the answer names, and its secret is nowhere.
    def lose_first_answer(self, operation_name, api_params):
        if operation_name == "CreateAccessKey" and not lost:
            lost.append(original(self, operation_name, api_params)["AccessKey"]["AccessKeyId"])
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", lose_first_answer)
    result = run()
    assert not result.get("failed"), result
    assert result["deleted_key_ids"] == lost
    assert list(keys(client)) == [result["access_key_id"]] == [stored()["access_key_id"]]


def test_a_third_key_is_refused_naming_the_user_and_the_secret(aws):
    client, log = aws
    client.create_user(UserName=USER)
    for _key in range(2):
        client.create_access_key(UserName=USER)
    log.clear()
    result = run()
    refusal = "spinnakerManaging already has two access keys and neither is stored in the Secrets Manager secret %s." % SECRET
    assert result["failed"] and result["msg"].startswith(refusal)
    assert all_writes(log) == [] and len(keys(client)) == 2


def test_a_secret_of_that_name_that_holds_no_key_is_never_overwritten(aws):
    client, log = aws
    client.create_user(UserName=USER)
    secrets().create_secret(Name=SECRET, SecretString="somebody's password")
    log.clear()
    result = run()
    assert result["failed"] and "holds something that is not an access key" in result["msg"]
    assert all_writes(log) == [] and keys(client) == {}


def test_read_mode_reads_the_stored_key_and_writes_nothing(aws):
    client, log = aws
    client.create_user(UserName=USER)
    log.clear()
    empty = run_module(iam_access_key_secret.main, dict(AWS_ARGS, secret_name=SECRET, mode="read"))
    assert not empty["changed"] and empty["access_key"] == {} and empty["access_key_id"] == ""
    assert all_writes(log) == [] and log.operations("iam") == [] and keys(client) == {}
    created = run()["access_key"]
    log.clear()
    result = run_module(iam_access_key_secret.main, dict(AWS_ARGS, secret_name=SECRET, mode="read"))
    assert not result["changed"] and result["access_key"] == created
    assert log.operations("secretsmanager") == ["GetSecretValue"] and log.operations("iam") == []


def test_rotate_stores_a_new_current_key_keeps_the_old_active_and_the_next_deletes_it_once_inactive(aws):
    client, log = aws
    client.create_user(UserName=USER)
    first = run()["access_key_id"]
    rotated = run(mode="rotate")
    assert rotated["changed"] and rotated["created"] and not rotated["resumed"]
    second = rotated["access_key_id"]
    assert second != first and rotated["replaced_key_id"] == first
    assert stored()["access_key_id"] == second and stored("AWSPREVIOUS")["access_key_id"] == first
    assert keys(client) == {first: "Active", second: "Active"}  # the old key works until it is retired
    # Retired by the playbook once Spinnaker uses the new key; the next rotation deletes it first.
    client.update_access_key(UserName=USER, AccessKeyId=first, Status="Inactive")
    third = run(mode="rotate")
    assert third["deleted_key_ids"] == [first] and third["replaced_key_id"] == second
    assert keys(client) == {second: "Active", third["access_key_id"]: "Active"}
    assert PENDING not in user_tags(client)


def test_a_rotation_that_stopped_after_its_store_is_resumed_without_a_new_key(aws):
    client, log = aws
    client.create_user(UserName=USER)
    first = run()["access_key_id"]
    second = run(mode="rotate")["access_key_id"]  # then the run stopped: the old key was never retired
    log.clear()
    resumed = run(mode="rotate")
    assert resumed["resumed"] and not resumed["changed"] and not resumed["created"]
    assert resumed["access_key_id"] == second and resumed["replaced_key_id"] == first
    assert all_writes(log) == [] and set(keys(client)) == {first, second}


def test_a_rotation_refuses_a_key_the_collection_did_not_create(aws):
    client, log = aws
    client.create_user(UserName=USER)
    current = run()["access_key_id"]
    foreign = client.create_access_key(UserName=USER)["AccessKey"]["AccessKeyId"]
    log.clear()
    result = run(mode="rotate")
    refusal = "spinnakerManaging has the access key %s, which is neither the key in %s nor the one before it" % (foreign, SECRET)
    assert result["failed"] and result["msg"].startswith(refusal)
    assert all_writes(log) == [] and set(keys(client)) == {current, foreign}


def test_check_mode_writes_nothing_and_reports_what_would_change(aws):
    client, log = aws
    log.clear()
    fresh = run(check_mode=True, diff=True)  # the user is not created yet either (the task before, in check mode)
    assert fresh["changed"] and fresh["created"] and fresh["access_key"] == {}
    assert fresh["diff"]["after"]["access_keys"] == {"(new access key)": "Active"}
    assert all_writes(log) == []
    client.create_user(UserName=USER)
    current = run()["access_key_id"]
    client.tag_user(UserName=USER, Tags=[{"Key": PENDING, "Value": current}])
    unstored = client.create_access_key(UserName=USER)["AccessKey"]["AccessKeyId"]
    log.clear()
    ensure = run(check_mode=True)
    assert ensure["changed"] and ensure["deleted_key_ids"] == [unstored] and not ensure["created"]
    rotate = run(check_mode=True, mode="rotate")
    assert rotate["changed"] and rotate["created"] and rotate["access_key_id"] == current
    assert rotate["replaced_key_id"] == current
    assert all_writes(log) == [] and set(keys(client)) == {current, unstored} and stored()["access_key_id"] == current


def test_diff_shows_the_keys_the_stored_id_and_the_mark_without_a_secret(aws):
    client, _log = aws
    client.create_user(UserName=USER)
    result = run(diff=True)
    key_id = result["access_key_id"]
    assert result["diff"] == {
        "before": {"access_keys": {}, "stored_access_key_id": "", "pending_tag": ""},
        "after": {"access_keys": {key_id: "Active"}, "stored_access_key_id": key_id, "pending_tag": ""}}
    assert result["access_key"]["secret_access_key"] not in json.dumps(result["diff"])
