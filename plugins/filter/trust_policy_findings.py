# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: trust_policy_findings
version_added: 0.1.0
short_description: Lint the trust policies of managed roles
description:
  - Static findings on each managed role's trust policy, with the canonical policy model of M(spinnaker.aws.iam_roles).
  - "Codes: C(wildcard-principal), C(orphaned-principal) (AIDA/AROA ids of deleted principals), C(principal-missing)
    (the managing principal is not trusted), C(external-id-missing) (trusted without the configured external id),
    C(unexpected-principal) (the owned statement trusts others too)."
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  _input:
    description: One item per account, with C(account_id), C(policy) (the trust policy) and C(external_id) (or empty).
    type: list
    elements: dict
    required: true
  expected_principal:
    description: The managing principal ARN every managed role should trust.
    type: str
    required: true
  sid:
    description: Sid of the statement the collection owns.
    type: str
    default: SpinnakerManaging
"""

EXAMPLES = r"""
- name: Lint
  ansible.builtin.debug:
    msg: "{{ trusts | spinnaker.aws.trust_policy_findings('arn:aws:iam::100000000001:user/spinnakerManaging') }}"
"""

RETURN = r"""
_value:
  description: The findings, each with C(account_id), C(code) and C(message).
  type: list
  elements: dict
"""

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_check import lint_trust_policy


def trust_policy_findings(items, expected_principal, sid="SpinnakerManaging"):
    """Lint every item's trust policy; returns the findings with the item's account id."""
    findings = []
    for item in items:
        for finding in lint_trust_policy(item["policy"], expected_principal, item.get("external_id") or None, sid):
            findings.append(dict(finding, account_id=item["account_id"]))
    return findings


class FilterModule:
    """spinnaker.aws trust policy lint."""

    def filters(self):
        return {"trust_policy_findings": trust_policy_findings}
