"""site.yml with the STS trust layer on (tests/sts_trust.py): the trust chain is checked BEFORE any account is
registered, and an account whose chain fails stays out of Spinnaker's config while the others are registered.

moto grants every AssumeRole, so without the layer the check never fails. With it, STS's answer is the real one:
a foreign ``Deny`` for the managing user, a trust that requires another external id than the inventory's, and an
SCP-like deny each refuse the managing user's ``AssumeRole`` into ONE account. For each, the run must fail
(rc != 0) naming that account and the reason, leave it out of Spinnaker's config (absent after a first run, its
previous entry unchanged when it was registered), register every other account, and prune nothing.

The world: a moto Organization (its management account is moto's default account, where the controller's
``testing`` keys act) with three member accounts standing for the example inventory's spinnakerManaging, develop
and staging. Organizations creates OrganizationAccountAccessRole in each member, trusting the management account,
so the controller's bootstrap sessions pass the layer as they pass STS: every AssumeRole of a run, the bootstrap
ones and the check's, is evaluated. The layer's settings are not changed for these tests.

The check retries an AccessDenied for IAM's eventual consistency (``verify_consistency_timeout``, 30 s by default);
the layer's refusal is immediate and final, so the runs set it to 2 s (a refused account would otherwise cost 30 s
per run). Everything else is the default: verify on, Halyard unless a test says otherwise.
"""

import copy
import json
import os
import re

import pytest
import yaml

from tests.gate.emulator import GateEmulator
from tests.halyard.emulator import Emulator
from tests.local_aws import LocalAWS
from tests.playbook import ROOT
from tests.playbook import run_playbook
from tests.sts_trust import TrustConfig
from tests.sts_trust import deny_assume_role_into

NAMES = ("spinnakerManaging", "develop", "staging")
FAST_CHECK = {"verify_consistency_timeout": "2"}
REGIONS = ["us-east-1", "us-west-2"]
MORE_REGIONS = ["us-east-1", "us-west-2", "eu-west-1"]
FATAL_RE = re.compile(r"^fatal: \[[^\]]+\]: FAILED! => (\{.*\})$", re.M)
# The check's reason for every refusal here: the layer words STS's AccessDenied without the suffix AWS may add
# ("with an explicit deny in ..."), which the check would read as "policy does not allow AssumeRole".
NOT_TRUSTED = "not trusted"
# Writes that only a prune (or an offboarding) makes: the prune play must not run when a chain failed.
PRUNE_WRITES = ("Delete", "Detach", "Remove")


class World:
    """A moto Organization with the three accounts, the trust layer on, and the Halyard emulator's home."""

    def __init__(self, aws, tmp):
        self.aws, self.tmp = aws, tmp
        self.home = tmp / "hal"
        self.hal = Emulator(self.home)
        org = aws.client("organizations")
        org.create_organization(FeatureSet="ALL")
        self.ids = {name: org.create_account(AccountName=name, Email="%s@example.com" % name.lower())
                    ["CreateAccountStatus"]["AccountId"] for name in NAMES}
        self.managing_user = "arn:aws:iam::%s:user/spinnakerManaging" % self.ids["spinnakerManaging"]

    def role_arn(self, name):
        return "arn:aws:iam::%s:role/spinnakerManaged" % self.ids[name]

    def inventory(self, file_name, registration=None, regions=None, host_vars=None):
        """The example inventory over this organization's accounts. ``registration``: ``(group, host variables)``
        in place of the halyard group; ``regions``: every account's ``spinnaker_regions``."""
        with open(os.path.join(ROOT, "examples", "inventory.yml")) as handle:
            inventory = yaml.safe_load(handle)
        children = inventory["all"]["children"]
        hosts = dict(children["spinnaker_managing"]["hosts"], **children["spinnaker_managed"]["hosts"])
        for name in NAMES:
            hosts[name]["aws_account_id"] = self.ids[name]
            hosts[name].update((host_vars or {}).get(name, {}))
        if regions:
            inventory["all"]["vars"]["spinnaker_regions"] = list(regions)
        if registration:
            group, variables = registration
            children.pop("halyard")
            children[group] = {"hosts": {"%s-host" % group: variables}}
        path = self.tmp / file_name
        path.write_text(yaml.safe_dump(inventory, sort_keys=False))
        return str(path)

    def run(self, inventory, **extra_vars):
        """One site.yml run; returns ``{"rc", "output", "recap", "writes"}`` (``writes``: the AWS writes of the run)."""
        self.aws.clear()
        rc, output, recap = run_playbook("site.yml", inventory, self.aws.endpoint, self.home,
                                         extra_vars=dict(FAST_CHECK, **extra_vars), check=False)
        return {"rc": rc, "output": output, "recap": recap, "writes": list(self.aws.writes())}

    def trust(self, name):
        return self.aws.client("iam", self.ids[name]).get_role(RoleName="spinnakerManaged")["Role"]["AssumeRolePolicyDocument"]

    def set_trust(self, name, document):
        self.aws.client("iam", self.ids[name]).update_assume_role_policy(
            RoleName="spinnakerManaged", PolicyDocument=json.dumps(document))

    def hal_accounts(self):
        return dict((a["name"], a) for a in self.hal.aws()["accounts"])


def failures(output):
    """The ``msg`` of every failed task of a run's output."""
    return [json.loads(match.group(1)).get("msg", "") for match in FATAL_RE.finditer(output)]


def chain_failure(run):
    """The last play's message naming the accounts whose chain failed (the run must have failed with it)."""
    assert run["rc"] != 0, run["output"][-3000:]
    messages = [" ".join(m.split()) for m in failures(run["output"]) if "The trust chain of" in m]
    assert len(messages) == 1, failures(run["output"]) or run["output"][-3000:]
    return messages[0]


def check_row(output, world, name):
    """The trust-chain table's line of one account (the check's own words for it), as the debug task prints it."""
    lines = [line.strip().rstrip(",").strip('"') for line in output.splitlines()
             if world.ids[name] in line and "role/spinnakerManaged  " in line]
    assert lines, output[-3000:]
    return lines[-1]


def prune_writes(run):
    return [call for call in run["writes"] if call[1].startswith(PRUNE_WRITES)]


def regions(entry):
    return [r["name"] for r in entry["regions"]]


# --- 1. a wrong managing principal in one account's trust, on accounts already registered (Halyard) -------------


def owned_statement(trust):
    return [s for s in trust["Statement"] if s.get("Sid") == "SpinnakerManaging"][0]


@pytest.fixture(scope="module")
def registered(tmp_path_factory):
    """Four runs over one organization:

    1. a first run, every chain holds: the three accounts are registered;
    2. staging's security team has added a Deny of the managing user (a statement the collection does not own,
       so it is kept), develop's owned statement still trusts a previous managing user (which the prune removes
       once every chain holds), and every account gains a region;
    3. the Deny removed, the same inventory;
    4. develop's owned statement rewritten to trust another principal only, in a run without the IAM part
       (``spinnaker_iam_enabled: false``: the trust is read, not converged back), the region removed again.
    """
    tmp = tmp_path_factory.mktemp("registered")
    with LocalAWS(trust=TrustConfig()) as aws:
        world = World(aws, tmp)
        state = {"world": world}
        state["first"] = world.run(world.inventory("first.yml"))
        state["first_accounts"] = world.hal_accounts()

        staging_trust = world.trust("staging")
        state["foreign_deny"] = {"Sid": "SecurityTeamDenySpinnaker", "Effect": "Deny",
                                 "Principal": {"AWS": world.managing_user}, "Action": "sts:AssumeRole"}
        world.set_trust("staging", dict(staging_trust, Statement=staging_trust["Statement"] + [state["foreign_deny"]]))
        iam = aws.client("iam", world.ids["spinnakerManaging"])
        previous = state["previous"] = iam.create_user(UserName="spinnakerManagingPrevious")["User"]["Arn"]
        develop_trust = copy.deepcopy(world.trust("develop"))
        owned_statement(develop_trust)["Principal"] = {"AWS": [world.managing_user, previous]}
        world.set_trust("develop", develop_trust)
        more_regions = world.inventory("more_regions.yml", regions=MORE_REGIONS)
        state["second"] = world.run(more_regions)
        state["second_accounts"] = world.hal_accounts()
        state["second_trusts"] = {name: world.trust(name) for name in ("develop", "staging")}

        world.set_trust("staging", staging_trust)
        state["third"] = world.run(more_regions)
        state["third_accounts"] = world.hal_accounts()
        state["third_develop_trust"] = world.trust("develop")

        develop_trust = copy.deepcopy(world.trust("develop"))
        owned_statement(develop_trust)["Principal"] = {"AWS": previous}
        world.set_trust("develop", develop_trust)
        state["fourth"] = world.run(world.inventory("first.yml"), spinnaker_iam_enabled="false")
        state["fourth_accounts"] = world.hal_accounts()
        yield state


@pytest.mark.xdist_group("verify_before_register_registered")
def test_a_foreign_deny_for_the_managing_user_keeps_that_registered_account_as_halyard_has_it(registered):
    world, second = registered["world"], registered["second"]
    assert registered["first"]["rc"] == 0, registered["first"]["output"][-3000:]
    assert sorted(registered["first_accounts"]) == sorted(NAMES)
    message = chain_failure(second)
    assert "failed the check" in message and "staging (%s)" % NOT_TRUSTED in message, message
    assert "develop" not in message and "spinnakerManaging (" not in message, message
    row = check_row(second["output"], world, "staging")
    assert "FAIL: " + NOT_TRUSTED in row and "User: %s is not authorized" % world.managing_user in row, row
    assert (world.managing_user, world.role_arn("staging"), False) in world.aws.trust.decisions

    accounts = registered["second_accounts"]
    assert sorted(accounts) == sorted(NAMES)
    assert accounts["staging"] == registered["first_accounts"]["staging"]  # its previous entry, unchanged
    for name in ("spinnakerManaging", "develop"):                        # the others: this run's regions
        assert regions(accounts[name]) == MORE_REGIONS, name
    assert registered["foreign_deny"] in registered["second_trusts"]["staging"]["Statement"]


@pytest.mark.xdist_group("verify_before_register_registered")
def test_nothing_is_pruned_while_a_chain_fails_and_the_fixed_rerun_prunes_and_registers(registered):
    # Run 2: develop's chain holds, but staging's failed: develop's owned statement keeps the previous user.
    assert registered["previous"] in owned_statement(registered["second_trusts"]["develop"])["Principal"]["AWS"]
    assert prune_writes(registered["second"]) == [], registered["second"]["writes"]
    assert ("iam", "UpdateAssumeRolePolicy") not in registered["second"]["writes"], registered["second"]["writes"]
    # Run 3, once the Deny is gone: staging is registered with this run's regions, and the held prune is done.
    third = registered["third"]
    assert third["rc"] == 0, third["output"][-3000:]
    assert regions(registered["third_accounts"]["staging"]) == MORE_REGIONS
    principal = owned_statement(registered["third_develop_trust"])["Principal"]["AWS"]
    assert principal in (registered["world"].managing_user, [registered["world"].managing_user]), principal
    assert ("iam", "UpdateAssumeRolePolicy") in third["writes"], third["writes"]


@pytest.mark.xdist_group("verify_before_register_registered")
def test_a_trust_rewritten_to_another_principal_keeps_that_account_as_halyard_has_it_in_a_run_without_iam(registered):
    world, fourth = registered["world"], registered["fourth"]
    message = chain_failure(fourth)
    assert "develop (%s)" % NOT_TRUSTED in message and "staging" not in message, message
    assert "FAIL: " + NOT_TRUSTED in check_row(fourth["output"], world, "develop")
    accounts = registered["fourth_accounts"]
    assert sorted(accounts) == sorted(NAMES)
    assert accounts["develop"] == registered["third_accounts"]["develop"]  # run 3's entry, unchanged
    for name in ("spinnakerManaging", "staging"):                        # the others: back to two regions
        assert regions(accounts[name]) == REGIONS, name


# --- 2. a trust that requires another external id than the inventory gives (Halyard, clouddriver's file) -------

CLOUDDRIVER_LOCAL = """# clouddriver-local.yml, kept in git by the platform team
aws:
  accounts:
    - name: data-lake
      accountId: '555555555555'
      assumeRole: role/dataDeployer   # not ours
      regions:
        - name: eu-west-1
"""


def spinnaker_accounts(world, writer, local_file):
    """Spinnaker's AWS accounts by name, as the run's writer left them."""
    if writer == "halyard":
        return world.hal_accounts()
    return dict((a["name"], a) for a in yaml.safe_load(local_file.read_text())["aws"]["accounts"])


@pytest.mark.parametrize("writer", ["halyard", "clouddriver_config"])
def test_a_trust_requiring_another_external_id_keeps_that_account_out_of_a_first_registration(tmp_path, writer):
    local_file = tmp_path / "clouddriver-local.yml"
    local_file.write_text(CLOUDDRIVER_LOCAL)
    with LocalAWS(trust=TrustConfig()) as aws:
        world = World(aws, tmp_path)
        # staging's spinnakerManaged exists before the first run, with the security team's guard: no AssumeRole
        # unless the external id is theirs. The inventory gives staging another one; develop's is honoured.
        guard = {"Sid": "SecurityTeamExternalId", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                 "Condition": {"StringNotEquals": {"sts:ExternalId": "security-team-7f3a"}}}
        aws.client("iam", world.ids["staging"]).create_role(
            RoleName="spinnakerManaged", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [guard]}))
        external_ids = {"develop": {"spinnaker_external_id": "spinnaker-develop-9b2e"},
                        "staging": {"spinnaker_external_id": "spinnaker-staging-4c1d"}}
        registration, extra = None, {}
        if writer == "clouddriver_config":
            registration = ("clouddriver", {"spinnaker_clouddriver_local_file": str(local_file)})
            extra = {"spinnaker_registration": "clouddriver_config"}
        run = world.run(world.inventory("inventory.yml", registration=registration, host_vars=external_ids), **extra)

        message = chain_failure(run)
        assert "staging (%s)" % NOT_TRUSTED in message and "develop" not in message, message
        assert "FAIL: " + NOT_TRUSTED in check_row(run["output"], world, "staging")
        develop_row = check_row(run["output"], world, "develop")
        assert "  enforced  " in develop_row and develop_row.endswith("  ok"), develop_row  # the layer enforces it

        accounts = spinnaker_accounts(world, writer, local_file)
        expected = ["develop", "spinnakerManaging"] + (["data-lake"] if writer == "clouddriver_config" else [])
        assert sorted(accounts) == sorted(expected)
        assert accounts["develop"]["externalId"] == "spinnaker-develop-9b2e"
        assert accounts["develop"]["accountId"] == world.ids["develop"]
        if writer == "halyard":
            assert ["deploy", "apply"] in world.hal.invocations()      # the others were deployed
        else:
            assert accounts["data-lake"]["assumeRole"] == "role/dataDeployer"
        assert prune_writes(run) == [], run["writes"]
        assert guard in world.trust("staging")["Statement"]          # the collection merged next to it


# --- 3. an SCP-like deny of AssumeRole into one account (Halyard) ------------------------------------------------


@pytest.fixture(scope="module")
def scp(tmp_path_factory):
    """A first run while an SCP of the managing account denies AssumeRole into develop; then a run while it
    denies AssumeRole into staging instead (registered by the first run), with spinnaker_prune_unlisted_accounts."""
    tmp = tmp_path_factory.mktemp("scp")
    with LocalAWS(trust=TrustConfig()) as aws:
        world = World(aws, tmp)
        managing = world.ids["spinnakerManaging"]
        inventory = world.inventory("inventory.yml")
        aws.trust.config.scps = {managing: [deny_assume_role_into(world.ids["develop"])]}
        first = world.run(inventory)
        first_accounts = world.hal_accounts()
        aws.trust.config.scps = {managing: [deny_assume_role_into(world.ids["staging"])]}
        second = world.run(world.inventory("more_regions.yml", regions=MORE_REGIONS),
                           spinnaker_prune_unlisted_accounts="true")
        yield {"world": world, "first": first, "first_accounts": first_accounts, "second": second,
               "second_accounts": world.hal_accounts()}


@pytest.mark.xdist_group("verify_before_register_scp")
def test_an_scp_denying_assume_role_into_one_account_keeps_it_out_of_a_first_halconfig(scp):
    world, first = scp["world"], scp["first"]
    message = chain_failure(first)
    assert "develop (%s)" % NOT_TRUSTED in message and "staging" not in message, message
    assert "FAIL: " + NOT_TRUSTED in check_row(first["output"], world, "develop")
    # The controller's bootstrap session into develop is not the managing account's: develop's IAM converged.
    assert "spinnakerManaged" in [r["RoleName"] for r in world.aws.client("iam", world.ids["develop"]).list_roles()["Roles"]]
    assert "The IAM of" not in message
    assert sorted(scp["first_accounts"]) == ["spinnakerManaging", "staging"]
    assert scp["first_accounts"]["staging"]["accountId"] == world.ids["staging"]
    assert prune_writes(first) == [], first["writes"]


@pytest.mark.xdist_group("verify_before_register_scp")
def test_with_prune_unlisted_an_scp_into_a_registered_account_still_keeps_its_entry(scp):
    world, second = scp["world"], scp["second"]
    message = chain_failure(second)
    assert "staging (%s)" % NOT_TRUSTED in message and "develop" not in message, message
    accounts = scp["second_accounts"]
    assert regions(accounts["develop"]) == MORE_REGIONS                # its SCP lifted: registered now
    assert regions(accounts["spinnakerManaging"]) == MORE_REGIONS
    assert prune_writes(second) == [], second["writes"]
    # staging's chain failed: Spinnaker keeps the entry it had, even though the run prunes unlisted accounts.
    assert accounts.get("staging") == scp["first_accounts"]["staging"], sorted(accounts)


# --- 4. a region the account has not opted in to (the Account Management API, through the gate emulator) ---------


def test_a_region_not_opted_in_keeps_that_account_out_of_clouddrivers_stored_accounts(tmp_path):
    with GateEmulator(username="spinnaker-aws", password="gate-password-0c1f", reload_seconds=0.1) as gate:
        with LocalAWS(trust=TrustConfig()) as aws:
            world = World(aws, tmp_path)
            # eu-west-1 is enabled by default in real AWS; the layer marks it not-opted-in for develop only.
            aws.trust.config.not_opted_in = {world.ids["develop"]: ["eu-west-1"]}
            settings = {"spinnaker_gate_url": gate.url, "spinnaker_gate_username": "spinnaker-aws",
                        "spinnaker_gate_password": "gate-password-0c1f", "spinnaker_gate_poll_interval": 0.1}
            inventory = world.inventory("inventory.yml", registration=("gate", settings), regions=MORE_REGIONS)
            run = world.run(inventory, spinnaker_registration="account_api")

            message = chain_failure(run)
            assert "develop (region not enabled)" in message and "staging" not in message, message
            row = check_row(run["output"], world, "develop")
            assert "FAIL: region not enabled (eu-west-1: not opted in" in row, row
            assert sorted(gate.stored) == ["spinnakerManaging", "staging"]
            assert regions(gate.stored["staging"]) == MORE_REGIONS
            assert prune_writes(run) == [], run["writes"]
