# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The controller side of the run plan: read the run's variables once and hand them to the pure functions of
``module_utils.plan``. Shared by the ``spinnaker.aws.plan`` filter and the ``spinnaker.aws.plan`` and
``spinnaker.aws.run_outcome`` lookups; nothing here decides anything."""

from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import REGISTRATION_GROUPS
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import REGISTRATION_VARIABLES
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import check_inputs
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import plan_variables
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import read_results
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import run_outcome
from ansible_collections.spinnaker.aws.plugins.module_utils.plan import run_plan
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


def read_plan(hostvars, groups, iam=None, context=None, context_host=None):
    """Read the plan's variables from ``hostvars`` (each account host and registration host once), with the play's
    ``context`` above them (``play_overrides``), and compute the run plan (``module_utils.plan.run_plan``).

    ``hostvars``: a mapping of host to its variables; ``groups``: Ansible's ``groups``. ``iam``: ``False`` for a
    playbook that converges no account's IAM (rotation), whatever ``spinnaker_iam_enabled`` says; ``None`` keeps
    the variable's value. Returns the plan (a dict, see ``run_plan``); raises nothing of its own: inventory errors
    are the plan's ``refusals``."""
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


def read_outcome(plan, hostvars, check=False):
    """What the run did so far: each account host's and the registration host's registered results, read from
    ``hostvars`` once (``module_utils.plan.read_results``), given to ``module_utils.plan.run_outcome``.

    With ``check``, the result also holds ``check``: the trust-chain check's inputs (``module_utils.plan.
    check_inputs``), with the managing policy the managing host wrote in this run (its ``managing_account_policy``
    result) to tell accounts the inventory no longer lists."""
    outcome = run_outcome(plan, read_results(plan, hostvars))
    if check:
        managing = plan["managing"]["host"]
        written = hostvars[managing].get("managing_account_policy") if managing and managing in hostvars else None
        policy = written.get("policy") if isinstance(written, dict) else None
        outcome["check"] = check_inputs(plan, outcome, policy)
    return outcome
