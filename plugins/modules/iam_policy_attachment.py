#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_policy_attachment
version_added: 0.1.0
short_description: Keep a managed policy the collection owns attached to the current principals only
description:
  - Lists the users, roles and groups a customer managed policy is attached to (C(iam:ListEntitiesForPolicy)) and
    detaches it from every one that is not in O(principal_arns). Attaching is left to the tasks that create the
    principals; this module only removes what is stale, so it runs last, once Spinnaker uses the new principal.
  - Meant for the managing policy after the managing identity changed (user to role, another role name, another
    C(existing) ARN). The previous identity itself is never deleted.
  - With O(deactivate_access_keys), the active access keys of a detached user that carries the ownership tag
    C(managed-by=spinnaker.aws) are made inactive (not deleted; re-activate one to roll back). Keys of users the
    collection did not create are never touched.
  - A policy that does not exist is not an error (nothing is attached to it).
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  policy_arn:
    description: ARN of the customer managed policy.
    type: str
    required: true
  principal_arns:
    description:
      - ARNs of the users and roles that keep the policy. Paths in the ARN are ignored (entities are compared by
        type and name, as C(ListEntitiesForPolicy) names them). Groups are always detached.
    type: list
    elements: str
    required: true
  deactivate_access_keys:
    description: Make the active access keys of a detached user created by the collection inactive.
    type: bool
    default: true
  previous_user_names:
    description:
      - Users that were the managing identity before (the C(user) mode's user after a switch to a role), whose
        keys are deactivated like those of a user detached by this run, even when the policy was detached by an
        earlier run. A user that does not exist is skipped.
    type: list
    elements: str
    default: []
  keep_access_key_ids:
    description:
      - Access keys never made inactive, because Spinnaker's config still names them (Halyard cannot remove a
        provider's access key, so after a switch away from C(user) the old key stays in the halconfig until it is
        removed by hand). They are reported in RV(kept_access_keys).
    type: list
    elements: str
    default: []
notes:
  - Supports check mode and diff mode. In check mode nothing is written and the result reports what would change.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The managing policy stays on the managing role only; the old managing user loses it and its keys
  spinnaker.aws.iam_policy_attachment:
    policy_arn: arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy
    principal_arns: [arn:aws:iam::100000000001:role/spinnakerManaging]
"""

RETURN = r"""
detached:
  description: The entities the policy was (or would be) detached from, as C(user/NAME), C(role/NAME), C(group/NAME).
  returned: always
  type: list
  elements: str
  sample: ["user/spinnakerManaging"]
kept_access_keys:
  description: Active keys of detached users left active because they are in O(keep_access_key_ids).
  returned: always
  type: list
  elements: dict
  sample: []
deactivated_access_keys:
  description: The access keys made inactive, each with its user.
  returned: always
  type: list
  elements: dict
  sample: [{"user_name": "spinnakerManaging", "access_key_id": "AKIAEXAMPLE123456789"}]
diff:
  description: The entities the policy is attached to, before and after, in diff mode.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import is_owned

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore


def entity_name(arn):
    """``arn:aws:iam::1:role/path/name`` -> ``role/name``; anything else -> ``None``."""
    parts = (arn or "").split(":", 5)
    if len(parts) != 6 or "/" not in parts[5]:
        return None
    kind, rest = parts[5].split("/", 1)
    return "%s/%s" % (kind, rest.rsplit("/", 1)[-1])


def attached_entities(client, arn):
    """The entities ``arn`` is attached to, as ``kind/name`` strings; ``None`` when the policy does not exist."""
    try:
        pages = client.get_paginator("list_entities_for_policy").paginate(PolicyArn=arn).build_full_result()
    except is_boto3_error_code("NoSuchEntity"):
        return None
    return (["user/%s" % e["UserName"] for e in pages.get("PolicyUsers", [])]
            + ["role/%s" % e["RoleName"] for e in pages.get("PolicyRoles", [])]
            + ["group/%s" % e["GroupName"] for e in pages.get("PolicyGroups", [])])


def detach(client, arn, entity):
    kind, name = entity.split("/", 1)
    call = {"user": client.detach_user_policy, "role": client.detach_role_policy, "group": client.detach_group_policy}[kind]
    call(aws_retry=True, PolicyArn=arn, **{"%sName" % kind.capitalize(): name})


def deactivate_keys(client, user_name, keep, check_mode):
    """Make the active keys of ``user_name`` not in ``keep`` inactive when the user carries the ownership tag;
    returns ``(deactivated, kept)``, each a list of ``{"user_name", "access_key_id"}``."""
    tags = client.list_user_tags(aws_retry=True, UserName=user_name).get("Tags", [])
    if not is_owned(tags):
        return [], []
    keys = client.list_access_keys(aws_retry=True, UserName=user_name)["AccessKeyMetadata"]
    done, kept = [], []
    for key in keys:
        if key["Status"] != "Active":
            continue
        entry = dict(user_name=user_name, access_key_id=key["AccessKeyId"])
        if key["AccessKeyId"] in keep:
            kept.append(entry)
            continue
        if not check_mode:
            client.update_access_key(aws_retry=True, UserName=user_name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
        done.append(entry)
    return done, kept


def main():
    argument_spec = dict(
        policy_arn=dict(type="str", required=True),
        principal_arns=dict(type="list", elements="str", required=True),
        deactivate_access_keys=dict(type="bool", default=True),
        previous_user_names=dict(type="list", elements="str", default=[]),
        keep_access_key_ids=dict(type="list", elements="str", default=[], no_log=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    keep = set(entity_name(a) for a in params["principal_arns"])
    if None in keep:
        module.fail_json(msg="principal_arns must be IAM user or role ARNs, got %s." % params["principal_arns"], field="principal_arns")
    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    result = dict(changed=False, detached=[], deactivated_access_keys=[], kept_access_keys=[])
    try:
        before = attached_entities(client, params["policy_arn"]) or []
        previous_users = []
        for entity in before:
            if entity in keep:
                continue
            if not module.check_mode:
                detach(client, params["policy_arn"], entity)
            result["detached"].append(entity)
            if entity.startswith("user/"):
                previous_users.append(entity.split("/", 1)[1])
        # A previous user's keys are looked at on every run, not only when the policy is detached: a key kept
        # because Spinnaker's config still named it is deactivated by the run after that config drops it.
        previous_users += [u for u in params["previous_user_names"] if u not in previous_users and "user/" + u not in keep]
        if params["deactivate_access_keys"]:
            for user_name in previous_users:
                try:
                    done, kept = deactivate_keys(client, user_name, set(params["keep_access_key_ids"]), module.check_mode)
                except is_boto3_error_code("NoSuchEntity"):
                    continue
                result["deactivated_access_keys"] += done
                result["kept_access_keys"] += kept
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to converge the attachments of %s" % params["policy_arn"])
    result["changed"] = bool(result["detached"] or result["deactivated_access_keys"])
    if module._diff:
        result["diff"] = dict(before=sorted(before), after=sorted(e for e in before if e not in result["detached"]))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
