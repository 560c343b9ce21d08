"""The pure part of module_utils.iam.role (iam_roles' options, plans, results and messages): no AWS, no client."""

import pytest

from ansible_collections.spinnaker.aws.plugins.module_utils.iam import role
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import PolicyError

MANAGING_USER = "arn:aws:iam::100000000001:user/spinnakerManaging"
OURS = {"Sid": "SpinnakerManaging", "Effect": "Allow", "Principal": {"AWS": MANAGING_USER}, "Action": "sts:AssumeRole"}
THEIRS = {"Sid": "SpinnakerManaging", "Effect": "Allow", "Action": "sts:AssumeRole",
          "Principal": {"AWS": "arn:aws:iam::777777777777:role/other-team-spinnaker"}}
EC2 = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
ROLE = {"RoleName": "spinnakerManaged", "Arn": "arn:aws:iam::200000000002:role/spinnakerManaged", "Path": "/"}


def entry(**options):
    """One entry of ``roles`` as Ansible hands it to the module: every option, its default unless given."""
    params = dict((name, spec.get("default")) for name, spec in role.ROLE_OPTIONS.items())
    params.update(role_name="spinnakerManaged", sid="SpinnakerManaging", principals={"aws": [MANAGING_USER]})
    params.update(options)
    return params


def trust(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_every_entry_is_planned_in_order_with_its_inline_statements():
    inline = [{"policy_name": "PassRole", "statements": [
        {"sid": "SpinnakerPassRole", "actions": ["iam:PassRole"], "resources": ["*"], "effect": "Allow", "conditions": None}]}]
    plans = role.plan_roles([entry(), entry(role_name="BaseIAMRole", inline_policies=inline)])
    assert plans[0] == [] and [name for name, _specs in plans[1]] == ["PassRole"]
    assert plans[1][0][1][0]["sid"] == "SpinnakerPassRole"


@pytest.mark.parametrize("options, field", [
    ({"principals": {"aws": ["*"]}}, "principals"),
    ({"principals": {"aws": ["12345"]}}, "principals.aws"),
    ({"external_id": "x"}, "external_id"),
    ({"exclusive": True, "principals": {}}, "principals"),
    ({"wait_timeout": -1}, "wait_timeout"),
    ({"inline_policies": [{"policy_name": "P", "statements": [
        {"sid": "S", "actions": ["PassRole"], "resources": ["*"], "effect": "Allow", "conditions": None}]}]}, "actions"),
])
def test_a_bad_entry_fails_the_plan_naming_the_entry(options, field):
    with pytest.raises(role.RoleFailure) as failure:
        role.plan_roles([entry(), entry(role_name="BaseIAMRole", **options)])
    assert failure.value.field.startswith(field) and failure.value.extra == {"role_name": "BaseIAMRole"}


def test_a_wildcard_and_exclusive_without_principals_are_accepted_for_an_absent_entry():
    assert role.validate_role(entry(state="absent", principals={"aws": ["*"]})) == ({"AWS": ["*"]}, {})
    assert role.validate_role(entry(state="absent", principals={}, exclusive=True)) == ({}, {})


def test_an_account_id_is_its_root_arn_in_the_role_partition():
    principals, condition = role.validate_role(entry(principals={"aws": ["100000000001"]}, external_id="spinnaker-7f3a"), "aws-cn")
    assert principals == {"AWS": ["arn:aws-cn:iam::100000000001:root"]}
    assert condition == {"StringEquals": {"sts:ExternalId": "spinnaker-7f3a"}}


def test_the_tags_record_the_owned_statement_only_with_state_present():
    assert role.role_tags(entry(tags={"team": "platform"})) == {
        "managed-by": "spinnaker.aws", "team": "platform", "spinnaker.aws:owned-statements:default": "SpinnakerManaging"}
    assert role.role_tags(entry(install_id="100000000001"))["spinnaker.aws:owned-statements:100000000001"] == "SpinnakerManaging"
    assert role.role_tags(entry(state="absent")) == {"managed-by": "spinnaker.aws"}
    assert role.role_tags(entry(sid=None)) == {"managed-by": "spinnaker.aws"}


def test_a_missing_role_is_refused_without_create_role_and_names_the_account():
    with pytest.raises(role.RoleFailure) as failure:
        role.refuse_role(entry(), None, lambda: "account 200000000002")
    assert failure.value.field == "role_name" and "spinnakerManaged" in failure.value.msg
    assert "account 200000000002" in failure.value.msg
    role.refuse_role(entry(create_role=True), None, None)  # account() is only asked on failure
    role.refuse_role(entry(state="absent"), None, None)


def test_a_service_linked_role_is_refused():
    linked = dict(ROLE, Path="/aws-service-role/ecs.amazonaws.com/")
    with pytest.raises(role.RoleFailure, match="service-linked"):
        role.refuse_role(entry(state="absent"), linked, None)


def test_a_foreign_statement_fails_a_present_entry_naming_it():
    with pytest.raises(role.RoleFailure) as failure:
        role.check_statement_ownership(entry(), ROLE, trust(THEIRS))
    assert failure.value.field == "sid" and failure.value.extra == {"statement_ownership": "foreign", "role_arn": ROLE["Arn"]}
    assert "other-team-spinnaker" in failure.value.msg and "adopt_statement" in failure.value.msg


def test_a_foreign_statement_is_reported_to_an_absent_entry_and_left():
    params = entry(state="absent", delete_role=True)
    assert role.check_statement_ownership(params, ROLE, trust(THEIRS)) == "foreign"
    result = role.foreign_statement_result(role.new_result(), params, ROLE, trust(THEIRS), "foreign")
    assert result["policy"] == trust(THEIRS) and not result["changed"] and not result["deleted"]
    assert result["statement_ownership"] == "foreign" and "not written by this install" in result["foreign"][0]


def test_another_installs_statement_fails_a_present_entry_naming_that_install_and_is_left_by_an_absent_one():
    other = dict(ROLE, Tags=[{"Key": "spinnaker.aws:owned-statements:100000000001", "Value": "SpinnakerManaging"}])
    with pytest.raises(role.RoleFailure) as failure:
        role.check_statement_ownership(entry(install_id="500000000005", adopt_statement=True), other, trust(OURS))
    assert failure.value.field == "sid" and failure.value.extra["statement_ownership"] == "other-install"
    assert "install id 100000000001" in failure.value.msg and "managed_account_trust_sid" in failure.value.msg
    params = entry(install_id="500000000005", state="absent", delete_role=True)
    assert role.check_statement_ownership(params, other, trust(OURS)) == "other-install"
    result = role.foreign_statement_result(role.new_result(), params, other, trust(OURS), "other-install")
    assert "recorded by another install of Spinnaker (100000000001)" in result["foreign"][0] and not result["changed"]
    assert result["removed_principals"] == [] and result["size"] > 0 and result["size_limit"] == 2048


def test_ownership_verdicts_other_than_foreign_are_returned():
    recorded = dict(ROLE, Tags=[{"Key": "spinnaker.aws:owned-statements:default", "Value": "SpinnakerManaging"}])
    assert role.check_statement_ownership(entry(), recorded, trust(OURS)) == "owned"
    assert role.check_statement_ownership(entry(adopt_statement=True), ROLE, trust(THEIRS)) == "adopted"
    assert role.check_statement_ownership(entry(), ROLE, trust(EC2)) == "new"
    with pytest.raises(role.RoleFailure):  # unrecorded, though it trusts exactly the managing user
        role.check_statement_ownership(entry(), ROLE, trust(OURS))


def test_the_result_of_an_absent_role_that_does_not_exist_is_empty():
    result = role.untouched_trust_result(role.new_result(), None)
    assert result["policy"] is None and result["size"] == 0 and not result["changed"] and result["foreign"] == []
    assert role.role_diff("spinnakerManaged", None, result) == dict(
        before=None, after=None, before_header="spinnakerManaged", after_header="spinnakerManaged")


def test_the_planned_trust_keeps_other_statements_and_reports_other_principals():
    result = role.plan_trust(entry(), "spinnakerManaged", trust(EC2), "aws")
    assert result["changed"] and EC2 in result["policy"]["Statement"] and result["other_principals"] == []
    exclusive_view = role.plan_trust(entry(principals={"aws": ["arn:aws:iam::100000000001:role/new"]}),
                                     "spinnakerManaged", trust(OURS), "aws")
    assert exclusive_view["other_principals"] == [{"kind": "AWS", "principal": MANAGING_USER}]


def test_a_plan_that_empties_the_trust_is_refused_unless_the_role_goes():
    with pytest.raises(PolicyError) as failure:
        role.plan_trust(entry(state="absent"), "spinnakerManaged", trust(OURS), "aws")
    assert failure.value.field == "principals" and "no statement" in failure.value.message
    emptied = role.plan_trust(entry(state="absent"), "spinnakerManaged", trust(OURS), "aws", allow_empty=True)
    assert emptied["policy"]["Statement"] == [] and emptied["changed"]


def test_a_renamed_sids_old_statement_is_reported_then_removed_with_prune_recorded_statements():
    old = dict(OURS, Sid="SpinnakerOld")
    kept = role.plan_trust(entry(recorded_sids={"SpinnakerOld"}), "spinnakerManaged", trust(old, EC2), "aws")
    assert kept["other_recorded_statements"] == ["SpinnakerOld"] and kept["removed_statements"] == []
    assert old in kept["policy"]["Statement"]
    pruned = role.plan_trust(entry(recorded_sids={"SpinnakerOld"}, prune_recorded_statements=True), "spinnakerManaged",
                             trust(old, EC2, dict(EC2, Sid="NotRecorded")), "aws")
    assert pruned["removed_statements"] == ["SpinnakerOld"] and pruned["other_recorded_statements"] == [] and pruned["changed"]
    assert [s.get("Sid") for s in pruned["policy"]["Statement"]] == [None, "NotRecorded", "SpinnakerManaging"]
    assert role.recorded_sids_after("SpinnakerManaging", {"SpinnakerOld"}, pruned["policy"]) == {"SpinnakerManaging"}


@pytest.mark.parametrize("recorded, statements, wanted", [
    (None, [OURS], {"SpinnakerManaging"}),       # a role without the record gets one once our statement is there
    (None, [EC2], None),                          # ... and none while it is not
    ({"SpinnakerManaging"}, [OURS], None),        # already recorded
    ({"Other"}, [OURS], {"SpinnakerManaging"}),  # a recorded Sid whose statement is gone is dropped
    ({"Other"}, [OURS, dict(EC2, Sid="Other")], {"Other", "SpinnakerManaging"}),
    ({"Other", "SpinnakerManaging"}, [EC2], set()),  # the statement is gone: so is its record
    (set(), [EC2], None),
])
def test_the_record_of_owned_sids_follows_the_trust_just_written(recorded, statements, wanted):
    assert role.recorded_sids_after("SpinnakerManaging", recorded, trust(*statements)) == wanted


def test_owned_policy_arns_match_by_arn_or_name():
    attached = [{"PolicyName": "PowerUserAccess", "PolicyArn": "arn:aws:iam::aws:policy/PowerUserAccess"},
                {"PolicyName": "Mine", "PolicyArn": "arn:aws:iam::200000000002:policy/Mine"},
                {"PolicyName": "Theirs", "PolicyArn": "arn:aws:iam::200000000002:policy/Theirs"}]
    assert role.owned_policy_arns(attached, ["PowerUserAccess", "arn:aws:iam::200000000002:policy/Mine"]) == [
        "arn:aws:iam::aws:policy/PowerUserAccess", "arn:aws:iam::200000000002:policy/Mine"]


def test_a_deleted_role_diff_ends_in_nothing():
    result = dict(role.new_result(), deleted=True, policy=trust())
    assert role.role_diff("BaseIAMRole", trust(EC2), result)["after"] is None
    assert role.role_diff("BaseIAMRole", trust(EC2), dict(result, deleted=False))["after"] == trust()
