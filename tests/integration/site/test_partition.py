"""The partition is read once, from the managing account's session, against a moto server on 127.0.0.1.

moto keeps one IAM per partition and answers in the partition of the request's region, so a run with
``aws_region: us-gov-west-1`` talks to an AWS GovCloud (US) IAM: STS answers with ``arn:aws-us-gov:...`` ARNs. The
inventory sets no ``spinnaker_partition``: every ARN the collection builds (the managing policy, the trust, the
attached policy, Spinnaker's assumeRole, the check) must come out in ``aws-us-gov``, and the re-run write nothing.
"""

import json

import pytest

from tests.halyard.emulator import Emulator
from tests.local_aws import LocalAWS
from tests.playbook import run_playbook

pytestmark = pytest.mark.xdist_group("partition")

GOV = "us-gov-west-1"
INVENTORY = """\
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    spinnaker_regions: [us-gov-west-1]
    aws_bootstrap_role_arn: "arn:aws-us-gov:iam::{{ aws_account_id }}:role/OrganizationAccountAccessRole"
  children:
    spinnaker_managing:
      hosts:
        spinnakerManaging:
          aws_account_id: "100000000001"
    spinnaker_managed:
      hosts:
        develop:
          aws_account_id: "200000000002"
%s    halyard:
      hosts:
        halyard-host:
"""


def inventory(tmp_path, develop_vars=""):
    path = tmp_path / "inventory.yml"
    path.write_text(INVENTORY % develop_vars)
    return str(path)


@pytest.fixture(scope="module")
def govcloud(tmp_path_factory):
    home = tmp_path_factory.mktemp("hal")
    hosts = inventory(tmp_path_factory.mktemp("inventory"))
    with LocalAWS(managed_policies=["PowerUserAccess"]) as aws:
        first = run_playbook("site.yml", hosts, aws.endpoint, home, extra_vars={"aws_region": GOV})
        aws.clear()
        second = run_playbook("site.yml", hosts, aws.endpoint, home, extra_vars={"aws_region": GOV})
        yield {"aws": aws, "hal": Emulator(home), "first": first, "second": second, "writes": aws.writes()}


def test_without_spinnaker_partition_every_arn_is_in_the_partition_sts_answered_with(govcloud):
    aws = govcloud["aws"]
    iam = aws.client("iam", "100000000001", region=GOV)
    arn = "arn:aws-us-gov:iam::100000000001:policy/SpinnakerManagingAccountPolicy"
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    assume = [s for s in document["Statement"] if s["Sid"] == "SpinnakerAssumeManagedRoles"][0]
    assert sorted(assume["Resource"]) == ["arn:aws-us-gov:iam::100000000001:role/spinnakerManaged",
                                          "arn:aws-us-gov:iam::200000000002:role/spinnakerManaged"]
    develop = aws.client("iam", "200000000002", region=GOV)
    trust = develop.get_role(RoleName="spinnakerManaged")["Role"]["AssumeRolePolicyDocument"]
    owned = [s for s in trust["Statement"] if s.get("Sid") == "SpinnakerManaging"][0]
    assert owned["Principal"] == {"AWS": ["arn:aws-us-gov:iam::100000000001:user/spinnakerManaging"]}
    attached = develop.list_attached_role_policies(RoleName="spinnakerManaged")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws-us-gov:iam::aws:policy/PowerUserAccess"]
    accounts = dict((a["name"], a) for a in govcloud["hal"].aws()["accounts"])
    # clouddriver completes a relative assumeRole in the aws partition only: outside it, the full ARN.
    assert accounts["develop"]["assumeRole"] == "arn:aws-us-gov:iam::200000000002:role/spinnakerManaged"
    assert accounts["spinnakerManaging"]["assumeRole"] == "arn:aws-us-gov:iam::100000000001:role/spinnakerManaged"
    output = govcloud["first"][1]
    assert "200000000002" in output and "FAILED" not in output


def test_the_govcloud_re_run_writes_nothing(govcloud):
    assert govcloud["writes"] == []
    assert all(counts["changed"] == 0 for counts in govcloud["second"][2].values())


def test_a_spinnaker_partition_the_session_is_not_in_fails_before_any_write(tmp_path):
    # An inventory written for the aws partition (its regions and bootstrap role pass the first check), while the
    # controller's credentials are GovCloud's: the session step finds the managing session in aws-us-gov.
    hosts = tmp_path / "inventory.yml"
    hosts.write_text((INVENTORY % "").replace("[us-gov-west-1]", "[us-east-1]").replace("arn:aws-us-gov:", "arn:aws:"))
    with LocalAWS(managed_policies=["PowerUserAccess"]) as aws:
        rc, output, _recap = run_playbook("site.yml", str(hosts), aws.endpoint, tmp_path,
                                          extra_vars={"aws_region": GOV, "spinnaker_partition": "aws"}, check=False)
        assert rc != 0
        flat = " ".join(output.split())
        assert "(aws-us-gov), but aws_account_id is 100000000001 (aws). Nothing was written for this host." in flat
        assert aws.writes() == [] and aws.lock_calls() == []


def test_spinnaker_partition_that_disagrees_with_the_regions_fails_before_any_aws_call(tmp_path):
    with LocalAWS(managed_policies=["PowerUserAccess"]) as aws:
        rc, output, _recap = run_playbook("site.yml", inventory(tmp_path), aws.endpoint, tmp_path,
                                          extra_vars={"aws_region": GOV, "spinnaker_partition": "aws"}, check=False)
        assert rc != 0
        assert "not region names of the aws partition (spinnaker_partition)" in " ".join(output.split())
        assert aws.calls == []


def test_a_region_outside_the_partition_sts_gave_fails_before_any_write_naming_host_and_variable(tmp_path):
    # develop is consistent in itself (an aws region, an aws bootstrap role), so the first check passes; the
    # managing account's session is in aws-us-gov, which the check after the session step holds develop to.
    hosts = inventory(tmp_path, develop_vars="          spinnaker_regions: [us-east-1]\n"
                                             "          aws_bootstrap_role_arn: arn:aws:iam::200000000002:role/admin\n")
    with LocalAWS(managed_policies=["PowerUserAccess"]) as aws:
        rc, output, _recap = run_playbook("site.yml", hosts, aws.endpoint, tmp_path, extra_vars={"aws_region": GOV},
                                          check=False)
        assert rc != 0
        flat = " ".join(output.split())
        assert "develop: spinnaker_regions has ['us-east-1'], not region names of the aws-us-gov partition" in flat
        assert "since spinnaker_partition is not set" in flat
        assert aws.writes() == [] and aws.lock_calls() == []
        assert json.dumps(aws.calls).count("Create") == 0
