"""The account model and the ownership helpers (pure)."""

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import account_model
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import effective_external_id
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import halyard_accounts
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import config_digest
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import desired_account
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import fields_to_unset
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import readded_account
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import foreign_parts
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import is_owned
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ownership_tags
from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import inventory_errors
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import merge_policy_statement
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import other_principals


def host(name, **variables):
    return dict(host=name, aws_account_id=variables.pop("aws_account_id", "200000000002"), spinnaker_regions=["us-east-1"], **variables)


def test_a_host_external_id_wins_over_the_default_and_empty_means_none():
    assert effective_external_id("own", "default") == "own"
    assert effective_external_id(None, "default") == "default"
    assert effective_external_id("", "default") is None
    assert effective_external_id(None, "") is None


def outcome(accounts, failed=()):
    """The accounts as run_outcome gives them to the writers: each with ``ready`` (false for ``failed`` hosts)."""
    return [dict(a, ready=a["host"] not in failed) for a in accounts]


def test_account_model_names_states_and_external_ids():
    accounts = account_model([
        host("develop", spinnaker_default_external_id="dflt"),
        host("staging", spinnaker_account_name="stage", spinnaker_account_state="absent", spinnaker_external_id="x1"),
    ])
    assert [(a["name"], a["state"], a["external_id"]) for a in accounts] == [
        ("develop", "present", "dflt"), ("stage", "absent", "x1")]
    assert "iam_ok" not in accounts[0]  # what the run did is run_outcome's, not the inventory's


def test_halyard_accounts_delete_the_absent_skip_the_failed_and_unset_a_missing_external_id():
    accounts = outcome(account_model([
        host("develop"), host("staging", spinnaker_account_state="absent"), host("broken")]), failed=["broken"])
    assert halyard_accounts(accounts, "role/spinnakerManaged", adopt=["staging"]) == [
        {"name": "develop", "account_id": "200000000002", "assume_role": "role/spinnakerManaged", "regions": ["us-east-1"],
         "external_id": "", "environment": None, "adopt": False},
        {"name": "staging", "account_id": "200000000002", "state": "absent", "adopt": True},
    ]


def test_an_empty_external_id_is_not_written_and_a_stored_one_must_go():
    params = {"name": "develop", "account_id": "200000000002", "external_id": ""}
    assert "externalId" not in desired_account(params)
    current = {"name": "develop", "accountId": "200000000002", "externalId": "old", "environment": "dev",
               "regions": [{"name": "us-east-1"}], "lifecycleHooks": []}
    assert fields_to_unset(current, params) == ["externalId"]
    assert fields_to_unset(dict(current, externalId=None), params) == []
    assert fields_to_unset(current, dict(params, external_id=None)) == []  # unset option: not managed
    again = readded_account(current, desired_account(params), ["externalId"])
    assert again == {"name": "develop", "accountId": "200000000002", "environment": "dev", "regions": [{"name": "us-east-1"}]}


def test_config_digest_ignores_key_order_and_follows_content():
    first = {"currentDeployment": "default", "deploymentConfigurations": [{"name": "default", "providers": {"aws": {"enabled": True, "accounts": []}}}]}
    reordered = {"deploymentConfigurations": [{"providers": {"aws": {"accounts": [], "enabled": True}}, "name": "default"}], "currentDeployment": "default"}
    assert config_digest(first) == config_digest(reordered)
    changed = {"currentDeployment": "default", "deploymentConfigurations": [{"name": "default", "providers": {"aws": {"enabled": False, "accounts": []}}}]}
    assert config_digest(first) != config_digest(changed)
    assert config_digest({}) == config_digest(None)


def test_remove_resources_drops_stale_arns_in_the_same_merge_and_keeps_wanted_ones():
    document = {"Version": "2012-10-17", "Statement": [
        {"Sid": "SpinnakerAssumeManagedRoles", "Effect": "Allow", "Action": ["sts:AssumeRole"],
         "Resource": ["arn:aws:iam::*:role/spinnakerManaged", "arn:aws:iam::300000000003:role/spinnakerManaged"]},
        {"Sid": "Theirs", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}]}
    wanted = ["arn:aws:iam::200000000002:role/spinnakerManaged"]
    result = merge_policy_statement(document, "SpinnakerAssumeManagedRoles", ["sts:AssumeRole"], wanted, condition={},
                                    remove_resources=["arn:aws:iam::*:role/spinnakerManaged", wanted[0]])
    owned = result["statement"]
    assert owned["Resource"] == ["arn:aws:iam::300000000003:role/spinnakerManaged", wanted[0]]
    assert result["removed_resources"] == ["arn:aws:iam::*:role/spinnakerManaged"]
    assert result["policy"]["Statement"][1] == document["Statement"][1]


def test_other_principals_are_what_an_exclusive_merge_would_remove():
    document = {"Version": "2012-10-17", "Statement": [
        {"Sid": "SpinnakerManaging", "Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"AWS": ["arn:aws:iam::100000000001:user/spinnakerManaging", "arn:aws:iam::100000000001:role/spinnakerManaging"]}}]}
    new = {"AWS": ["arn:aws:iam::100000000001:role/spinnakerManaging"]}
    assert other_principals(document, "SpinnakerManaging", new) == [{"kind": "AWS", "principal": "arn:aws:iam::100000000001:user/spinnakerManaging"}]
    assert other_principals(document, "Missing", new) == [] and other_principals(document, None, new) == []


def test_ownership_tags_cannot_be_overridden_and_are_recognised():
    tags = ownership_tags({"team": "platform", "managed-by": "someone-else"})
    assert tags == {"team": "platform", "managed-by": "spinnaker.aws"}
    assert is_owned([{"Key": "managed-by", "Value": "spinnaker.aws"}]) and is_owned(tags)
    assert not is_owned([]) and not is_owned({"managed-by": "terraform"})


def test_foreign_parts_names_what_the_collection_does_not_own():
    trust = {"Version": "2012-10-17", "Statement": [{"Sid": "SpinnakerManaging"}, {"Sid": "DataPlatformDeployer"}, {"Effect": "Allow"}]}
    parts = foreign_parts(trust, ["SpinnakerManaging"], ["arn:aws:iam::aws:policy/PowerUserAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"],
                          ["arn:aws:iam::aws:policy/PowerUserAccess"], ["PassRole-and-Certificates", "theirs"], ["PassRole-and-Certificates"])
    assert parts == ["trust statement DataPlatformDeployer", "trust statement (no Sid)",
                     "managed policy arn:aws:iam::aws:policy/ReadOnlyAccess", "inline policy theirs"]
    assert foreign_parts({"Statement": [{"Sid": "SpinnakerManaging"}]}, ["SpinnakerManaging"], [], [], [], []) == []


def test_inventory_check_refuses_an_unknown_state_and_offboarding_the_managing_account_while_others_stay():
    accounts = [
        {"host": "spinnakerManaging", "aws_account_id": "100000000001", "spinnaker_regions": ["us-east-1"], "spinnaker_account_state": "absent"},
        {"host": "develop", "aws_account_id": "200000000002", "spinnaker_regions": ["us-east-1"], "spinnaker_account_state": "gone"},
    ]
    errors = inventory_errors(accounts, ["spinnakerManaging"])
    assert "develop: spinnaker_account_state must be present or absent (offboard the account), got 'gone'." in errors
    assert any(e.startswith("spinnakerManaging: spinnaker_account_state is absent on the managing account while 1 other") for e in errors)
    accounts[1]["spinnaker_account_state"] = "absent"
    assert inventory_errors(accounts, ["spinnakerManaging"]) == []  # everything offboarded: allowed


def test_an_account_of_the_same_name_for_another_aws_account_is_foreign_unless_adopted():
    from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import foreign_account

    theirs = {"name": "develop", "accountId": "999999999999", "assumeRole": "role/admin"}
    refusal = foreign_account(theirs, "develop", "200000000002")
    assert refusal["account_id"] == "999999999999" and refusal["assume_role"] == "role/admin"
    assert "for AWS account 999999999999 (assumeRole role/admin), not 200000000002" in refusal["msg"]
    assert foreign_account(theirs, "develop", "200000000002", adopt=True) is None
    assert foreign_account(dict(theirs, accountId="200000000002"), "develop", "200000000002") is None
    assert foreign_account(None, "develop", "200000000002") is None


def test_every_account_of_the_model_takes_the_run_partition():
    accounts = account_model([host("develop"), host("china")], default_partition="aws-us-gov")
    assert [a["partition"] for a in accounts] == ["aws-us-gov", "aws-us-gov"]


def test_halyard_gets_the_full_role_arn_outside_the_aws_partition():
    accounts = account_model([host("develop")]) + account_model([host("gov", aws_account_id="300000000003")],
                                                                default_partition="aws-us-gov")
    entries = halyard_accounts(outcome(accounts), "role/spinnakerManaged")
    assert [e["assume_role"] for e in entries] == ["role/spinnakerManaged", "arn:aws-us-gov:iam::300000000003:role/spinnakerManaged"]
