"""Runs started at the same moment against one managing account (moto server + Halyard emulator).

IAM has no compare-and-swap: without the run lock, two runs merging into the managing policy at once lost an ARN
in 2 of 6 trials, and two first runs created two access keys. With it, the second run waits for the first."""

import json
import os

import pytest

from tests.halyard.emulator import Emulator
from tests.integration.site.test_site import OTHER_TEAM
from tests.integration.site.test_site import iam_state
from tests.integration.site.test_site import managing_policy
from tests.local_aws import LocalAWS
from tests.playbook import ROOT
from tests.playbook import run_together

pytestmark = pytest.mark.xdist_group("concurrency")
TRIALS = 10


def test_two_first_runs_started_together_end_with_both_accounts_one_key_and_the_foreign_statement(tmp_path):
    home = tmp_path / "hal"
    inventory = os.path.join(ROOT, "examples", "inventory.yml")
    with LocalAWS() as aws:
        develop = aws.client("iam", "200000000002")
        develop.create_role(RoleName="spinnakerManaged",
                            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [OTHER_TEAM]}))
        common = dict(playbook="playbooks/onboard_account.yml", inventory=inventory, endpoint=aws.endpoint, hal_home=home)
        results = run_together([
            dict(common, extra_vars={"spinnaker_new_account_name": "production", "spinnaker_new_account_id": "400000000004",
                                     "spinnaker_verify": "false"}),
            dict(common, extra_vars={"spinnaker_new_account_name": "qa", "spinnaker_new_account_id": "500000000005",
                                     "spinnaker_verify": "false"}),
        ])
        for rc, output, _recap in results:
            assert rc == 0, output[-6000:]
        resources = managing_policy(aws)["Statement"][1]["Resource"]
        for account_id in ("100000000001", "200000000002", "300000000003", "400000000004", "500000000005"):
            assert "arn:aws:iam::%s:role/spinnakerManaged" % account_id in resources
        assert OTHER_TEAM in iam_state(aws, "200000000002")["spinnakerManaged"]["trust"]["Statement"]
        keys = aws.client("iam", "100000000001").list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"]
        assert len(keys) == 1
        stored = json.loads(aws.client("secretsmanager", "100000000001").get_secret_value(
            SecretId="spinnaker/spinnakerManaging/access-key")["SecretString"])
        assert stored["access_key_id"] == keys[0]["AccessKeyId"]
        accounts = sorted(a["name"] for a in Emulator(home).aws()["accounts"])
        assert accounts == ["develop", "production", "qa", "spinnakerManaging", "staging"]


def test_merges_started_together_never_lose_an_arn_or_a_statement(tmp_path):
    inventory = os.path.join(ROOT, "examples", "inventory.yml")
    with LocalAWS() as aws:
        iam = aws.client("iam", "100000000001")
        common = dict(playbook="tests/integration/playbooks/concurrent_merge.yml", inventory=inventory,
                      endpoint=aws.endpoint, hal_home=tmp_path)
        expected = []
        for trial in range(TRIALS):
            # A shared role per trial: two merges into one trust policy (IAM's 2,048-character quota would not hold
            # the statements of every trial).
            role = "shared-%d" % trial
            iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [OTHER_TEAM]}))
            pair = ["6%011d" % (2 * trial), "6%011d" % (2 * trial + 1)]
            expected += pair
            results = run_together([dict(common, extra_vars={"concurrent_account_id": a, "concurrent_sid": "Run%s" % a,
                                                             "concurrent_role": role}) for a in pair])
            for rc, output, _recap in results:
                assert rc == 0, output[-6000:]
            resources = managing_policy(aws)["Statement"][0]["Resource"]
            resources = [resources] if isinstance(resources, str) else resources
            assert sorted(r.split(":")[4] for r in resources) == sorted(expected), "trial %d" % trial
            statements = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]["Statement"]
            assert OTHER_TEAM in statements
            assert sorted(s["Sid"] for s in statements if s["Sid"].startswith("Run")) == sorted("Run" + a for a in pair)
        assert aws.client("secretsmanager", "100000000001").list_secrets()["SecretList"] == []  # the lock is released


def test_a_run_that_fails_in_a_step_that_ends_it_releases_the_lock(tmp_path):
    # A failed deploy fails the only host of the Halyard play; the managing host, which holds the lock, goes on and
    # releases it in the last play, so the next run does not wait for it to expire.
    home = tmp_path / "hal"
    inventory = os.path.join(ROOT, "examples", "inventory.yml")
    with LocalAWS() as aws:
        Emulator(home).fail_once("deploy apply")
        results = run_together([dict(playbook="site.yml", inventory=inventory, endpoint=aws.endpoint, hal_home=home,
                                     extra_vars={"spinnaker_verify": "false"})])
        rc, output, _recap = results[0]
        assert rc != 0 and "TASK [Release the run lock of the managing account]" in output
        secrets = aws.client("secretsmanager", "100000000001").list_secrets()["SecretList"]
        assert [s["Name"] for s in secrets] == ["spinnaker/spinnakerManaging/access-key"]
