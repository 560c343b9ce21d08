"""run_outcome's check inputs read each host's trust policy from hostvars: the one this run wrote first."""

from ansible_collections.spinnaker.aws.plugins.module_utils.plan import run_plan
from ansible_collections.spinnaker.aws.plugins.plugin_utils.run_state import read_outcome

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
    check = read_outcome(PLAN, hostvars, check=True)["check"]
    assert [(t["account_id"], t["policy"]) for t in check["trusts"]] == [("200000000002", WRITTEN), ("300000000003", READ)]
    expected = ["arn:aws:iam::%s:role/spinnakerManaged" % i for i in IDS.values()]
    assert [r["role_arn"] for r in check["roles"]] == expected
    assert all(r["registration"] == "halyard" for r in check["roles"])  # the writer the run registers with, after the check


def test_an_account_whose_iam_failed_in_this_run_is_not_checked():
    hostvars = {"written": {"spinnaker_plan": PLAN, "managed_account_result": {"failed": True}}, "read": {}, "skipped": {}}
    outcome = read_outcome(PLAN, hostvars, check=True)
    assert outcome["iam_failed"] == ["written"]
    assert [r["role_arn"].split(":")[4] for r in outcome["check"]["roles"]] == ["300000000003", "400000000004"]


def test_the_managing_policy_this_run_wrote_names_the_accounts_the_inventory_no_longer_lists():
    policy = {"Statement": [{"Sid": "SpinnakerAssumeManagedRoles", "Effect": "Allow", "Action": "sts:AssumeRole",
                             "Resource": ["arn:aws:iam::200000000002:role/spinnakerManaged",
                                          "arn:aws:iam::900000000009:role/spinnakerManaged"]}]}
    plan = run_plan({"managing": {"aws_account_id": "100000000001", "spinnaker_regions": ["us-east-1"]},
                     "written": {"aws_account_id": "200000000002", "spinnaker_regions": ["us-east-1"]}},
                    {"spinnaker_managing": ["managing"], "spinnaker_managed": ["written"]})
    hostvars = {"managing": {"managing_account_policy": {"policy": policy}}, "written": {}}
    assert read_outcome(plan, hostvars, check=True)["check"]["drift"] == ["account 900000000009 in the managing policy"]
    assert "check" not in read_outcome(plan, hostvars)
