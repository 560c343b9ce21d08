"""Runs started at the same moment against one managing account (moto server + Halyard emulator).

IAM has no compare-and-swap: without the run lock, two runs merging into the managing policy at once can lose an
ARN, and two first runs created two access keys. With it, the second run waits for the first. Two merges started
together land in the window that loses an update only by chance (2 of 6 random trials lost an ARN), so the merge
tests put the lost-update layer (tests/lost_update.py) in front of the endpoint: it forces the worst interleaving
IAM allows whenever both runs read the same document, and one trial with the lock and one without are proof."""

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
MANAGING_POLICY = "arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy"
SEED_ARN = "arn:aws:iam::200000000002:role/spinnakerManaged"
SHARED_ROLE = "shared"
SHARED_TRUST = "trust:100000000001:" + SHARED_ROLE
PAIR = ("600000000000", "600000000001")
# Seconds the lost-update layer holds a request at most: longer than the two runs, started together, take to reach
# the same read (under a second apart on 2 CPUs), and well under botocore's 60 s read timeout.
HOLD = 10


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


def merge_together(aws, tmp_path, lock):
    """Two runs of concurrent_merge.yml started together, one account each, into a managing policy that holds
    SEED_ARN and a shared role's trust that holds OTHER_TEAM. Returns (ARN accounts, Run* Sids) left."""
    iam = aws.client("iam", "100000000001")
    iam.create_policy(PolicyName="SpinnakerManagingAccountPolicy", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "SpinnakerAssumeManagedRoles", "Effect": "Allow", "Action": "sts:AssumeRole",
                       "Resource": [SEED_ARN]}]}))
    iam.create_role(RoleName=SHARED_ROLE,
                    AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [OTHER_TEAM]}))
    common = dict(playbook="tests/integration/playbooks/concurrent_merge.yml",
                  inventory=os.path.join(ROOT, "examples", "inventory.yml"), endpoint=aws.endpoint, hal_home=tmp_path)
    results = run_together([
        dict(common, extra_vars={"concurrent_account_id": a, "concurrent_sid": "Run%s" % a, "concurrent_role": SHARED_ROLE,
                                 "spinnaker_run_lock_enabled": str(lock).lower()})
        for a in PAIR])
    for rc, output, _recap in results:
        assert rc == 0, output[-6000:]
    resources = managing_policy(aws)["Statement"][0]["Resource"]
    resources = [resources] if isinstance(resources, str) else resources
    statements = iam.get_role(RoleName=SHARED_ROLE)["Role"]["AssumeRolePolicyDocument"]["Statement"]
    assert SEED_ARN in resources and OTHER_TEAM in statements  # what others wrote is never lost
    return (sorted(r.split(":")[4] for r in resources if r != SEED_ARN),
            sorted(s["Sid"] for s in statements if s.get("Sid", "").startswith("Run")))


def test_merges_started_together_never_lose_an_arn_or_a_statement(tmp_path):
    with LocalAWS(lost_update=HOLD) as aws:
        accounts, sids = merge_together(aws, tmp_path, lock=True)
        assert accounts == sorted(PAIR)
        assert sids == sorted("Run" + a for a in PAIR)
        # The layer held the first read of each document for HOLD seconds and no other run read it meanwhile (the
        # other run was waiting for the lock), and the runs' requests on it did not interleave: the lock kept them
        # apart. Without the lock the other run's read arrives within about a second (the test below).
        report = aws.lost_update.report()
        for document in (MANAGING_POLICY, SHARED_TRUST):
            assert report[document]["state"] == "unpaired", (document, report)
            assert report[document]["held"] >= HOLD - 0.1 and not report[document]["interleaved"], (document, report)
        assert [(h["document"], h["released"]) for h in aws.lost_update.holds] == [(MANAGING_POLICY, False), (SHARED_TRUST, False)]
        assert aws.client("secretsmanager", "100000000001").list_secrets()["SecretList"] == []  # the lock is released


def test_without_the_run_lock_the_forced_interleaving_loses_an_arn_and_a_statement(tmp_path):
    # What the test above rules out: the same two runs without the lock. The layer forces both to read each
    # document before either writes it, and the second to write after the first has checked its own write: the
    # first run's ARN and its Sid are lost, every time, though both runs succeed and both re-read around their write.
    with LocalAWS(lost_update=HOLD) as aws:
        accounts, sids = merge_together(aws, tmp_path, lock=False)
        report = aws.lost_update.report()
        for document in (MANAGING_POLICY, SHARED_TRUST):
            assert report[document]["state"] == "raced" and report[document]["interleaved"], (document, report)
        # Every hold ended by the other run's request, none by the timeout: the interleaving was forced.
        assert [h for h in aws.lost_update.holds if not h["released"]] == []
        assert len(aws.lost_update.holds) == 6  # per document: the first read, then each run's write
        assert len(accounts) == 1 and accounts[0] in PAIR, accounts
        assert len(sids) == 1 and sids[0] in ("Run" + a for a in PAIR), sids


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
