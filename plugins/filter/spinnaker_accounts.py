# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: spinnaker_accounts
version_added: 0.1.0
short_description: The account model of a spinnaker.aws inventory
description:
  - Builds, from the hosts of C(spinnaker_managed) and C(spinnaker_managing), the list of accounts Spinnaker should
    know, one dict per account. Every registration writer and check reads this one list.
  - C(name) is C(spinnaker_account_name), else the host name; C(external_id) is the host's
    C(spinnaker_external_id) when the host sets it (empty meaning none), else C(spinnaker_default_external_id),
    else none; C(state) is C(spinnaker_account_state) (default C(present)); C(iam_ok) is false for a present
    account whose IAM started converging in this run and failed (so that its failure never reaches Spinnaker).
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  _input:
    description: C(hostvars).
    type: dict
    required: true
  groups:
    description: C(groups).
    type: dict
    required: true
  iam_checked:
    description: Whether this run's IAM part ran; when it did not, every account counts as converged.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Name the accounts whose IAM failed in this run
  ansible.builtin.debug:
    msg: "{{ hostvars | spinnaker.aws.spinnaker_accounts(groups) | rejectattr('iam_ok') | map(attribute='name') }}"
"""

RETURN = r"""
_value:
  description: One dict per account, in inventory order.
  type: list
  elements: dict
  contains:
    host: {description: The inventory host., type: str}
    name: {description: The Spinnaker account name., type: str}
    account_id: {description: The 12-digit AWS account id., type: str}
    regions: {description: The regions Spinnaker manages there., type: list, elements: str}
    external_id: {description: "The external id, or null.", type: str}
    environment: {description: "The environment, or null.", type: str}
    permissions: {description: "Fiat roles per READ and WRITE (C(spinnaker_permissions)), or null.", type: dict}
    lambda_enabled: {description: "C(spinnaker_lambda_enabled), or null.", type: bool}
    partition:
      description:
        - The account's AWS partition, C(spinnaker_partition) when the inventory sets it, else the partition of the
          managing account's session (see P(spinnaker.aws.partition#filter)).
      type: str
    state: {description: C(present) or C(absent) (offboard)., type: str}
    iam_ok: {description: False when the account's IAM failed in this run., type: bool}
"""

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import account_hosts
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import account_model
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import run_partition

HOST_VARIABLES = (
    "aws_account_id", "spinnaker_account_name", "spinnaker_regions", "spinnaker_environment", "spinnaker_external_id",
    "spinnaker_default_external_id", "spinnaker_permissions", "spinnaker_lambda_enabled", "spinnaker_partition",
    "spinnaker_account_state", "spinnaker_iam_started", "spinnaker_iam_converged",
)


def spinnaker_accounts(hostvars, groups, iam_checked=True):
    """Read each account host's variables from ``hostvars`` and build the account model
    (module_utils.spinnaker.accounts.account_model)."""
    hosts = []
    for host in account_hosts(groups):
        variables = hostvars[host]
        hosts.append(dict([("host", host)] + [(name, variables.get(name)) for name in HOST_VARIABLES]))
    return account_model(hosts, iam_checked=iam_checked, default_partition=run_partition(hostvars, groups))


class FilterModule:
    """spinnaker.aws filters."""

    def filters(self):
        return {"spinnaker_accounts": spinnaker_accounts}
