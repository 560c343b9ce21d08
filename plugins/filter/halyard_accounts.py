# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: halyard_accounts
version_added: 0.1.0
short_description: The accounts option of spinnaker.aws.halyard_aws_account, from the account model
description:
  - Turns the accounts of P(spinnaker.aws.run_outcome#lookup) into the O(spinnaker.aws.halyard_aws_account#module:accounts)
    option. A present account whose IAM converged is ensured with every field (an empty C(external_id) removes a
    stored one); an absent account is deleted; a present account whose IAM failed in this run is left out, so
    Spinnaker keeps what it had.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  _input:
    description: The account model.
    type: list
    elements: dict
    required: true
  assume_role:
    description:
      - Halyard's C(assumeRole), such as C(role/spinnakerManaged).
      - Outside the C(aws) partition each account gets the full role ARN instead (C(arn:aws-us-gov:iam::ID:role/spinnakerManaged)),
        since clouddriver completes a relative value in the C(aws) partition only.
      - Default each account's C(assume_role), as the run plan built it.
    type: str
  adopt:
    description:
      - Names of accounts to take over although Spinnaker holds them for another AWS account id (see
        O(spinnaker.aws.halyard_aws_account#module:adopt)).
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Register the accounts
  spinnaker.aws.halyard_aws_account:
    accounts: "{{ spinnaker_run.accounts | spinnaker.aws.halyard_accounts }}"
"""

RETURN = r"""
_value:
  description: Items of the C(accounts) option.
  type: list
  elements: dict
"""

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import halyard_accounts


class FilterModule:
    """spinnaker.aws filters."""

    def filters(self):
        return {"halyard_accounts": halyard_accounts}
