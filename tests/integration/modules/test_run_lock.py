"""spinnaker.aws.run_lock against moto in-process (Secrets Manager), and the pure lock decisions."""

import json

import boto3

from ansible_collections.spinnaker.aws.plugins.module_utils.run_lock import lock_decision
from ansible_collections.spinnaker.aws.plugins.module_utils.run_lock import lock_record
from ansible_collections.spinnaker.aws.plugins.module_utils.run_lock import parse_lock_record
from ansible_collections.spinnaker.aws.plugins.modules import run_lock

from .conftest import AWS_ARGS
from .conftest import run_module

NAME = "spinnaker.aws/run-lock"


def run(args, **kw):
    return run_module(run_lock.main, dict(AWS_ARGS, **args), **kw)


def secrets():
    return boto3.client("secretsmanager", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def test_decisions():
    record = lock_record("site.yml of alice@ctl", "t1", now=1000, ttl=60)
    assert lock_decision(record, 1059) == "held" and lock_decision(record, 1060) == "expired"
    assert lock_decision(record, 1010, token="t1") == "ours"
    assert lock_decision(parse_lock_record("hunter2"), 1010) == "foreign"
    assert parse_lock_record(json.dumps(record)) == record
    # A record that expires beyond now + max_ttl (+ 300 s of clock skew) cannot come from a run.
    forged = lock_record("a forged record", "f", now=1000, ttl=10 ** 9)
    assert lock_decision(forged, 1010, max_ttl=3600) == "implausible" and lock_decision(forged, 1010) == "held"
    assert lock_decision(lock_record("a", "t", now=1000, ttl=3600 + 300), 1000, max_ttl=3600) == "held"


def test_a_lock_expiring_beyond_max_ttl_is_taken_over_naming_it(aws):
    record = lock_record("a run on a controller whose clock is a year ahead", "skewed", now=10 ** 10, ttl=60)
    secrets().create_secret(Name=NAME, SecretString=json.dumps(record))
    result = run({"holder": "b", "timeout": 0})
    assert result["changed"] and "skewed clock or a forged record" in result["taken_over"]
    assert json.loads(secrets().get_secret_value(SecretId=NAME)["SecretString"])["holder"] == "b"
    assert run({"holder": "c", "ttl": 7201, "max_ttl": 7200})["failed"]


def test_the_holder_taking_it_again_refreshes_its_expiry(aws):
    first = run({"holder": "a", "ttl": 60})
    before = json.loads(secrets().get_secret_value(SecretId=NAME)["SecretString"])
    record = dict(before, expires=before["expires"] - 50)  # ten seconds left
    secrets().put_secret_value(SecretId=NAME, SecretString=json.dumps(record))
    again = run({"holder": "a", "ttl": 60, "token": first["token"]})
    after = json.loads(secrets().get_secret_value(SecretId=NAME)["SecretString"])
    assert again["token"] == first["token"] and after["expires"] >= before["expires"] and after["token"] == first["token"]


def test_the_operator_releases_a_lock_by_name_but_never_a_foreign_secret(aws):
    run({"holder": "a run that is gone"})
    released = run({"state": "absent", "force": True})
    assert released["changed"] and released["holder"].startswith("a run that is gone")
    assert secrets().list_secrets()["SecretList"] == []
    secrets().create_secret(Name=NAME, SecretString="somebody's password")
    assert not run({"state": "absent", "force": True})["changed"]
    assert secrets().get_secret_value(SecretId=NAME)["SecretString"] == "somebody's password"


def test_the_first_run_takes_the_lock_and_a_second_fails_after_its_timeout_naming_the_holder(aws):
    first = run({"holder": "site.yml of alice@ctl"})
    assert first["changed"] and len(first["token"]) == 32
    second = run({"holder": "site.yml of bob@ctl", "timeout": 0})
    assert second["failed"] and "Another run holds the run lock spinnaker.aws/run-lock: site.yml of alice@ctl" in second["msg"]
    assert "concurrent jobs" in second["msg"]
    stored = json.loads(secrets().get_secret_value(SecretId=NAME)["SecretString"])
    assert stored["holder"] == "site.yml of alice@ctl" and stored["token"] == first["token"]
    again = run({"token": first["token"]})  # the holder asking again
    assert not again.get("failed") and not again["changed"]


def test_release_deletes_only_our_lock(aws):
    first = run({"holder": "a"})
    other = run({"state": "absent", "token": "not-ours"})
    assert not other["changed"] and not other["released"]
    assert secrets().get_secret_value(SecretId=NAME)
    released = run({"state": "absent", "token": first["token"]})
    assert released["changed"] and released["released"]
    assert run({"holder": "b"})["changed"]  # free again at once


def test_an_expired_lock_is_taken_over(aws):
    record = lock_record("a run that was killed", "dead", now=0, ttl=60)
    secrets().create_secret(Name=NAME, SecretString=json.dumps(record))
    result = run({"holder": "b", "timeout": 0})
    assert result["changed"] and result["taken_over"].startswith("a run that was killed")


def test_a_secret_of_that_name_that_is_not_a_lock_is_never_touched(aws):
    secrets().create_secret(Name=NAME, SecretString="somebody's password")
    result = run({"holder": "b", "timeout": 0})
    assert result["failed"] and "is not a spinnaker.aws run lock" in result["msg"]
    assert run({"state": "absent", "token": "x"})["released"] is False
    assert secrets().get_secret_value(SecretId=NAME)["SecretString"] == "somebody's password"


def test_check_mode_takes_nothing(aws):
    result = run({"holder": "a"}, check_mode=True)
    assert not result["changed"] and "token" not in result
    assert secrets().list_secrets()["SecretList"] == []
