# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: registration_entries
version_added: 0.1.0
short_description: The accounts option of the clouddriver writers, from the account model
description:
  - Turns the accounts of P(spinnaker.aws.run_outcome#lookup) into the C(accounts) option of
    M(spinnaker.aws.clouddriver_aws_config) and M(spinnaker.aws.gate_aws_accounts). A present account whose IAM
    converged gets every field; an absent account is removed; a present account whose IAM failed in this run is left
    out, so Spinnaker keeps what it had.
  - C(assume_role) is C(role/<path><role_name>) in the C(aws) partition and the full role ARN in any other
    (clouddriver builds C(arn:aws:...) from a relative one).
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  _input:
    description: The account model.
    type: list
    elements: dict
    required: true
  role_name:
    description: The role clouddriver assumes in every account; default each account's C(assume_role), as the run plan built it.
    type: str
  path:
    description: The IAM path of that role.
    type: str
    default: /
"""

EXAMPLES = r"""
- name: Register the accounts through gate
  spinnaker.aws.gate_aws_accounts:
    url: https://gate.example.com/api/v1
    accounts: "{{ spinnaker_run.accounts | spinnaker.aws.registration_entries }}"
"""

RETURN = r"""
_value:
  description: Items of the C(accounts) option.
  type: list
  elements: dict
"""

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import assume_role_for
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import registration_entries as entries_of


def registration_entries(accounts, role_name=None, path="/"):
    """The ``accounts`` option of the clouddriver writers (module_utils.spinnaker.accounts.registration_entries):
    each account's ``assume_role`` from the run plan, or, with ``role_name``, built from it and ``path``."""
    if role_name is None:
        return entries_of(accounts, lambda account: account["assume_role"])
    return entries_of(accounts, lambda account: assume_role_for(account, role_name, path))


class FilterModule:
    """spinnaker.aws filters."""

    def filters(self):
        return {"registration_entries": registration_entries}
