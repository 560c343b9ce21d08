"""`make demo`: the main job over the example inventory, against a local AWS endpoint and the Halyard emulator.

Starts a moto server on 127.0.0.1 (AWS managed policies loaded) with the STS trust layer in front
(tests/sts_trust.py: AssumeRole answered as STS does, so the trust-chain check can fail for the reasons it exists
for), puts the Halyard emulator (tests/halyard/hal, a test double of hal) on PATH with a throwaway halconfig, runs
site.yml over examples/inventory.yml (staging given an external id) with Ansible's own task output, prints what
now exists in each account and in the halconfig and how STS answered the managing user, then stops the server.

The example accounts are not members of a moto Organization (moto cannot create an account with a given id), so
their bootstrap role, OrganizationAccountAccessRole, is one the layer leaves to moto (TrustConfig.unchecked_roles);
every other AssumeRole, the check's included, is evaluated.
"""

import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.halyard.emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position
from tests.local_aws import LocalAWS  # noqa: E402  pylint: disable=wrong-import-position
from tests.playbook import playbook_env  # noqa: E402  pylint: disable=wrong-import-position
from tests.sts_trust import TrustConfig  # noqa: E402  pylint: disable=wrong-import-position

INVENTORY = os.path.join(ROOT, "examples", "inventory.yml")
ACCOUNTS = (("spinnakerManaging", "100000000001"), ("develop", "200000000002"), ("staging", "300000000003"))
MANAGING_USER = "arn:aws:iam::100000000001:user/spinnakerManaging"
# A second inventory source: Ansible merges its host variables into examples/inventory.yml's.
EXTERNAL_ID = """all:
  children:
    spinnaker_managed:
      hosts:
        staging:
          spinnaker_external_id: spinnaker-staging-4c1d
"""


def trust_chain(answers):
    """How STS (the trust layer) answered the managing user's AssumeRole of each spinnakerManaged, as lines."""
    lines = ["trust chain, as STS answered %s:" % MANAGING_USER]
    for name, account_id in ACCOUNTS:
        role = "arn:aws:iam::%s:role/spinnakerManaged" % account_id
        mine = [a for a in answers if a["caller"] == MANAGING_USER and a["role_arn"] == role]
        answer = dict((a["external_id"], "ok" if a["allowed"] else "AccessDenied") for a in mine)  # the last of each
        if True in answer:
            words = "with id: %s, without id: %s" % (answer[True], answer.get(False, "not asked"))
        else:
            words = "%s (no external id set)" % answer[False] if False in answer else "not checked"
        lines.append("  %-18s %s: %s" % (name, account_id, words))
    return lines


def summary(aws, hal):
    """What exists now, per account and in the halconfig, as lines of text."""
    lines = ["", "=== What exists now ==="]
    managing = aws.client("iam", "100000000001")
    user = managing.get_user(UserName="spinnakerManaging")["User"]["Arn"]
    keys = managing.list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"]
    arn = "arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy"
    version = managing.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = managing.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    targets = [r for s in document["Statement"] if s["Sid"] == "SpinnakerAssumeManagedRoles" for r in s["Resource"]]
    lines.append("managing identity: %s (%d access key, kept in Secrets Manager)" % (user, len(keys)))
    lines.append("SpinnakerManagingAccountPolicy %s: sts:AssumeRole on %d roles" % (version, len(targets)))
    for name, account_id in ACCOUNTS:
        iam = aws.client("iam", account_id)
        role = iam.get_role(RoleName="spinnakerManaged")["Role"]
        trusted = [p for s in role["AssumeRolePolicyDocument"]["Statement"] for p in s.get("Principal", {}).get("AWS", [])]
        attached = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="spinnakerManaged")["AttachedPolicies"]]
        inline = iam.list_role_policies(RoleName="spinnakerManaged")["PolicyNames"]
        profiles = [p["InstanceProfileName"] for p in iam.list_instance_profiles_for_role(RoleName="BaseIAMRole")["InstanceProfiles"]]
        lines.append("%-18s %s: spinnakerManaged trusts %s; policies %s + inline %s; BaseIAMRole with instance profile %s"
                     % (name, account_id, ", ".join(trusted), ", ".join(attached), ", ".join(inline), ", ".join(profiles)))
    provider = hal.aws()
    lines.append("halconfig %s: aws provider enabled=%s, accessKeyId=%s, secret set=%s"
                 % (hal.config_path, provider["enabled"], provider.get("accessKeyId"), bool(provider.get("secretAccessKey"))))
    for account in provider["accounts"]:
        lines.append("  account %-18s id %s assumeRole %s regions %s"
                     % (account["name"], account["accountId"], account["assumeRole"], ",".join(r["name"] for r in account["regions"])))
    lines.append("hal commands run: %d (%s)" % (len(hal.invocations()), "; ".join(" ".join(a[:6]) for a in hal.invocations())))
    return lines


def main():
    home = tempfile.mkdtemp(prefix="spinnaker-aws-demo-")
    hal = Emulator(home)
    extra_inventory = os.path.join(home, "external_id.yml")
    with open(extra_inventory, "w") as handle:
        handle.write(EXTERNAL_ID)
    with LocalAWS(trust=TrustConfig(unchecked_roles=["OrganizationAccountAccessRole"])) as aws:
        print("Local AWS endpoint (moto, STS trust layer in front) on %s; Halyard emulator home %s" % (aws.endpoint, home), flush=True)
        env = playbook_env(aws.endpoint, home)
        env["ANSIBLE_FORCE_COLOR"] = "1" if sys.stdout.isatty() else "0"
        command = [
            os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
            "-i", INVENTORY,
            "-i", extra_inventory,
            "-e", "aws_endpoint_url=%s" % aws.endpoint,
            "-e", "spinnaker_halyard_halconfig_path=%s" % hal.config_path,
            os.path.join(ROOT, "site.yml"),
        ]
        returncode = subprocess.call(command, env=env, cwd=ROOT)
        if returncode != 0:
            print("site.yml failed (exit %d)" % returncode)
            return returncode
        print("\n".join(summary(aws, hal) + trust_chain(aws.trust.answers)))
        print("API calls at the endpoint: %d, of which writes: %d" % (len(aws.calls), len(aws.writes())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
