# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: inventory_errors
version_added: 0.1.0
short_description: List what is wrong with a spinnaker.aws inventory
description:
  - Checks the hosts of C(spinnaker_managing) and C(spinnaker_managed) before any AWS call, and returns one message
    per problem, naming the host, the variable and the fix. An empty list means the inventory is usable.
  - "Checked: C(aws_account_id) is a 12-digit string; no account id or C(spinnaker_account_name) is used twice;
    C(spinnaker_regions) lists AWS regions; C(spinnaker_account_state) is present or absent, and the managing
    account is not offboarded while other accounts stay; exactly one host in C(spinnaker_managing) (or none, in a run over part
    of the accounts that sets C(spinnaker_managing_principal_arn)); the managing host's
    C(managing_account_identity) is known and, for irsa and existing, has its settings."
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
"""

EXAMPLES = r"""
- name: Check the inventory
  ansible.builtin.assert:
    that: errors | length == 0
    fail_msg: "{{ errors | join(' ') }}"
  vars:
    errors: "{{ hostvars | spinnaker.aws.inventory_errors(groups) }}"
"""

RETURN = r"""
_value:
  description: The problems found, one message each; empty when there are none.
  type: list
  elements: str
"""

from ansible_collections.spinnaker.aws.plugins.module_utils.accounts import account_hosts
from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import inventory_errors as _inventory_errors


def inventory_errors(hostvars, groups):
    """Build the account list from ``hostvars`` and ``groups`` and validate it (see module_utils.inventory)."""
    managing = list(groups.get("spinnaker_managing", []))
    hosts = account_hosts(groups)
    accounts = []
    for host in hosts:
        variables = hostvars[host]
        accounts.append(
            dict(
                host=host,
                aws_account_id=variables.get("aws_account_id"),
                spinnaker_account_name=variables.get("spinnaker_account_name"),
                spinnaker_regions=variables.get("spinnaker_regions"),
                spinnaker_account_state=variables.get("spinnaker_account_state"),
            )
        )
    settings = hostvars[managing[0]] if len(managing) == 1 else {}
    first = hostvars[hosts[0]] if hosts else {}
    return _inventory_errors(
        accounts,
        managing,
        identity=settings.get("managing_account_identity", "user"),
        irsa_provider_arn=settings.get("managing_account_irsa_provider_arn", ""),
        irsa_issuer=settings.get("managing_account_irsa_issuer", ""),
        existing_arn=settings.get("managing_account_existing_arn", ""),
        managing_principal_arn=first.get("spinnaker_managing_principal_arn"),
    )


class FilterModule:
    """spinnaker.aws filters."""

    def filters(self):
        return {"inventory_errors": inventory_errors}
