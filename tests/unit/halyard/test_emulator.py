"""The Halyard emulator behaves as docs/halyard.md says the real hal does."""

import os
import subprocess

import pytest

from tests.halyard.emulator import HAL
from tests.halyard.emulator import Emulator


@pytest.fixture
def hal(tmp_path):
    emulator = Emulator(tmp_path)

    def run(*argv, stdin=""):
        env = dict(os.environ, **emulator.env)
        proc = subprocess.run([HAL] + list(argv), input=stdin, capture_output=True, text=True, env=env, check=False)
        return proc.returncode, proc.stdout, proc.stderr

    run.emulator = emulator
    return run


ADD = ("config", "provider", "aws", "account", "add", "develop", "--account-id", "200000000002",
       "--assume-role", "role/spinnakerManaged", "--regions", "us-east-1", "us-west-2")


def test_add_then_duplicate_add_fails_with_exit_1(hal):
    assert hal(*ADD) == (0, "+ Successfully added account develop for provider aws.\n", "")
    code, _out, err = hal(*ADD)
    assert code == 1
    assert '! ERROR Account "develop" appears more than once' in err
    assert "- Failed to add account develop for provider aws." in err
    assert len(hal.emulator.aws()["accounts"]) == 1


def test_no_validate_saves_a_duplicate(hal):
    hal(*ADD)
    assert hal(*(ADD + ("--no-validate",)))[0] == 0
    assert len(hal.emulator.aws()["accounts"]) == 2
    code, _out, err = hal("config", "provider", "aws", "account", "get", "develop")
    assert code == 1 and 'More than one account named "develop" was found' in err


def test_no_validate_takes_no_value(hal):
    code, _out, err = hal(*(ADD + ("--no-validate", "true")))
    assert code == 1 and "Only one main parameter allowed" in err


def test_color_takes_a_value(hal):
    assert hal(*(ADD + ("--color", "false")))[0] == 0


def test_missing_required_flags(hal):
    code, _out, err = hal("config", "provider", "aws", "account", "add", "develop")
    assert code == 1 and "The following options are required: [--account-id], [--assume-role]" in err


def test_unknown_option(hal):
    code, _out, err = hal(*(ADD + ("--foo", "bar")))
    assert code == 1 and "Unknown option: --foo" in err


def test_regions_split_on_commas_without_trimming(hal):
    hal("config", "provider", "aws", "account", "add", "develop", "--account-id", "200000000002",
        "--assume-role", "role/spinnakerManaged", "--regions", "us-east-1, us-west-2")
    assert hal.emulator.aws()["accounts"][0]["regions"] == [{"name": "us-east-1"}, {"name": " us-west-2"}]


def test_flag_equals_value_form(hal):
    assert hal("config", "provider", "aws", "account", "add", "develop", "--account-id=200000000002",
               "--assume-role=role/spinnakerManaged")[0] == 0


def test_noop_edit_says_no_changes(hal):
    hal(*ADD)
    assert hal("config", "provider", "aws", "account", "edit", "develop", "--regions", "us-east-1", "us-west-2") == (
        0, "", "- No changes supplied.\n")


def test_regions_and_add_region_together_fail(hal):
    hal(*ADD)
    code, _out, err = hal("config", "provider", "aws", "account", "edit", "develop", "--regions", "us-east-1", "--add-region", "eu-west-1")
    assert code == 3 and "Set either --regions or --[add/remove]-region" in err


def test_edit_and_delete_of_missing_account(hal):
    code, _out, err = hal("config", "provider", "aws", "account", "edit", "nope", "--environment", "x")
    assert code == 1 and 'No account with name "nope" was found' in err
    code, _out, err = hal("config", "provider", "aws", "account", "delete", "nope")
    assert code == 1 and "Account \"nope\" wasn't found" in err


def test_duplicate_name_across_providers(hal):
    hal("config", "provider", "aws", "enable")
    config = hal.emulator.halconfig()
    config["deploymentConfigurations"][0]["providers"]["kubernetes"]["accounts"].append({"name": "develop"})
    hal.emulator.write_halconfig(config)
    code, _out, err = hal(*ADD)
    assert code == 1 and "appears more than once" in err


def test_secret_prompt_reads_one_line_from_stdin(hal):
    code, out, _err = hal("config", "provider", "aws", "edit", "--access-key-id", "AKIAEXAMPLE", "--secret-access-key", stdin="s3cr3t\nignored\n")
    assert code == 0 and "Your AWS Secret Key" in out
    assert hal.emulator.aws()["secretAccessKey"] == "s3cr3t"
    assert all("s3cr3t" not in " ".join(argv) for argv in hal.emulator.invocations())


def test_empty_stdin_crashes_the_prompt(hal):
    code, _out, err = hal("config", "provider", "aws", "edit", "--access-key-id", "AKIAEXAMPLE", "--secret-access-key", stdin="")
    assert code == 1 and "NoSuchElementException" in err


def test_daemon_down(hal):
    hal.emulator.set_daemon_down()
    code, _out, err = hal(*ADD)
    assert code == 1 and "! ERROR Failed to connect to localhost/127.0.0.1:8064" in err and "? Is your daemon running?" in err
    assert hal("--ready")[0] == 1
    hal.emulator.set_daemon_down(False)
    assert hal("--ready")[0] == 0


def test_list_and_enable(hal):
    assert hal("config", "provider", "aws", "account", "list")[1] == "+ No configured accounts for aws.\n"
    hal(*ADD)
    assert hal("config", "provider", "aws", "account", "list")[1] == "+ Accounts for aws:\n  - develop\n"
    assert hal("config", "provider", "aws", "enable")[1] == "+ Successfully enabled aws\n"
    assert hal.emulator.aws()["enabled"] is True


def test_halconfig_schema_and_recorded_argv(hal):
    hal(*ADD)
    account = hal.emulator.aws()["accounts"][0]
    assert account == {
        "name": "develop", "accountId": "200000000002", "assumeRole": "role/spinnakerManaged",
        "regions": [{"name": "us-east-1"}, {"name": "us-west-2"}], "permissions": {},
        "requiredGroupMembership": [], "lifecycleHooks": [],
    }
    assert hal.emulator.invocations() == [list(ADD)]


def test_unknown_account_key_fails_to_load(hal):
    hal(*ADD)
    config = hal.emulator.halconfig()
    config["deploymentConfigurations"][0]["providers"]["aws"]["accounts"][0]["surprise"] = 1
    hal.emulator.write_halconfig(config)
    code, _out, err = hal("config", "provider", "aws", "account", "list")
    assert code == 3 and 'Unrecognized field "surprise"' in err
