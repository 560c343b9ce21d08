# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: plan_context
version_added: 0.1.0
short_description: The run plan's variables as the calling task sees them
description:
  - Returns one dict, a C(name) to value mapping, of the variables the run plan reads (P(spinnaker.aws.plan#filter)) that are
    defined for the calling task, templated. A variable whose template cannot be rendered for this host (an
    C(aws_bootstrap_role_arn) naming C(aws_account_id) on a host that is no AWS account) is left out.
  - Passed to P(spinnaker.aws.plan#filter) as O(spinnaker.aws.plan#filter:context), it carries what the play sets
    above the inventory (an C(import_playbook)'s C(vars)), which C(hostvars) does not hold.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
"""

EXAMPLES = r"""
- name: Compute the run plan once, for every host of the run
  ansible.builtin.set_fact:
    spinnaker_plan: >-
      {{ hostvars | spinnaker.aws.plan(groups, context=query('spinnaker.aws.plan_context') | first,
                                       context_host=inventory_hostname) }}
  run_once: true
"""

RETURN = r"""
_raw:
  description: One dict of the plan's variables defined for the calling task.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

from ansible_collections.spinnaker.aws.plugins.module_utils.plan import plan_variables


class LookupModule(LookupBase):
    """spinnaker.aws.plan_context."""

    def run(self, terms, variables=None, **kwargs):
        variables = variables or {}
        values = {}
        for name in sorted(set(n for group in plan_variables().values() for n in group)):
            if name not in variables:
                continue
            try:
                values[name] = self._templar.template(variables[name])
            except AnsibleError:
                continue  # not renderable for this host: not a value the play gives every host
        return [values]
