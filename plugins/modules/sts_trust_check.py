#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: sts_trust_check
version_added: 0.1.0
short_description: Check, the way clouddriver will, that roles can be assumed from the current credentials
description:
  - For each role, calls C(sts:AssumeRole) from the module's credentials (the managing identity) WITH the
    expected external id, and, when an external id is expected, once more WITHOUT it. The first call must succeed
    and the second must FAIL - a role whose trust has no C(sts:ExternalId) condition accepts any external id, so
    only the failing call proves the condition is there.
  - Checks that the assumed identity is in the expected account, and makes one harmless read call with the
    session (C(ec2:DescribeRegions)), as clouddriver does when it starts; its answer tells whether the account can
    use each region of O(roles[].regions).
  - Session names identify the run (C(spinnaker-verify-<run_id>-<account>)), so the calls can be found in
    CloudTrail.
  - Changes nothing. Returns one row per role and a table; fails only with O(fail_on_error).
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  roles:
    description: The roles to check.
    type: list
    elements: dict
    required: true
    suboptions:
      role_arn:
        description: ARN of the role, C(arn:aws:iam::ACCOUNT:role/NAME).
        type: str
        required: true
      external_id:
        description: The external id the role must require. Not set means none is expected.
        type: str
      account_id:
        description: Account the assumed identity must be in. Default the account of O(roles[].role_arn).
        type: str
      registration:
        description:
          - How the run registered the account with Spinnaker (V(halyard), V(clouddriver_config), V(account_api)),
            shown in the table's C(registered by) column. Not checked.
        type: str
      regions:
        description:
          - The regions Spinnaker will use in the account. With O(read_check), each must be listed by
            C(ec2:DescribeRegions) with C(AllRegions=true) in the account as C(opt-in-not-required) or
            C(opted-in); a region not opted in, or not visible to the account (an SCP), fails the role with
            C(region not enabled), naming the regions.
        type: list
        elements: str
  run_id:
    description: Identifies this run in the session names. Default the current time as seconds since the epoch.
    type: str
  read_check:
    description:
      - Make one C(ec2:DescribeRegions) call (C(AllRegions=true)) with each session, and check O(roles[].regions)
        against its answer.
    type: bool
    default: true
  consistency_timeout:
    description:
      - Seconds to keep retrying C(AccessDenied) and C(InvalidClientTokenId) on the assume WITH the external id.
        IAM is eventually consistent, so a trust or policy changed moments ago, or an access key created moments
        ago, can take some seconds to apply. Nothing else is retried (but throttling, by the AWS client); the call
        without the external id is not retried. A role assumed after a retry says so in its row
        (RV(rows[].attempts)) and in the table.
    type: int
    default: 30
  fail_on_error:
    description: Fail the task when any role fails the check (the table is in the message).
    type: bool
    default: false
notes:
  - Changes nothing; supports check mode (the calls are made, they are reads).
  - It cannot tell a trust policy that does not name the principal from one whose external id differs; both are
    "not trusted". When the managing identity's own policy lacks the role, AWS says so and the row says
    "policy does not allow AssumeRole".
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Check the trust chain from the managing user
  spinnaker.aws.sts_trust_check:
    access_key: "{{ managing_key.access_key_id }}"
    secret_key: "{{ managing_key.secret_access_key }}"
    roles:
      - role_arn: arn:aws:iam::200000000002:role/spinnakerManaged
      - role_arn: arn:aws:iam::300000000003:role/spinnakerManaged
        external_id: spinnaker-staging-4c1d
    fail_on_error: true
  no_log: false
"""

RETURN = r"""
rows:
  description: One row per role.
  returned: always
  type: list
  elements: dict
  contains:
    account_id:
      description: The expected account.
      type: str
    registration:
      description: The O(roles[].registration) given, or null.
      type: str
    role_arn:
      description: The role.
      type: str
    assumed:
      description: Whether the assume (with the external id, if any) succeeded.
      type: bool
    external_id_enforced:
      description: Whether the assume WITHOUT the external id failed (null when no external id is expected).
      type: bool
    identity_account:
      description: Account of the assumed identity.
      type: str
    read_ok:
      description: Whether ec2:DescribeRegions succeeded with the session (null when not checked).
      type: bool
    regions_unusable:
      description: The regions of O(roles[].regions) the account cannot use (not opted in, or not listed).
      type: list
      elements: str
    attempts:
      description: The assume calls WITH the external id made (more than 1 when IAM propagation was waited for).
      type: int
    ok:
      description: Whether the role passed every check.
      type: bool
    reason:
      description:
        - Why it failed, null when ok. One of C(not trusted), C(policy does not allow AssumeRole),
          C(external id not enforced), C(account mismatch), C(read call failed), C(region not enabled).
      type: str
    error:
      description: The AWS error message behind the reason, if any.
      type: str
  sample: [{"account_id": "200000000002", "role_arn": "arn:aws:iam::200000000002:role/spinnakerManaged",
            "assumed": true, "external_id_enforced": null, "identity_account": "200000000002", "read_ok": true,
            "regions_unusable": [], "attempts": 1, "ok": true, "reason": null, "error": null}]
table:
  description: The rows as a fixed-width table, one line each after a header.
  returned: always
  type: list
  elements: str
failed_accounts:
  description: Accounts of the roles that failed.
  returned: always
  type: list
  elements: str
  sample: ["300000000003"]
"""

import time

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import retry_on
from ansible_collections.spinnaker.aws.plugins.module_utils.session import SessionClients
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_check import SESSION_NAME_RE
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_check import assumed_account
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_check import classify_denial
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_check import finish_row
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_check import format_table
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_check import new_row
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_check import role_account
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_check import session_name
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_check import unusable_regions


# IAM is eventually consistent: a trust or policy merged seconds ago can still deny (AccessDenied), and an access
# key created seconds ago can still be unknown to STS (InvalidClientTokenId) (IAM User Guide, "Changes that I make
# are not always immediately visible").
RETRYABLE_CODES = ("AccessDenied", "InvalidClientTokenId")


def _error(e):
    details = e.response.get("Error", {})
    return details.get("Code", ""), details.get("Message", "")


def assume(sts, role_arn, name, external_id=None):
    """One sts:AssumeRole; returns the response."""
    params = dict(RoleArn=role_arn, RoleSessionName=name)
    if external_id:
        params["ExternalId"] = external_id
    return sts.assume_role(aws_retry=True, **params)


def check_role(module, sts, spec, run_id, sleep=time.sleep, clients=None):
    """Run the checks of one role and return its row (see ``trust_check.new_row``)."""
    role_arn = spec["role_arn"]
    expected = spec["account_id"] or role_account(role_arn)
    row = new_row(role_arn, expected, spec["external_id"], spec.get("registration"))
    try:
        response, row["attempts"] = retry_on(
            lambda: assume(sts, role_arn, session_name(run_id, role_arn), spec["external_id"]),
            lambda e: _error(e)[0] in RETRYABLE_CODES,
            module.params["consistency_timeout"],
            sleep=sleep,
        )
    except botocore.exceptions.ClientError as e:
        code, message = _error(e)
        row["reason"], row["error"] = classify_denial(code, message), message
        return finish_row(row)
    row["assumed"] = True
    row["identity_account"] = assumed_account(response["AssumedRoleUser"]["Arn"])
    if spec["external_id"]:
        try:
            assume(sts, role_arn, session_name(run_id, role_arn, "-noextid"))
            row["external_id_enforced"] = False
        except is_boto3_error_code("AccessDenied"):
            row["external_id_enforced"] = True
        except botocore.exceptions.ClientError as e:  # pylint: disable=duplicate-except
            row["error"] = "assume without external id: %s" % (_error(e),)
    if module.params["read_check"]:
        credentials = response["Credentials"]
        # DescribeRegions answers in any region: us-east-1 when the module has none.
        ec2 = (clients or SessionClients(module)).client("ec2", credentials, region=module.region or "us-east-1")
        try:
            described = ec2.describe_regions(aws_retry=True, AllRegions=True)
            row["read_ok"] = True
            row["regions_unusable"] = unusable_regions(spec.get("regions"), described.get("Regions"))
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            row["read_ok"] = False
            row["error"] = str(e)
    return finish_row(row)


def main():
    argument_spec = dict(
        roles=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(
                role_arn=dict(type="str", required=True),
                external_id=dict(type="str", no_log=False),
                account_id=dict(type="str"),
                registration=dict(type="str"),
                regions=dict(type="list", elements="str"),
            ),
        ),
        run_id=dict(type="str"),
        read_check=dict(type="bool", default=True),
        consistency_timeout=dict(type="int", default=30),
        fail_on_error=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_id = module.params["run_id"] or str(int(time.time()))
    for index, spec in enumerate(module.params["roles"]):
        try:
            role_account(spec["role_arn"])
        except ValueError as e:
            module.fail_json(msg="roles[%d].role_arn: %s" % (index, e), field="roles")
    if not SESSION_NAME_RE.match(session_name(run_id, "arn:aws:iam::000000000000:role/x")):
        module.fail_json(msg="run_id may only hold letters, digits and +=,.@- ", field="run_id")

    # One boto3 Session for the STS client and every read check's EC2 client (module_utils.session.SessionClients).
    clients = SessionClients(module)
    sts = clients.client("sts")
    rows = [check_role(module, sts, spec, run_id, clients=clients) for spec in module.params["roles"]]
    failed = [r["account_id"] for r in rows if not r["ok"]]
    table = format_table(rows)
    if failed and module.params["fail_on_error"]:
        module.fail_json(msg="The trust chain fails for %d of %d accounts:\n%s" % (len(failed), len(rows), "\n".join(table)),
                         rows=rows, table=table, failed_accounts=failed)
    module.exit_json(changed=False, rows=rows, table=table, failed_accounts=failed)


if __name__ == "__main__":
    main()
