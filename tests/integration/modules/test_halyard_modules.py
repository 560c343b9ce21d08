"""The halyard_* modules against the Halyard emulator (tests/halyard/hal, a test double of hal)."""

import json

import pytest

from ansible_collections.spinnaker.aws.plugins.modules import halyard_aws_account
from ansible_collections.spinnaker.aws.plugins.modules import halyard_aws_provider
from ansible_collections.spinnaker.aws.plugins.modules import halyard_deploy

from tests.halyard.emulator import Emulator

from .conftest import run_module

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def hal(tmp_path, monkeypatch):
    emulator = Emulator(tmp_path)
    for key, value in emulator.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(tmp_path))  # the modules' default halconfig_path is ~/.hal/config
    return emulator


def run_account(args, **kw):
    base = {"name": "develop", "account_id": "200000000002", "assume_role": "role/spinnakerManaged",
            "regions": ["us-east-1", "us-west-2"], "environment": "dev"}
    base.update(args)
    return run_module(halyard_aws_account.main, base, **kw)


def test_add_two_accounts(hal):
    assert run_account({})["changed"]
    assert run_account({"name": "staging", "account_id": "300000000003", "external_id": "spinnaker-staging-1"})["changed"]
    accounts = {a["name"]: a for a in hal.aws()["accounts"]}
    assert accounts["develop"]["accountId"] == "200000000002"
    assert accounts["staging"]["externalId"] == "spinnaker-staging-1"
    assert [r["name"] for r in accounts["staging"]["regions"]] == ["us-east-1", "us-west-2"]


def test_rerun_makes_no_hal_write_call(hal):
    run_account({})
    calls = len(hal.invocations())
    result = run_account({})
    assert not result["changed"] and result["commands"] == []
    assert len(hal.invocations()) == calls  # not even a read: the halconfig is read from the file


def test_changing_one_region_is_one_edit(hal):
    run_account({})
    result = run_account({"regions": ["us-east-1", "eu-west-1"]})
    assert result["changed"] and result["changed_fields"] == ["regions"]
    assert hal.invocations()[-1] == ["config", "provider", "aws", "account", "edit", "develop", "--regions", "us-east-1", "eu-west-1"]
    assert [r["name"] for r in hal.aws()["accounts"][0]["regions"]] == ["us-east-1", "eu-west-1"]


def test_delete(hal):
    run_account({})
    assert run_account({"state": "absent"})["changed"]
    assert hal.aws()["accounts"] == []
    assert not run_account({"state": "absent"})["changed"]


def test_check_mode_runs_no_hal_write(hal):
    result = run_account({}, check_mode=True)
    assert result["changed"] and result["commands"][0].startswith("hal config provider aws account add develop")
    assert hal.invocations() == []


def test_diff_shows_account_as_yaml(hal):
    run_account({})
    result = run_account({"environment": "development"}, diff=True)
    assert "environment: dev\n" in result["diff"]["before"] and "environment: development\n" in result["diff"]["after"]


def test_duplicate_name_in_another_provider_fails_before_hal(hal):
    run_module(halyard_aws_provider.main, {"enabled": True})
    config = hal.halconfig()
    config["deploymentConfigurations"][0]["providers"]["kubernetes"]["accounts"].append({"name": "develop"})
    hal.write_halconfig(config)
    calls = len(hal.invocations())
    result = run_account({})
    assert result["failed"] and result["field"] == "name" and "kubernetes" in result["msg"]
    assert len(hal.invocations()) == calls


def test_daemon_down_is_a_clear_error(hal):
    hal.set_daemon_down()
    result = run_account({})
    assert result["failed"]
    assert "not reachable at localhost/127.0.0.1:8064" in result["msg"] and "hal --ready" in result["msg"]


def test_hal_not_found(hal, monkeypatch):
    result = run_module(halyard_aws_account.main, {"name": "develop", "account_id": "200000000002", "assume_role": "role/x",
                                                   "regions": ["us-east-1"], "hal_command": ["hal-not-installed"]})
    assert result["failed"] and result["field"] == "hal_command"


@pytest.mark.parametrize(
    "args, field",
    [({"account_id": "2000"}, "account_id"), ({"regions": []}, "regions"), ({"regions": ["moon-1"]}, "regions"),
     ({"assume_role": "spinnakerManaged"}, "assume_role")],
)
def test_bad_input_fails_before_any_hal_call(hal, args, field):
    result = run_account(args)
    assert result["failed"] and result["field"] == field
    assert hal.invocations() == []


def test_enable_provider_once(hal):
    assert run_module(halyard_aws_provider.main, {"enabled": True})["changed"]
    assert hal.aws()["enabled"] is True
    assert not run_module(halyard_aws_provider.main, {"enabled": True})["changed"]
    assert hal.invocations() == [["config", "provider", "aws", "enable"]]


def test_secret_goes_through_stdin_and_nowhere_else(hal):
    args = {"enabled": True, "access_key_id": "AKIAEXAMPLE", "secret_access_key": SECRET}
    result = run_module(halyard_aws_provider.main, args, diff=True)
    assert result["changed"] and result["secret_written"]
    assert hal.aws()["secretAccessKey"] == SECRET and hal.aws()["accessKeyId"] == "AKIAEXAMPLE"
    assert all(SECRET not in " ".join(argv) for argv in hal.invocations())
    assert SECRET not in json.dumps(result)
    assert ["config", "provider", "aws", "edit", "--access-key-id", "AKIAEXAMPLE", "--secret-access-key"] in hal.invocations()


def test_secret_module_output_masks_the_secret(hal, capsys):
    run_module(halyard_aws_provider.main, {"access_key_id": "AKIAEXAMPLE", "secret_access_key": SECRET}, diff=True)
    printed = capsys.readouterr().out
    assert printed and SECRET not in printed


def test_plain_text_secret_is_compared_on_rerun(hal):
    args = {"access_key_id": "AKIAEXAMPLE", "secret_access_key": SECRET}
    run_module(halyard_aws_provider.main, args)
    assert not run_module(halyard_aws_provider.main, args)["changed"]
    assert run_module(halyard_aws_provider.main, dict(args, secret_access_key="rotated-secret-value"))["secret_written"]


def test_encrypted_secret_is_kept_with_on_create_and_written_with_always(hal):
    run_module(halyard_aws_provider.main, {"access_key_id": "AKIAEXAMPLE", "secret_access_key": SECRET})
    config = hal.halconfig()
    config["deploymentConfigurations"][0]["providers"]["aws"]["secretAccessKey"] = "encrypted:s3!r:us-west-2!b:bucket!f:aws"
    hal.write_halconfig(config)
    args = {"access_key_id": "AKIAEXAMPLE", "secret_access_key": SECRET}
    assert not run_module(halyard_aws_provider.main, args)["changed"]
    assert run_module(halyard_aws_provider.main, dict(args, update_secret="always"))["changed"]


def test_deploy_apply(hal):
    result = run_module(halyard_deploy.main, {"service_names": ["clouddriver"]})
    assert result["changed"]
    assert hal.invocations() == [["deploy", "apply", "--service-names", "clouddriver"]]


def test_deploy_check_mode_runs_nothing(hal):
    assert run_module(halyard_deploy.main, {}, check_mode=True)["commands"] == ["hal deploy apply"]
    assert hal.invocations() == []


def test_accounts_list_is_one_read_and_one_hal_call_per_difference(hal):
    accounts = [
        {"name": "develop", "account_id": "200000000002", "assume_role": "role/spinnakerManaged", "regions": ["us-east-1"]},
        {"name": "staging", "account_id": "300000000003", "assume_role": "role/spinnakerManaged", "regions": ["us-east-1"],
         "external_id": "spinnaker-staging-1"},
    ]
    result = run_module(halyard_aws_account.main, {"accounts": accounts})
    assert result["changed"] and [r["changed"] for r in result["results"]] == [True, True]
    assert sorted(a["name"] for a in hal.aws()["accounts"]) == ["develop", "staging"]
    calls = len(hal.invocations())
    accounts[1]["regions"] = ["us-east-1", "eu-west-1"]
    result = run_module(halyard_aws_account.main, {"accounts": accounts}, diff=True)
    assert [r["changed"] for r in result["results"]] == [False, True]
    assert hal.invocations()[calls:] == [["config", "provider", "aws", "account", "edit", "staging", "--regions", "us-east-1", "eu-west-1"]]
    assert "eu-west-1" in result["diff"]["after"]


def test_accounts_list_is_validated_whole_before_any_hal_call(hal):
    accounts = [
        {"name": "develop", "account_id": "200000000002", "assume_role": "role/spinnakerManaged", "regions": ["us-east-1"]},
        {"name": "staging", "account_id": "3000", "assume_role": "role/spinnakerManaged", "regions": ["us-east-1"]},
    ]
    result = run_module(halyard_aws_account.main, {"accounts": accounts})
    assert result["failed"] and result["field"] == "account_id" and "accounts[staging]" in result["msg"]
    assert hal.invocations() == []


def test_an_empty_external_id_deletes_and_re_adds_the_account_keeping_its_other_fields(hal):
    run_account({"external_id": "spinnaker-develop-1", "default_key_pair": "dev-keypair"})
    result = run_account({"external_id": ""})
    assert result["changed"] and "externalId" in result["changed_fields"]
    assert hal.invocations()[-2:] == [
        ["config", "provider", "aws", "account", "delete", "develop"],
        ["config", "provider", "aws", "account", "add", "develop", "--account-id", "200000000002", "--assume-role",
         "role/spinnakerManaged", "--environment", "dev", "--default-key-pair", "dev-keypair", "--regions", "us-east-1", "us-west-2"],
    ]
    account = hal.aws()["accounts"][0]
    assert "externalId" not in account or account["externalId"] in (None, "")
    assert account["defaultKeyPair"] == "dev-keypair"
    assert not run_account({"external_id": ""})["changed"]


def test_accounts_not_listed_are_reported_and_pruned_only_when_asked(hal):
    run_account({"name": "legacy", "account_id": "900000000009"})
    listed = [{"name": "develop", "account_id": "200000000002", "assume_role": "role/spinnakerManaged", "regions": ["us-east-1"]}]
    result = run_module(halyard_aws_account.main, {"accounts": listed})
    assert result["unlisted"] == ["legacy"] and result["unlisted_account_ids"] == {"legacy": "900000000009"}
    assert sorted(a["name"] for a in hal.aws()["accounts"]) == ["develop", "legacy"]
    result = run_module(halyard_aws_account.main, {"accounts": listed, "prune_unlisted": True})
    assert result["changed"] and [a["name"] for a in hal.aws()["accounts"]] == ["develop"]


def test_deploy_with_a_digest_applies_only_a_config_it_has_not_applied(hal, tmp_path):
    digest = str(tmp_path / "state" / "applied.sha256")
    run_account({})
    first = run_module(halyard_deploy.main, {"applied_digest_path": digest})
    assert first["changed"] and first["applied_digest"] is None
    second = run_module(halyard_deploy.main, {"applied_digest_path": digest})
    assert not second["changed"] and second["commands"] == [] and second["digest"] == first["digest"]
    run_account({"regions": ["us-east-1"]})
    hal.fail_once("deploy apply")
    failed = run_module(halyard_deploy.main, {"applied_digest_path": digest})
    assert failed["failed"]
    assert failed["applied_digest"] == first["digest"]
    with open(digest) as handle:
        assert handle.read().strip() == first["digest"]  # a failed deploy records nothing
    third = run_module(halyard_deploy.main, {"applied_digest_path": digest})
    assert third["changed"] and third["digest"] != first["digest"]
    assert hal.invocations().count(["deploy", "apply"]) == 3


def hand_made_develop(hal):
    """Somebody's own ``develop``: another AWS account, its own role, external id and region."""
    run_account({"account_id": "999999999999", "assume_role": "role/admin", "external_id": "their-own-id",
                 "regions": ["eu-west-1"], "environment": "theirs"})
    return json.dumps(hal.aws()["accounts"], sort_keys=True)


def test_an_account_of_the_same_name_for_another_aws_account_is_left_alone(hal):
    before = hand_made_develop(hal)
    calls = len(hal.invocations())
    result = run_account({})
    assert result["failed"] and result["refused"][0]["account_id"] == "999999999999"
    assert "AWS account 999999999999 (assumeRole role/admin), not 200000000002" in result["msg"]
    assert "spinnaker_halyard_adopt_accounts" in result["msg"]
    assert json.dumps(hal.aws()["accounts"], sort_keys=True) == before and len(hal.invocations()) == calls
    gone = run_account({"state": "absent"})  # not deleted either
    assert gone["failed"] and json.dumps(hal.aws()["accounts"], sort_keys=True) == before


def test_with_accounts_the_others_are_written_and_the_foreign_one_reported(hal):
    before = hand_made_develop(hal)
    result = run_module(halyard_aws_account.main, {"accounts": [
        {"name": "develop", "account_id": "200000000002", "assume_role": "role/spinnakerManaged", "regions": ["us-east-1"]},
        {"name": "staging", "account_id": "300000000003", "assume_role": "role/spinnakerManaged", "regions": ["us-east-1"]},
    ]})
    assert result["changed"] and [r["name"] for r in result["refused"]] == ["develop"]
    accounts = {a["name"]: a for a in hal.aws()["accounts"]}
    assert json.dumps([accounts["develop"]], sort_keys=True) == before and "staging" in accounts


def test_adopt_replaces_the_foreign_account_without_its_stale_external_id(hal):
    hand_made_develop(hal)
    result = run_account({"adopt": True, "external_id": ""})
    assert result["changed"] and result["refused"] == []
    develop = hal.aws()["accounts"][0]
    assert develop["accountId"] == "200000000002" and develop["assumeRole"] == "role/spinnakerManaged"
    assert "externalId" not in develop


def test_accounts_items_are_coerced_like_the_single_account_options(hal):
    item = {"name": "develop", "account_id": "200000000002", "assume_role": "role/spinnakerManaged",
            "regions": "us-east-1,us-west-2", "lambda_enabled": "yes"}
    assert run_module(halyard_aws_account.main, {"accounts": [item]})["changed"]
    account = hal.aws()["accounts"][0]
    assert [r["name"] for r in account["regions"]] == ["us-east-1", "us-west-2"]
    assert account["lambdaEnabled"] is True
    again = run_module(halyard_aws_account.main, {"accounts": [item]})
    assert not again["changed"] and again["commands"] == []  # the same account, not a string that differs each run


def test_an_unknown_key_in_accounts_is_refused_before_any_hal_call(hal):
    result = run_module(halyard_aws_account.main, {"accounts": [{"name": "develop", "acount_id": "200000000002"}]})
    assert result["failed"] and "acount_id" in result["msg"]
    assert hal.invocations() == []
