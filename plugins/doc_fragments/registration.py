# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The accounts clouddriver should know, shared by the writers of clouddriver's account definitions
    # (clouddriver_aws_config, gate_aws_accounts). The argument spec is ACCOUNT_SPEC in module_utils/spinnaker/accounts.py.
    DOCUMENTATION = r"""
options:
  accounts:
    description:
      - The AWS accounts to define in clouddriver, usually the inventory's account model
        (P(spinnaker.aws.run_outcome#lookup) then P(spinnaker.aws.registration_entries#filter)).
      - Only the accounts named here are written or removed; every other account is left as it is and reported
        in RV(unlisted).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The Spinnaker account name (URL-safe; unique across every provider).
        type: str
        required: true
      account_id:
        description: The 12-digit AWS account id (written as a string).
        type: str
        required: true
      assume_role:
        description:
          - The role clouddriver assumes there, C(role/NAME) (clouddriver prefixes C(arn:aws:iam::<account_id>:))
            or a full role ARN (needed outside the C(aws) partition). Required when O(accounts[].state=present).
        type: str
      regions:
        description: The regions Spinnaker manages in the account (written as objects with a C(name) each).
        type: list
        elements: str
      external_id:
        description: The external id clouddriver passes to STS; unset or empty for none (an existing one is removed).
        type: str
      environment:
        description: The account's environment (default its name, as clouddriver's).
        type: str
      permissions:
        description:
          - Fiat roles allowed to read and to deploy to the account. Unset, an existing C(permissions) is kept.
        type: dict
        suboptions:
          READ:
            description: Roles that may see the account.
            type: list
            elements: str
            default: []
          WRITE:
            description: Roles that may deploy to the account.
            type: list
            elements: str
            default: []
      lambda_enabled:
        description: Enable AWS Lambda support for the account (C(lambdaEnabled)). Unset, an existing value is kept.
        type: bool
      state:
        description: V(absent) removes the account (offboarding).
        type: str
        choices: [present, absent]
        default: present
  adopt:
    description:
      - Names of accounts to take over although Spinnaker holds them for another AWS account id.
      - Without it such an account is somebody else's and is left exactly as it is; it is reported in
        RV(refused) and the other accounts are still written.
    type: list
    elements: str
    default: []
  prune_unlisted:
    description:
      - Remove every account that O(accounts) does not name (those of RV(unlisted)). Off by default.
    type: bool
    default: false
"""
