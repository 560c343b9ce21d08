"""spinnaker.aws.iam_roles with one role, against moto in-process, and against Stubber fixtures for what moto cannot do."""

import datetime
import json
from urllib.parse import quote

import pytest

from ansible_collections.spinnaker.aws.plugins.module_utils.iam import api as iam_io
from ansible_collections.spinnaker.aws.plugins.module_utils.iam import role as role_utils
from ansible_collections.spinnaker.aws.plugins.modules import iam_roles

from .conftest import AWS_ARGS
from .conftest import run_module

ACCOUNT = "123456789012"  # moto's default account
MANAGING_USER = "arn:aws:iam::100000000001:user/spinnakerManaging"
OTHER_TEAM = "arn:aws:iam::999999999999:role/other-team-deployer"
EC2_STATEMENT = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
OTHER_TEAM_STATEMENT = {"Sid": "OtherTeam", "Effect": "Allow", "Principal": {"AWS": OTHER_TEAM}, "Action": "sts:AssumeRole"}


def run(entry, **kw):
    """Run the module with ``entry`` as its one role; return that role's result (with its diff in diff mode), or
    the run's result when the run failed."""
    result = run_module(iam_roles.main, dict(AWS_ARGS, roles=[entry]), **kw)
    if result.get("failed"):
        return result
    assert len(result["roles"]) == 1 and result["changed"] == result["roles"][0]["changed"], result
    role_result = dict(result["roles"][0])
    if "diff" in result:
        role_result["diff"] = result["diff"][0]
    return role_result


@pytest.fixture
def role(aws):
    client, log = aws
    client.create_role(
        RoleName="spinnakerManaged",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [EC2_STATEMENT, OTHER_TEAM_STATEMENT]}),
    )
    log.clear()
    return client, log


def stored_trust(client):
    return client.get_role(RoleName="spinnakerManaged")["Role"]["AssumeRolePolicyDocument"]


MERGE = {"role_name": "spinnakerManaged", "sid": "SpinnakerManaging", "principals": {"aws": [MANAGING_USER]}}


def test_merge_adds_managing_user_and_keeps_other_principals(role):
    client, log = role
    result = run(MERGE)
    assert result["changed"] and not result.get("failed")
    statements = stored_trust(client)["Statement"]
    assert EC2_STATEMENT in statements and OTHER_TEAM_STATEMENT in statements
    owned = [s for s in statements if s.get("Sid") == "SpinnakerManaging"]
    assert owned[0]["Principal"] == {"AWS": [MANAGING_USER]}
    assert log.writes() == ["UpdateAssumeRolePolicy", "TagRole"]  # the statement, then the record that it is ours
    tags = client.list_role_tags(RoleName="spinnakerManaged")["Tags"]
    assert {"Key": "spinnaker.aws:owned-statements:default", "Value": "SpinnakerManaging"} in tags


def test_rerun_reports_no_change_and_makes_no_write_call(role):
    client, log = role
    run(MERGE)
    log.clear()
    result = run(MERGE)
    assert not result["changed"]
    assert log.writes() == []
    assert result["added_principals"] == []


def test_external_id_adds_string_equals_condition(role):
    client = role[0]
    run(dict(MERGE, external_id="spinnaker-develop-7f3a"))
    owned = [s for s in stored_trust(client)["Statement"] if s.get("Sid") == "SpinnakerManaging"][0]
    assert owned["Condition"] == {"StringEquals": {"sts:ExternalId": "spinnaker-develop-7f3a"}}


def test_absent_removes_only_the_given_principal(role):
    client = role[0]
    run(MERGE)
    result = run(dict(MERGE, state="absent"))
    assert result["changed"]
    assert result["removed_principals"] == [{"kind": "AWS", "principal": MANAGING_USER}]
    statements = stored_trust(client)["Statement"]
    assert statements == [EC2_STATEMENT, OTHER_TEAM_STATEMENT]


def test_exclusive_replaces_owned_statement_principals(role):
    client = role[0]
    run(dict(MERGE, principals={"aws": [MANAGING_USER, "arn:aws:iam::100000000001:role/old"]}))
    result = run(dict(MERGE, exclusive=True))
    assert result["removed_principals"] == [{"kind": "AWS", "principal": "arn:aws:iam::100000000001:role/old"}]
    owned = [s for s in stored_trust(client)["Statement"] if s.get("Sid") == "SpinnakerManaging"][0]
    assert owned["Principal"] == {"AWS": [MANAGING_USER]}
    assert OTHER_TEAM_STATEMENT in stored_trust(client)["Statement"]


def test_check_mode_writes_nothing_and_reports_the_change(role):
    client, log = role
    before = stored_trust(client)
    result = run(MERGE, check_mode=True, diff=True)
    assert result["changed"]
    assert result["added_principals"] == [{"kind": "AWS", "principal": MANAGING_USER}]
    assert log.writes() == []
    assert stored_trust(client) == before
    assert result["diff"]["before"] == before
    assert any(s.get("Sid") == "SpinnakerManaging" for s in result["diff"]["after"]["Statement"])


def test_missing_role_names_role_and_account(aws):
    result = run(dict(MERGE, role_name="nope"))
    assert result["failed"]
    assert "nope" in result["msg"] and ACCOUNT in result["msg"]


def test_service_linked_role_is_refused_before_any_write(aws):
    client, log = aws
    client.create_role(
        RoleName="AWSServiceRoleForECS",
        Path="/aws-service-role/ecs.amazonaws.com/",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [EC2_STATEMENT]}),
    )
    log.clear()
    result = run(dict(MERGE, role_name="AWSServiceRoleForECS"))
    assert result["failed"] and "service-linked" in result["msg"]
    assert log.writes() == []


@pytest.mark.parametrize(
    "args, field",
    [
        ({"external_id": "x"}, "external_id"),
        ({"principals": {"aws": ["12345"]}}, "principals.aws"),
        ({"principals": {"aws": ["arn:aws:iam::100000000001:user/spin*"]}}, "principals.aws"),
        ({"principals": {"aws": ["*"]}}, "principals"),
        ({"principals": {"aws": ["*"]}, "allow_wildcard_principal": True}, "conditions"),
    ],
)
def test_bad_input_fails_before_any_aws_call(aws, args, field):
    log = aws[1]
    result = run(dict(MERGE, **args))
    assert result["failed"] and result["field"] == field
    assert log.operations() == []


# ------------------------------------------------------------------------------------------------------------------
# Stubber fixtures: AWS behaviour moto does not reproduce
# ------------------------------------------------------------------------------------------------------------------

CREATED = datetime.datetime(2026, 1, 1)


def get_role_response(document, path="/"):
    """GetRole as IAM sends it: the trust policy URL-encoded JSON (botocore decodes it after the call)."""
    return {
        "Role": {
            "Path": path,
            "RoleName": "spinnakerManaged",
            "RoleId": "AROAEXAMPLEROLEID0001",
            "Arn": "arn:aws:iam::200000000002:role/spinnakerManaged",
            "CreateDate": CREATED,
            "AssumeRolePolicyDocument": quote(json.dumps(document)),
            # The record of the statements the collection wrote (a role set up by this release).
            "Tags": [{"Key": "spinnaker.aws:owned-statements:default", "Value": "SpinnakerManaging"}],
        }
    }


def reread(iam, document):
    """The module reads the role again just before and just after writing its trust (a concurrent writer's change
    is merged, not overwritten); here nobody else writes, so IAM returns the same document."""
    iam.add_response("get_role", get_role_response(document), {"RoleName": "spinnakerManaged"})


def test_policy_returned_rewritten_by_iam_is_not_rewritten(stubbed_clients):
    # IAM stores an account id as its root ARN, one-item lists as strings, and reorders keys and statements
    # (IAM User Guide, "AWS JSON policy elements: Principal" and "Troubleshooting IAM policies").
    iam = stubbed_clients["iam"]
    stored = {
        "Statement": [
            {"Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::100000000001:root"}, "Effect": "Allow", "Sid": "SpinnakerManaging"},
            {"Principal": {"Service": "ec2.amazonaws.com"}, "Effect": "Allow", "Action": "sts:AssumeRole"},
        ],
        "Version": "2012-10-17",
    }
    iam.add_response("get_role", get_role_response(stored), {"RoleName": "spinnakerManaged"})
    result = run({"role_name": "spinnakerManaged", "sid": "SpinnakerManaging", "principals": {"aws": ["100000000001"]}})
    assert not result["changed"]
    iam.assert_no_pending_responses()  # and no UpdateAssumeRolePolicy was made: the Stubber would have failed


def test_orphaned_role_id_is_reported_and_pruned_on_request(stubbed_clients):
    # A trusted role that was deleted shows up as its unique id AROA... (IAM User Guide, "Troubleshooting IAM roles").
    iam = stubbed_clients["iam"]
    stored = {"Version": "2012-10-17", "Statement": [
        {"Sid": "SpinnakerManaging", "Effect": "Allow", "Principal": {"AWS": ["AROAORPHANEDROLE00001", MANAGING_USER]}, "Action": "sts:AssumeRole"},
    ]}
    iam.add_response("get_role", get_role_response(stored), {"RoleName": "spinnakerManaged"})
    reported = run(MERGE)
    assert reported["orphaned_principals"] == ["AROAORPHANEDROLE00001"] and not reported["changed"]

    iam.add_response("get_role", get_role_response(stored), {"RoleName": "spinnakerManaged"})
    reread(iam, stored)
    iam.add_response("update_assume_role_policy", {}, {
        "RoleName": "spinnakerManaged",
        "PolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "SpinnakerManaging", "Effect": "Allow", "Principal": {"AWS": [MANAGING_USER]}, "Action": ["sts:AssumeRole"]}]}),
    })
    reread(iam, stored)
    pruned = run(dict(MERGE, prune_orphaned_principals=True))
    assert pruned["changed"]
    assert {"kind": "AWS", "principal": "AROAORPHANEDROLE00001"} in pruned["removed_principals"]
    iam.assert_no_pending_responses()


def test_invalid_principal_is_retried_until_iam_sees_the_new_principal(stubbed_clients, monkeypatch):
    # IAM rejects a principal created seconds ago with "Invalid principal in policy" until it is visible
    # (eventual consistency; IAM User Guide, "Troubleshooting IAM"). The backoff's sleep is skipped here.
    monkeypatch.setattr(iam_io.time, "sleep", lambda seconds: None)
    iam = stubbed_clients["iam"]
    iam.add_response("get_role", get_role_response({"Version": "2012-10-17", "Statement": [EC2_STATEMENT]}), {"RoleName": "spinnakerManaged"})
    reread(iam, {"Version": "2012-10-17", "Statement": [EC2_STATEMENT]})
    invalid = 'Invalid principal in policy: "AWS":"%s"' % MANAGING_USER
    iam.add_client_error("update_assume_role_policy", "MalformedPolicyDocument", invalid, 400)
    iam.add_client_error("update_assume_role_policy", "MalformedPolicyDocument", invalid, 400)
    iam.add_response("update_assume_role_policy", {})
    reread(iam, {"Version": "2012-10-17", "Statement": [EC2_STATEMENT]})
    result = run(MERGE)
    assert result["changed"] and not result.get("failed")
    iam.assert_no_pending_responses()


def test_invalid_principal_gives_up_after_wait_timeout(stubbed_clients):
    iam = stubbed_clients["iam"]
    iam.add_response("get_role", get_role_response({"Version": "2012-10-17", "Statement": [EC2_STATEMENT]}), {"RoleName": "spinnakerManaged"})
    reread(iam, {"Version": "2012-10-17", "Statement": [EC2_STATEMENT]})
    iam.add_client_error("update_assume_role_policy", "MalformedPolicyDocument", "Invalid principal in policy", 400)
    result = run(dict(MERGE, wait_timeout=0))
    assert result["failed"] and "still rejects a principal" in result["msg"]


def test_other_malformed_policy_is_final(stubbed_clients):
    iam = stubbed_clients["iam"]
    iam.add_response("get_role", get_role_response({"Version": "2012-10-17", "Statement": [EC2_STATEMENT]}), {"RoleName": "spinnakerManaged"})
    reread(iam, {"Version": "2012-10-17", "Statement": [EC2_STATEMENT]})
    iam.add_client_error("update_assume_role_policy", "MalformedPolicyDocument", "Syntax errors in policy.", 400)
    result = run(MERGE)
    assert result["failed"]
    iam.assert_no_pending_responses()


def test_limit_exceeded_from_iam_is_reported(stubbed_clients):
    # IAM answers 409 LimitExceeded "Cannot exceed quota for ACLSizePerRole" when its own count is higher than ours.
    iam = stubbed_clients["iam"]
    iam.add_response("get_role", get_role_response({"Version": "2012-10-17", "Statement": [EC2_STATEMENT]}), {"RoleName": "spinnakerManaged"})
    reread(iam, {"Version": "2012-10-17", "Statement": [EC2_STATEMENT]})
    iam.add_client_error("update_assume_role_policy", "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409)
    result = run(MERGE)
    assert result["failed"] and "ACLSizePerRole" in json.dumps(result)


def test_unmodifiable_entity_is_reported(stubbed_clients):
    # Roles protected by AWS (e.g. service-linked ones reached by another path) answer UnmodifiableEntity.
    iam = stubbed_clients["iam"]
    iam.add_response("get_role", get_role_response({"Version": "2012-10-17", "Statement": [EC2_STATEMENT]}), {"RoleName": "spinnakerManaged"})
    reread(iam, {"Version": "2012-10-17", "Statement": [EC2_STATEMENT]})
    iam.add_client_error("update_assume_role_policy", "UnmodifiableEntity", "Cannot perform the operation on the protected role", 400)
    result = run(MERGE)
    assert result["failed"] and "UnmodifiableEntity" in json.dumps(result)


def test_size_over_account_quota_fails_before_write(stubbed_clients):
    # The account's trust policy quota comes from GetAccountSummary (AssumeRolePolicySizeQuota, adjustable).
    iam = stubbed_clients["iam"]
    iam.add_response("get_role", get_role_response({"Version": "2012-10-17", "Statement": [EC2_STATEMENT]}), {"RoleName": "spinnakerManaged"})
    iam.add_response("get_account_summary", {"SummaryMap": {"AssumeRolePolicySizeQuota": 4096}})
    principals = ["arn:aws:iam::%012d:role/spinnaker-%d" % (100000000000 + i, i) for i in range(90)]
    result = run({"role_name": "spinnakerManaged", "sid": "S", "principals": {"aws": principals}})
    assert result["failed"] and result["field"] == "size"
    assert "4096" in result["msg"] and "principals" in result["msg"]
    iam.assert_no_pending_responses()


def test_size_under_raised_quota_is_written(stubbed_clients):
    iam = stubbed_clients["iam"]
    iam.add_response("get_role", get_role_response({"Version": "2012-10-17", "Statement": [EC2_STATEMENT]}), {"RoleName": "spinnakerManaged"})
    iam.add_response("get_account_summary", {"SummaryMap": {"AssumeRolePolicySizeQuota": 8192}})
    reread(iam, {"Version": "2012-10-17", "Statement": [EC2_STATEMENT]})
    iam.add_response("update_assume_role_policy", {})
    reread(iam, {"Version": "2012-10-17", "Statement": [EC2_STATEMENT]})
    iam.add_response("tag_role", {})  # the new statement S is recorded as the collection's
    principals = ["arn:aws:iam::%012d:role/spinnaker-%d" % (100000000000 + i, i) for i in range(60)]
    result = run({"role_name": "spinnakerManaged", "sid": "S", "principals": {"aws": principals}})
    assert result["changed"] and result["size"] > 2048 and result["size_limit"] == 8192


# ------------------------------------------------------------------------------------------------------------------
# create_role, managed_policies, instance_profile
# ------------------------------------------------------------------------------------------------------------------

BASE = {"role_name": "BaseIAMRole", "create_role": True, "sid": "SpinnakerEC2", "principals": {"service": ["ec2.amazonaws.com"]},
        "instance_profile": True}


def test_create_role_with_instance_profile_then_noop(aws):
    client, log = aws
    result = run(BASE)
    assert result["created"] and result["changed"]
    assert stored_role_trust(client, "BaseIAMRole")["Statement"][0]["Principal"] == {"Service": ["ec2.amazonaws.com"]}
    profile = client.get_instance_profile(InstanceProfileName="BaseIAMRole")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["BaseIAMRole"]
    log.clear()
    again = run(BASE)
    assert not again["changed"] and log.writes() == []
    assert again["instance_profile_arn"] == profile["Arn"]


def test_create_role_check_mode_writes_nothing(aws):
    client, log = aws
    result = run(BASE, check_mode=True)
    assert result["changed"] and result["created"]
    assert log.writes() == []
    with pytest.raises(client.exceptions.NoSuchEntityException):
        client.get_role(RoleName="BaseIAMRole")


def test_managed_policies_are_attached_by_name_and_never_detached(aws):
    client, log = aws
    client.create_role(RoleName="spinnakerManaged", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [EC2_STATEMENT]}))
    client.attach_role_policy(RoleName="spinnakerManaged", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    result = run(dict(MERGE, managed_policies=["PowerUserAccess"]))
    assert result["attached_policies"] == ["arn:aws:iam::aws:policy/PowerUserAccess"]
    attached = sorted(p["PolicyName"] for p in client.list_attached_role_policies(RoleName="spinnakerManaged")["AttachedPolicies"])
    assert attached == ["PowerUserAccess", "ReadOnlyAccess"]
    log.clear()
    assert not run(dict(MERGE, managed_policies=["PowerUserAccess"]))["changed"]
    assert log.writes() == []


def test_unknown_managed_policy_is_a_clear_error(aws):
    client = aws[0]
    client.create_role(RoleName="spinnakerManaged", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [EC2_STATEMENT]}))
    result = run(dict(MERGE, managed_policies=["NoSuchPolicyAnywhere"]))
    assert result["failed"] and "NoSuchPolicyAnywhere" in result["msg"]


def test_no_principals_leaves_trust_alone_and_attaches(aws):
    client = aws[0]
    document = {"Version": "2012-10-17", "Statement": [EC2_STATEMENT]}
    client.create_role(RoleName="nodeRole", AssumeRolePolicyDocument=json.dumps(document))
    result = run({"role_name": "nodeRole", "managed_policies": ["PowerUserAccess"]})
    assert result["changed"] and result["added_principals"] == []
    assert stored_role_trust(client, "nodeRole") == document


def stored_role_trust(client, name):
    return client.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]


# ------------------------------------------------------------------------------------------------------------------
# Statement ownership
# ------------------------------------------------------------------------------------------------------------------

FOREIGN_SAME_SID = {
    "Sid": "SpinnakerManaging", "Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"AWS": "arn:aws:iam::777777777777:role/other-team-spinnaker"},
    "Condition": {"StringEquals": {"sts:ExternalId": "other-team-external-id"}},
}


@pytest.fixture
def foreign_sid_role(aws):
    client, log = aws
    client.create_role(RoleName="spinnakerManaged",
                       AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [FOREIGN_SAME_SID]}))
    log.clear()
    return client, log


def test_foreign_statement_with_our_sid_is_left_and_the_task_fails_naming_it(foreign_sid_role):
    client, log = foreign_sid_role
    before = stored_trust(client)
    result = run(dict(MERGE, external_id="ours-1234"))
    assert result["failed"] and result["field"] == "sid" and result["statement_ownership"] == "foreign"
    assert "Sid SpinnakerManaging that the collection did not write" in result["msg"]
    assert "arn:aws:iam::777777777777:role/other-team-spinnaker" in result["msg"] and "sts:externalid" in result["msg"]
    assert "managed_account_trust_sid" in result["msg"] and "adopt_statement" in result["msg"]
    assert stored_trust(client) == before and log.writes() == []


def test_foreign_statement_survives_removal_and_delete(foreign_sid_role):
    client, log = foreign_sid_role
    before = stored_trust(client)
    result = run(dict(MERGE, state="absent", delete_role=True))
    assert not result["changed"] and not result["deleted"] and result["statement_ownership"] == "foreign"
    assert "not written by this install" in result["foreign"][0]
    assert stored_trust(client) == before and log.writes() == []


def test_adopt_statement_takes_the_statement_over_and_records_it(foreign_sid_role):
    client, log = foreign_sid_role
    result = run(dict(MERGE, adopt_statement=True))
    assert result["changed"] and result["statement_ownership"] == "adopted"
    assert log.writes() == ["UpdateAssumeRolePolicy", "TagRole"]
    log.clear()
    again = run(MERGE)  # recorded now: ours without the option
    assert not again["changed"] and again["statement_ownership"] == "owned" and log.writes() == []


def test_two_installs_with_one_sid_never_take_each_others_statement(role):
    # prod (install 100000000001) wrote its statement; staging's Spinnaker (install 500000000005), with the same
    # default Sid, is refused naming prod, even with adopt_statement, and changes nothing. With its own Sid it
    # writes a statement beside prod's, recorded under its own id; each install's re-run and removal leave the
    # other's statement as it is.
    client, log = role
    prod = dict(MERGE, install_id="100000000001")
    staging_user = "arn:aws:iam::500000000005:user/spinnakerManaging"
    staging = dict(MERGE, install_id="500000000005", principals={"aws": [staging_user]})
    assert run(prod)["changed"]
    before = stored_trust(client)
    log.clear()
    refused = run(dict(staging, adopt_statement=True))
    assert refused["failed"] and refused["statement_ownership"] == "other-install"
    assert "another install of Spinnaker (install id 100000000001" in refused["msg"] and "managed_account_trust_sid" in refused["msg"]
    assert stored_trust(client) == before and log.writes() == []
    assert run(dict(staging, sid="SpinnakerStaging", exclusive=True))["changed"]
    statements = dict((s.get("Sid"), s) for s in stored_trust(client)["Statement"])
    assert statements["SpinnakerManaging"]["Principal"] == {"AWS": [MANAGING_USER]}
    assert statements["SpinnakerStaging"]["Principal"] == {"AWS": [staging_user]}
    tags = dict((t["Key"], t["Value"]) for t in client.list_role_tags(RoleName="spinnakerManaged")["Tags"])
    assert tags["spinnaker.aws:owned-statements:100000000001"] == "SpinnakerManaging"
    assert tags["spinnaker.aws:owned-statements:500000000005"] == "SpinnakerStaging"
    log.clear()
    assert not run(dict(prod, exclusive=True))["changed"] and log.writes() == []  # no flip-flop
    gone = run(dict(staging, sid="SpinnakerStaging", state="absent", delete_role=True))
    assert not gone["deleted"] and "SpinnakerStaging" not in [s.get("Sid") for s in stored_trust(client)["Statement"]]
    assert statements["SpinnakerManaging"] in stored_trust(client)["Statement"]


def test_an_unrecorded_statement_trusting_only_the_managing_account_is_foreign(aws):
    # A shared tools role of the managing account, with the collection's default Sid: no guess from its principals.
    client, log = aws
    tools = {"Sid": "SpinnakerManaging", "Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"AWS": ["arn:aws:iam::100000000001:role/tools", MANAGING_USER]}}
    client.create_role(RoleName="spinnakerManaged",
                       AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [tools]}))
    log.clear()
    result = run(dict(MERGE, install_id="100000000001", exclusive=True))
    assert result["failed"] and result["statement_ownership"] == "foreign" and log.writes() == []
    assert stored_trust(client)["Statement"] == [tools]


def test_no_such_entity_right_after_create_role_is_retried_for_the_new_role(aws, monkeypatch):
    # IAM's eventual consistency: the first call naming a role just created may answer NoSuchEntity. The layer
    # answers so, once each, to AttachRolePolicy, PutRolePolicy and AddRoleToInstanceProfile (without making the
    # call); the module retries them and the role ends complete.
    import botocore.client
    import botocore.exceptions

    client, log = aws
    spied = botocore.client.BaseClient._make_api_call
    lost = set()

    def not_yet_visible(self, operation_name, api_params):
        if operation_name in ("AttachRolePolicy", "PutRolePolicy", "AddRoleToInstanceProfile") and operation_name not in lost:
            lost.add(operation_name)
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": "NoSuchEntity", "Message": "The role with name BaseIAMRole cannot be found."}}, operation_name)
        return spied(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", not_yet_visible)
    pass_role = {"sid": "SpinnakerPassRole", "actions": ["iam:PassRole"], "resources": ["*"]}
    inline = [{"policy_name": "PassRole", "statements": [pass_role]}]
    result = run({"role_name": "BaseIAMRole", "create_role": True, "sid": "SpinnakerEC2", "principals": {"service": ["ec2.amazonaws.com"]},
                  "managed_policies": ["PowerUserAccess"], "instance_profile": True, "inline_policies": inline})
    assert not result.get("failed"), result
    assert result["created"] and lost == {"AttachRolePolicy", "PutRolePolicy", "AddRoleToInstanceProfile"}
    assert [p["PolicyName"] for p in client.list_attached_role_policies(RoleName="BaseIAMRole")["AttachedPolicies"]] == ["PowerUserAccess"]
    assert client.list_role_policies(RoleName="BaseIAMRole")["PolicyNames"] == ["PassRole"]
    assert [r["RoleName"] for r in client.get_instance_profile(InstanceProfileName="BaseIAMRole")["InstanceProfile"]["Roles"]] == ["BaseIAMRole"]


def lose_the_first_answer(monkeypatch, operations):
    """The layer in front of moto: each of ``operations`` runs once at moto, then its answer is lost and the
    retry meets EntityAlreadyExists, as when botocore retries a create whose connection dropped. Returns the set
    of operations whose answer was lost."""
    import botocore.client
    import botocore.exceptions

    spied = botocore.client.BaseClient._make_api_call
    lost = set()

    def lossy(self, operation_name, api_params):
        answer = spied(self, operation_name, api_params)
        if operation_name in operations and operation_name not in lost:
            lost.add(operation_name)
            raise botocore.exceptions.ClientError({"Error": {"Code": "EntityAlreadyExists", "Message": "exists"}}, operation_name)
        return answer

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", lossy)
    return lost


def test_a_create_whose_answer_was_lost_is_read_and_converged_as_an_existing_role(aws, monkeypatch):
    client, log = aws
    lost = lose_the_first_answer(monkeypatch, ("CreateRole", "CreateInstanceProfile"))
    entry = {"role_name": "BaseIAMRole", "create_role": True, "sid": "SpinnakerEC2", "install_id": "account",
             "principals": {"service": ["ec2.amazonaws.com"]}, "managed_policies": ["PowerUserAccess"], "instance_profile": True}
    result = run(entry)
    assert not result.get("failed"), result
    assert lost == {"CreateRole", "CreateInstanceProfile"} and result["statement_ownership"] == "owned"
    assert [p["PolicyName"] for p in client.list_attached_role_policies(RoleName="BaseIAMRole")["AttachedPolicies"]] == ["PowerUserAccess"]
    assert [r["RoleName"] for r in client.get_instance_profile(InstanceProfileName="BaseIAMRole")["InstanceProfile"]["Roles"]] == ["BaseIAMRole"]
    log.clear()
    assert not run(entry)["changed"] and log.writes() == []


def test_a_role_another_writer_created_meanwhile_is_checked_like_any_existing_one(aws, monkeypatch):
    # Between this run's read and its CreateRole another team created the role with a statement of our Sid.
    import botocore.client

    client, log = aws
    spied = botocore.client.BaseClient._make_api_call
    theirs = {"Sid": "SpinnakerManaging", "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": OTHER_TEAM}}

    def race(self, operation_name, api_params):
        if operation_name == "CreateRole" and not race.done:
            race.done = True
            spied(self, "CreateRole", dict(api_params, AssumeRolePolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [theirs]}), Tags=[]))
        return spied(self, operation_name, api_params)

    race.done = False
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", race)
    result = run(dict(MERGE, create_role=True))
    assert result["failed"] and result["statement_ownership"] == "foreign"
    assert stored_trust(client)["Statement"] == [theirs]


def test_removing_our_statement_drops_it_from_the_record(role):
    client, log = role
    run(MERGE)
    result = run(dict(MERGE, state="absent"))
    assert result["changed"]
    tags = client.list_role_tags(RoleName="spinnakerManaged")["Tags"]
    assert {"Key": "spinnaker.aws:owned-statements:default", "Value": ""} in tags


@pytest.mark.parametrize("when", [2, 3], ids=["between-read-and-write", "just-after-the-write"])
def test_a_concurrent_trust_merge_with_another_sid_is_not_lost(role, monkeypatch, when):
    # Another team's tool adds its statement by a blind read-modify-write at the worst moments: between this
    # module's read and its write (the re-read before writing merges again from it), or just after the write,
    # from the document before it (the re-read after writing sees a document that is neither ours nor the old
    # one, and merges ours back). Both statements end in the trust policy.
    client, _log = role
    original = role_utils.get_iam_role
    stale = stored_trust(client)
    calls = []
    late = {"Sid": "LateTeam", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::888888888888:root"}, "Action": "sts:AssumeRole"}

    def get_with_a_concurrent_writer(iam, name):
        calls.append(name)
        if len(calls) == when:
            document = dict(stale, Statement=stale["Statement"] + [late])
            client.update_assume_role_policy(RoleName="spinnakerManaged", PolicyDocument=json.dumps(document))
        return original(iam, name)

    monkeypatch.setattr(role_utils, "get_iam_role", get_with_a_concurrent_writer)
    result = run(MERGE)
    assert result["changed"] and not result.get("failed"), result
    sids = sorted(s.get("Sid", "") for s in stored_trust(client)["Statement"])
    assert sids == ["", "LateTeam", "OtherTeam", "SpinnakerManaging"]


BOUNDARY = "arn:aws:iam::123456789012:policy/PlatformBoundary"


def test_a_created_role_gets_the_path_and_the_permissions_boundary_and_keeps_them(aws):
    client, log = aws
    result = run(dict(BASE, path="/spinnaker/", permissions_boundary=BOUNDARY))
    stored = client.get_role(RoleName="BaseIAMRole")["Role"]
    assert stored["Path"] == "/spinnaker/" and result["role_arn"].endswith(":role/spinnaker/BaseIAMRole")
    assert stored["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY
    log.clear()
    again = run(dict(BASE, path="/spinnaker/", permissions_boundary=BOUNDARY))
    assert not again["changed"] and log.writes() == [] and again["permissions_boundary"] == BOUNDARY


def test_an_owned_role_gets_a_new_boundary_and_a_foreign_role_keeps_its_own(aws, role):
    client, log = aws
    run(dict(BASE))
    result = run(dict(BASE, permissions_boundary=BOUNDARY))
    assert result["changed"] and "PutRolePermissionsBoundary" in log.writes()
    assert client.get_role(RoleName="BaseIAMRole")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY
    # spinnakerManaged here was made by somebody else (untagged, with a foreign statement): its boundary is theirs.
    log.clear()
    foreign = run({"role_name": "spinnakerManaged", "sid": "SpinnakerManaging", "principals": {"aws": [MANAGING_USER]},
                   "permissions_boundary": BOUNDARY})
    assert "PutRolePermissionsBoundary" not in log.writes() and foreign["permissions_boundary"] is None
