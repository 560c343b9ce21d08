"""Trust-chain classification, rows, table and the trust policy lint (pure)."""

import pytest

from ansible_collections.spinnaker.aws.plugins.module_utils.iam import trust_check as tc

MANAGING = "arn:aws:iam::100000000001:user/spinnakerManaging"


def trust(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


OWNED = {"Sid": "SpinnakerManaging", "Effect": "Allow", "Principal": {"AWS": MANAGING}, "Action": "sts:AssumeRole"}


def codes(findings):
    return sorted(f["code"] for f in findings)


def test_clean_trust_has_no_findings():
    assert tc.lint_trust_policy(trust(OWNED), MANAGING, sid="SpinnakerManaging") == []


def test_wildcard_and_orphan_and_unexpected_principals_are_found():
    owned = dict(OWNED, Principal={"AWS": [MANAGING, "AROAORPHANEDROLE00001", "arn:aws:iam::999999999999:root"]})
    wildcard = {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
    found = codes(tc.lint_trust_policy(trust(owned, wildcard), MANAGING, sid="SpinnakerManaging"))
    assert found == ["orphaned-principal", "unexpected-principal", "wildcard-principal"]


def test_missing_principal_and_missing_external_id():
    assert codes(tc.lint_trust_policy(trust(), MANAGING)) == ["principal-missing"]
    assert codes(tc.lint_trust_policy(trust(OWNED), MANAGING, external_id="ext-1")) == ["external-id-missing"]
    with_id = dict(OWNED, Condition={"StringEquals": {"sts:ExternalId": "ext-1"}})
    assert tc.lint_trust_policy(trust(with_id), MANAGING, external_id="ext-1") == []


@pytest.mark.parametrize(
    "code, message, reason",
    [
        ("AccessDenied", "User: x is not authorized to perform: sts:AssumeRole on resource: y", tc.REASON_NOT_TRUSTED),
        ("AccessDenied", "... because no identity-based policy allows the sts:AssumeRole action", tc.REASON_POLICY),
        ("RegionDisabledException", "STS is not activated", "RegionDisabledException: STS is not activated"),
    ],
)
def test_classify_denial(code, message, reason):
    assert tc.classify_denial(code, message) == reason


def test_session_name_identifies_run_and_account_within_sts_limits():
    name = tc.session_name("1763700000", "arn:aws:iam::200000000002:role/spinnakerManaged", "-noextid")
    assert name == "spinnaker-verify-1763700000-200000000002-noextid" and len(name) <= 64


def test_rows_and_table():
    row = tc.new_row("arn:aws:iam::200000000002:role/spinnakerManaged", "200000000002", "ext-1")
    row.update(assumed=True, identity_account="200000000002", external_id_enforced=False, read_ok=True)
    tc.finish_row(row)
    assert not row["ok"] and row["reason"] == tc.REASON_EXTERNAL_ID
    table = tc.format_table([row])
    assert table[1].split() == ["200000000002", "role/spinnakerManaged", "yes", "NOT", "enforced", "ok", "FAIL:", "external", "id", "not", "enforced"]


def test_role_account_rejects_non_role_arns():
    with pytest.raises(ValueError):
        tc.role_account("arn:aws:iam::200000000002:user/x")


def test_a_region_not_opted_in_or_not_listed_is_unusable_in_the_order_asked():
    described = [{"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"},
                 {"RegionName": "af-south-1", "OptInStatus": "opted-in"},
                 {"RegionName": "ap-east-1", "OptInStatus": "not-opted-in"}]
    assert tc.unusable_regions(["ap-east-1", "us-east-1", "af-south-1", "eu-west-1"], described) == ["ap-east-1", "eu-west-1"]
    assert tc.unusable_regions(None, described) == []


def test_an_assumed_role_whose_account_cannot_use_a_region_fails_naming_it():
    row = tc.new_row("arn:aws:iam::200000000002:role/spinnakerManaged", "200000000002", None)
    row.update(assumed=True, identity_account="200000000002", read_ok=True, regions_unusable=["ap-east-1"], attempts=1)
    tc.finish_row(row)
    assert row["ok"] is False and row["reason"] == "region not enabled"
    assert tc.format_table([row])[1].endswith("FAIL: region not enabled (ap-east-1: not opted in, or not visible to the account)")


def test_the_table_says_when_the_assume_waited_for_iam_propagation():
    row = tc.new_row("arn:aws:iam::200000000002:role/spinnakerManaged", "200000000002", None)
    row.update(assumed=True, identity_account="200000000002", read_ok=True, attempts=3)
    tc.finish_row(row)
    assert row["ok"] is True
    assert tc.format_table([row])[1].endswith("ok (assumed at attempt 3: IAM propagation)")
