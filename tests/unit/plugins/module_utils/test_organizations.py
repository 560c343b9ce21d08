"""Accounts of an AWS Organization as inventory hosts: the name rules and the selection (pure)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.spinnaker.aws.plugins.module_utils.organizations import OrganizationInventoryError
from ansible_collections.spinnaker.aws.plugins.module_utils.organizations import build_inventory
from ansible_collections.spinnaker.aws.plugins.module_utils.organizations import host_variables
from ansible_collections.spinnaker.aws.plugins.module_utils.organizations import name_accounts
from ansible_collections.spinnaker.aws.plugins.module_utils.organizations import select_accounts
from ansible_collections.spinnaker.aws.plugins.module_utils.organizations import spinnaker_account_name


def account(account_id, name, status="ACTIVE", tags=None, ou_path="/", partition="aws", **extra):
    record = {
        "id": account_id, "name": name, "email": "%s@example.com" % account_id, "status": status,
        "arn": "arn:%s:organizations::100000000001:account/o-abc/%s" % (partition, account_id),
        "tags": tags or {}, "ou_path": ou_path, "parent_id": "r-ab12",
    }
    record.update(extra)
    return record


def test_name_is_the_account_name_lowercased_with_other_characters_as_dashes():
    assert spinnaker_account_name(account("200000000002", "Shared Services")) == "shared-services"
    assert spinnaker_account_name(account("200000000002", "Prod_EU (Frankfurt)")) == "prod-eu--frankfurt-"


def test_the_account_name_tag_wins_over_the_name():
    tagged = account("200000000002", "Payments Prod", tags={"spinnaker:account-name": "payments"})
    assert spinnaker_account_name(tagged) == "payments"


def test_a_tagged_name_spinnaker_cannot_use_is_refused_with_the_fix():
    tagged = account("200000000002", "x", tags={"spinnaker:account-name": "pay ments"})
    with pytest.raises(OrganizationInventoryError, match=r"account 200000000002: tag spinnaker:account-name is 'pay ments'"):
        spinnaker_account_name(tagged)


def test_a_name_with_nothing_usable_asks_for_the_tag():
    with pytest.raises(OrganizationInventoryError, match="tag the account with spinnaker:account-name"):
        spinnaker_account_name(account("200000000002", "!!!"))


@given(st.text(min_size=1).filter(lambda s: any(c.isascii() and c.isalnum() for c in s)))
def test_every_sanitized_name_holds_only_lowercase_letters_digits_and_dashes(name):
    result = spinnaker_account_name(account("200000000002", name))
    assert result and set(result) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")


def test_only_active_accounts_are_selected():
    accounts = [account("1" * 12, "a"), account("2" * 12, "b", status="SUSPENDED"),
                account("3" * 12, "c", status="PENDING_CLOSURE"), account("4" * 12, "d", state="PENDING_ACTIVATION")]
    selected, skipped = select_accounts(accounts)
    assert [a["id"] for a in selected] == ["1" * 12]
    assert dict(skipped) == {"2" * 12: "state SUSPENDED", "3" * 12: "state PENDING_CLOSURE", "4" * 12: "state PENDING_ACTIVATION"}


def test_state_is_read_before_the_deprecated_status():
    selected, skipped = select_accounts([account("1" * 12, "a", status="ACTIVE", state="CLOSED")])
    assert selected == [] and skipped == [("1" * 12, "state CLOSED")]


def test_onboard_false_tag_exclusion_and_tag_filters_narrow_the_selection():
    accounts = [
        account("1" * 12, "a", tags={"team": "platform"}),
        account("2" * 12, "b", tags={"team": "platform", "spinnaker:onboard": "False"}),
        account("3" * 12, "c", tags={"team": "payments"}),
        account("4" * 12, "d", tags={"team": "data"}),
        account("5" * 12, "e"),
    ]
    selected, skipped = select_accounts(accounts, tag_filters={"team": ["platform", "payments"]}, exclude_account_ids=["3" * 12])
    assert [a["id"] for a in selected] == ["1" * 12]
    assert dict(skipped) == {"2" * 12: "tagged spinnaker:onboard=false", "3" * 12: "in exclude_account_ids",
                             "4" * 12: "does not match tag_filters", "5" * 12: "does not match tag_filters"}


def test_an_account_listed_under_two_overlapping_parents_is_kept_once():
    selected, skipped = select_accounts([account("1" * 12, "a"), account("1" * 12, "a")])
    assert len(selected) == 1 and skipped == []


def test_a_name_collision_names_both_accounts_and_the_fix():
    with pytest.raises(OrganizationInventoryError) as error:
        name_accounts([account("111111111111", "Team A"), account("222222222222", "team_a"), account("333333333333", "ok")])
    message = str(error.value)
    assert "'team-a': accounts 111111111111 (Team A), 222222222222 (team_a)" in message
    assert "Tag all but one of them with spinnaker:account-name" in message


def test_host_variables_from_the_account_and_its_tags():
    record = account("200000000002", "Payments Prod", ou_path="/workloads/prod", partition="aws-us-gov", tags={
        "spinnaker:environment": "prod", "spinnaker:external-id": "spinnaker-payments-4c1d",
        "spinnaker:regions": " us-gov-west-1, ,us-gov-east-1 "})
    variables = host_variables(record, bootstrap_role_name="SpinnakerBootstrap")
    assert variables == {
        "aws_account_id": "200000000002",
        "aws_account_name": "Payments Prod",
        "aws_account_email": "200000000002@example.com",
        "aws_account_tags": record["tags"],
        "aws_organizational_unit": "/workloads/prod",
        "aws_bootstrap_role_arn": "arn:aws-us-gov:iam::200000000002:role/SpinnakerBootstrap",
        "spinnaker_environment": "prod",
        "spinnaker_external_id": "spinnaker-payments-4c1d",
        "spinnaker_regions": ["us-gov-west-1", "us-gov-east-1"],
    }


def test_untagged_accounts_leave_spinnaker_variables_to_the_inventory():
    variables = host_variables(account("200000000002", "Develop"))
    assert not [k for k in variables if k.startswith("spinnaker_")]


def test_build_inventory_names_the_managing_host():
    hosts, managing, skipped = build_inventory([account("100000000001", "Shared Services"), account("200000000002", "Develop")],
                                               managing_account_id="100000000001")
    assert list(hosts) == ["develop", "shared-services"] and managing == "shared-services" and skipped == []


def test_a_managing_account_that_is_not_selected_is_an_error_saying_why():
    accounts = [account("100000000001", "Shared Services", status="SUSPENDED"), account("200000000002", "Develop")]
    with pytest.raises(OrganizationInventoryError, match=r"managing_account_id 100000000001 is not among the selected accounts \(state SUSPENDED\)"):
        build_inventory(accounts, managing_account_id="100000000001")
    with pytest.raises(OrganizationInventoryError, match=r"\(not found under the configured parent_ids\)"):
        build_inventory(accounts, managing_account_id="999999999999")
