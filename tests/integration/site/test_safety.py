"""Safety under clumsy input, wrong accounts and name collisions, against a moto server and the Halyard emulator.

One run of site.yml over an inventory with four traps, each in its own account, proves that a trap stops only
its own account and that what the collection does not own survives byte for byte:

* ``develop`` has no bootstrap role, so its session is the controller's ambient credentials, which moto answers
  as account 123456789012: the session is not in develop's account;
* ``staging``'s spinnakerManaged already has another team's statement with the collection's Sid;
* ``production`` is fine in AWS, but Halyard already has a hand-made ``production`` for AWS account 999999999999.
"""

import json
import os
import subprocess

import pytest

from tests.halyard.emulator import Emulator
from tests.integration.site.test_site import iam_state
from tests.integration.site.test_site import managing_policy
from tests.integration.site.test_site import write_inventory
from tests.local_aws import LocalAWS
from tests.playbook import ROOT
from tests.playbook import run_playbook

# Tests that share this module's converged fixture run on one pytest-xdist worker (make integration: --dist loadgroup).
pytestmark = pytest.mark.xdist_group('safety')

AMBIENT_ACCOUNT = "123456789012"  # moto's answer for the controller's credentials (AWS_ACCESS_KEY_ID=testing)
FOREIGN_SAME_SID = {
    "Sid": "SpinnakerManaging",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::777777777777:role/other-team-spinnaker"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"sts:ExternalId": "other-team-external-id"}},
}


def hal(home, *argv):
    """Run the Halyard emulator by hand, as an operator would have."""
    env = dict(os.environ, **Emulator(home).env)
    subprocess.run(["hal"] + list(argv), env=env, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def trapped(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("safety")
    home = tmp / "hal"
    with LocalAWS() as aws:
        staging = aws.client("iam", "300000000003")
        staging.create_role(RoleName="spinnakerManaged",
                            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [FOREIGN_SAME_SID]}))
        staging_before = staging.get_role(RoleName="spinnakerManaged")["Role"]
        hal(home, "config", "provider", "aws", "account", "add", "production", "--account-id", "999999999999",
            "--assume-role", "role/admin", "--regions", "eu-west-1", "--external-id", "their-own-id")
        production_before = [a for a in Emulator(home).aws()["accounts"] if a["name"] == "production"]
        inventory = write_inventory(tmp / "inventory.yml", extra_managed={"production": "400000000004"},
                                    host_vars={"develop": {"aws_bootstrap_role_arn": ""}})
        aws.clear()
        rc, output, recap = run_playbook("site.yml", inventory, aws.endpoint, home, extra_vars={"spinnaker_verify": "false"},
                                         check=False)
        yield dict(aws=aws, hal=Emulator(home), rc=rc, output=output, recap=recap, staging_before=staging_before,
                   production_before=production_before)


def test_a_session_in_another_account_writes_nothing_there_or_in_the_host_account(trapped):
    aws, output = trapped["aws"], trapped["output"]
    assert trapped["rc"] != 0
    assert ("develop: the AWS session is arn:aws:sts::%s:user/moto, in account %s" % (AMBIENT_ACCOUNT, AMBIENT_ACCOUNT) in output
            or "in account %s (aws), but aws_account_id is 200000000002" % AMBIENT_ACCOUNT in output), output[-3000:]
    assert "but aws_account_id is 200000000002" in output and "Nothing was written for this host" in output
    assert iam_state(aws, AMBIENT_ACCOUNT) == {} and iam_state(aws, "200000000002") == {}
    assert "develop" not in [a["name"] for a in trapped["hal"].aws()["accounts"]]
    assert iam_state(aws, "100000000001")["spinnakerManaged"]  # the other accounts went on


def test_a_foreign_statement_with_our_sid_survives_byte_for_byte_and_the_host_fails_with_the_fix(trapped):
    aws, output = trapped["aws"], trapped["output"]
    after = aws.client("iam", "300000000003").get_role(RoleName="spinnakerManaged")["Role"]
    assert after["AssumeRolePolicyDocument"] == trapped["staging_before"]["AssumeRolePolicyDocument"]
    assert not any(t["Key"].startswith("spinnaker.aws") or t["Key"] == "managed-by" for t in after.get("Tags", []))
    assert "spinnakerManaged's trust policy has a statement with Sid SpinnakerManaging that the collection did not write" in output
    assert "arn:aws:iam::777777777777:role/other-team-spinnaker" in output and "managed_account_trust_sid" in output
    assert trapped["recap"]["staging"]["failed"] == 1
    assert "staging" not in [a["name"] for a in trapped["hal"].aws()["accounts"]]


def test_a_halyard_account_of_the_same_name_for_another_aws_account_survives(trapped):
    accounts = trapped["hal"].aws()["accounts"]
    assert [a for a in accounts if a["name"] == "production"] == trapped["production_before"]
    assert "production: Spinnaker already has an account of that name for AWS account 999999999999" in trapped["output"]
    assert "spinnaker_halyard_adopt_accounts" in trapped["output"]
    assert sorted(a["name"] for a in accounts) == ["production", "spinnakerManaging"]  # spinnakerManaging registered
    assert "arn:aws:iam::400000000004:role/spinnakerManaged" in managing_policy(trapped["aws"])["Statement"][1]["Resource"]


def test_the_run_fails_naming_each_account_left_out(trapped):
    assert "The IAM of 2 account(s) failed in this run" in trapped["output"], trapped["output"][-6000:]
    assert "develop, staging" in trapped["output"]


@pytest.mark.parametrize(
    "survey, message",
    [
        ({"spinnaker_new_account_name": "spinnakerManaging", "spinnaker_new_account_id": "500000000005"},
         "spinnaker_new_account_name spinnakerManaging is already an inventory host"),
        ({"spinnaker_new_account_name": "develop", "spinnaker_new_account_id": "500000000005"},
         "spinnaker_new_account_name develop is already an inventory host"),
        ({"spinnaker_new_account_name": "production", "spinnaker_new_account_id": "300000000003"},
         "spinnaker_new_account_id 300000000003 already belongs to the inventory host staging"),
        ({"spinnaker_new_account_name": "prod", "spinnaker_new_account_id": "100000000001"},
         "spinnaker_new_account_id 100000000001 is the managing account"),
        ({"spinnaker_new_account_name": "my prod", "spinnaker_new_account_id": "500000000005"},
         "spinnaker_new_account_name \"my prod\" may hold only letters"),
    ],
)
def test_the_onboarding_survey_never_repoints_or_moves_an_account(tmp_path, survey, message):
    with LocalAWS() as aws:
        inventory = os.path.join(ROOT, "examples", "inventory.yml")
        rc, output, _recap = run_playbook("playbooks/onboard_account.yml", inventory, aws.endpoint, tmp_path,
                                          args=["-e", json.dumps(survey)], check=False)
        assert rc != 0 and message in output
        assert aws.calls == []


def test_the_offboarding_survey_refuses_a_name_that_stands_for_two_accounts(tmp_path):
    with LocalAWS() as aws:
        # develop is registered as "staging": the name is staging's host and develop's Spinnaker account.
        names = {"staging": {"spinnaker_account_name": "dev"}, "develop": {"spinnaker_account_name": "staging"}}
        inventory = write_inventory(tmp_path / "inventory.yml", host_vars=names)
        rc, output, _recap = run_playbook("playbooks/offboard_account.yml", inventory, aws.endpoint, tmp_path,
                                          extra_vars={"spinnaker_offboard_account_name": "staging"}, check=False)
        assert rc != 0 and "which names develop and staging" in output
        assert aws.calls == []
