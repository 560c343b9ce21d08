"""Day two: each change to what the collection owns, on the example accounts against a moto server and the Halyard
emulator, followed by a re-run that reports changed=0 and writes nothing.

Each test starts from its own endpoint and Halyard home, converged once from the example inventory."""

import json
import os

import pytest
import yaml

from tests.halyard.emulator import Emulator
from tests.integration.site.test_site import ACCOUNTS
from tests.integration.site.test_site import OTHER_TEAM
from tests.integration.site.test_site import iam_state
from tests.integration.site.test_site import managing_policy
from tests.integration.site.test_site import owned_statement
from tests.integration.site.test_site import write_inventory
from tests.local_aws import LocalAWS
from tests.playbook import ROOT
from tests.playbook import run_playbook

MANAGING_ROLE = "arn:aws:iam::100000000001:role/spinnakerManaging"
MANAGING_USER = "arn:aws:iam::100000000001:user/spinnakerManaging"
# The trust-chain check has its own tests (test_site.py); moto does not enforce sts:ExternalId, so a check of an
# external id here would report it as not enforced.
NO_VERIFY = {"spinnaker_verify": "false"}


class World:
    """One endpoint, one Halyard home, one inventory file that each step rewrites."""

    def __init__(self, aws, tmp_path):
        self.aws = aws
        self.home = tmp_path / "hal"
        self.hal = Emulator(self.home)
        self.inventory = str(tmp_path / "inventory.yml")
        self.extra_managed = {}
        self.host_vars = {}

    def write(self):
        return write_inventory(self.inventory, self.extra_managed, self.host_vars)

    def run(self, extra_vars=None, args=(), check=True, playbook="site.yml"):
        self.write()
        variables = dict(NO_VERIFY, **(extra_vars or {}))
        return run_playbook(playbook, self.inventory, self.aws.endpoint, self.home, extra_vars=variables, args=args, check=check)

    def rerun_is_a_noop(self, extra_vars=None, args=()):
        """Run again: every host reports changed=0 and the endpoint sees no write call."""
        self.aws.clear()
        recap = self.run(extra_vars, args)[2]
        assert recap and all(c["changed"] == 0 and c["failed"] == 0 for c in recap.values()), recap
        assert self.aws.writes() == []
        return recap

    def trust(self, account_id):
        return iam_state(self.aws, account_id)["spinnakerManaged"]["trust"]

    def hal_accounts(self):
        return {a["name"]: a for a in self.hal.aws()["accounts"]}


@pytest.fixture
def world(tmp_path):
    with LocalAWS() as aws:
        world = World(aws, tmp_path)
        world.run()
        yield world


def assert_external_id_agrees(world, name, account_id, expected):
    """The trust condition of the owned statement and the halconfig account say the same thing."""
    owned = owned_statement(world.trust(account_id))
    account = world.hal_accounts()[name]
    if expected:
        assert owned.get("Condition") == {"StringEquals": {"sts:ExternalId": expected}}
        assert account.get("externalId") == expected
    else:
        assert "Condition" not in owned
        assert "externalId" not in account


def test_managing_identity_user_to_instance_role_leaves_only_the_new_principal(world):
    iam = world.aws.client("iam", "100000000001")
    old_key = iam.list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"][0]["AccessKeyId"]
    world.host_vars = {"spinnakerManaging": {"managing_account_identity": "instance_role"}}
    output = world.run()[1]
    # The halconfig still authenticates with the user's key (Halyard cannot remove a provider's key): the user stays
    # trusted everywhere, with the managing policy and an active key, and the run says why. Nothing is cut off.
    policy_arn = "arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy"
    for name, account_id in ACCOUNTS.items():
        assert sorted(owned_statement(world.trust(account_id))["Principal"]["AWS"]) == sorted([MANAGING_ROLE, MANAGING_USER]), name
    entities = iam.list_entities_for_policy(PolicyArn=policy_arn)
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["spinnakerManaging"]
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["spinnakerManaging"]
    assert iam.list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"][0]["Status"] == "Active"
    flat = " ".join(output.split())
    assert "stay trusted, with the managing policy and active keys: Spinnaker's config still authenticates with the access key %s" % old_key in flat
    world.rerun_is_a_noop()
    # The operator removes the key from the halconfig as the message says; the next run deploys that change and
    # makes the old key inactive.
    halconfig = world.hal.halconfig()
    for deployment in halconfig["deploymentConfigurations"]:
        deployment["providers"]["aws"].pop("accessKeyId", None)
        deployment["providers"]["aws"].pop("secretAccessKey", None)
    world.hal.write_halconfig(halconfig)
    deploys = world.hal.invocations().count(["deploy", "apply"])
    world.run()
    assert world.hal.invocations().count(["deploy", "apply"]) == deploys + 1
    key = iam.list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"][0]
    assert (key["AccessKeyId"], key["Status"]) == (old_key, "Inactive")
    # Now retired: only the new principal is trusted and holds the policy; the user is kept (not deleted).
    for name, account_id in ACCOUNTS.items():
        assert owned_statement(world.trust(account_id))["Principal"] == {"AWS": [MANAGING_ROLE]}, name
    entities = iam.list_entities_for_policy(PolicyArn=policy_arn)
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["spinnakerManaging"] and entities["PolicyUsers"] == []
    assert iam.get_user(UserName="spinnakerManaging")["User"]["UserName"] == "spinnakerManaging"
    world.rerun_is_a_noop()


def test_an_identity_switch_while_one_account_fails_keeps_the_old_principal_where_it_is_still_needed(world):
    # staging's IAM fails in the run that switches to instance_role: its trust still holds only the user, so the user
    # keeps the managing policy and stays trusted everywhere, and the run says why. Nothing is cut off.
    iam = world.aws.client("iam", "100000000001")
    world.host_vars = {"spinnakerManaging": {"managing_account_identity": "instance_role"},
                       "staging": {"aws_profile": "no-such-profile"}}
    rc, output, recap = world.run(check=False)
    assert rc != 0 and recap["staging"]["failed"] == 1
    assert owned_statement(world.trust(ACCOUNTS["staging"]))["Principal"] == {"AWS": [MANAGING_USER]}
    assert sorted(owned_statement(world.trust(ACCOUNTS["develop"]))["Principal"]["AWS"]) == sorted([MANAGING_ROLE, MANAGING_USER])
    entities = iam.list_entities_for_policy(PolicyArn="arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy")
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["spinnakerManaging"]
    assert iam.list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"][0]["Status"] == "Active"
    assert "the trust of staging is not known to hold %s in this run" % MANAGING_ROLE in " ".join(output.split())


def render_awx_injectors(path, **inputs):
    """Write the extra variables AWX injects for the "Spinnaker Halyard" credential: AWX renders EVERY injector of
    the credential type, whether its input was filled or not (empty inputs render as empty strings)."""
    from jinja2 import Template

    with open(os.path.join(ROOT, "docs", "awx", "credential_type_halyard.injectors.yml")) as handle:
        injectors = yaml.safe_load(handle)
    path.write_text(json.dumps({k: Template(v).render(**inputs) for k, v in injectors["extra_vars"].items()}))
    return ["-e", "@%s" % path]


def test_external_id_changes_keep_trust_and_halconfig_in_agreement_and_the_awx_credential_never_overrides(world, tmp_path):
    develop = ACCOUNTS["develop"]
    world.host_vars = {"develop": {"spinnaker_external_id": "spinnaker-develop-0b5e"}}
    world.run()
    assert_external_id_agrees(world, "develop", develop, "spinnaker-develop-0b5e")
    world.rerun_is_a_noop()

    # The AWX credential with its external id left empty, rendered as AWX renders it: the per-host id stays.
    awx = render_awx_injectors(tmp_path / "awx.json", hal_command="hal", halconfig_path=world.hal.config_path, external_id="")
    world.run(args=awx)
    assert_external_id_agrees(world, "develop", develop, "spinnaker-develop-0b5e")
    world.rerun_is_a_noop(args=awx)

    world.host_vars = {}
    world.run()
    assert_external_id_agrees(world, "develop", develop, None)
    world.rerun_is_a_noop()

    # A filled-in default applies to every host that sets none, never over a host's own id.
    world.host_vars = {"staging": {"spinnaker_external_id": "spinnaker-staging-4c1d"}}
    awx = render_awx_injectors(tmp_path / "awx.json", hal_command="hal", halconfig_path=world.hal.config_path,
                               external_id="spinnaker-default-77aa")
    world.run(args=awx)
    assert_external_id_agrees(world, "staging", ACCOUNTS["staging"], "spinnaker-staging-4c1d")
    assert_external_id_agrees(world, "develop", develop, "spinnaker-default-77aa")


def halconfig_without(halconfig, name):
    """``halconfig`` without the AWS account ``name`` (as an operator deletes it by hand)."""
    provider = halconfig["deploymentConfigurations"][0]["providers"]["aws"]
    provider["accounts"] = [a for a in provider["accounts"] if a["name"] != name]
    return halconfig


def test_offboarding_removes_what_the_collection_owns_and_nothing_else(tmp_path):
    with LocalAWS() as aws:
        world = World(aws, tmp_path)
        world.extra_managed = {"production": "400000000004"}
        world.run()
        # Another team trusts production's spinnakerManaged too: the role must survive the offboarding.
        iam = aws.client("iam", "400000000004")
        trust = iam.get_role(RoleName="spinnakerManaged")["Role"]["AssumeRolePolicyDocument"]
        trust["Statement"].append(OTHER_TEAM)
        iam.update_assume_role_policy(RoleName="spinnakerManaged", PolicyDocument=json.dumps(trust))
        develop_before = iam_state(aws, ACCOUNTS["develop"])

        # An IAM-only run (the IAM half of the AWX split) cannot know Spinnaker dropped production: it keeps its IAM
        # and the ARN in the managing policy, and says offboarding waits for the registration.
        world.host_vars = {"production": {"spinnaker_account_state": "absent"}}
        output = world.run(extra_vars={"spinnaker_registration_enabled": "false"})[1]
        assert "Offboarding waits for registration: production" in output
        assert "SpinnakerManaging" in [s.get("Sid") for s in iam_state(aws, "400000000004")["spinnakerManaged"]["trust"]["Statement"]]
        resources = [s for s in managing_policy(aws)["Statement"] if s["Sid"] == "SpinnakerAssumeManagedRoles"][0]["Resource"]
        assert "arn:aws:iam::400000000004:role/spinnakerManaged" in resources

        # Someone added production a second time to Spinnaker by hand (production-legacy, same AWS account id).
        halconfig = world.hal.halconfig()
        accounts = halconfig["deploymentConfigurations"][0]["providers"]["aws"]["accounts"]
        accounts.append(dict(next(a for a in accounts if a["name"] == "production"), name="production-legacy"))
        world.hal.write_halconfig(halconfig)

        # staging through the offboarding playbook (the AWX survey's), production marked absent in the inventory:
        # staging goes; production leaves Spinnaker's config, but its IAM stays while production-legacy assumes it.
        world.host_vars = {"production": {"spinnaker_account_state": "absent"}}
        output = world.run(extra_vars={"spinnaker_offboard_account_name": "staging"}, playbook="playbooks/offboard_account.yml")[1]
        assert "production (400000000004) is not offboarded: Spinnaker's account(s) production-legacy" in " ".join(output.split())
        assert "SpinnakerManaging" in [s.get("Sid") for s in iam_state(aws, "400000000004")["spinnakerManaged"]["trust"]["Statement"]]
        resources = [s for s in managing_policy(aws)["Statement"] if s["Sid"] == "SpinnakerAssumeManagedRoles"][0]["Resource"]
        assert "arn:aws:iam::400000000004:role/spinnakerManaged" in resources
        assert "spinnakerManaged" not in iam_state(aws, ACCOUNTS["staging"])  # created by the collection: deleted
        assert "BaseIAMRole" in iam_state(aws, ACCOUNTS["staging"])  # kept by default
        assert sorted(world.hal_accounts()) == ["develop", "production-legacy", "spinnakerManaging"]

        # production-legacy is removed from Spinnaker: the next run offboards production's IAM.
        world.hal.write_halconfig(halconfig_without(world.hal.halconfig(), "production-legacy"))
        world.host_vars["staging"] = {"spinnaker_account_state": "absent"}
        world.run()
        resources = [s for s in managing_policy(aws)["Statement"] if s["Sid"] == "SpinnakerAssumeManagedRoles"][0]["Resource"]
        assert sorted(resources) == ["arn:aws:iam::100000000001:role/spinnakerManaged", "arn:aws:iam::200000000002:role/spinnakerManaged"]
        production = iam_state(aws, "400000000004")["spinnakerManaged"]
        assert production["trust"]["Statement"] == [OTHER_TEAM]
        assert sorted(world.hal_accounts()) == ["develop", "spinnakerManaging"]
        assert iam_state(aws, ACCOUNTS["develop"]) == develop_before
        # As the playbook says: mark staging absent in the inventory afterwards; later runs change nothing.
        world.host_vars["staging"] = {"spinnaker_account_state": "absent"}
        world.rerun_is_a_noop()


def test_offboarding_the_managing_account_while_others_stay_is_refused(tmp_path):
    with LocalAWS() as aws:
        world = World(aws, tmp_path)
        world.host_vars = {"spinnakerManaging": {"spinnaker_account_state": "absent"}}
        rc, output = world.run(check=False)[:2]
        assert rc != 0 and aws.calls == []
        assert "spinnakerManaging: spinnaker_account_state is absent on the managing account while 2 other account(s) stay" in output


def test_scope_wildcard_to_accounts_to_wildcard_leaves_exactly_the_new_scope(tmp_path):
    wildcard = {"managing_account_assume_role_scope": "wildcard", "managing_account_organization_id": "o-exampleorgid"}
    listed = sorted("arn:aws:iam::%s:role/spinnakerManaged" % a for a in ACCOUNTS.values())
    with LocalAWS() as aws:
        world = World(aws, tmp_path)
        for scope in ("wildcard", "accounts", "wildcard"):
            world.host_vars = {"spinnakerManaging": wildcard} if scope == "wildcard" else {}
            world.run()
            statement = [s for s in managing_policy(aws)["Statement"] if s["Sid"] == "SpinnakerAssumeManagedRoles"][0]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            if scope == "wildcard":
                assert resources == ["arn:aws:iam::*:role/spinnakerManaged"]
                assert statement["Condition"] == {"StringEquals": {"aws:ResourceOrgID": "o-exampleorgid"}}
            else:
                assert sorted(resources) == listed and "Condition" not in statement
            world.rerun_is_a_noop()


def test_an_account_whose_iam_fails_is_kept_out_of_spinnaker_and_named(tmp_path):
    with LocalAWS() as aws:
        world = World(aws, tmp_path)
        world.host_vars = {"staging": {"aws_profile": "no-such-profile"}}
        rc, output, recap = world.run(check=False)
        assert rc != 0 and recap["staging"]["failed"] == 1
        assert sorted(world.hal_accounts()) == ["develop", "spinnakerManaging"]
        assert ["deploy", "apply"] in world.hal.invocations()
        flat = " ".join(output.split())
        assert "The IAM of 1 account(s) failed in this run, so they were not added to or changed in Spinnaker's config: staging" in flat
        world.host_vars = {}
        world.run()
        assert sorted(world.hal_accounts()) == sorted(ACCOUNTS)
        world.rerun_is_a_noop()


def test_ownership_tags_adoption_an_unstored_key_and_a_failed_deploy(world):
    """One converged world, four day-two events in turn (each a run and a no-op re-run)."""
    owned = {"Key": "managed-by", "Value": "spinnaker.aws"}
    iam = world.aws.client("iam", "100000000001")
    # 1. Everything the collection created carries the ownership tag.
    assert owned in iam.list_user_tags(UserName="spinnakerManaging")["Tags"]
    assert owned in iam.get_policy(PolicyArn="arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy")["Policy"]["Tags"]
    for account_id in ACCOUNTS.values():
        account_iam = world.aws.client("iam", account_id)
        for role in ("spinnakerManaged", "BaseIAMRole"):
            assert owned in account_iam.list_role_tags(RoleName=role)["Tags"], (account_id, role)
        assert owned in account_iam.get_instance_profile(InstanceProfileName="BaseIAMRole")["InstanceProfile"]["Tags"]
    secret = world.aws.client("secretsmanager", "100000000001").describe_secret(SecretId="spinnaker/spinnakerManaging/access-key")
    assert owned in secret["Tags"]

    # 2. A role that lost its ownership tag (untagged by hand) is tagged again only when nothing on it is foreign.
    develop = world.aws.client("iam", ACCOUNTS["develop"])
    staging = world.aws.client("iam", ACCOUNTS["staging"])
    develop.untag_role(RoleName="spinnakerManaged", TagKeys=["managed-by"])
    staging.untag_role(RoleName="spinnakerManaged", TagKeys=["managed-by"])
    trust = staging.get_role(RoleName="spinnakerManaged")["Role"]["AssumeRolePolicyDocument"]
    trust["Statement"].append(OTHER_TEAM)
    staging.update_assume_role_policy(RoleName="spinnakerManaged", PolicyDocument=json.dumps(trust))
    world.run()
    assert owned in develop.list_role_tags(RoleName="spinnakerManaged")["Tags"]
    assert owned not in staging.list_role_tags(RoleName="spinnakerManaged")["Tags"]  # a foreign statement: not adopted
    world.rerun_is_a_noop()

    # 3. A key a killed run created and never stored is deleted; a key the collection did not create is kept.
    stored = iam.list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"][0]["AccessKeyId"]
    foreign = iam.create_access_key(UserName="spinnakerManaging")["AccessKey"]["AccessKeyId"]
    world.rerun_is_a_noop()
    assert {k["AccessKeyId"] for k in iam.list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"]} == {stored, foreign}
    iam.delete_access_key(UserName="spinnakerManaging", AccessKeyId=foreign)
    # The killed run had marked the user with the keys that existed, then created a key it never stored.
    iam.tag_user(UserName="spinnakerManaging", Tags=[{"Key": "spinnaker.aws:pending-access-key", "Value": stored}])
    unstored = iam.create_access_key(UserName="spinnakerManaging")["AccessKey"]["AccessKeyId"]
    world.run()
    keys = iam.list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [stored] and unstored != stored
    tags = {t["Key"] for t in iam.list_user_tags(UserName="spinnakerManaging")["Tags"]}
    assert "spinnaker.aws:pending-access-key" not in tags and "managed-by" in tags
    world.rerun_is_a_noop()

    # 4. A config change whose deploy failed is deployed by the next run, though the config then already matches.
    world.hal.fail_once("deploy apply")
    world.host_vars = {"develop": {"spinnaker_regions": ["us-east-1"]}}
    assert world.run(check=False)[0] != 0
    assert [r["name"] for r in world.hal_accounts()["develop"]["regions"]] == ["us-east-1"]
    deploys = world.hal.invocations().count(["deploy", "apply"])
    world.run()
    assert world.hal.invocations().count(["deploy", "apply"]) == deploys + 1
    world.rerun_is_a_noop()

    # 5. Another aws_region for the run: the lock and the key's secret stay in IAM's region (us-east-1), so the run
    # neither misses the secret (a second key) nor writes anything.
    world.rerun_is_a_noop(extra_vars={"aws_region": "eu-west-1"})
    assert len(iam.list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"]) == 1
    assert world.aws.client("secretsmanager", "100000000001", region="eu-west-1").list_secrets()["SecretList"] == []
    assert ("secretsmanager", "CreateSecret") not in world.aws.calls


def test_unlisted_accounts_are_reported_as_drift_and_removed_only_when_asked(tmp_path):
    with LocalAWS() as aws:
        world = World(aws, tmp_path)
        world.extra_managed = {"production": "400000000004"}
        world.run()
        world.extra_managed = {}  # production leaves the inventory without being marked absent
        arn = "arn:aws:iam::400000000004:role/spinnakerManaged"

        def assume_resources():
            return [s for s in managing_policy(aws)["Statement"] if s["Sid"] == "SpinnakerAssumeManagedRoles"][0]["Resource"]

        output = world.run(extra_vars={"spinnaker_verify": "true"})[1]
        flat = " ".join(output.split())
        assert "Not in the inventory: account 400000000004 in the managing policy; Spinnaker account production" in flat
        assert arn in assume_resources() and "production" in world.hal_accounts()
        assert "spinnakerManaged" in iam_state(aws, "400000000004")

        world.run(extra_vars={"spinnaker_prune_unlisted_accounts": "true"})
        assert arn not in assume_resources() and "production" not in world.hal_accounts()
        assert "spinnakerManaged" in iam_state(aws, "400000000004")  # an account the run cannot see is not touched
        world.rerun_is_a_noop(extra_vars={"spinnaker_prune_unlisted_accounts": "true"})
