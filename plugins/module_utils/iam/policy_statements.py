# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Owned statements of an IAM policy: their validation and merge (pure), and the merge into an inline policy.

Shared by ``iam_policy_statement`` and by ``iam_roles``' ``inline_policies`` (an inline policy merged in
the same module run as the role it belongs to).
"""

import json

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ConcurrentWriteError
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import delete_inline_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import get_inline_policy_document
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import guarded_document_merge
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import other_inline_policies_size
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import put_inline_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import INLINE_POLICY_QUOTAS
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import PolicyError
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import count_resources
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import merge_policy_statement
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import policy_size
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import validate_resource

# The argument spec of one owned statement (suboptions of ``statements``), shared by the modules that take them.
STATEMENT_OPTIONS = dict(
    sid=dict(type="str", required=True),
    actions=dict(type="list", elements="str", default=[]),
    resources=dict(type="list", elements="str", default=[]),
    effect=dict(type="str", choices=["Allow", "Deny"], default="Allow"),
    conditions=dict(type="dict"),
)

STATEMENT_KEYS = ("sid", "actions", "resources", "effect", "conditions", "remove_resources")


def statement_specs(params):
    """Return the owned statements of ``params`` (a module's options: ``statements``, a list of dicts, or one
    ``sid`` with ``actions``/``resources``/``effect``/``conditions``) as a list of dicts with ``STATEMENT_KEYS``.
    Raises ``PolicyError`` for a missing or repeated Sid, a malformed resource ARN or an action without a service."""
    if params["statements"]:
        specs = params["statements"]
        field = "statements"
    elif params["sid"]:
        specs = [dict((k, params.get(k, [])) for k in STATEMENT_KEYS)]  # remove_resources: statements only
        field = ""
    else:
        raise PolicyError("Give sid (with actions and resources) or statements.", "sid")
    seen = set()
    for spec in specs:
        if spec["sid"] in seen:
            raise PolicyError("statements: the Sid %r appears twice." % spec["sid"], "statements")
        seen.add(spec["sid"])
        for resource in spec["resources"]:
            validate_resource(resource, "%sresources" % (field + "." if field else ""))
        for action in spec["actions"]:
            if ":" not in action and action != "*":
                raise PolicyError(
                    "%sactions: %r is not an action; write SERVICE:Action, e.g. sts:AssumeRole." % (field + "." if field else "", action),
                    "actions",
                )
    return specs


def merge_all(document, specs, state, exclusive):
    """Merge every owned statement of ``specs`` into ``document`` (a policy dict, or ``None`` for none yet) with
    ``merge_policy_statement``; returns ``(policy, changed, report)``, ``report`` holding
    ``added_actions``/``removed_actions``/``added_resources``/``removed_resources`` by Sid. Pure."""
    changed = False
    report = dict(added_actions={}, removed_actions={}, added_resources={}, removed_resources={})
    policy = document
    for spec in specs:
        result = merge_policy_statement(
            policy,
            spec["sid"],
            actions=spec["actions"],
            resources=spec["resources"],
            effect=spec["effect"],
            condition=spec["conditions"],
            state=state,
            exclusive=exclusive,
            remove_resources=spec.get("remove_resources"),
        )
        policy = result["policy"]
        changed = changed or result["changed"]
        for key in report:
            report[key][spec["sid"]] = result[key]
    return policy, changed, report


def merge_inline_policy(client, entity, entity_name, policy_name, specs, state="present", exclusive=False, check_mode=False):
    """Merge the owned statements ``specs`` (see ``statement_specs``) into the inline policy ``policy_name`` of the
    IAM ``entity`` (``"role"`` or ``"user"``) ``entity_name``; every other statement is kept. Reads the policy once,
    writes only when the canonical documents differ, re-reads around a write to an existing policy
    (``guarded_document_merge``: IAM has no compare-and-swap), and refuses a result over IAM's inline quota for the
    entity (2,048 characters for a user, 10,240 for a role, all inline policies together; IAM User Guide, "IAM and
    STS quotas"). Returns ``(result, before, report)``: ``result`` has ``changed``, ``policy``, ``size`` and
    ``size_limit``; ``before`` is the stored document or ``None``. Raises ``PolicyError`` and ``AnsibleIAMError``."""
    before = get_inline_policy_document(client, entity, entity_name, policy_name)
    if before is None and state == "absent":
        return dict(changed=False, policy=None, size=0, size_limit=INLINE_POLICY_QUOTAS[entity]), before, {}
    policy, changed, report = merge_all(before, specs, state, exclusive)
    changed = changed or before is None
    limit = INLINE_POLICY_QUOTAS[entity]
    size = policy_size(policy)
    if not policy["Statement"]:
        policy, size = None, 0
    elif changed:
        others = other_inline_policies_size(client, entity, entity_name, policy_name)
        if others + size > limit:
            message = "The inline policies of %s %s would total %d characters (%s: %d), over IAM's limit of %d" % (
                entity, entity_name, others + size, policy_name, size, limit)
            raise PolicyError(
                "%s (%d resources in %s). Move statements to a managed policy." % (message, count_resources(policy), policy_name),
                "size",
            )
        size = others + size
    if changed and not check_mode:
        if policy is None:
            delete_inline_policy(client, entity, entity_name, policy_name)
        elif before is None:
            put_inline_policy(client, entity, entity_name, policy_name, json.dumps(policy))
        else:
            # An existing inline policy may have other writers: re-read before and after (module_utils.iam.api).
            def plan(document):
                merged, again, _report = merge_all(document, specs, state, exclusive)
                if again and others + policy_size(merged) > limit:  # another writer's statements count too
                    raise PolicyError("The inline policies of %s %s would total %d characters, over IAM's limit of %d, once "
                                      "merged with another writer's change. Move statements to a managed policy."
                                      % (entity, entity_name, others + policy_size(merged), limit), "size")
                return merged, again

            try:
                policy, _wrote = guarded_document_merge(
                    before, policy,
                    lambda: get_inline_policy_document(client, entity, entity_name, policy_name), plan,
                    lambda document: put_inline_policy(client, entity, entity_name, policy_name, json.dumps(document)))
            except ConcurrentWriteError as e:
                raise PolicyError("The inline policy %s of %s %s is being changed by another writer at the same time (%s); "
                                  "re-run when it is done." % (policy_name, entity, entity_name, e), "policy_name")
    return dict(changed=changed, policy=policy, size=size, size_limit=limit), before, report
