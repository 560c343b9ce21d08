# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: run_outcome
version_added: 0.1.0
short_description: What a spinnaker.aws run did so far, read once from every host's results
description:
  - Reads the run plan (C(spinnaker_plan), P(spinnaker.aws.plan#lookup)) and each account host's and the registration
    host's registered results once (C(hostvars) of the calling task), and returns what the run did so far (the pure
    function C(run_outcome) of C(plugins/module_utils/plan.py)).
  - The accounts, each the plan's entry with C(iam_ok) (false when the host is in the run, the run converges IAM,
    the account is present and its IAM task did not succeed), C(chain_ok) (false when the trust-chain check, which
    runs before registration, failed for its account) and C(ready) (both; only a ready account is added to or
    changed in Spinnaker). C(iam_failed), the names of the accounts whose IAM failed; C(chain_failed), the accounts
    whose chain failed, with the reason; C(prune_unlisted), whether the writers prune unlisted accounts.
    C(access_key), the managing user's key (a secret, so keep the result in a C(no_log) task). C(registration),
    the writer's report (C(done), C(error), C(unlisted), C(refused), C(access_key_ids)). C(trust_policies), by
    host, the trust policy this run wrote or read.
  - Computed once per play that needs it (C(run_once) or a task of one host), not per host.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  check:
    description:
      - Also return C(check), the trust-chain check's inputs (C(roles) of M(spinnaker.aws.sts_trust_check), C(trusts) to
        lint, the owned C(sid) and the C(drift) report of accounts the managing policy or Spinnaker know but the
        inventory does not list).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Read what this run did so far
  ansible.builtin.set_fact:
    spinnaker_run: "{{ lookup('spinnaker.aws.run_outcome') }}"
  run_once: true
  no_log: true  # it holds the managing user's access key
"""

RETURN = r"""
_raw:
  description: What the run did so far, one dict.
  type: list
  elements: dict
  contains:
    accounts:
      description: The plan's accounts in inventory order, each with C(iam_ok), C(chain_ok) and C(ready).
      type: list
      elements: dict
    iam_failed:
      description: The Spinnaker names of the accounts whose IAM failed in this run.
      type: list
      elements: str
    chain_failed:
      description: The accounts whose trust chain failed the check, each C(name), C(account_id) and C(reason).
      type: list
      elements: dict
    prune_unlisted:
      description:
        - Whether the writers delete the Spinnaker accounts the inventory does not list in this run
          (C(spinnaker_prune_unlisted_accounts)). False when an account's IAM or chain failed, since the writers
          leave such an account out of their entries and would otherwise delete it.
      type: bool
    access_key:
      description: The managing user's access key, C(access_key_id) and C(secret_access_key), or empty.
      type: dict
    registration:
      description: C(done), C(error), C(unlisted), C(refused) and C(access_key_ids).
      type: dict
    trust_policies:
      description: The trust policy of spinnakerManaged this run wrote or read, by host.
      type: dict
    check:
      description: With O(check), C(roles), C(trusts), C(sid) and C(drift).
      type: dict
"""

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

from ansible_collections.spinnaker.aws.plugins.plugin_utils.run_state import read_outcome


class LookupModule(LookupBase):
    """spinnaker.aws.run_outcome."""

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        variables = variables or {}
        if variables.get("spinnaker_plan") is None or "hostvars" not in variables:
            raise AnsibleError("spinnaker.aws.run_outcome needs spinnaker_plan (the first play's "
                               "lookup('spinnaker.aws.plan')) and the task's hostvars.")
        plan = self._templar.template(variables["spinnaker_plan"])
        return [read_outcome(plan, variables["hostvars"], check=self.get_option("check"))]
