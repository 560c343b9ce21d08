"""The trust_check_targets filter reads each host's trust policy from hostvars: the one this run wrote first."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.spinnaker.aws.plugins.filter.trust_check_targets import trust_check_targets

WRITTEN = {"Version": "2012-10-17", "Statement": [{"Sid": "written"}]}
READ = {"Version": "2012-10-17", "Statement": [{"Sid": "read"}]}
ACCOUNTS = [{"host": h, "account_id": i, "external_id": None} for h, i in
            (("written", "200000000002"), ("read", "300000000003"), ("skipped", "400000000004"))]


def test_the_written_policy_wins_then_the_read_one_and_a_skipped_registration_counts_as_unknown():
    hostvars = {
        "written": {"managed_account_role": {"policy": WRITTEN}, "verify_trust_policy": READ},
        "read": {"verify_trust_policy": READ},
        # A role task skipped in this run registers a result without a policy.
        "skipped": {"managed_account_role": {"skipped": True}},
    }
    targets = trust_check_targets(ACCOUNTS, hostvars, ["written", "read", "skipped"])
    assert [(t["account_id"], t["policy"]) for t in targets["trusts"]] == [("200000000002", WRITTEN), ("300000000003", READ)]
    expected = ["arn:aws:iam::%s:role/spinnakerManaged" % i for i in ("200000000002", "300000000003", "400000000004")]
    assert [r["role_arn"] for r in targets["roles"]] == expected
    assert all(r["registration"] is None for r in targets["roles"])


def test_a_host_outside_the_accounts_is_a_filter_error():
    with pytest.raises(AnsibleFilterError, match="halyard-host"):
        trust_check_targets(ACCOUNTS, {"halyard-host": {}}, ["halyard-host"])
