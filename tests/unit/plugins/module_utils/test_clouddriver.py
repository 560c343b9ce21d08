"""The pure part of the clouddriver writers: the account entries, the plan, secret references, the component and
the comment-keeping merge."""

import pytest
import yaml

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker import accounts
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker import clouddriver
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker import gate


def model(partition="aws", ready=True, **variables):
    """One account as run_outcome gives it to the writers (``ready``: its IAM converged, its trust chain holds)."""
    host = dict({"host": "develop", "aws_account_id": "200000000002", "spinnaker_regions": ["us-east-1"]}, **variables)
    return [dict(a, ready=ready) for a in accounts.account_model([host], default_partition=partition)]


def entries(partition="aws", **variables):
    return accounts.registration_entries(model(partition, **variables), accounts.assume_role_for)


def test_one_account_in_clouddriver_shape():
    entry = entries(spinnaker_external_id="ext-1", spinnaker_permissions={"READ": ["b", "a", "a"]},
                    spinnaker_lambda_enabled="yes")[0]
    assert accounts.clouddriver_account(entry) == {
        "name": "develop", "accountId": "200000000002", "assumeRole": "role/spinnakerManaged",
        "regions": [{"name": "us-east-1"}], "environment": "develop", "externalId": "ext-1",
        "permissions": {"READ": ["a", "b"], "WRITE": []}, "lambdaEnabled": True}


def test_unset_permissions_and_lambda_are_left_out():
    assert set(accounts.clouddriver_account(entries()[0])) == {"name", "accountId", "assumeRole", "regions", "environment"}


def test_outside_the_aws_partition_the_assume_role_is_a_full_arn():
    assert entries()[0]["assume_role"] == "role/spinnakerManaged"
    assert entries("aws-us-gov")[0]["assume_role"] == "arn:aws-us-gov:iam::200000000002:role/spinnakerManaged"
    assert accounts.assume_role_for(model()[0], "spinnakerManaged", "/spinnaker/") == "role/spinnaker/spinnakerManaged"


def test_an_account_whose_iam_failed_is_left_out_and_an_offboarded_one_is_absent():
    failed = model(ready=False)
    assert accounts.registration_entries(failed, accounts.assume_role_for) == []
    assert entries(spinnaker_account_state="absent") == [{"name": "develop", "account_id": "200000000002", "state": "absent"}]


def test_the_plan_keeps_keys_it_does_not_own_and_drops_owned_ones_the_inventory_unset():
    current = {"develop": {"name": "develop", "accountId": "200000000002", "assumeRole": "role/spinnakerManaged",
                           "regions": [{"name": "us-east-1"}], "environment": "develop", "externalId": "old",
                           "sessionName": "mine", "type": "aws"}}
    plan = accounts.registration_plan(entries(), current)
    assert plan["upsert"] == [{"name": "develop", "accountId": "200000000002", "assumeRole": "role/spinnakerManaged",
                               "regions": [{"name": "us-east-1"}], "environment": "develop", "sessionName": "mine"}]
    again = dict(plan["upsert"][0], type="aws")
    assert accounts.registration_plan(entries(), {"develop": again})["unchanged"] == ["develop"]


def test_the_plan_refuses_another_aws_account_of_the_same_name_unless_adopted():
    current = {"develop": {"name": "develop", "accountId": "999999999999"}, "other": {"name": "other"}}
    plan = accounts.registration_plan(entries(), current)
    assert plan["upsert"] == [] and plan["refused"][0]["account_id"] == "999999999999"
    assert plan["unlisted"] == ["other"]
    assert accounts.registration_plan(entries(), current, adopt=["develop"])["upsert"][0]["accountId"] == "200000000002"
    absent = accounts.registration_plan(entries(spinnaker_account_state="absent"), current)
    assert absent["delete"] == [] and absent["refused"]  # never deletes somebody else's account


def test_secret_reference_format_and_refusals():
    assert clouddriver.secret_reference("us-east-1", "spinnaker/x", "secret_access_key") == \
        "encrypted:secrets-manager!r:us-east-1!s:spinnaker/x!k:secret_access_key"
    with pytest.raises(ValueError):
        clouddriver.secret_reference("us-east-1", "a!b", "k")
    with pytest.raises(ValueError):
        clouddriver.secret_reference("", "a", "k")


def test_the_component_patch_adds_a_projected_source_to_clouddriver():
    files = clouddriver.component_files({"aws": {"enabled": True}}, "spinnaker-aws")
    kustomization = yaml.safe_load(files["kustomization.yml"])
    patch = yaml.safe_load(kustomization["patches"][0]["patch"])
    assert patch == [{"op": "add", "path": "/spec/template/spec/volumes/0/projected/sources/-",
                      "value": {"configMap": {"name": "clouddriver-spinnaker-aws",
                                              "items": [{"key": "clouddriver.yml", "path": "spinnaker-aws/clouddriver.yml"}]}}}]
    assert sorted(files) == ["files/clouddriver.yml", "kustomization.yml"]


@pytest.mark.parametrize("text", [
    "aws:\n  accounts:\n  - name: legacy   # keep\n    accountId: '999999999999'\n",
    "aws:\n    accounts:\n      - name: legacy   # keep\n        accountId: '999999999999'\n",
    "# top\naws:\n  # inner\n  accounts:\n    - name: legacy\n      accountId: \"999999999999\"  # quoted twice\n",
], ids=["dash-at-parent", "four-spaces", "offset-dash"])
def test_the_merge_keeps_each_indentation_style_and_every_comment(text):
    plan = accounts.registration_plan(entries(), clouddriver.accounts_by_name(yaml.safe_load(text)))
    merged = clouddriver.merge_local(text, clouddriver.provider_settings("role/spinnakerManaged"), plan)
    lines = iter(merged.splitlines())
    assert all(line in lines for line in text.splitlines()), merged
    assert [a["name"] for a in yaml.safe_load(merged)["aws"]["accounts"]] == ["legacy", "develop"]
    plan = accounts.registration_plan(entries(), clouddriver.accounts_by_name(yaml.safe_load(merged)))
    assert clouddriver.merge_local(merged, clouddriver.provider_settings("role/spinnakerManaged"), plan) == merged


def test_a_file_that_is_not_a_mapping_is_an_error_naming_it():
    with pytest.raises(clouddriver.ClouddriverConfigError, match="aws.accounts is not a list"):
        clouddriver.merge_local("aws:\n  accounts: {}\n", {}, {"upsert": [], "delete": []})
    with pytest.raises(clouddriver.ClouddriverConfigError, match="not YAML"):
        clouddriver.load_local("aws: [\n")


def test_gate_errors_name_the_cause_and_the_fix():
    assert "api_token" in gate.explain(401, "", "GET", "/credentials/type/aws")
    assert "fiat.account.manager.roles" in gate.explain(403, '{"message": "Access is denied"}', "PUT", "/credentials")
    assert "Access is denied" in gate.explain(403, '{"message": "Access is denied"}', "PUT", "/credentials")
    disabled = gate.explain(404, "", "GET", "/credentials/type/aws")
    assert all(setting.split(":", maxsplit=1)[0] in disabled for setting in gate.API_SETTINGS)
    assert "Cannot create an account" in gate.explain(400, '{"message": "Cannot create an account which already exists"}',
                                                      "POST", "/credentials")


def test_an_account_counts_as_loaded_only_with_the_written_account_id():
    wanted = {"accountId": "200000000002", "assumeRole": "role/spinnakerManaged"}
    assert gate.is_loaded({"accountId": "200000000002"}, wanted)
    assert not gate.is_loaded(None, wanted)
    assert not gate.is_loaded({"accountId": "200000000002", "assumeRole": "role/old"}, wanted)


def test_a_changed_account_counts_as_loaded_only_once_its_new_version_is():
    wanted = {"accountId": "200000000002", "regions": [{"name": "eu-west-1"}], "environment": "develop"}
    old = {"accountId": "200000000002", "regions": [{"name": "us-east-1", "availabilityZones": ["us-east-1a"]}]}
    assert not gate.is_loaded(old, wanted)
    assert gate.is_loaded(dict(old, regions=[{"name": "eu-west-1", "availabilityZones": []}]), wanted)
    assert not gate.is_loaded({"accountId": "200000000002", "externalId": "old"}, wanted)  # external id removed
