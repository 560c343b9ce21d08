# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: trust_check_targets
version_added: 0.1.0
short_description: The roles to assume and the trust policies to lint in the trust-chain check
description:
  - From the run plan (P(spinnaker.aws.plan#filter)) and what the run did (P(spinnaker.aws.run_outcome#filter)),
    builds the C(roles) option of M(spinnaker.aws.sts_trust_check), the input of the
    P(spinnaker.aws.trust_policy_findings#filter) filter, and the drift report.
  - Only present accounts whose IAM did not fail in this run are checked. A host's trust policy is the one this run
    wrote, or, with the IAM part off, the one read from IAM; a host with neither is assumed but not linted.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  _input:
    description: The run plan.
    type: dict
    required: true
  hostvars:
    description: The C(hostvars) of the run.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Build the check's inputs once
  ansible.builtin.set_fact:
    verify_targets: "{{ spinnaker_plan | spinnaker.aws.trust_check_targets(hostvars) }}"
"""

RETURN = r"""
_value:
  description: The check's inputs.
  type: dict
  contains:
    roles:
      description: One item per account to check, C(role_arn), C(external_id) and C(registration).
      type: list
      elements: dict
    trusts:
      description: One item per account whose trust policy is known, C(account_id), C(policy) and C(external_id).
      type: list
      elements: dict
    sid:
      description: The Sid of the owned trust statement.
      type: str
    drift:
      description: Accounts the managing policy or Spinnaker know but the inventory does not list.
      type: list
      elements: str
"""

from ansible_collections.spinnaker.aws.plugins.module_utils.plan import check_inputs
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import read_results
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import run_outcome


def trust_check_targets(plan, hostvars):
    """Read what the run did (spinnaker.aws.run_outcome) and the managing policy it wrote, and build the check's
    inputs (module_utils.plan.check_inputs)."""
    outcome = run_outcome(plan, read_results(plan, hostvars))
    managing = plan["managing"]["host"]
    written = hostvars[managing].get("managing_account_policy") if managing and managing in hostvars else None
    policy = written.get("policy") if isinstance(written, dict) else None
    return check_inputs(plan, outcome, policy)


class FilterModule:
    """spinnaker.aws filters."""

    def filters(self):
        return {"trust_check_targets": trust_check_targets}
