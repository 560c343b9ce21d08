# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: plan
version_added: 0.1.0
short_description: The run plan of a spinnaker.aws run, as the calling task sees the inventory
description:
  - The run plan of P(spinnaker.aws.plan#filter), computed from the variables of every host of the inventory
    (C(hostvars) and C(groups) of the calling task), with the values the play sets above the inventory (an
    C(import_playbook)'s C(vars), which C(hostvars) does not hold) applied to every host.
  - The first play of every playbook of the collection computes it once (C(run_once)) and keeps it as
    C(spinnaker_plan); every later task reads its own host's part, C(spinnaker_plan.accounts[inventory_hostname]).
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  iam:
    description:
      - Whether the playbook converges the accounts' IAM; V(false) for one that does not (the rotation), so that no
        account counts as failed for lack of an IAM result. Default C(spinnaker_iam_enabled).
    type: bool
"""

EXAMPLES = r"""
- name: Compute the run plan once, for every host of the run
  ansible.builtin.set_fact:
    spinnaker_plan: "{{ lookup('spinnaker.aws.plan') }}"
  run_once: true

- name: The plan of a playbook that converges no IAM
  ansible.builtin.set_fact:
    spinnaker_plan: "{{ lookup('spinnaker.aws.plan', iam=false) }}"
  run_once: true
"""

RETURN = r"""
_raw:
  description: The run plan, one dict (its shape is P(spinnaker.aws.plan#filter)'s).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

from ansible_collections.spinnaker.aws.plugins.module_utils.plan import plan_variables
from ansible_collections.spinnaker.aws.plugins.plugin_utils.run_state import read_plan


class LookupModule(LookupBase):
    """spinnaker.aws.plan."""

    def _context(self, variables):
        """The plan's variables defined for the calling task, templated; one whose template cannot be rendered for
        this host (an ``aws_bootstrap_role_arn`` naming ``aws_account_id`` on a host that is no AWS account) is
        left out."""
        values = {}
        for name in sorted(set(n for group in plan_variables().values() for n in group)):
            if name not in variables:
                continue
            try:
                values[name] = self._templar.template(variables[name])
            except AnsibleError:
                continue  # not renderable for this host: not a value the play gives every host
        return values

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        variables = variables or {}
        if "hostvars" not in variables or "groups" not in variables:
            raise AnsibleError("spinnaker.aws.plan is a lookup of a task: it reads the task's hostvars and groups.")
        return [read_plan(variables["hostvars"], variables["groups"], iam=self.get_option("iam"),
                          context=self._context(variables), context_host=variables.get("inventory_hostname"))]
