"""The trust_check_targets filter reads each host's trust policy from hostvars: the one this run wrote first."""

from ansible_collections.spinnaker.aws.plugins.filter.trust_check_targets import trust_check_targets
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import run_plan

WRITTEN = {"Version": "2012-10-17", "Statement": [{"Sid": "written"}]}
READ = {"Version": "2012-10-17", "Statement": [{"Sid": "read"}]}
IDS = {"written": "200000000002", "read": "300000000003", "skipped": "400000000004"}
GROUPS = {"spinnaker_managed": list(IDS), "halyard": ["localhost"]}
PLAN = run_plan({h: {"aws_account_id": i, "spinnaker_regions": ["us-east-1"],
                     "spinnaker_managing_principal_arn": "arn:aws:iam::100000000001:user/spinnakerManaging"}
                 for h, i in IDS.items()}, GROUPS)


def test_the_written_policy_wins_then_the_read_one_and_a_skipped_task_counts_as_unknown():
    read = {"iam_roles": [{"assume_role_policy_document": READ}]}
    hostvars = {
        "written": {"managed_account_result": {"roles": [{"policy": WRITTEN}]}, "spinnaker_trust_read": read},
        "read": {"spinnaker_trust_read": read},
        # A role task skipped in this run registers a result without a policy.
        "skipped": {"managed_account_result": {"skipped": True}},
    }
    targets = trust_check_targets(PLAN, hostvars)
    assert [(t["account_id"], t["policy"]) for t in targets["trusts"]] == [("200000000002", WRITTEN), ("300000000003", READ)]
    expected = ["arn:aws:iam::%s:role/spinnakerManaged" % i for i in IDS.values()]
    assert [r["role_arn"] for r in targets["roles"]] == expected
    assert all(r["registration"] is None for r in targets["roles"])


def test_an_account_whose_iam_failed_in_this_run_is_not_checked():
    hostvars = {"written": {"spinnaker_plan": PLAN, "managed_account_result": {"failed": True}}, "read": {}, "skipped": {}}
    targets = trust_check_targets(PLAN, hostvars)
    assert [r["role_arn"].split(":")[4] for r in targets["roles"]] == ["300000000003", "400000000004"]
