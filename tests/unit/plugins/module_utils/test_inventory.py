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
    assert "not AWS region names" in inventory_errors(accounts, ["spinnakerManaging"])[0]


def test_existing_mode_needs_an_arn():
    errors = inventory_errors(GOOD, ["spinnakerManaging"], identity="existing", existing_arn="spinnaker")
    assert "managing_account_existing_arn" in errors[0]
    assert inventory_errors(GOOD, ["spinnakerManaging"], identity="existing", existing_arn="arn:aws:iam::100000000001:role/eks-node") == []
