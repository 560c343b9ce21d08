#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_policy_statement
version_added: 0.1.0
short_description: Merge actions and resources into Sid-owned statements of an IAM identity policy
description:
  - Adds actions and resources to (or removes them from) the statements of an IAM policy that this task owns,
    each found by its Sid, and keeps every other statement exactly as it was.
  - The policy is a customer managed policy (created when missing) or an inline policy of a role or user.
    M(amazon.aws.iam_managed_policy) and M(amazon.aws.iam_policy) replace whole documents; this module merges,
    so onboarding one more account adds one role ARN to the managing policy and removes nothing.
  - A managed policy is updated by creating a new version and making it the default. IAM keeps at most five
    versions, so when five exist the oldest non-default version is deleted first.
  - Documents are compared in canonical form (order, one-item lists and the other rewrites IAM applies do not
    count), and the policy is written only when it differs. Results over IAM's size quota fail before any write
    (managed policy 6,144 characters; inline policies together, role 10,240 and user 2,048).
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  managed_policy:
    description:
      - Name or ARN of a customer managed policy. With a name, the ARN is built from the caller's account
        (C(sts:GetCallerIdentity)) and O(path).
    type: str
  path:
    description: Path of the managed policy, used to build its ARN and when creating it.
    type: str
    default: /
  description:
    description: Description of the managed policy, used only when creating it.
    type: str
  role_name:
    description: Name of the role whose inline policy O(policy_name) is merged into.
    type: str
  user_name:
    description: Name of the user whose inline policy O(policy_name) is merged into.
    type: str
  policy_name:
    description: Name of the inline policy. Required with O(role_name) or O(user_name).
    type: str
  sid:
    description: Sid of the statement this task owns. Required unless O(statements) is given.
    type: str
  actions:
    description: Actions to add to (or remove from) the owned statement.
    type: list
    elements: str
    default: []
  resources:
    description: Resource ARNs (or C("*")) to add to (or remove from) the owned statement.
    type: list
    elements: str
    default: []
  effect:
    description: Effect of the owned statement.
    type: str
    choices: [Allow, Deny]
    default: Allow
  conditions:
    description: Condition block of the owned statement, in IAM's JSON form. Left as it is when not given.
    type: dict
  statements:
    description:
      - Several owned statements at once, each with its own Sid, merged in one read and one write.
        Mutually exclusive with O(sid), O(actions), O(resources), O(effect) and O(conditions).
    type: list
    elements: dict
    suboptions:
      sid:
        description: Sid of the statement.
        type: str
        required: true
      actions:
        description: Actions of the statement.
        type: list
        elements: str
        default: []
      resources:
        description: Resources of the statement.
        type: list
        elements: str
        default: []
      effect:
        description: Effect of the statement.
        type: str
        choices: [Allow, Deny]
        default: Allow
      conditions:
        description: Condition block of the statement.
        type: dict
      remove_resources:
        description:
          - Resources removed from the statement after the merge (with O(state=present)), in the same write;
            the stale ARNs of offboarded accounts, say. A resource also in O(statements[].resources) stays.
        type: list
        elements: str
        default: []
  state:
    description:
      - V(present) adds the actions and resources, creating the statement (and the managed policy) when missing.
      - V(absent) removes them; with neither given, or when none is left, the statement is removed. An inline
        policy left with no statement is deleted; a managed policy left with no statement is an error (delete it
        with M(amazon.aws.iam_managed_policy)).
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description: With O(state=present), the owned statement's actions and resources become exactly the given ones.
    type: bool
    default: false
  tags:
    description:
      - Tags of the managed policy when this module creates it (or adopts it, see O(adopt)). The ownership tag
        C(managed-by=spinnaker.aws) is always added.
    type: dict
    default: {}
  adopt:
    description:
      - Tag an existing managed policy that lacks the ownership tag as created by the collection, when every
        statement in it has one of the Sids this task owns (a policy made by a release that did not tag).
        Ignored for inline policies.
    type: bool
    default: false
notes:
  - Supports check mode and diff mode. In check mode nothing is written and the result reports what would change.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Allow the managing identity to assume one more account's spinnakerManaged role
  spinnaker.aws.iam_policy_statement:
    managed_policy: SpinnakerManagingAccountPolicy
    sid: SpinnakerAssumeManagedRoles
    actions: [sts:AssumeRole]
    resources:
      - arn:aws:iam::300000000003:role/spinnakerManaged

- name: The whole managing policy in one read and one write
  spinnaker.aws.iam_policy_statement:
    managed_policy: SpinnakerManagingAccountPolicy
    description: Lets Spinnaker assume spinnakerManaged in every managed account
    statements:
      - sid: SpinnakerBaseActions
        actions: [ec2:DescribeAvailabilityZones, ec2:DescribeRegions]
        resources: ["*"]
      - sid: SpinnakerAssumeManagedRoles
        actions: [sts:AssumeRole]
        resources: "{{ managed_role_arns }}"

- name: Scope iam:PassRole in an inline policy
  spinnaker.aws.iam_policy_statement:
    role_name: spinnakerManaged
    policy_name: PassRole-and-Certificates
    sid: PassBaseIAMRole
    actions: [iam:PassRole]
    resources: [arn:aws:iam::200000000002:role/BaseIAMRole]
    exclusive: true

- name: Offboard an account
  spinnaker.aws.iam_policy_statement:
    managed_policy: SpinnakerManagingAccountPolicy
    sid: SpinnakerAssumeManagedRoles
    resources: [arn:aws:iam::300000000003:role/spinnakerManaged]
    state: absent
"""

RETURN = r"""
policy:
  description: The policy document after the change (what would be written, in check mode); null when deleted.
  returned: always
  type: dict
  sample: {"Version": "2012-10-17", "Statement": [{"Sid": "SpinnakerAssumeManagedRoles", "Effect": "Allow",
           "Action": ["sts:AssumeRole"], "Resource": ["arn:aws:iam::200000000002:role/spinnakerManaged"]}]}
policy_arn:
  description: ARN of the managed policy.
  returned: when O(managed_policy) is given
  type: str
  sample: arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy
version_id:
  description: The managed policy's default version after the change.
  returned: when O(managed_policy) is given and the policy exists
  type: str
  sample: v2
adopted:
  description: Whether this run tagged an existing untagged managed policy as the collection's (O(adopt)).
  returned: for a managed policy that exists
  type: bool
  sample: false
deleted_version_id:
  description: The old version deleted to stay within IAM's five versions, if any.
  returned: when a managed policy version was deleted
  type: str
  sample: v1
deleted_version:
  description:
    - The old version deleted to stay within IAM's five versions (the oldest that was not the default), with its
      C(version_id) and C(create_date). A warning names it too.
  returned: when a managed policy version was deleted
  type: dict
  sample: {"version_id": "v1", "create_date": "2026-01-01T00:00:00+00:00"}
added_actions:
  description: Actions added, by Sid.
  returned: always
  type: dict
  sample: {"SpinnakerAssumeManagedRoles": []}
removed_actions:
  description: Actions removed, by Sid.
  returned: always
  type: dict
  sample: {"SpinnakerAssumeManagedRoles": []}
added_resources:
  description: Resources added, by Sid.
  returned: always
  type: dict
  sample: {"SpinnakerAssumeManagedRoles": ["arn:aws:iam::300000000003:role/spinnakerManaged"]}
removed_resources:
  description: Resources removed, by Sid.
  returned: always
  type: dict
  sample: {"SpinnakerAssumeManagedRoles": []}
size:
  description: Size in characters of the resulting policy (for inline policies, of all the entity's inline policies).
  returned: always
  type: int
  sample: 312
size_limit:
  description: The quota the size was checked against.
  returned: always
  type: int
  sample: 6144
diff:
  description: The policy before and after, in diff mode.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The policy before (null when it did not exist).
      type: dict
    after:
      description: The policy after (null when deleted).
      type: dict
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.arn import validate_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import create_managed_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import STATEMENT_OPTIONS
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import merge_all
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import merge_inline_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import statement_specs
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import get_managed_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import get_managed_policy_document
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import is_owned
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ownership_tags
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ConcurrentWriteError
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import guarded_merge
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import put_managed_policy_version
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import version_number
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import tag_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import MANAGED_POLICY_QUOTA
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import PolicyError
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import check_size
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import count_resources


def managed_policy_arn(module, name_or_arn, path):
    """Return the ARN of the managed policy, building it from the caller's account when given a name."""
    if validate_aws_arn(name_or_arn, service="iam"):
        return name_or_arn
    account_id, partition = get_aws_account_info(module)
    return "arn:%s:iam::%s:policy%s%s" % (partition, account_id, path, name_or_arn)


def plan_managed_policy(document, arn, specs, state, exclusive):
    """Merge ``specs`` into the managed policy ``document`` (``merge_all``) and check its size. Returns
    ``((policy, report, size), changed)``; raises ``PolicyError`` when the result has no statement (IAM rejects
    that) or is over the quota."""
    policy, changed, report = merge_all(document, specs, state, exclusive)
    if not policy["Statement"]:
        raise PolicyError(
            "The change would leave the managed policy %s with no statement; delete it with "
            "amazon.aws.iam_managed_policy instead." % arn,
            "state",
        )
    size = check_size(policy, MANAGED_POLICY_QUOTA, "managed policy %s" % arn, count_resources(policy), "resources")
    return (policy, report, size), changed


def run_managed(module, client, specs):
    """Merge ``specs`` into the managed policy of ``managed_policy`` (created when missing). Returns
    ``(output, document before, report)``; raises ``PolicyError`` and ``AnsibleIAMError``."""
    params = module.params
    arn = managed_policy_arn(module, params["managed_policy"], params["path"])
    existing = get_managed_policy(client, arn)
    before = get_managed_policy_document(client, existing) if existing else None
    if existing is None and params["state"] == "absent":
        return dict(changed=False, policy=None, policy_arn=arn, size=0, size_limit=MANAGED_POLICY_QUOTA), before, {}

    def plan(document):
        return plan_managed_policy(document, arn, specs, params["state"], params["exclusive"])

    planned, changed = plan(before)
    changed = changed or existing is None
    output = dict(policy=planned[0], policy_arn=arn, size=planned[2], size_limit=MANAGED_POLICY_QUOTA)
    if existing is not None:
        output["version_id"] = existing["DefaultVersionId"]
    if changed and not module.check_mode and existing is None:
        created = create_managed_policy(client, arn.split("/")[-1], params["path"], params["description"],
                                        json.dumps(planned[0]), tags=ownership_tags(params["tags"]))
        output["version_id"] = created.get("DefaultVersionId", "v1")
    elif changed and not module.check_mode:
        planned, changed = write_managed_policy(module, client, arn, existing, planned, plan, output)
    output["adopted"] = False
    if existing is not None and params["adopt"] and not is_owned(existing.get("Tags", [])):
        output["adopted"] = adopt_managed_policy(module, client, arn, specs, output["policy"])
        changed = changed or output["adopted"]
    output["changed"] = changed
    return output, before, planned[1]


def write_managed_policy(module, client, arn, existing, planned, plan, output):
    """Write ``planned`` (``(policy, report, size)``) as a new default version of the existing policy, so that a
    concurrent writer's version is not lost silently (``guarded_merge``, the default version id as marker).
    Updates ``output`` (policy, size, version_id, and the version IAM's five-version limit made us delete, with a
    warning). Returns ``(planned, wrote)``; raises ``PolicyError`` when the policy keeps changing."""
    deleted = []

    def read():
        latest = get_managed_policy(client, arn)
        return latest["DefaultVersionId"], get_managed_policy_document(client, latest)

    def write(merged):
        versions = put_managed_policy_version(client, arn, json.dumps(merged[0]))
        if versions["deleted_version"]:
            deleted.append(versions["deleted_version"])
        output["version_id"] = versions["version_id"]
        return versions["version_id"]

    def is_later(observed, written, previous):
        return version_number(observed) > version_number(written)

    try:
        planned, wrote = guarded_merge(existing["DefaultVersionId"], planned, True, read, plan, write, is_later)
    except ConcurrentWriteError as e:
        raise PolicyError("%s is being changed by another writer at the same time (%s); re-run when it is done."
                          % (arn, e), "managed_policy")
    output.update(policy=planned[0], size=planned[2])
    if deleted:
        output["deleted_version"] = deleted[-1]
        output["deleted_version_id"] = deleted[-1]["version_id"]
        module.warn("%s had IAM's maximum of five versions: the oldest version that was not the default, %s of %s, "
                    "was deleted to make room." % (arn, deleted[-1]["version_id"], deleted[-1]["create_date"]))
    return planned, wrote


def adopt_managed_policy(module, client, arn, specs, policy):
    """Tag an untagged policy as the collection's when every statement of ``policy`` is one of ``specs``.
    Returns whether it was (or would be) adopted."""
    sids = set(spec["sid"] for spec in specs)
    if not all(statement.get("Sid") in sids for statement in policy["Statement"]):
        return False
    if not module.check_mode:
        tag_policy(client, arn, ownership_tags(module.params["tags"]))
    return True


def run_inline(module, client, specs):
    params = module.params
    entity = "role" if params["role_name"] else "user"
    return merge_inline_policy(client, entity, params["role_name"] or params["user_name"], params["policy_name"], specs,
                               params["state"], params["exclusive"], module.check_mode)


def main():
    argument_spec = dict(
        managed_policy=dict(type="str"),
        path=dict(type="str", default="/"),
        description=dict(type="str"),
        role_name=dict(type="str"),
        user_name=dict(type="str"),
        policy_name=dict(type="str"),
        sid=dict(type="str"),
        actions=dict(type="list", elements="str", default=[]),
        resources=dict(type="list", elements="str", default=[]),
        effect=dict(type="str", choices=["Allow", "Deny"], default="Allow"),
        conditions=dict(type="dict"),
        statements=dict(
            type="list",
            elements="dict",
            options=dict(STATEMENT_OPTIONS, remove_resources=dict(type="list", elements="str", default=[])),
        ),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        exclusive=dict(type="bool", default=False),
        tags=dict(type="dict", default={}),
        adopt=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[("managed_policy", "role_name", "user_name")],
        mutually_exclusive=[
            ("managed_policy", "role_name", "user_name"),
            ("statements", "sid"),
            ("statements", "actions"),
            ("statements", "resources"),
            ("statements", "conditions"),
        ],
        required_by={"role_name": "policy_name", "user_name": "policy_name"},
    )
    try:
        specs = statement_specs(module.params)
    except PolicyError as e:
        module.fail_json(msg=e.message, field=e.field)

    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    try:
        if module.params["managed_policy"]:
            output, before, report = run_managed(module, client, specs)
        else:
            output, before, report = run_inline(module, client, specs)
    except PolicyError as e:
        module.fail_json(msg=e.message, field=e.field)
    except AnsibleIAMError as e:
        module.fail_json_aws_error(e)

    for key in ("added_actions", "removed_actions", "added_resources", "removed_resources"):
        output[key] = report.get(key, {})
    if module._diff:
        output["diff"] = dict(before=before, after=output["policy"])
    module.exit_json(**output)


if __name__ == "__main__":
    main()
