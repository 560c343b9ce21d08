"""Inventory validation (pure)."""

from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import inventory_errors

GOOD = [
    {"host": "spinnakerManaging", "aws_account_id": "100000000001", "spinnaker_account_name": None, "spinnaker_regions": ["us-east-1"]},
    {"host": "develop", "aws_account_id": "200000000002", "spinnaker_account_name": None, "spinnaker_regions": ["us-east-1", "us-west-2"]},
]


def test_good_inventory_has_no_errors():
    assert inventory_errors(GOOD, ["spinnakerManaging"]) == []


def test_managing_group_must_hold_one_host():
    assert "it holds 0" in inventory_errors(GOOD, [])[0]
    assert "it holds 2: a, b" in inventory_errors(GOOD, ["a", "b"])[0]


def test_unquoted_id_that_lost_its_leading_zero_is_explained():
    accounts = [dict(GOOD[0]), dict(GOOD[1], aws_account_id=12345678901)]
    errors = inventory_errors(accounts, ["spinnakerManaging"])
    assert len(errors) == 1 and errors[0].startswith("develop: aws_account_id must be a quoted 12-digit string")


def test_region_names_are_checked():
    accounts = [GOOD[0], dict(GOOD[1], spinnaker_regions=["us-east-1, us-west-2"])]
    assert "not region names of the aws partition" in inventory_errors(accounts, ["spinnakerManaging"])[0]


def test_existing_mode_needs_an_arn():
    errors = inventory_errors(GOOD, ["spinnakerManaging"], identity="existing", existing_arn="spinnaker")
    assert "managing_account_existing_arn" in errors[0]
    assert inventory_errors(GOOD, ["spinnakerManaging"], identity="existing", existing_arn="arn:aws:iam::100000000001:role/eks-node") == []


def errors_for(host_vars=None, managing_vars=None, **kwargs):
    """The errors of GOOD with ``host_vars`` on develop."""
    accounts = [dict(GOOD[0], **(managing_vars or {})), dict(GOOD[1], **(host_vars or {}))]
    return inventory_errors(accounts, ["spinnakerManaging"], **kwargs)


def test_region_typo_is_refused_and_a_newer_region_can_be_allowed():
    errors = errors_for({"spinnaker_regions": ["us-east-7"]})
    assert len(errors) == 1 and errors[0].startswith("develop: spinnaker_regions has ['us-east-7']")
    assert "spinnaker_extra_regions" in errors[0]
    assert errors_for({"spinnaker_regions": ["us-east-7"], "spinnaker_extra_regions": ["us-east-7"]}) == []


def test_regions_are_those_of_the_account_partition():
    assert "aws-us-gov partition" in errors_for({"spinnaker_regions": ["us-east-1"], "spinnaker_partition": "aws-us-gov"})[0]
    assert errors_for({"spinnaker_regions": ["us-gov-west-1"], "spinnaker_partition": "aws-us-gov"}) == []


def test_external_ids_outside_the_sts_rule_name_their_inventory_variable():
    for value in ("x", "has space", "a" * 1225, "caf\u00e9-id"):
        errors = errors_for({"spinnaker_external_id": value})
        assert len(errors) == 1 and errors[0].startswith("develop: spinnaker_external_id must be 2 to 1,224 characters"), value
        assert value not in errors[0] or len(value) < 2
    errors = errors_for(managing_vars={"spinnaker_default_external_id": "with space"})
    assert errors[0].startswith("spinnakerManaging: spinnaker_default_external_id")
    assert errors_for({"spinnaker_external_id": "spinnaker_develop-0b5e:+=,.@/"}) == []
    assert errors_for({"spinnaker_external_id": ""}) == []  # empty: no external id


def test_spinnaker_account_names_are_url_safe():
    errors = errors_for({"spinnaker_account_name": "my develop"})
    assert len(errors) == 1 and "'my develop' (spinnaker_account_name)" in errors[0]
    accounts = [GOOD[0], dict(GOOD[1], host="dev/eu")]
    assert "(the inventory host name)" in inventory_errors(accounts, ["spinnakerManaging"])[0]
    assert errors_for({"spinnaker_account_name": "develop-eu_1.b"}) == []
    assert inventory_errors([dict(GOOD[0], host="spinnakerManaging")], ["spinnakerManaging"]) == []


def test_bootstrap_role_must_be_a_role_arn_in_the_host_account_and_partition():
    wrong_account = errors_for({"aws_bootstrap_role_arn": "arn:aws:iam::300000000003:role/OrganizationAccountAccessRole"})
    assert len(wrong_account) == 1
    assert "in account 300000000003, but aws_account_id is 200000000002" in wrong_account[0]
    assert "not an IAM role ARN" in errors_for({"aws_bootstrap_role_arn": "OrganizationAccountAccessRole"})[0]
    assert "not an IAM role ARN" in errors_for({"aws_bootstrap_role_arn": "arn:aws:iam::200000000002:user/admin"})[0]
    assert "in the aws-cn partition" in errors_for({"aws_bootstrap_role_arn": "arn:aws-cn:iam::200000000002:role/admin"})[0]
    assert errors_for({"aws_bootstrap_role_arn": "arn:aws:iam::200000000002:role/path/OrganizationAccountAccessRole"}) == []


def test_existing_principal_must_be_in_the_managing_account():
    errors = errors_for(identity="existing", existing_arn="arn:aws:iam::999999999999:role/spinnaker")
    assert len(errors) == 1 and "in account 999999999999, not the managing account 100000000001" in errors[0]


def test_unbound_wildcard_needs_an_organization_or_an_explicit_yes():
    errors = errors_for(managing_settings={"managing_account_assume_role_scope": "wildcard"})
    assert len(errors) == 1 and "managing_account_organization_id" in errors[0] and "allow_unbound_wildcard" in errors[0]
    assert errors_for(managing_settings={"managing_account_assume_role_scope": "wildcard", "managing_account_organization_id": "o-abc123"}) == []
    assert errors_for(managing_settings={"managing_account_assume_role_scope": "wildcard", "managing_account_allow_unbound_wildcard": "yes"}) == []
    assert "accounts or wildcard" in errors_for(managing_settings={"managing_account_assume_role_scope": "all"})[0]


def test_registration_group_must_hold_one_host():
    assert "The halyard group must hold exactly one host" in errors_for(registration=("halyard", []))[0]
    assert "it holds 2: a, b" in errors_for(registration=("halyard", ["a", "b"]))[0]
    assert errors_for(registration=("halyard", ["halyard-host"])) == []
    assert errors_for(registration=None) == []


def test_each_registration_path_needs_its_settings_on_its_host():
    component = {"spinnaker_clouddriver_component_dir": "/srv/k/components/spinnaker-aws"}
    assert errors_for(registration=("clouddriver", ["c"], "clouddriver_config", component)) == []
    neither = errors_for(registration=("clouddriver", ["c"], "clouddriver_config", {}))
    assert neither and "c: set exactly one of spinnaker_clouddriver_component_dir" in neither[0] and "neither" in neither[0]
    both = dict(component, spinnaker_clouddriver_local_file="/srv/k/clouddriver-local.yml")
    assert "both are set" in errors_for(registration=("clouddriver", ["c"], "clouddriver_config", both))[0]
    assert errors_for(registration=("gate", ["g"], "account_api", {"spinnaker_gate_url": "https://gate/api/v1"})) == []
    assert "spinnaker_gate_url" in errors_for(registration=("gate", ["g"], "account_api", {}))[0]
    assert "not both" in errors_for(registration=("gate", ["g"], "account_api", {
        "spinnaker_gate_url": "https://gate/api/v1", "spinnaker_gate_api_token": "t", "spinnaker_gate_username": "u"}))[0]
    assert "spinnaker_registration must be one of" in errors_for(registration=("x", ["h"], "kustomize", {}))[0]


def test_permissions_must_be_read_and_write_lists_of_role_names():
    assert errors_for({"spinnaker_permissions": {"READ": ["devs"], "WRITE": ["deployers"]}}) == []
    assert "spinnaker_permissions must map READ" in errors_for({"spinnaker_permissions": {"read": ["devs"]}})[0]
    assert "spinnaker_permissions" in errors_for({"spinnaker_permissions": {"READ": "devs"}})[0]


def test_the_iam_path_and_the_permissions_boundary_are_checked_before_any_call():
    assert errors_for({"spinnaker_iam_path": "/spinnaker/", "spinnaker_iam_permissions_boundary":
                       "arn:aws:iam::200000000002:policy/PlatformBoundary"}) == []
    assert "spinnaker_iam_path must be an IAM path" in errors_for({"spinnaker_iam_path": "spinnaker"})[0]
    assert "spinnaker_iam_path" in errors_for({"spinnaker_iam_path": "/a b/"})[0]
    assert "must be a managed policy ARN" in errors_for({"spinnaker_iam_permissions_boundary": "PlatformBoundary"})[0]
    # An AWS managed policy is a managed policy too.
    assert errors_for({"spinnaker_iam_permissions_boundary": "arn:aws:iam::aws:policy/PowerUserAccess"}) == []
    assert errors_for({"spinnaker_iam_permissions_boundary": "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"}) == []


def test_the_run_partition_decides_the_regions_and_the_bootstrap_role():
    gov = {"spinnaker_regions": ["us-gov-west-1"], "aws_bootstrap_role_arn": "arn:aws-us-gov:iam::200000000002:role/admin"}
    gov_managing = {"spinnaker_regions": ["us-gov-east-1"]}
    assert errors_for(gov, gov_managing, partition="aws-us-gov") == []
    errors = errors_for(gov, partition="aws")
    assert len(errors) == 2
    assert "the aws partition (the managing account's, since spinnaker_partition is not set)" in errors[0]
    assert "aws_bootstrap_role_arn is in the aws-us-gov partition, the account in aws" in errors[1]
