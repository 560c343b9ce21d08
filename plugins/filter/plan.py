# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: plan
version_added: 0.1.0
short_description: The run plan of a spinnaker.aws run, from the inventory
description:
  - "Computes every decision of a run once, in Python (C(plugins/module_utils/plan.py)), from the variables of the
    hosts of C(spinnaker_managing), C(spinnaker_managed) and the registration group. Per account: its state, every
    name and ARN (spinnakerManaged, BaseIAMRole, its instance profile, the managing principal), the trust Sids, the
    external id, the regions, the session to reach it, clouddriver's C(assumeRole). The managing side: identity,
    principal, policy, the C(sts:AssumeRole) scope, the run lock. Where the accounts are registered, the run's
    switches, and C(refusals): every inventory error with the host, the variable and the fix."
  - The plays compute it once (the first play of C(spinnaker.aws.site)), through the P(spinnaker.aws.plan#lookup) lookup,
    which also applies what the play sets above the inventory, and read C(spinnaker_plan.accounts[inventory_hostname]);
    docs/architecture.md shows the shape. This filter computes it from C(hostvars) alone, for a playbook of one's own.
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
  iam:
    description:
      - Whether the playbook converges the accounts' IAM; V(false) for one that does not (the rotation), so that no
        account counts as failed for lack of an IAM result. Default C(spinnaker_iam_enabled).
    type: bool
"""

EXAMPLES = r"""
- name: Compute the run plan once, for every host of the run
  ansible.builtin.set_fact:
    spinnaker_plan: "{{ hostvars | spinnaker.aws.plan(groups) }}"
  run_once: true
"""

RETURN = r"""
_value:
  description: The run plan.
  type: dict
  contains:
    refusals:
      description: Every inventory error, naming the host, the variable and the fix; the run stops when there is one.
      type: list
      elements: str
    partition:
      description: The run's AWS partition.
      type: str
    switches:
      description: C(iam), C(registration), C(verify) and C(prune_unlisted_accounts).
      type: dict
    managing:
      description: The managing account's identity, principal, policy, scope and run lock.
      type: dict
    accounts:
      description: One entry per account host, by host name (names, ARNs, Sids, external id, session).
      type: dict
    order:
      description: The account hosts in inventory order.
      type: list
      elements: str
    registration:
      description: Where the accounts are registered, C(enabled), C(path), C(group), C(host) and C(role).
      type: dict
"""

from ansible_collections.spinnaker.aws.plugins.module_utils.plan import session_errors
from ansible_collections.spinnaker.aws.plugins.plugin_utils.run_state import read_plan


def plan(hostvars, groups, iam=None):
    """The run plan from ``hostvars`` (plugin_utils.run_state.read_plan, which module_utils.plan.run_plan decides)."""
    return read_plan(hostvars, groups, iam=iam)


class FilterModule:
    """spinnaker.aws filters."""

    def filters(self):
        return {"plan": plan, "session_errors": session_errors}
