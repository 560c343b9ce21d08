#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_roles
version_added: 0.1.0
short_description: Merge principals into an IAM role's trust policy
description:
  - Adds principals to (or removes them from) one statement of an IAM role's trust policy, the statement this
    task owns, and keeps every other statement and principal exactly as it was.
  - M(amazon.aws.iam_role) replaces the whole trust policy on every run; this module merges, so a role trusted by
    several teams or tools can be managed by each of them without one erasing the others.
  - Documents are compared in canonical form (a one-item list equals a string, an account id equals its root ARN
    in every partition, C("*") equals C({"AWS":"*"}), order does not matter), so the rewrites IAM applies to
    what it stores never cause a write. The role is written only when the canonical forms differ.
  - Trust policies are size-limited (2,048 characters by default, adjustable per account). When the result is
    larger than 2,048 characters the account's quota is read from C(iam:GetAccountSummary); a result over the
    quota fails before anything is written.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  role_name:
    description:
      - Name of the IAM role whose trust policy is merged into. The role must exist.
      - Service-linked roles (path C(/aws-service-role/)) are refused, since IAM does not let their trust change.
    type: str
    required: true
    aliases: [name]
  principals:
    description:
      - The principals to add (O(state=present)) or remove (O(state=absent)).
      - A bare 12-digit account id is written as C(arn:<partition>:iam::<id>:root), the form IAM stores.
    type: dict
    default: {}
    suboptions:
      aws:
        description:
          - AWS principals, IAM user or role ARNs or 12-digit account ids. Partial wildcards are refused;
            C("*") only with O(allow_wildcard_principal) and a restricting condition.
        type: list
        elements: str
        default: []
      service:
        description: Service principals, for example C(ec2.amazonaws.com).
        type: list
        elements: str
        default: []
      federated:
        description: Federated principals, an OIDC or SAML provider ARN (for example an EKS cluster's OIDC provider).
        type: list
        elements: str
        default: []
  actions:
    description: The actions of the owned statement.
    type: list
    elements: str
    default: ["sts:AssumeRole"]
  external_id:
    description:
      - Adds C(StringEquals sts:ExternalId) with this value to the owned statement's condition, so that the
        principal must pass it when assuming the role (the confused-deputy protection).
      - 2 to 1,224 characters of letters, digits and C(+=,.@:/-). An external id is not a secret.
    type: str
  conditions:
    description:
      - A Condition block for the owned statement, in IAM's JSON form, for example
        C({"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}). Merged with O(external_id).
    type: dict
  sid:
    description:
      - The Sid of the statement this task owns. It is found by Sid and created when missing, and its Effect,
        Action and Condition are set to O(actions), O(external_id) and O(conditions).
      - Without it, principals go into the first Allow statement with the same actions and condition, or a new
        statement without Sid when there is none.
    type: str
  state:
    description:
      - V(present) adds the principals. V(absent) removes them; with O(sid) and no principals, it removes the
        whole owned statement. A statement left without principals is removed.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), the owned statement's principals become exactly O(principals); the others are
        removed from that statement (other statements are never touched).
    type: bool
    default: false
  prune_orphaned_principals:
    description:
      - Remove principals that IAM replaced with a unique id (C(AIDA...) for users, C(AROA...) for roles) because
        the user or role was deleted, from every statement. They are always reported in RV(orphaned_principals).
    type: bool
    default: false
  allow_wildcard_principal:
    description:
      - Allow C({"AWS":"*"}) among O(principals). Even then the owned statement must have a restricting condition
        on C(aws:PrincipalOrgID), C(aws:PrincipalArn), C(sts:ExternalId) or C(aws:SourceAccount).
    type: bool
    default: false
  create_role:
    description:
      - Create the role when it does not exist, with a trust policy holding just the owned statement. The trust
        of an existing role is only ever merged into, so this module stays its one owner (unlike
        M(amazon.aws.iam_role), which rewrites the trust on every run).
    type: bool
    default: false
  path:
    description: Path of the role, used only when creating it.
    type: str
    default: /
  description:
    description: Description of the role, used only when creating it.
    type: str
  permissions_boundary:
    description:
      - ARN of a managed policy to set as the role's permissions boundary (enterprise organizations often require
        one on every role). Set when the role is created, and on an existing role the collection owns (tagged
        C(managed-by=spinnaker.aws)) whose boundary differs. A role the collection does not own keeps its own.
      - Unset, the boundary is not managed.
    type: str
  managed_policies:
    description:
      - Managed policies to attach to the role, as ARNs or names (a name is looked up as an AWS managed policy,
        then as a customer managed policy in the role's account). Policies already attached are left alone and
        none is ever detached.
      - With no O(principals) the trust policy is left as it is, so this also attaches policies to a role whose
        trust another tool owns.
    type: list
    elements: str
    default: []
  instance_profile:
    description:
      - Make sure an instance profile with the role's name exists and holds the role (EC2 instances use roles
        only through instance profiles; Spinnaker's C(BaseIAMRole) default is an instance profile name).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to keep retrying when IAM answers C(MalformedPolicyDocument) "Invalid principal", which it does
        for a principal created moments ago (IAM is eventually consistent). Retries use jittered backoff.
    type: int
    default: 120
  tags:
    description:
      - Tags for the role and the instance profile when this module creates them (and when it adopts a role, see
        O(adopt)). The ownership tag C(managed-by=spinnaker.aws) is always added; a role without it is never
        deleted.
    type: dict
    default: {}
  adopt:
    description:
      - Tag an existing role that lacks the ownership tag as created by the collection, when nothing on it is
        foreign (every trust statement is the one of O(sid), every attached policy is in O(managed_policies),
        every inline policy is in O(owned_inline_policies)). For roles created by a release that did not tag.
        A role with anything foreign is left untagged and reported in RV(foreign).
    type: bool
    default: false
  adopt_statement:
    description:
      - Take over the statement of O(sid) although the collection did not write it.
      - The module records the Sids of the statements it writes in the role's tag C(spinnaker.aws:owned-statements).
        A statement of O(sid) that is not recorded there is foreign (another team's or another Spinnaker's that
        uses the same Sid) and is never merged into, rewritten or removed; with O(state=present) the task fails
        naming it, with O(state=absent) it is left and reported in RV(foreign).
      - A role without the tag at all predates the record; its statement of O(sid) is taken as the collection's
        when each of its AWS principals is in the account of a principal of O(principals) and each other
        principal is one of O(principals) (what an earlier release wrote), and recorded from then on.
    type: bool
    default: false
  owned_inline_policies:
    description: Names of the role's inline policies the collection writes (for O(adopt) and O(delete_role)).
    type: list
    elements: str
    default: []
  inline_policies:
    description:
      - Inline policies of the role to merge owned statements into, in the same module run (once the role exists);
        each statement is written under its Sid and every other statement of the policy is kept, as
        M(spinnaker.aws.iam_policy_statement) does with its O(spinnaker.aws.iam_policy_statement#module:statements).
      - One module run for the role and its inline policy instead of two. Ignored with O(state=absent).
    type: list
    elements: dict
    default: []
    suboptions:
      policy_name:
        description: The inline policy's name (list it in O(owned_inline_policies) too, for O(adopt)).
        type: str
        required: true
      statements:
        description: The statements this task owns in the policy, each identified by its Sid.
        type: list
        elements: dict
        required: true
        suboptions:
          sid:
            description: The statement's Sid.
            type: str
            required: true
          actions:
            description: The statement's actions, C(SERVICE:Action).
            type: list
            elements: str
            default: []
          resources:
            description: The statement's resources (ARNs or C(*)).
            type: list
            elements: str
            default: []
          effect:
            description: The statement's effect.
            type: str
            choices: [Allow, Deny]
            default: Allow
          conditions:
            description: The statement's C(Condition) block, as IAM writes it.
            type: dict
  delete_role:
    description:
      - With O(state=absent), once the owned statement is removed, delete the role when it carries the ownership
        tag and nothing foreign remains on it (see O(adopt)); its inline policies, attachments and its instance
        profile (when tagged as ours) go with it. Otherwise only the statement is removed and RV(foreign) says
        what kept the role.
    type: bool
    default: false
  additional_roles:
    description:
      - More roles of the same account to converge in this module run, after the role of O(role_name), each with
        the options of that role (same names, same defaults, same meaning) and with O(state=present).
      - One session, one proof of the account and one module run for several roles (spinnakerManaged and
        BaseIAMRole, say) instead of one each. Every entry is checked before the first call; a role that fails
        fails the task and the roles after it are not touched.
      - Refused with O(state=absent).
    type: list
    elements: dict
    default: []
    suboptions:
      role_name:
        description: As O(role_name).
        type: str
        required: true
        aliases: [name]
      principals:
        description: As O(principals).
        type: dict
        default: {}
        suboptions:
          aws:
            description: As O(principals.aws).
            type: list
            elements: str
            default: []
          service:
            description: As O(principals.service).
            type: list
            elements: str
            default: []
          federated:
            description: As O(principals.federated).
            type: list
            elements: str
            default: []
      actions:
        description: As O(actions).
        type: list
        elements: str
        default: ["sts:AssumeRole"]
      external_id:
        description: As O(external_id).
        type: str
      conditions:
        description: As O(conditions).
        type: dict
      sid:
        description: As O(sid).
        type: str
      exclusive:
        description: As O(exclusive).
        type: bool
        default: false
      prune_orphaned_principals:
        description: As O(prune_orphaned_principals).
        type: bool
        default: false
      allow_wildcard_principal:
        description: As O(allow_wildcard_principal).
        type: bool
        default: false
      create_role:
        description: As O(create_role).
        type: bool
        default: false
      path:
        description: As O(path).
        type: str
        default: /
      description:
        description: As O(description).
        type: str
      permissions_boundary:
        description: As O(permissions_boundary).
        type: str
      managed_policies:
        description: As O(managed_policies).
        type: list
        elements: str
        default: []
      instance_profile:
        description: As O(instance_profile).
        type: bool
        default: false
      tags:
        description: As O(tags).
        type: dict
        default: {}
      adopt:
        description: As O(adopt).
        type: bool
        default: false
      adopt_statement:
        description: As O(adopt_statement).
        type: bool
        default: false
      owned_inline_policies:
        description: As O(owned_inline_policies).
        type: list
        elements: str
        default: []
      inline_policies:
        description: As O(inline_policies).
        type: list
        elements: dict
        default: []
        suboptions:
          policy_name:
            description: As O(inline_policies[].policy_name).
            type: str
            required: true
          statements:
            description: As O(inline_policies[].statements).
            type: list
            elements: dict
            required: true
            suboptions:
              sid:
                description: As O(inline_policies[].statements[].sid).
                type: str
                required: true
              actions:
                description: As O(inline_policies[].statements[].actions).
                type: list
                elements: str
                default: []
              resources:
                description: As O(inline_policies[].statements[].resources).
                type: list
                elements: str
                default: []
              effect:
                description: As O(inline_policies[].statements[].effect).
                type: str
                choices: [Allow, Deny]
                default: Allow
              conditions:
                description: As O(inline_policies[].statements[].conditions).
                type: dict
notes:
  - Supports check mode and diff mode. In check mode nothing is written and the result reports what would change.
  - Throttling is retried by the AWS client; "Invalid principal" for up to O(wait_timeout); every other error is final.
extends_documentation_fragment:
  - spinnaker.aws.session
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: In one run, assume the bootstrap role, prove the account, merge the trust and an inline policy
  spinnaker.aws.iam_trust_policy:
    assume_role_arn: arn:aws:iam::200000000002:role/OrganizationAccountAccessRole
    aws_account_id: "200000000002"
    role_name: spinnakerManaged
    create_role: true
    sid: SpinnakerManaging
    principals:
      aws: [arn:aws:iam::100000000001:user/spinnakerManaging]
    inline_policies:
      - policy_name: PassRole-and-Certificates
        statements:
          - sid: SpinnakerPassRole
            actions: [iam:PassRole]
            resources: [arn:aws:iam::200000000002:role/BaseIAMRole]
    owned_inline_policies: [PassRole-and-Certificates]

- name: spinnakerManaged and BaseIAMRole with its instance profile, in one module run (one session for both)
  spinnaker.aws.iam_trust_policy:
    assume_role_arn: arn:aws:iam::200000000002:role/OrganizationAccountAccessRole
    aws_account_id: "200000000002"
    role_name: spinnakerManaged
    create_role: true
    sid: SpinnakerManaging
    principals:
      aws: [arn:aws:iam::100000000001:user/spinnakerManaging]
    managed_policies: [PowerUserAccess]
    additional_roles:
      - role_name: BaseIAMRole
        create_role: true
        sid: SpinnakerEC2
        principals:
          service: [ec2.amazonaws.com]
        instance_profile: true

- name: Merge the managing user into spinnakerManaged's trust policy, with an external id
  spinnaker.aws.iam_trust_policy:
    role_name: spinnakerManaged
    sid: SpinnakerManaging
    principals:
      aws:
        - arn:aws:iam::100000000001:user/spinnakerManaging
    external_id: "{{ spinnaker_external_id }}"

- name: BaseIAMRole, created when missing, trusting EC2, with its instance profile
  spinnaker.aws.iam_trust_policy:
    role_name: BaseIAMRole
    create_role: true
    sid: SpinnakerEC2
    principals:
      service: [ec2.amazonaws.com]
    instance_profile: true

- name: Trust a whole account (written as its root ARN)
  spinnaker.aws.iam_trust_policy:
    role_name: spinnakerManaged
    principals:
      aws: ["100000000001"]

- name: Make the owned statement trust exactly one role, and drop principals of deleted users or roles
  spinnaker.aws.iam_trust_policy:
    role_name: spinnakerManaged
    sid: SpinnakerManaging
    principals:
      aws: [arn:aws:iam::100000000001:role/spinnaker-clouddriver]
    exclusive: true
    prune_orphaned_principals: true

- name: Offboard an account, deleting spinnakerManaged when the collection created it and nothing else uses it
  spinnaker.aws.iam_trust_policy:
    role_name: spinnakerManaged
    sid: SpinnakerManaging
    state: absent
    delete_role: true
    managed_policies: [PowerUserAccess]
    owned_inline_policies: [PassRole-and-Certificates]

- name: Stop trusting the old managing user
  spinnaker.aws.iam_trust_policy:
    role_name: spinnakerManaged
    principals:
      aws: [arn:aws:iam::100000000001:user/spinnakerManaging]
    state: absent
"""

RETURN = r"""
permissions_boundary:
  description: The role's permissions boundary ARN after the run, or null.
  returned: when the role exists (or would be created)
  type: str
  sample: arn:aws:iam::200000000002:policy/PlatformBoundary
created:
  description: Whether the role was (or, in check mode, would be) created.
  returned: always
  type: bool
  sample: false
attached_policies:
  description: ARNs of the managed policies attached by this run.
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:iam::aws:policy/PowerUserAccess"]
inline_policies:
  description: Per inline policy of O(inline_policies), what the merge did.
  returned: when O(inline_policies) is given and the role exists (or would be created)
  type: dict
  sample: {"PassRole-and-Certificates": {"changed": false, "size": 251, "size_limit": 10240, "policy": {"Version": "2012-10-17"}}}
  contains:
    changed:
      description: Whether the policy was (or would be) written.
      type: bool
      returned: always
    policy:
      description: The policy after the merge.
      type: dict
      returned: always
    size:
      description: Characters of all the role's inline policies together after the merge (IAM's quota counts them so).
      type: int
      returned: always
    size_limit:
      description: IAM's quota for them.
      type: int
      returned: always
instance_profile_arn:
  description: ARN of the role's instance profile.
  returned: when O(instance_profile=true) and the profile exists
  type: str
  sample: arn:aws:iam::200000000002:instance-profile/BaseIAMRole
policy:
  description: The trust policy after the change (what would be written, in check mode).
  returned: always
  type: dict
  sample: {"Version": "2012-10-17", "Statement": [{"Sid": "SpinnakerManaging", "Effect": "Allow",
           "Principal": {"AWS": ["arn:aws:iam::100000000001:user/spinnakerManaging"]}, "Action": ["sts:AssumeRole"]}]}
added_principals:
  description: The principals added, each with its kind (C(AWS), C(Service), C(Federated)).
  returned: always
  type: list
  elements: dict
  sample: [{"kind": "AWS", "principal": "arn:aws:iam::100000000001:user/spinnakerManaging"}]
removed_principals:
  description: The principals removed (by O(state=absent), O(exclusive) or O(prune_orphaned_principals)).
  returned: always
  type: list
  elements: dict
  sample: []
other_principals:
  description:
    - The principals of the owned statement (O(sid)) after the change that are not in O(principals), each with
      its kind; what O(exclusive=true) would remove. Empty without O(sid).
  returned: always
  type: list
  elements: dict
  sample: [{"kind": "AWS", "principal": "arn:aws:iam::100000000001:user/spinnakerManaging"}]
orphaned_principals:
  description: Unique ids (C(AIDA...), C(AROA...)) found in the trust policy before the change, left by deleted users or roles.
  returned: always
  type: list
  elements: str
  sample: ["AROAEXAMPLEID1234567"]
size:
  description: Size of the resulting policy in characters, as IAM counts them (an upper bound).
  returned: always
  type: int
  sample: 231
size_limit:
  description:
    - The quota the size was checked against. IAM's default (2048) unless the policy is larger, in which case
      the account's C(AssumeRolePolicySizeQuota).
  returned: always
  type: int
  sample: 2048
adopted:
  description: Whether this run tagged an existing untagged role as the collection's (O(adopt)).
  returned: always
  type: bool
  sample: false
deleted:
  description: Whether the role was (or would be) deleted (O(delete_role)).
  returned: always
  type: bool
  sample: false
deleted_instance_profiles:
  description: Instance profiles deleted with the role (those carrying the ownership tag).
  returned: when the role was deleted
  type: list
  elements: str
  sample: []
statement_ownership:
  description:
    - Whose the statement of O(sid) was when the module read it, C(null) without O(sid) or when the role did not exist.
    - C(new) (there was none), C(owned) (recorded as the collection's), C(adopted) (O(adopt_statement)),
      C(earlier) (written by an earlier release, recorded now) or C(foreign) (left alone).
  returned: always
  type: str
  sample: owned
foreign:
  description: What on the role the collection does not own (read for O(adopt) and O(delete_role) only).
  returned: always
  type: list
  elements: str
  sample: ["trust statement DataPlatformDeployer"]
role_arn:
  description: ARN of the role.
  returned: when the role exists (or was created)
  type: str
  sample: arn:aws:iam::200000000002:role/spinnakerManaged
additional_roles:
  description:
    - Per entry of O(additional_roles), in order, what the run did to that role, with the keys above
      (RV(created), RV(policy), RV(role_arn), RV(instance_profile_arn), ...). C(changed) is true when any role changed.
  returned: when O(additional_roles) is given
  type: list
  elements: dict
  sample: [{"changed": false, "created": false, "role_arn": "arn:aws:iam::200000000002:role/BaseIAMRole",
            "instance_profile_arn": "arn:aws:iam::200000000002:instance-profile/BaseIAMRole"}]
diff:
  description:
    - The trust policy before and after, in diff mode (a dict with C(before) and C(after)).
    - With O(additional_roles), a list of such dicts, one per role, each also headed by the role's name
      (C(before_header), C(after_header)).
  returned: when diff mode is on
  type: raw
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_iam_role
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_role_attached_policies
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import OWNERSHIP_TAG_KEY
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import OWNERSHIP_TAG_VALUE
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import SERVICE_LINKED_ROLE_PATH
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import put_role_permissions_boundary
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ConcurrentWriteError
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import attach_role_managed_policies
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import guarded_document_merge
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import create_role
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import delete_owned_role
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ensure_instance_profile
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import foreign_parts
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import is_invalid_principal_error
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import is_owned
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import list_role_inline_policy_names
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ownership_tags
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import tag_role
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import trust_policy_quota
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import update_trust_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import STATEMENT_OPTIONS
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import merge_all
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import merge_inline_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import statement_specs
from ansible_collections.spinnaker.aws.plugins.module_utils.session import SESSION_ARGUMENT_SPEC
from ansible_collections.spinnaker.aws.plugins.module_utils.session import SessionClients
from ansible_collections.spinnaker.aws.plugins.module_utils.session import open_session
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import INLINE_POLICY_QUOTAS
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import OWNED_STATEMENTS_TAG_KEY
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import TRUST_POLICY_DEFAULT_QUOTA
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import PolicyError
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import build_trust_condition
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import check_size
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import check_wildcard_principal
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import count_principals
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import describe_statement
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import merge_trust_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import parse_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import other_principals
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import owned_sids
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import owned_sids_value
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import policy_size
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import principals_from_options
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import statement_ownership


def validate_params(params, partition="aws"):
    """Check the options and return ``(principals, condition)`` in IAM form; raises ``PolicyError``."""
    principals = principals_from_options(params["principals"], partition)
    condition = build_trust_condition(params["external_id"], params["conditions"])
    if params["state"] == "present":
        check_wildcard_principal(principals, condition, params["allow_wildcard_principal"])
    if params["state"] == "present" and not principals and params["exclusive"]:
        raise PolicyError("exclusive=true with no principals would empty the statement; give principals.", "principals")
    if params["wait_timeout"] < 0:
        raise PolicyError("wait_timeout must be 0 or more seconds.", "wait_timeout")
    return principals, condition


def ensure_boundary(module, client, role, wanted, adopted):
    """Make an owned role's permissions boundary ``wanted`` (an ARN; ``None``: not managed). Returns
    ``(boundary after the run, changed)``. A role the collection does not own (nor adopts in this run) keeps its own."""
    have = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if not wanted or have == wanted or not (adopted or is_owned(role.get("Tags", []))):
        return have, False
    if not module.check_mode:
        put_role_permissions_boundary(client, role["RoleName"], wanted)
    return wanted, True


def ensure_inline_policies(module, client, role_name, inline_specs, planned_role):
    """Merge each ``(policy_name, specs)`` of ``inline_specs`` into the role's inline policy of that name
    (``policy_statements.merge_inline_policy``); ``planned_role``: the role does not exist yet (check mode), so the
    merge is planned from no document without a call. Returns the results by policy name."""
    results = {}
    for policy_name, specs in inline_specs:
        if planned_role:
            policy = merge_all(None, specs, "present", False)[0]
            results[policy_name] = dict(changed=True, policy=policy, size=policy_size(policy), size_limit=INLINE_POLICY_QUOTAS["role"])
        else:
            results[policy_name] = merge_inline_policy(client, "role", role_name, policy_name, specs, check_mode=module.check_mode)[0]
    return results


class RoleFailure(Exception):
    """One role cannot be converged: ``msg`` and ``field`` for ``fail_json``, ``extra`` for its result."""

    def __init__(self, msg, field, **extra):
        super(RoleFailure, self).__init__(msg)
        self.msg = msg
        self.field = field
        self.extra = extra


def argument_spec():
    """The module's argument spec: the options of one role, ``additional_roles`` (the same options per entry; state,
    delete_role and wait_timeout are the run's) and the session options (module_utils.session)."""
    principal_spec = dict(type="list", elements="str", default=[])
    role = dict(
        role_name=dict(type="str", required=True, aliases=["name"]),
        principals=dict(
            type="dict",
            default={},
            options=dict(aws=principal_spec, service=principal_spec, federated=principal_spec),
        ),
        actions=dict(type="list", elements="str", default=["sts:AssumeRole"]),
        external_id=dict(type="str"),
        conditions=dict(type="dict"),
        sid=dict(type="str"),
        exclusive=dict(type="bool", default=False),
        prune_orphaned_principals=dict(type="bool", default=False),
        allow_wildcard_principal=dict(type="bool", default=False),
        create_role=dict(type="bool", default=False),
        path=dict(type="str", default="/"),
        description=dict(type="str"),
        permissions_boundary=dict(type="str"),
        managed_policies=dict(type="list", elements="str", default=[]),
        instance_profile=dict(type="bool", default=False),
        tags=dict(type="dict", default={}),
        adopt=dict(type="bool", default=False),
        adopt_statement=dict(type="bool", default=False),
        owned_inline_policies=dict(type="list", elements="str", default=[]),
        inline_policies=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                policy_name=dict(type="str", required=True),
                statements=dict(
                    type="list",
                    elements="dict",
                    required=True,
                    options=STATEMENT_OPTIONS,
                ),
            ),
        ),
    )
    return dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        wait_timeout=dict(type="int", default=120),
        delete_role=dict(type="bool", default=False),
        additional_roles=dict(type="list", elements="dict", default=[], options=dict(role)),
        **dict(role, **SESSION_ARGUMENT_SPEC)
    )


def role_params(params, entry):
    """The options of one entry of ``additional_roles``: the entry's own, with the run's ``wait_timeout`` and
    ``state=present``, ``delete_role=false``."""
    return dict(entry, state="present", delete_role=False, wait_timeout=params["wait_timeout"])


def main():
    module = AnsibleAWSModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    if params["additional_roles"] and params["state"] != "present":
        module.fail_json(msg="additional_roles are converged with state=present only; offboard each role in a task "
                         "of its own.", field="additional_roles")
    role_specs = [params] + [role_params(params, entry) for entry in params["additional_roles"]]

    # Every role's options are checked before the first call, so that bad input changes nothing.
    try:
        inline_specs = []
        for spec in role_specs:
            validate_params(spec)
            inline_specs.append([(item["policy_name"], statement_specs(dict(statements=item["statements"], sid=None)))
                                 for item in spec["inline_policies"]])
    except PolicyError as e:
        module.fail_json(msg=e.message, field=e.field)

    clients = SessionClients(module)
    identity = open_session(module, clients)
    client = clients.client("iam")
    results = []
    diffs = []
    for spec, inline in zip(role_specs, inline_specs):
        try:
            output, before = converge_role(module, clients, identity, client, spec, inline)
        except RoleFailure as e:
            module.fail_json(msg=e.msg, field=e.field, changed=any(r["changed"] for r in results), **e.extra)
        except PolicyError as e:
            module.fail_json(msg=e.message, field=e.field, changed=any(r["changed"] for r in results))
        except AnsibleIAMError as e:
            if is_invalid_principal_error(e.exception):
                module.fail_json_aws(
                    e.exception,
                    msg="IAM still rejects a principal of %s's trust policy after %d seconds: check that every principal "
                    "exists (a principal created moments ago can take a minute to be visible)."
                    % (spec["role_name"], params["wait_timeout"]),
                )
            module.fail_json_aws_error(e)
        results.append(output)
        diffs.append(dict(before=before, after=output["policy"], before_header=spec["role_name"], after_header=spec["role_name"]))

    output = results[0]
    if params["additional_roles"]:
        output["additional_roles"] = results[1:]
        output["changed"] = any(r["changed"] for r in results)
    if module._diff:
        output["diff"] = dict(before=diffs[0]["before"], after=diffs[0]["after"]) if len(diffs) == 1 else diffs
    module.exit_json(**output)


def converge_role(module, clients, identity, client, params, inline_specs):
    """Converge one role with the options ``params`` (the module's, or an entry of ``additional_roles``) and its
    parsed ``inline_specs``. Returns ``(result, trust policy before)``. Raises ``RoleFailure``, ``PolicyError`` and
    ``AnsibleIAMError``; the ``state=absent`` paths exit the module themselves (the top-level role only)."""
    role_name = params["role_name"]
    output = dict(changed=False, created=False, attached_policies=[], adopted=False, deleted=False, foreign=[],
                  statement_ownership=None)
    tags = ownership_tags(params["tags"])
    if params["sid"] and params["state"] == "present":
        tags[OWNED_STATEMENTS_TAG_KEY] = params["sid"]
    role = get_iam_role(client, role_name)
    if role is None and not params["create_role"] and params["state"] == "present":
        raise RoleFailure(
            "The role %s does not exist in this account (%s). Create it first, or set create_role=true."
            % (role_name, _describe_account(clients, identity)),
            "role_name",
        )
    if role is None and params["state"] == "absent":
        module.exit_json(policy=None, added_principals=[], removed_principals=[], orphaned_principals=[],
                         other_principals=[], size=0, size_limit=TRUST_POLICY_DEFAULT_QUOTA, **output)
    if role is not None and role.get("Path", "/").startswith(SERVICE_LINKED_ROLE_PATH):
        raise RoleFailure(
            "%s is a service-linked role (path %s); IAM does not allow its trust policy to change."
            % (role_name, role["Path"]),
            "role_name",
        )
    partition = role["Arn"].split(":")[1] if role else "aws"
    before = role.get("AssumeRolePolicyDocument") if role else None
    deleting = params["state"] == "absent" and params["delete_role"]
    recorded = owned_sids(role.get("Tags", [])) if role else None
    if role is not None and params["sid"]:
        output["statement_ownership"] = check_statement_ownership(module, params, role, before, recorded, partition, output)
    result, size, size_limit = merged_trust(client, params, role_name, before, partition, allow_empty=deleting)
    output.update(result, size=size, size_limit=size_limit)

    if deleting:
        delete_if_unused(module, params, client, role, result, output)
        if module._diff:
            output["diff"] = dict(before=before, after=None if output["deleted"] else output["policy"])
        module.exit_json(**output)

    if role is None:
        output.update(changed=True, created=True)
        if not module.check_mode:
            role = create_role(
                client, role_name, params["path"], params["description"], json.dumps(result["policy"]),
                params["wait_timeout"], tags=tags, permissions_boundary=params["permissions_boundary"],
            )
        output["permissions_boundary"] = params["permissions_boundary"]
    elif result["changed"] and not module.check_mode:
        result = write_trust(client, params, role_name, before, result, partition)
        output.update(result)
    output["changed"] = output["changed"] or result["changed"]

    if role is not None:
        attached = None
        if params["managed_policies"]:
            attached = [] if output["created"] else list_iam_role_attached_policies(client, role_name)
            output["attached_policies"] = attach_role_managed_policies(
                client, role_name, role["Arn"], params["managed_policies"], attached, module.check_mode
            )
        if params["adopt"] and not output["created"] and not is_owned(role.get("Tags", [])):
            output["foreign"] = role_foreign_parts(client, params, role, result["policy"], attached)
            if not output["foreign"]:
                output.update(adopted=True, changed=True)
                if not module.check_mode:  # the record of owned statements is kept by record_statement
                    tag_role(client, role_name, dict((k, v) for k, v in tags.items() if k != OWNED_STATEMENTS_TAG_KEY))
        if not output["created"]:
            output["permissions_boundary"], boundary_changed = ensure_boundary(
                module, client, role, params["permissions_boundary"], output["adopted"])
            output["changed"] = output["changed"] or boundary_changed
        if params["instance_profile"]:
            profile_changed, profile_arn = ensure_instance_profile(client, role_name, params["path"], module.check_mode, tags=tags)
            output["changed"] = output["changed"] or profile_changed
            if profile_arn:
                output["instance_profile_arn"] = profile_arn
        output["role_arn"] = role["Arn"]
        if not output["created"] and params["sid"]:
            output["changed"] = record_statement(module, params["sid"], client, role_name, recorded, result) or output["changed"]
    if inline_specs and params["state"] == "present" and (role is not None or output["created"]):
        output["inline_policies"] = ensure_inline_policies(module, client, role_name, inline_specs, role is None)
        output["changed"] = output["changed"] or any(r["changed"] for r in output["inline_policies"].values())
    output["changed"] = output["changed"] or bool(output["attached_policies"])
    return output, before


def check_statement_ownership(module, params, role, before, recorded, partition, output):
    """Prove that the statement of ``sid`` is the collection's before anything changes it (see
    ``module_utils.iam.trust_policy.statement_ownership``). A foreign statement fails the task (``state=present``,
    ``RoleFailure``) or is left alone and reported (``state=absent``); returns the verdict otherwise."""
    principals, _condition = validate_params(params, partition)
    verdict = statement_ownership(before, params["sid"], recorded, principals, params["adopt_statement"])
    if verdict != "foreign":
        return verdict
    described = describe_statement(before, params["sid"])
    if params["state"] == "present":
        raise RoleFailure(
            "%s's trust policy has a statement with Sid %s that the collection did not write (%s). It is left "
            "exactly as it is. Choose another Sid for the collection's statement (option sid; managed_account_trust_sid "
            "or base_iam_role_trust_sid in the roles), or, if it is yours to change, take it over with "
            "adopt_statement=true (managed_account_adopt_trust_statement, base_iam_role_adopt_trust_statement)."
            % (role["RoleName"], params["sid"], described),
            "sid", statement_ownership=verdict, role_arn=role["Arn"],
        )
    output.update(statement_ownership=verdict, role_arn=role["Arn"],
                  foreign=["trust statement %s, not written by the collection (%s)" % (params["sid"], described)])
    module.exit_json(policy=parse_policy(before), added_principals=[], removed_principals=[], orphaned_principals=[],
                     other_principals=[], size=policy_size(before), size_limit=TRUST_POLICY_DEFAULT_QUOTA, **output)


def record_statement(module, sid, client, role_name, recorded, result):
    """Keep the role's record of the Sids the collection wrote in step with the trust policy just written: add
    ``sid`` when the statement is there, drop it when it is gone. Returns whether the tag changed (it is written
    only outside check mode)."""
    present = any(s.get("Sid") == sid for s in result["policy"]["Statement"])
    wanted = set(recorded or set())
    wanted = wanted | {sid} if present else wanted - {sid}
    if recorded is not None and wanted == recorded:
        return False
    if recorded is None and not present:
        return False
    if not module.check_mode:
        tag_role(client, role_name, {OWNED_STATEMENTS_TAG_KEY: owned_sids_value(wanted)})
    return True


def role_foreign_parts(client, params, role, policy, attached=None):
    """What on ``role`` the collection does not own, with ``policy`` as its trust (module_utils.iam.api)."""
    role_name = role["RoleName"]
    if attached is None:
        attached = list_iam_role_attached_policies(client, role_name)
    wanted = set(params["managed_policies"])
    owned_arns = [p["PolicyArn"] for p in attached if p["PolicyArn"] in wanted or p["PolicyName"] in wanted]
    return foreign_parts(
        policy, [params["sid"]] if params["sid"] else [], [p["PolicyArn"] for p in attached], owned_arns,
        list_role_inline_policy_names(client, role_name), params["owned_inline_policies"],
    )


def delete_if_unused(module, params, client, role, result, output):
    """``state=absent`` with ``delete_role``: delete the role when it is ours and nothing foreign remains,
    else write the trust without the owned statement (refused when that would leave no statement)."""
    role_name = role["RoleName"]
    owned = is_owned(role.get("Tags", []))
    attached = list_iam_role_attached_policies(client, role_name)
    output["foreign"] = role_foreign_parts(client, params, role, result["policy"], attached)
    if not owned:
        output["foreign"].insert(0, "no %s=%s tag (not created by the collection)" % (OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE))
    if not output["foreign"]:
        output.update(changed=True, deleted=True, role_arn=role["Arn"])
        if not module.check_mode:
            inline = list_role_inline_policy_names(client, role_name)
            output["deleted_instance_profiles"] = delete_owned_role(
                client, role_name, [p["PolicyArn"] for p in attached], inline)
        return
    if not result["policy"]["Statement"]:
        raise PolicyError(
            "%s cannot be deleted (%s) and removing the owned statement would leave its trust policy with no statement, "
            "which IAM rejects. Delete the role by hand, or give it another statement first." % (role_name, "; ".join(output["foreign"])),
            "delete_role",
        )
    output.update(changed=result["changed"], role_arn=role["Arn"])
    if result["changed"] and not module.check_mode:
        update_trust_policy(client, role_name, json.dumps(result["policy"]), params["wait_timeout"])
    if record_statement(module, params["sid"], client, role_name, owned_sids(role.get("Tags", [])), result):
        output["changed"] = True


def write_trust(client, params, role_name, before, result, partition):
    """Write the merged trust policy so that a concurrent writer's change is not lost silently: re-read just before
    and just after the write, and merge again from a document another writer changed (module_utils.iam.api
    ``guarded_merge``). Returns the merge result last written (``changed`` stays true)."""
    def plan(document):
        merged = merged_trust(client, params, role_name, document, partition)[0]
        return merged, merged["changed"]

    try:
        merged, _wrote = guarded_document_merge(
            before, result, lambda: get_iam_role(client, role_name)["AssumeRolePolicyDocument"], plan,
            lambda document: update_trust_policy(client, role_name, json.dumps(document), params["wait_timeout"]),
            document_of=lambda merged: merged["policy"])
    except ConcurrentWriteError as e:
        raise PolicyError("%s's trust policy is being changed by another writer at the same time (%s); re-run when it "
                          "is done." % (role_name, e), "role_name")
    return dict(merged, changed=True)


def merged_trust(client, params, role_name, before, partition, allow_empty=False):
    """Merge the options into ``before`` and check the result; returns ``(merge result, size, size limit)``.
    The merge result also carries ``other_principals`` (what an exclusive merge would remove).
    ``allow_empty``: an emptied trust policy is the caller's to handle (the role is about to be deleted)."""
    principals, condition = validate_params(params, partition)
    result = merge_trust_policy(
        before,
        principals,
        actions=params["actions"],
        condition=condition,
        sid=params["sid"],
        state=params["state"],
        exclusive=params["exclusive"],
        prune_orphaned_principals=params["prune_orphaned_principals"],
    )
    policy = result["policy"]
    result["other_principals"] = other_principals(policy, params["sid"], principals)
    if not policy["Statement"] and allow_empty:
        return result, 0, TRUST_POLICY_DEFAULT_QUOTA
    if not policy["Statement"]:
        raise PolicyError(
            "The change would leave %s's trust policy with no statement, which IAM rejects; keep at least one "
            "principal or delete the role." % role_name,
            "principals",
        )
    size = policy_size(policy)
    size_limit = TRUST_POLICY_DEFAULT_QUOTA
    if result["changed"] and size > TRUST_POLICY_DEFAULT_QUOTA:
        size_limit = trust_policy_quota(client)
    if result["changed"]:
        check_size(policy, size_limit, "trust policy of role %s" % role_name, count_principals(policy), "principals")
    return result, size, size_limit


def _describe_account(clients, identity):
    """Name the account for an error message: the session's (``open_session``), else best effort with one STS
    call, only on failure."""
    if identity:
        return "account %s" % identity["account_id"]
    try:
        return "account %s" % clients.client("sts").get_caller_identity(aws_retry=True)["Account"]
    except Exception:  # pylint: disable=broad-except
        return "account unknown: sts:GetCallerIdentity failed"


if __name__ == "__main__":
    main()
