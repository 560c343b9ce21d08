"""site.yml releases the managing account's run lock whatever ends the run: the managing host releases it with its
own session and endpoint, in its own play (or in the rescue of a play it fails in), so neither localhost, --limit,
a per-host aws_endpoint_url nor every account failing leaves it behind for its 2-hour TTL."""

import json
import os
import time

import yaml

from ansible_collections.spinnaker.aws.plugins.module_utils.run_lock import lock_record

from tests.local_aws import LocalAWS
from tests.local_aws import LOCK_NAME
from tests.playbook import ROOT
from tests.playbook import run_playbook

ACCOUNTS = {"spinnakerManaging": "100000000001", "develop": "200000000002", "staging": "300000000003"}


def lock_secrets(aws):
    """The run lock's secret in the managing account, if it is still there."""
    secrets = aws.client("secretsmanager", ACCOUNTS["spinnakerManaging"]).list_secrets()["SecretList"]
    return [s["Name"] for s in secrets if s["Name"] == LOCK_NAME]


def example_inventory(path, edit=None):
    """The example inventory, changed by ``edit(inventory)``."""
    with open(os.path.join(ROOT, "examples", "inventory.yml")) as handle:
        inventory = yaml.safe_load(handle)
    if edit:
        edit(inventory)
    with open(path, "w") as handle:
        yaml.safe_dump(inventory, handle, sort_keys=False)
    return str(path)


def test_a_run_limited_to_the_accounts_without_localhost_releases_the_lock(tmp_path):
    inventory = example_inventory(tmp_path / "inventory.yml")
    with LocalAWS() as aws:
        rc, output, recap = run_playbook("site.yml", inventory, aws.endpoint, tmp_path / "hal",
                                         extra_vars={"spinnaker_verify": "false"},
                                         args=["--limit", "spinnakerManaging,develop,staging,halyard-host"], check=False)
        assert rc == 0, output[-6000:]
        assert "localhost" not in recap
        assert ("run-lock", "CreateSecret") in aws.lock_calls()
        assert lock_secrets(aws) == []


def test_a_per_host_aws_endpoint_url_is_where_the_lock_is_released(tmp_path):
    def per_host_endpoint(inventory):
        children = inventory["all"]["children"]
        for group in ("spinnaker_managing", "spinnaker_managed"):
            for variables in children[group]["hosts"].values():
                variables["aws_endpoint_url"] = endpoint
        # A host with no AWS calls of its own, whose endpoint would be wrong for the managing account.
        children["halyard"]["hosts"]["halyard-host"] = {"aws_endpoint_url": "http://127.0.0.1:9"}

    with LocalAWS() as aws:
        endpoint = aws.endpoint
        inventory = example_inventory(tmp_path / "inventory.yml", per_host_endpoint)
        rc, output, _recap = run_playbook("site.yml", inventory, None, tmp_path / "hal",
                                          extra_vars={"spinnaker_verify": "false"}, check=False)
        assert rc == 0, output[-6000:]
        assert ("run-lock", "DeleteSecret") in aws.lock_calls()
        assert lock_secrets(aws) == []


def test_a_run_in_which_every_account_fails_releases_the_lock_and_says_so(tmp_path):
    inventory = example_inventory(tmp_path / "inventory.yml")
    with LocalAWS() as aws:
        # Every account's spinnakerManaged holds a statement with the collection's Sid that it did not write: each
        # host fails on it (a foreign statement is never changed), the managing host among them.
        foreign = {"Version": "2012-10-17", "Statement": [{
            "Sid": "SpinnakerManaging", "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::999999999999:root"}}]}
        for account_id in ACCOUNTS.values():
            aws.client("iam", account_id).create_role(RoleName="spinnakerManaged",
                                                      AssumeRolePolicyDocument=json.dumps(foreign))
        rc, output, recap = run_playbook("site.yml", inventory, aws.endpoint, tmp_path / "hal",
                                         extra_vars={"spinnaker_verify": "false"}, check=False)
        assert rc != 0
        assert all(recap[host]["failed"] == 1 for host in ACCOUNTS), recap
        assert "The run lock spinnaker.aws/run-lock this run held was released." in " ".join(output.split())
        assert ("run-lock", "CreateSecret") in aws.lock_calls()
        assert lock_secrets(aws) == []


def test_the_operator_releases_the_lock_of_a_run_that_is_gone_by_its_name(tmp_path):
    # A run on a lost controller left the lock, with an expiry an hour away: release_run_lock.yml drops it by name
    # and says whose it was; a secret of that name that is not a lock record would be left (module test).
    inventory = example_inventory(tmp_path / "inventory.yml")
    with LocalAWS() as aws:
        secrets = aws.client("secretsmanager", ACCOUNTS["spinnakerManaging"])
        secrets.create_secret(Name=LOCK_NAME, SecretString=json.dumps(
            lock_record("site.yml on a lost controller", "gone", now=time.time(), ttl=3600)))
        _rc, output, _recap = run_playbook("playbooks/release_run_lock.yml", inventory, aws.endpoint, tmp_path / "hal")
        assert "Released the run lock spinnaker.aws/run-lock, held by site.yml on a lost controller" in " ".join(output.split())
        assert lock_secrets(aws) == []
        _rc, output, _recap = run_playbook("playbooks/release_run_lock.yml", inventory, aws.endpoint, tmp_path / "hal")
        assert "No run lock spinnaker.aws/run-lock to release." in output
