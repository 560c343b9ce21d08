"""Halyard argv building, the halconfig model and output mapping (pure, no hal)."""

import pytest

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker import halyard as h

DEVELOP = {
    "name": "develop",
    "account_id": "200000000002",
    "assume_role": "role/spinnakerManaged",
    "regions": ["us-east-1", "us-west-2"],
    "external_id": None,
    "environment": "dev",
    "default_key_pair": None,
    "edda": None,
    "discovery": None,
    "read_permissions": None,
    "write_permissions": None,
    "lambda_enabled": None,
    "state": "present",
}


def test_add_argv_puts_name_after_verb_and_one_region_per_element():
    argv = h.account_add_argv(h.desired_account(DEVELOP))
    assert argv[:6] == ["config", "provider", "aws", "account", "add", "develop"]
    assert argv[argv.index("--regions") + 1:argv.index("--regions") + 3] == ["us-east-1", "us-west-2"]
    assert "--no-validate" not in argv
    assert argv[argv.index("--account-id") + 1] == "200000000002"


def test_add_argv_gives_each_permission_its_own_element():
    desired = h.desired_account(dict(DEVELOP, read_permissions=["team-a", "team-b"]))
    argv = h.account_add_argv(desired)
    i = argv.index("--read-permissions")
    assert argv[i + 1:i + 3] == ["team-a", "team-b"]


def test_add_argv_carries_deployment():
    assert h.account_add_argv(h.desired_account(DEVELOP), "prod")[-2:] == ["--deployment", "prod"]


def test_identical_account_needs_no_command():
    current = {"name": "develop", "accountId": "200000000002", "assumeRole": "role/spinnakerManaged",
               "regions": [{"name": "us-west-2"}, {"name": "us-east-1"}], "environment": "dev", "permissions": {}}
    assert h.account_edit_argvs(current, h.desired_account(DEVELOP)) == []


def test_edit_carries_only_what_differs():
    current = {"name": "develop", "accountId": "200000000002", "assumeRole": "role/spinnakerManaged",
               "regions": [{"name": "us-east-1"}], "environment": "dev"}
    assert h.account_edit_argvs(current, h.desired_account(DEVELOP)) == [
        ["config", "provider", "aws", "account", "edit", "develop", "--regions", "us-east-1", "us-west-2"]
    ]


def test_edit_compares_account_id_as_string():
    # An unquoted id in a hand-edited halconfig is read back by YAML as an int.
    current = {"name": "develop", "accountId": 200000000002, "assumeRole": "role/spinnakerManaged",
               "regions": [{"name": "us-east-1"}, {"name": "us-west-2"}], "environment": "dev"}
    assert h.account_edit_argvs(current, h.desired_account(DEVELOP)) == []


def test_emptying_permissions_removes_each_value():
    current = {"name": "develop", "permissions": {"READ": ["a", "b"]}}
    only_permissions = dict(DEVELOP, read_permissions=[], regions=None, account_id=None, assume_role=None, environment=None)
    argvs = h.account_edit_argvs(current, h.desired_account(only_permissions))
    assert [a[-2:] for a in argvs] == [["--remove-read-permission", "a"], ["--remove-read-permission", "b"]]


def test_lambda_enabled_is_written_as_true_false():
    argv = h.account_add_argv(h.desired_account(dict(DEVELOP, lambda_enabled=True)))
    assert argv[argv.index("--lambda-enabled") + 1] == "true"


def test_provider_edit_never_puts_the_secret_in_argv():
    argv = h.provider_edit_argv("AKIAEXAMPLE", secret=True)
    assert argv == ["config", "provider", "aws", "edit", "--access-key-id", "AKIAEXAMPLE", "--secret-access-key"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"account_id": "2000"}, "account_id"),
        ({"account_id": None}, "account_id"),
        ({"regions": []}, "regions"),
        ({"regions": ["us-east-1, us-west-2"]}, "regions"),
        ({"regions": ["useast1"]}, "regions"),
        ({"assume_role": "spinnakerManaged"}, "assume_role"),
        ({"assume_role": "arn:aws:iam::300000000003:role/spinnakerManaged"}, "assume_role"),
        ({"external_id": "has space"}, "external_id"),
    ],
)
def test_bad_account_input_names_the_field(change, field):
    with pytest.raises(h.HalyardError) as e:
        h.validate_account_params(dict(DEVELOP, **change))
    assert e.value.field == field


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-2", "ap-southeast-4", "us-gov-west-1", "cn-north-1", "il-central-1"])
def test_real_region_names_pass(region):
    h.validate_account_params(dict(DEVELOP, regions=[region]))


def test_role_arn_in_the_same_account_passes():
    h.validate_account_params(dict(DEVELOP, assume_role="arn:aws:iam::200000000002:role/spinnakerManaged"))


HALCONFIG = {
    "currentDeployment": "default",
    "deploymentConfigurations": [
        {"name": "default", "providers": {
            "aws": {"accounts": [{"name": "develop", "accountId": "200000000002"}]},
            "kubernetes": {"accounts": [{"name": "staging"}]},
        }},
        {"name": "other", "providers": {"aws": {"accounts": []}}},
    ],
}


def test_halconfig_model_reads_current_deployment():
    assert h.get_aws_account(HALCONFIG, "develop")["accountId"] == "200000000002"
    assert h.get_aws_account(HALCONFIG, "develop", "other") is None


def test_name_used_by_another_provider_is_found():
    assert h.provider_using_account_name(HALCONFIG, "staging") == "kubernetes"
    assert h.provider_using_account_name(HALCONFIG, "develop") is None


def test_duplicate_accounts_are_reported():
    config = {"deploymentConfigurations": [{"name": "default", "providers": {"aws": {"accounts": [{"name": "a"}, {"name": "a"}]}}}]}
    with pytest.raises(h.HalyardError) as e:
        h.get_aws_account(config, "a")
    assert "More than one account" in e.value.message


@pytest.mark.parametrize(
    "current, key_changed, update, expected",
    [
        (None, False, "on_create", True),
        ("same", False, "on_create", False),
        ("old", False, "on_create", True),
        ("encrypted:secrets-manager!r:us-west-2!s:spinnaker", False, "on_create", False),
        ("encrypted:secrets-manager!r:us-west-2!s:spinnaker", True, "on_create", True),
        ("same", False, "always", True),
    ],
)
def test_secret_write_decision(current, key_changed, update, expected):
    assert h.secret_needs_write(current, "same", key_changed, update) is expected


def test_daemon_down_message_names_endpoint_and_ready():
    message = h.hal_error_message(["config"], 1, "", "! ERROR Failed to connect to localhost/127.0.0.1:8064\n? Is your daemon running?\n")
    assert "localhost/127.0.0.1:8064" in message and "hal --ready" in message


def test_hal_missing_in_container_is_named():
    message = h.hal_error_message(["config"], 126, "", 'OCI runtime exec failed: exec: "hal": executable file not found in $PATH',
                                  ["docker", "exec", "-i", "halyard", "hal"])
    assert "hal_command" in message


def test_error_lines_and_remediation_are_kept():
    message = h.hal_error_message(["x"], 1, "", '! ERROR No account with name "x" was found\n? Check if this account was defined\n')
    assert 'No account with name "x" was found' in message and "Check if this account" in message


def test_ansi_colours_are_stripped():
    assert h.clean_output("\x1b[32m+ Success\x1b[0m\n") == "+ Success"
