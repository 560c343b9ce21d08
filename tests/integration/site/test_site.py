"""site.yml over the example accounts, against a moto server on 127.0.0.1 and the Halyard emulator."""

import json
import os

import pytest
import yaml

from tests.halyard.emulator import Emulator
from tests.local_aws import LocalAWS
from tests.playbook import ROOT
from tests.playbook import run_playbook

# Tests that share this module's converged fixture run on one pytest-xdist worker (make integration: --dist loadgroup).
pytestmark = pytest.mark.xdist_group('site')

ACCOUNTS = {"spinnakerManaging": "100000000001", "develop": "200000000002", "staging": "300000000003"}
MANAGING_USER = "arn:aws:iam::100000000001:user/spinnakerManaging"
OTHER_TEAM = {
    "Sid": "DataPlatformDeployer",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::999999999999:role/data-platform-deployer"},
    "Action": "sts:AssumeRole",
}


def write_inventory(path, extra_managed=None, host_vars=None):
    """The example inventory, optionally with more managed accounts and per-host variables."""
    with open(os.path.join(ROOT, "examples", "inventory.yml")) as handle:
        inventory = yaml.safe_load(handle)
    managed = inventory["all"]["children"]["spinnaker_managed"]["hosts"]
    managing = inventory["all"]["children"]["spinnaker_managing"]["hosts"]
    for name, account_id in (extra_managed or {}).items():
        managed[name] = {"aws_account_id": account_id, "spinnaker_environment": name}
    for host, variables in (host_vars or {}).items():
        if variables is None:  # remove the host
            inventory["all"]["children"]["halyard"]["hosts"].pop(host, None)
            continue
        target = managed if host in managed else managing
        target[host] = dict(target[host] or {}, **variables)
    with open(path, "w") as handle:
        yaml.safe_dump(inventory, handle, sort_keys=False)
    return str(path)


def iam_state(aws, account_id):
    """What the job manages in one account, as plain data."""
    iam = aws.client("iam", account_id)
    state = {}
    for role_name in ("spinnakerManaged", "BaseIAMRole"):
        try:
            role = iam.get_role(RoleName=role_name)["Role"]
        except iam.exceptions.NoSuchEntityException:
            continue
        state[role_name] = {
            "trust": role["AssumeRolePolicyDocument"],
            "attached": sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]),
            "inline": {n: iam.get_role_policy(RoleName=role_name, PolicyName=n)["PolicyDocument"]
                       for n in iam.list_role_policies(RoleName=role_name)["PolicyNames"]},
            "profiles": sorted(p["InstanceProfileName"] for p in iam.list_instance_profiles_for_role(RoleName=role_name)["InstanceProfiles"]),
        }
    return state


def managing_policy(aws):
    iam = aws.client("iam", "100000000001")
    arn = "arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy"
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]


def owned_statement(trust, sid="SpinnakerManaging"):
    return [s for s in trust["Statement"] if s.get("Sid") == sid][0]


@pytest.fixture(scope="module")
def converged(tmp_path_factory):
    """The example inventory converged once (with -v, so that more output is checked for secrets)."""
    home = tmp_path_factory.mktemp("hal")
    with LocalAWS() as aws:
        inventory = os.path.join(ROOT, "examples", "inventory.yml")
        first = run_playbook("site.yml", inventory, aws.endpoint, home, args=["-v"])
        aws.clear()
        second = run_playbook("site.yml", inventory, aws.endpoint, home)
        second_calls = list(aws.calls)
        yield {"aws": aws, "hal": Emulator(home), "first": first, "second": second, "second_calls": second_calls}


def test_every_account_has_spinnaker_managed_with_trust_policies_and_inline_policy(converged):
    aws = converged["aws"]
    for name, account_id in ACCOUNTS.items():
        state = iam_state(aws, account_id)
        managed = state["spinnakerManaged"]
        assert owned_statement(managed["trust"])["Principal"] == {"AWS": [MANAGING_USER]}, name
        assert managed["attached"] == ["arn:aws:iam::aws:policy/PowerUserAccess"], name
        inline = managed["inline"]["PassRole-and-Certificates"]
        actions = sorted(a for s in inline["Statement"] for a in s["Action"])
        assert actions == ["iam:ListServerCertificates", "iam:PassRole"], name
        # PassRole: BaseIAMRole only, and only to the services Spinnaker deploys to (never "*" unconditioned).
        pass_role = [s for s in inline["Statement"] if s["Sid"] == "SpinnakerPassRole"][0]
        assert pass_role["Resource"] in ("arn:aws:iam::%s:role/BaseIAMRole" % account_id, ["arn:aws:iam::%s:role/BaseIAMRole" % account_id])
        assert "iam:PassedToService" in pass_role["Condition"]["StringEquals"], name


def test_every_account_has_base_iam_role_with_instance_profile(converged):
    for name, account_id in ACCOUNTS.items():
        base = iam_state(converged["aws"], account_id)["BaseIAMRole"]
        assert owned_statement(base["trust"], "SpinnakerEC2")["Principal"] == {"Service": ["ec2.amazonaws.com"]}, name
        assert base["profiles"] == ["BaseIAMRole"], name


def test_managing_user_has_the_managing_policy_listing_all_role_arns(converged):
    aws = converged["aws"]
    document = managing_policy(aws)
    assume = [s for s in document["Statement"] if s["Sid"] == "SpinnakerAssumeManagedRoles"][0]
    assert sorted(assume["Resource"]) == sorted("arn:aws:iam::%s:role/spinnakerManaged" % a for a in ACCOUNTS.values())
    iam = aws.client("iam", "100000000001")
    attached = iam.list_attached_user_policies(UserName="spinnakerManaging")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["SpinnakerManagingAccountPolicy"]
    assert len(iam.list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"]) == 1


def test_halconfig_holds_every_account_and_the_provider_is_enabled(converged):
    hal = converged["hal"]
    aws_provider = hal.aws()
    assert aws_provider["enabled"] is True
    accounts = {a["name"]: a for a in aws_provider["accounts"]}
    assert sorted(accounts) == sorted(ACCOUNTS)
    for name, account_id in ACCOUNTS.items():
        assert accounts[name]["accountId"] == account_id
        assert accounts[name]["assumeRole"] == "role/spinnakerManaged"
        assert [r["name"] for r in accounts[name]["regions"]] == ["us-east-1", "us-west-2"]
    assert aws_provider["accessKeyId"].startswith(("AKIA", "ASIA"))
    assert ["deploy", "apply"] in hal.invocations()


def test_no_secret_appears_in_any_output(converged):
    secret = converged["hal"].aws()["secretAccessKey"]
    stored = json.loads(converged["aws"].client("secretsmanager", "100000000001").get_secret_value(
        SecretId="spinnaker/spinnakerManaging/access-key")["SecretString"])
    assert stored["secret_access_key"] == secret
    for run in ("first", "second"):
        assert secret not in converged[run][1]
    assert all(secret not in " ".join(argv) for argv in converged["hal"].invocations())


def test_second_run_changes_nothing_and_writes_nothing(converged):
    recap = converged["second"][2]
    writes = [c for c in converged["second_calls"] if c[0] != "run-lock" and c[1].startswith(
        ("Create", "Update", "Put", "Delete", "Attach", "Detach", "Add", "Remove", "Set", "Tag", "Untag"))]
    # On failure, name the tasks that reported a change and every call of the run.
    changed_tasks = [block[:1500] for block in converged["second"][1].split("\n\n") if "changed:" in block]
    assert recap and all(counts["changed"] == 0 and counts["failed"] == 0 for counts in recap.values()), (
        recap, changed_tasks, converged["second_calls"])
    assert writes == []


def test_every_run_takes_the_run_lock_and_releases_it(converged):
    lock_writes = [action for service, action in converged["second_calls"] if service == "run-lock" and action.endswith("Secret")]
    assert "CreateSecret" in lock_writes and lock_writes[-1] == "DeleteSecret"
    names = [s["Name"] for s in converged["aws"].client("secretsmanager", "100000000001").list_secrets()["SecretList"]]
    assert names == ["spinnaker/spinnakerManaging/access-key"]  # the lock is gone
    hal_writes = converged["hal"].writes()
    assert hal_writes.count(["deploy", "apply"]) == 1  # only the first run redeployed


def test_check_mode_on_a_fresh_endpoint_writes_nothing(tmp_path):
    with LocalAWS() as aws:
        inventory = os.path.join(ROOT, "examples", "inventory.yml")
        rc, output, recap = run_playbook("site.yml", inventory, aws.endpoint, tmp_path, args=["--check"])
        assert aws.writes() == []
        assert Emulator(tmp_path).writes() == []
        assert not os.path.exists(Emulator(tmp_path).config_path)
        assert recap["develop"]["changed"] > 0  # it reports what it would do


def test_onboarding_a_fourth_account_adds_only_what_it_needs_and_keeps_other_teams_trust(tmp_path):
    home = tmp_path / "hal"
    with LocalAWS() as aws:
        # Another team already trusts its deployer on develop's spinnakerManaged.
        aws.client("iam", "200000000002").create_role(
            RoleName="spinnakerManaged", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [OTHER_TEAM]}))
        three = write_inventory(tmp_path / "three.yml", host_vars={"staging": {"spinnaker_external_id": "spinnaker-staging-4c1d"}})
        # moto (without its auth mode) lets AssumeRole through without the external id, so the trust-chain check
        # would rightly report staging's id as not enforced; that check is tested on AWS's answers in
        # tests/unit/plugins/modules/test_sts_trust_check.py.
        no_verify = {"spinnaker_verify": "false"}
        run_playbook("site.yml", three, aws.endpoint, home, extra_vars=no_verify)
        develop_trust = iam_state(aws, "200000000002")["spinnakerManaged"]["trust"]
        assert OTHER_TEAM in develop_trust["Statement"]
        before = {a: iam_state(aws, a) for a in ACCOUNTS.values()}
        policy_before = managing_policy(aws)

        four = write_inventory(tmp_path / "four.yml", extra_managed={"production": "400000000004"},
                               host_vars={"staging": {"spinnaker_external_id": "spinnaker-staging-4c1d"}})
        aws.clear()
        _rc, _output, recap = run_playbook("site.yml", four, aws.endpoint, home, extra_vars=no_verify)

        assert {a: iam_state(aws, a) for a in ACCOUNTS.values()} == before
        assert recap["develop"]["changed"] == 0 and recap["staging"]["changed"] == 0
        assert sorted(action for _service, action in aws.writes()) == sorted([
            "CreatePolicyVersion",                                     # the managing policy gains one ARN
            "CreateRole", "AttachRolePolicy", "PutRolePolicy",         # spinnakerManaged in production
            "CreateRole", "CreateInstanceProfile", "AddRoleToInstanceProfile",  # BaseIAMRole in production
        ])
        added = set(managing_policy(aws)["Statement"][1]["Resource"]) - set(policy_before["Statement"][1]["Resource"])
        assert added == {"arn:aws:iam::400000000004:role/spinnakerManaged"}
        new = iam_state(aws, "400000000004")
        assert owned_statement(new["spinnakerManaged"]["trust"])["Principal"] == {"AWS": [MANAGING_USER]}
        hal = Emulator(home)
        assert hal.writes()[-2:] == [
            ["config", "provider", "aws", "account", "add", "production", "--account-id", "400000000004",
             "--assume-role", "role/spinnakerManaged", "--environment", "production", "--regions", "us-east-1", "us-west-2"],
            ["deploy", "apply"],
        ]

        # The external id on staging: the trust condition and the halconfig agree, and survive the runs.
        staging_trust = owned_statement(iam_state(aws, "300000000003")["spinnakerManaged"]["trust"])
        assert staging_trust["Condition"] == {"StringEquals": {"sts:ExternalId": "spinnaker-staging-4c1d"}}
        staging = [a for a in hal.aws()["accounts"] if a["name"] == "staging"][0]
        assert staging["externalId"] == "spinnaker-staging-4c1d"
        assert OTHER_TEAM in iam_state(aws, "200000000002")["spinnakerManaged"]["trust"]["Statement"]


def test_site_ends_with_the_trust_chain_table(converged):
    output = converged["first"][1]
    assert "account       role                   registered by  assumed  external id  read  result" in output
    for account_id in ACCOUNTS.values():
        assert "%s  role/spinnakerManaged  halyard        yes      n/a          ok    ok" % account_id in output


def test_verify_playbook_on_its_own_prints_the_table_and_changes_nothing(converged, tmp_path):
    aws = converged["aws"]
    aws.clear()
    inventory = os.path.join(ROOT, "examples", "inventory.yml")
    _rc, output, recap = run_playbook("playbooks/verify.yml", inventory, aws.endpoint, converged["hal"].home)
    assert "200000000002  role/spinnakerManaged  halyard        yes      n/a          ok    ok" in output
    assert all(counts["changed"] == 0 for counts in recap.values())
    assert aws.writes() == []
    assert ("sts", "AssumeRole") in aws.calls and ("ec2", "DescribeRegions") in aws.calls


def test_verify_lint_names_the_account_whose_trust_lost_the_managing_principal(converged, tmp_path):
    aws = converged["aws"]
    iam = aws.client("iam", "300000000003")
    original = iam.get_role(RoleName="spinnakerManaged")["Role"]["AssumeRolePolicyDocument"]
    mutated = {"Version": "2012-10-17", "Statement": [OTHER_TEAM]}
    iam.update_assume_role_policy(RoleName="spinnakerManaged", PolicyDocument=json.dumps(mutated))
    try:
        inventory = os.path.join(ROOT, "examples", "inventory.yml")
        rc, output, _recap = run_playbook("playbooks/verify.yml", inventory, aws.endpoint, converged["hal"].home,
                                          extra_vars={"verify_fail_on_lint": "true"}, check=False)
        assert rc != 0
        assert "300000000003: no statement trusts arn:aws:iam::100000000001:user/spinnakerManaging" in output
        assert "200000000002: no statement trusts" not in output
    finally:
        iam.update_assume_role_policy(RoleName="spinnakerManaged", PolicyDocument=json.dumps(original))


@pytest.mark.parametrize(
    "host_vars, message",
    [
        ({"develop": {"aws_account_id": "20000"}}, "develop: aws_account_id must be a quoted 12-digit string"),
        ({"staging": {"aws_account_id": "200000000002"}}, "aws_account_id 200000000002 is set on develop, staging"),
        ({"staging": {"spinnaker_account_name": "develop"}}, "spinnaker_account_name 'develop' is used by develop, staging"),
        ({"develop": {"spinnaker_regions": []}}, "develop: spinnaker_regions must list at least one AWS region"),
        ({"spinnakerManaging": {"managing_account_identity": "sso"}}, "managing_account_identity must be one of"),
        ({"spinnakerManaging": {"managing_account_identity": "irsa"}}, "managing_account_irsa_provider_arn"),
        # Safety (wrong accounts, clumsy values): each refused before any AWS call.
        ({"develop": {"spinnaker_regions": ["us-east-7"]}}, "develop: spinnaker_regions has ['us-east-7'], not region names"),
        ({"staging": {"spinnaker_external_id": "has space"}}, "staging: spinnaker_external_id must be 2 to 1,224 characters"),
        ({"staging": {"spinnaker_external_id": "x"}}, "staging: spinnaker_external_id must be 2 to 1,224 characters"),
        ({"develop": {"spinnaker_account_name": "my develop"}}, "develop: the Spinnaker account name 'my develop'"),
        ({"develop": {"aws_bootstrap_role_arn": "arn:aws:iam::300000000003:role/OrganizationAccountAccessRole"}},
         "develop: aws_bootstrap_role_arn is in account 300000000003, but aws_account_id is 200000000002"),
        ({"develop": {"aws_bootstrap_role_arn": "OrganizationAccountAccessRole"}},
         "develop: aws_bootstrap_role_arn 'OrganizationAccountAccessRole' is not an IAM role ARN"),
        ({"develop": {"aws_bootstrap_role_arn": "arn:aws-cn:iam::200000000002:role/admin"}}, "develop: aws_bootstrap_role_arn is in the aws-cn partition"),
        ({"spinnakerManaging": {"managing_account_identity": "existing", "managing_account_existing_arn": "arn:aws:iam::999999999999:role/spinnaker"}},
         "managing_account_existing_arn is in account 999999999999, not the managing account 100000000001"),
        ({"spinnakerManaging": {"managing_account_assume_role_scope": "wildcard"}}, "managing_account_organization_id is not set"),
        # A stale AWX extra variable or a typo beside the managing host: every role would trust it, and the last step
        # would remove the real principal.
        ({"develop": {"spinnaker_managing_principal_arn": "arn:aws:iam::100000000001:user/spinakerManaging"}},
         "but the managing host spinnakerManaging publishes arn:aws:iam::100000000001:user/spinnakerManaging"),
        ({"develop": {"spinnaker_install_id": "prod spinnaker"}}, "develop: spinnaker_install_id must be 1 to 64"),
        ({"halyard-host": None}, "The halyard group must hold exactly one host"),
    ],
)
def test_bad_inventory_fails_before_any_aws_call(tmp_path, host_vars, message):
    with LocalAWS() as aws:
        inventory = write_inventory(tmp_path / "bad.yml", host_vars=host_vars)
        rc, output, _recap = run_playbook("site.yml", inventory, aws.endpoint, tmp_path, check=False)
        assert rc != 0
        assert message in output
        assert aws.calls == []


def test_onboard_account_playbook_adds_the_survey_account(tmp_path):
    home = tmp_path / "hal"
    with LocalAWS() as aws:
        inventory = os.path.join(ROOT, "examples", "inventory.yml")
        extra = {"spinnaker_new_account_name": "production", "spinnaker_new_account_id": "400000000004",
                 "spinnaker_new_account_external_id": "spinnaker-production-9a7f", "spinnaker_verify": "false"}
        run_playbook("playbooks/onboard_account.yml", inventory, aws.endpoint, home, extra_vars=extra)
        production = iam_state(aws, "400000000004")["spinnakerManaged"]
        assert owned_statement(production["trust"])["Condition"] == {"StringEquals": {"sts:ExternalId": "spinnaker-production-9a7f"}}
        assert "arn:aws:iam::400000000004:role/spinnakerManaged" in managing_policy(aws)["Statement"][1]["Resource"]
        accounts = {a["name"]: a for a in Emulator(home).aws()["accounts"]}
        assert sorted(accounts) == ["develop", "production", "spinnakerManaging", "staging"]
        assert accounts["production"]["externalId"] == "spinnaker-production-9a7f"
