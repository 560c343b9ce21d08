# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: trust_check_targets
version_added: 0.1.0
short_description: The roles to assume and the trust policies to lint in the trust-chain check
description:
  - From the account model (the P(spinnaker.aws.spinnaker_accounts#filter) filter) and C(hostvars), builds in one
    pass the C(roles) option of M(spinnaker.aws.sts_trust_check) and the input of the
    P(spinnaker.aws.trust_policy_findings#filter) filter.
  - A host's trust policy is the one this run wrote (C(managed_account_role.policy)) or, when the run did not write
    it, the one read from IAM (C(verify_trust_policy), set by C(playbooks/verify.yml)). A host with neither is
    assumed but not linted.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  _input:
    description: The account model, one dict per account host with C(host), C(account_id) and C(external_id).
    type: list
    elements: dict
    required: true
  hostvars:
    description: The C(hostvars) of the run.
    type: dict
    required: true
  hosts:
    description: The account hosts to check, in order. A host that is not in the account model is an error.
    type: list
    elements: str
    required: true
  role_name:
    description: The role assumed in every account.
    type: str
    default: spinnakerManaged
  partition:
    description: AWS partition of the role ARNs.
    type: str
    default: aws
  path:
    description: IAM path of the role (C(/) or C(/a/b/)).
    type: str
    default: /
  registration:
    description: How the run registered the accounts with Spinnaker (shown in the check's table), or empty.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Build the check's inputs once
  ansible.builtin.set_fact:
    verify_targets: >-
      {{ hostvars | spinnaker.aws.spinnaker_accounts(groups)
         | spinnaker.aws.trust_check_targets(hostvars, groups['spinnaker_managed'], role_name='spinnakerManaged') }}
"""

RETURN = r"""
_value:
  description: The check's inputs.
  type: dict
  contains:
    roles:
      description: One item per host, C(role_arn), C(external_id) and C(registration).
      type: list
      elements: dict
    trusts:
      description: One item per host whose trust policy is known, C(account_id), C(policy) and C(external_id).
      type: list
      elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_check import check_targets


def _trust_policy(variables):
    """The spinnakerManaged trust policy this run wrote or read for one host, or ``None``."""
    written = variables.get("managed_account_role")
    if isinstance(written, dict) and written.get("policy") is not None:
        return written["policy"]
    return variables.get("verify_trust_policy")


def trust_check_targets(accounts, hostvars, hosts, role_name="spinnakerManaged", partition="aws", path="/", registration=""):
    """Read each host's trust policy from ``hostvars`` once and build the check's inputs
    (module_utils.iam.trust_check.check_targets)."""
    policies = dict((host, _trust_policy(hostvars[host])) for host in hosts if host in hostvars)
    try:
        return check_targets(accounts, hosts, policies, role_name, partition=partition, path=path, registration=registration or None)
    except ValueError as e:
        raise AnsibleFilterError(str(e))


class FilterModule:
    """spinnaker.aws filters."""

    def filters(self):
        return {"trust_check_targets": trust_check_targets}
