"""The plan lookup and filter read hostvars, with what the play sets above the inventory (an import_playbook's vars)."""

from ansible_collections.spinnaker.aws.plugins.plugin_utils.run_state import play_overrides
from ansible_collections.spinnaker.aws.plugins.plugin_utils.run_state import read_plan as plan

GROUPS = {"spinnaker_managing": ["managing"], "spinnaker_managed": ["develop"], "halyard": ["hal"]}
HOSTVARS = {
    "managing": {"aws_account_id": "100000000001", "spinnaker_regions": ["us-east-1"]},
    "develop": {"aws_account_id": "200000000002", "spinnaker_regions": ["us-east-1"]},
    "hal": {},
}


def test_a_variable_the_play_sets_reaches_every_host_and_the_hosts_own_ones_are_not_overrides():
    context = {"aws_endpoint_url": "http://127.0.0.1:5111", "aws_account_id": "100000000001", "spinnaker_plan_iam": False}
    assert play_overrides(HOSTVARS, context, "managing") == {"aws_endpoint_url": "http://127.0.0.1:5111"}
    result = plan(HOSTVARS, GROUPS, context=context, context_host="managing")
    assert [a["session"]["endpoint_url"] for a in result["accounts"].values()] == ["http://127.0.0.1:5111"] * 2
    assert result["accounts"]["develop"]["account_id"] == "200000000002"


def test_without_a_context_only_hostvars_count():
    result = plan(HOSTVARS, GROUPS)
    assert result["accounts"]["develop"]["session"]["endpoint_url"] is None and result["refusals"] == []


def test_iam_false_overrides_the_switch_for_a_playbook_that_converges_no_iam():
    assert plan(HOSTVARS, GROUPS)["switches"]["iam"] is True
    assert plan(HOSTVARS, GROUPS, iam=False)["switches"]["iam"] is False
