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
  - The plays compute it once (the first play of C(spinnaker.aws.site)) and read
    C(spinnaker_plan.accounts[inventory_hostname]); docs/architecture.md shows the shape.
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
  context:
    description:
      - The values of the plan's variables as the calling task sees them (a C(name) to value mapping). Those that differ from
        O(context_host)'s own variables were set by the play (an C(import_playbook)'s C(vars)), which Ansible puts
        above the inventory for every host; C(hostvars) does not hold them, so the plan applies them to every host.
    type: dict
  context_host:
    description: The host the calling task runs for (C(inventory_hostname)).
    type: str
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

from ansible_collections.spinnaker.aws.plugins.module_utils.plan import REGISTRATION_VARIABLES
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import plan_variables
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import run_plan
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import session_errors
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import read_results
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import run_outcome as _run_outcome
from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import REGISTRATION_GROUPS
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import account_hosts


def _read(variables, names):
    """The variables of ``names`` that one host sets (templated by ``hostvars``)."""
    return dict((name, variables.get(name)) for name in names if variables.get(name) is not None)


def play_overrides(hostvars, context, context_host):
    """The plan's variables set above the inventory, for every host: those of ``context`` (the values the task
    sees, ``{name: value}``) that differ from ``context_host``'s own variables in ``hostvars``. They come from the
    play (an ``import_playbook``'s or a wrapper play's ``vars``), which Ansible puts above inventory variables for
    every host of the play; ``hostvars`` does not hold them."""
    if not context:
        return {}
    names = set(n for group in plan_variables().values() for n in group)
    own = hostvars[context_host] if context_host in hostvars else {}
    return dict((n, v) for n, v in context.items() if n in names and v is not None and own.get(n) != v)


def plan(hostvars, groups, iam=None, context=None, context_host=None):
    """Read the plan's variables from ``hostvars`` (each account host and registration host once), with the play's
    ``context`` above them (``play_overrides``), and compute the run plan (module_utils.plan.run_plan). ``iam``:
    ``False`` for a playbook that converges no account's IAM (rotation), whatever ``spinnaker_iam_enabled`` says."""
    names = plan_variables()
    account_names = names["account"] + names["run"]
    managing = list(groups.get("spinnaker_managing", []))
    overrides = play_overrides(hostvars, context, context_host)
    hosts = {}
    for host in account_hosts(groups):
        wanted = account_names + (names["managing"] if host in managing else [])
        hosts[host] = dict(_read(hostvars[host], wanted), **dict((n, v) for n, v in overrides.items() if n in wanted))
    registration_vars = {}
    for group in REGISTRATION_GROUPS.values():
        for host in groups.get(group, []):
            wanted = list(REGISTRATION_VARIABLES) + names["run"]
            registration_vars[host] = dict(_read(hostvars[host], wanted),
                                           **dict((n, v) for n, v in overrides.items() if n in wanted))
    result = run_plan(hosts, groups, registration_vars)
    if iam is not None:
        result["switches"]["iam"] = bool(iam)
    return result


def run_outcome(plan_, hostvars):
    """What the run did so far (module_utils.plan.read_results and run_outcome)."""
    return _run_outcome(plan_, read_results(plan_, hostvars))


class FilterModule:
    """spinnaker.aws filters."""

    def filters(self):
        return {"plan": plan, "run_outcome": run_outcome, "session_errors": session_errors}
