"""The pure part of module_utils.iam.access_key (iam_access_key_secret's decisions): no AWS, no client."""

import datetime
import json

import pytest

from ansible_collections.spinnaker.aws.plugins.module_utils.iam import access_key as ak

SECRET = "spinnaker/spinnakerManaging/access-key"
NOW = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)


def key(key_id, status="Active"):
    return {"access_key_id": key_id, "status": status}


def test_the_stored_value_round_trips_and_an_empty_or_missing_value_is_no_key():
    text = ak.secret_value("AKIA1", "s3cr3t")
    assert json.loads(text) == {"access_key_id": "AKIA1", "secret_access_key": "s3cr3t"}
    assert ak.parse_stored_key(text, SECRET) == {"access_key_id": "AKIA1", "secret_access_key": "s3cr3t"}
    assert ak.parse_stored_key(None, SECRET) is None and ak.parse_stored_key("", SECRET) is None


@pytest.mark.parametrize("text", ["hunter2", "[]", '{"access_key_id": "AKIA1"}', '{"password": "x"}',
                                  '{"access_key_id": "", "secret_access_key": "x"}'])
def test_a_value_that_is_not_a_stored_key_is_refused_naming_the_secret(text):
    with pytest.raises(ak.KeyRefusal, match="The secret %s holds something that is not an access key" % SECRET):
        ak.parse_stored_key(text, SECRET)


def test_the_mark_lists_the_keys_that_exist_or_says_none():
    assert ak.pending_value(["AKIA2", "AKIA1"]) == "AKIA1+AKIA2"
    assert ak.pending_value([]) == "none"


def test_without_a_mark_no_key_counts_as_unstored():
    assert ak.unstored_key_ids(["AKIA1", "AKIA2"], None, "AKIA1") == []


def test_with_a_mark_a_key_neither_marked_nor_stored_is_unstored():
    assert ak.unstored_key_ids(["AKIA1", "AKIA2"], "AKIA1", "AKIA1") == ["AKIA2"]
    assert ak.unstored_key_ids(["AKIA1", "AKIA2"], "AKIA1+AKIA2", None) == []
    assert ak.unstored_key_ids(["AKIA9"], "none", None) == ["AKIA9"]
    # Stored after the mark (the run stopped before clearing it): kept.
    assert ak.unstored_key_ids(["AKIA1", "AKIA2"], "AKIA1", "AKIA2") == []


def test_a_stored_key_among_the_users_keys_needs_nothing():
    assert ak.ensure_plan(["AKIA1", "AKIA2"], "AKIA1", None) == {
        "delete": [], "remaining": ["AKIA1", "AKIA2"], "create": False, "clear_mark": False}


def test_no_stored_key_or_a_stored_key_that_is_gone_needs_a_new_key():
    assert ak.ensure_plan([], None, None)["create"] is True
    plan = ak.ensure_plan(["AKIA2"], "AKIA1", None)
    assert plan == {"delete": [], "remaining": ["AKIA2"], "create": True, "clear_mark": True}


def test_a_mark_is_cleared_even_when_nothing_else_changes():
    plan = ak.ensure_plan(["AKIA1", "AKIA2"], "AKIA1", "AKIA1")
    assert plan == {"delete": ["AKIA2"], "remaining": ["AKIA1"], "create": False, "clear_mark": True}


def test_after_a_create_only_keys_neither_preexisting_nor_returned_are_strays():
    assert ak.stray_key_ids(["AKIA1", "AKIA8", "AKIA9"], ["AKIA1"], "AKIA9") == ["AKIA8"]
    assert ak.stray_key_ids(["AKIA1", "AKIA9"], ["AKIA1"], "AKIA9") == []


def test_a_rotation_deletes_the_inactive_previous_key_and_replaces_the_current_one():
    plan = ak.rotation_plan([key("AKIA1", "Inactive"), key("AKIA2")], "AKIA2", "AKIA1")
    assert plan == {"resume": False, "delete_inactive": ["AKIA1"], "foreign": [], "replaced_key_id": "AKIA2"}


def test_a_rotation_whose_previous_key_is_still_active_is_resumed():
    plan = ak.rotation_plan([key("AKIA1"), key("AKIA2")], "AKIA2", "AKIA1")
    assert plan == {"resume": True, "delete_inactive": [], "foreign": [], "replaced_key_id": "AKIA1"}


def test_a_key_neither_current_nor_previous_is_foreign():
    assert ak.rotation_plan([key("AKIA2"), key("AKIA7")], "AKIA2", "AKIA1")["foreign"] == ["AKIA7"]
    # Without a previous version every other key is foreign.
    assert ak.rotation_plan([key("AKIA2"), key("AKIA7", "Inactive")], "AKIA2", None)["foreign"] == ["AKIA7"]


def test_the_first_rotation_replaces_the_only_key():
    assert ak.rotation_plan([key("AKIA2")], "AKIA2", None) == {
        "resume": False, "delete_inactive": [], "foreign": [], "replaced_key_id": "AKIA2"}


def test_the_refusals_name_the_user_the_secret_and_the_way_out():
    assert ak.third_key_message("spinnakerManaging", SECRET).startswith(
        "spinnakerManaging already has two access keys and neither is stored in the Secrets Manager secret %s." % SECRET)
    message = ak.foreign_key_message("spinnakerManaging", SECRET, ["AKIA7"])
    assert message.startswith("spinnakerManaging has the access key AKIA7, which is neither the key in %s" % SECRET)
    assert "it was not created by the collection and is left alone" in message
    assert "delete that key (if unused) and re-run" in message


def test_a_keys_age_is_whole_days_from_a_datetime_or_iams_text():
    assert ak.key_age_days(NOW - datetime.timedelta(days=100, hours=3), NOW) == 100
    assert ak.key_age_days("2026-04-30T13:00:00+00:00", NOW) == 0
    assert ak.key_age_days("2026-01-21T12:00:00Z", NOW) == 100
    assert ak.key_age_days(NOW + datetime.timedelta(days=1), NOW) == 0  # a skewed clock


def test_a_key_is_due_only_past_a_positive_max_age():
    assert ak.rotation_due(100, 90) and not ak.rotation_due(90, 90)
    assert not ak.rotation_due(10000, 0)


def test_an_existing_secret_is_updated_only_where_it_differs_and_keeps_other_tags():
    secret = {"Description": "old", "KmsKeyId": "alias/a"}
    assert ak.secret_updates(secret, "old", None) == {}
    assert ak.secret_updates(secret, "new", "alias/b") == {"Description": "new", "KmsKeyId": "alias/b"}
    assert ak.secret_updates(secret, None, "") == {}
    assert ak.missing_tags({"team": "x", "other": "y"}, {"team": "x", "managed-by": "spinnaker.aws"}) == {
        "managed-by": "spinnaker.aws"}


def test_the_diff_snapshot_holds_ids_and_statuses_only():
    assert ak.key_snapshot([key("AKIA1", "Inactive")], "AKIA1", None) == {
        "access_keys": {"AKIA1": "Inactive"}, "stored_access_key_id": "AKIA1", "pending_tag": ""}
