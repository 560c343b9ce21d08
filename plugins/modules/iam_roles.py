#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_roles
version_added: 0.1.0
short_description: "Converge IAM roles of one account: merged trust policy, managed and inline policies, boundary, instance profile"
description:
  - Converges each role of O(roles), in order, in one module run with one AWS session and one proof of the account
    (O(assume_role_arn), O(aws_account_id)). Each role is created when missing (O(roles[].create_role)), its trust
    policy merged, managed policies attached, owned statements merged into its inline policies, its permissions
    boundary and its instance profile kept; or, with O(roles[].state=absent), the collection's principals or
    statement removed and the role deleted when the collection owns it (O(roles[].delete_role)).
  - The trust policy is merged, not replaced. The module adds principals to (or removes them from) one statement
    of the role's trust policy, the statement the entry owns, and keeps every other statement and principal
    exactly as it was. M(amazon.aws.iam_role) replaces the whole trust policy on every run; this module merges, so
    a role trusted by several teams or tools can be managed by each of them without one erasing the others.
  - Documents are compared in canonical form (a one-item list equals a string, an account id equals its root ARN
    in every partition, C("*") equals C({"AWS":"*"}), order does not matter), so the rewrites IAM applies to
    what it stores never cause a write. The role is written only when the canonical forms differ.
  - Trust policies are size-limited (2,048 characters by default, adjustable per account). When the result is
    larger than 2,048 characters the account's quota is read from C(iam:GetAccountSummary); a result over the
    quota fails before anything is written.
  - Every entry of O(roles) is checked before the first AWS call, so that bad input changes nothing. A role that
    fails fails the task, and the roles after it are not touched.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  roles:
    description:
      - The roles of the account to converge, in order, each with its own options.
    type: list
    elements: dict
    required: true
    suboptions:
      role_name:
        description:
          - Name of the IAM role. It must exist unless O(roles[].create_role=true).
          - Service-linked roles (path C(/aws-service-role/)) are refused, since IAM does not let their trust change.
        type: str
        required: true
        aliases: [name]
      principals:
        description:
          - The principals to add (O(roles[].state=present)) or remove (O(roles[].state=absent)).
          - A bare 12-digit account id is written as C(arn:<partition>:iam::<id>:root), the form IAM stores.
        type: dict
        default: {}
        suboptions:
          aws:
            description:
              - AWS principals, IAM user or role ARNs or 12-digit account ids. Partial wildcards are refused;
                C("*") only with O(roles[].allow_wildcard_principal) and a restricting condition.
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
            C({"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}). Merged with O(roles[].external_id).
        type: dict
      sid:
        description:
          - The Sid of the statement this task owns. It is found by Sid and created when missing, and its Effect,
            Action and Condition are set to O(roles[].actions), O(roles[].external_id) and O(roles[].conditions).
          - Without it, principals go into the first Allow statement with the same actions and condition, or a new
            statement without Sid when there is none.
        type: str
      state:
        description:
          - V(present) adds the principals (and creates the role, attaches policies and so on, as asked).
          - V(absent) removes them; with O(roles[].sid) and no principals, it removes the whole owned statement. A
            statement left without principals is removed. With O(roles[].delete_role), the role goes too when the
            collection owns it. A role that does not exist is left as it is.
          - Each entry has its own, so one run can offboard several roles, or converge some and offboard others.
        type: str
        choices: [present, absent]
        default: present
      exclusive:
        description:
          - With O(roles[].state=present), the owned statement's principals become exactly O(roles[].principals); the
            others are removed from that statement (other statements are never touched).
        type: bool
        default: false
      prune_orphaned_principals:
        description:
          - Remove principals that IAM replaced with a unique id (C(AIDA...) for users, C(AROA...) for roles) because
            the user or role was deleted, from every statement. They are always reported in
            RV(roles[].orphaned_principals).
        type: bool
        default: false
      allow_wildcard_principal:
        description:
          - Allow C({"AWS":"*"}) among O(roles[].principals). Even then the owned statement must have a restricting
            condition on C(aws:PrincipalOrgID), C(aws:PrincipalArn), C(sts:ExternalId) or C(aws:SourceAccount).
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
          - With no O(roles[].principals) the trust policy is left as it is, so this also attaches policies to a role
            whose trust another tool owns.
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
            O(roles[].adopt)). The ownership tag C(managed-by=spinnaker.aws) is always added; a role without it is
            never deleted.
        type: dict
        default: {}
      adopt:
        description:
          - Tag an existing role that lacks the ownership tag as created by the collection, when nothing on it is
            foreign (every trust statement is the one of O(roles[].sid), every attached policy is in
            O(roles[].managed_policies), every inline policy is in O(roles[].owned_inline_policies)). For roles
            created by hand before the collection managed it. A role with anything foreign is left untagged and reported in
            RV(roles[].foreign).
        type: bool
        default: false
      adopt_statement:
        description:
          - Take over the statement of O(roles[].sid) although no install recorded it as its own.
          - The module records the Sids of the statements it writes in the role's tag
            C(spinnaker.aws:owned-statements:<install id>) (see O(roles[].install_id)). A statement of
            O(roles[].sid) that this install has not recorded is foreign (another team's that uses the same Sid)
            and is never merged into, rewritten or removed; with O(roles[].state=present) the task fails naming it,
            with O(roles[].state=absent) it is left and reported in RV(roles[].foreign). There is no guessing from a
            statement's principals.
          - A Sid another install records is never taken over, not even with this option.
        type: bool
        default: false
      prune_recorded_statements:
        description:
          - Remove the statements this install recorded under a Sid other than O(roles[].sid) (the statement of a
            renamed Sid), and drop them from the record. Statements nobody recorded, or another install recorded,
            stay. With O(roles[].state=present) only.
        type: bool
        default: false
      install_id:
        description:
          - The install of Spinnaker the statement of O(roles[].sid) is recorded for, in the role's tag
            C(spinnaker.aws:owned-statements:<install id>). Two installs (two Spinnakers onboarding one account)
            never change each other's statements; a Sid another install records fails the role, naming that install.
          - The site playbook gives the managing account's id, or C(spinnaker_install_id).
          - 1 to 64 of letters, digits and C(_.:/=+@-).
        type: str
        default: default
      owned_inline_policies:
        description:
          - Names of the role's inline policies the collection writes (for O(roles[].adopt) and O(roles[].delete_role)).
        type: list
        elements: str
        default: []
      inline_policies:
        description:
          - Inline policies of the role to merge owned statements into, in the same module run (once the role exists);
            each statement is written under its Sid and every other statement of the policy is kept, as
            M(spinnaker.aws.iam_policy_statement) does with its
            O(spinnaker.aws.iam_policy_statement#module:statements).
          - One module run for the role and its inline policy instead of two. Ignored with O(roles[].state=absent).
        type: list
        elements: dict
        default: []
        suboptions:
          policy_name:
            description:
              - The inline policy's name (list it in O(roles[].owned_inline_policies) too, for O(roles[].adopt)).
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
          - With O(roles[].state=absent), once the owned statement is removed, delete the role when it carries the
            ownership tag and nothing foreign remains on it (see O(roles[].adopt)); its inline policies, attachments
            and its instance profile (when tagged as ours) go with it. Otherwise only the statement is removed and
            RV(roles[].foreign) says what kept the role.
        type: bool
        default: false
notes:
  - Supports check mode and diff mode. In check mode nothing is written and the result reports what would change.
  - Throttling is retried by the AWS client; "Invalid principal" for up to O(roles[].wait_timeout); every other
    error is final.
  - With O(roles[].state=absent) on a role that does not exist, nothing is done and the role's result is empty.
extends_documentation_fragment:
  - spinnaker.aws.session
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: spinnakerManaged and BaseIAMRole of one account in one run (assume the bootstrap role, prove the account)
  spinnaker.aws.iam_roles:
    assume_role_arn: arn:aws:iam::200000000002:role/OrganizationAccountAccessRole
    aws_account_id: "200000000002"
    roles:
      - role_name: spinnakerManaged
        create_role: true
        sid: SpinnakerManaging
        principals:
          aws: [arn:aws:iam::100000000001:user/spinnakerManaging]
        external_id: "{{ spinnaker_external_id }}"
        managed_policies: [PowerUserAccess]
        inline_policies:
          - policy_name: PassRole-and-Certificates
            statements:
              - sid: SpinnakerPassRole
                actions: [iam:PassRole]
                resources: [arn:aws:iam::200000000002:role/BaseIAMRole]
        owned_inline_policies: [PassRole-and-Certificates]
      - role_name: BaseIAMRole
        create_role: true
        sid: SpinnakerEC2
        principals:
          service: [ec2.amazonaws.com]
        instance_profile: true

- name: Trust a whole account (written as its root ARN)
  spinnaker.aws.iam_roles:
    roles:
      - role_name: spinnakerManaged
        principals:
          aws: ["100000000001"]

- name: Make the owned statement trust exactly one role, and drop principals of deleted users or roles
  spinnaker.aws.iam_roles:
    roles:
      - role_name: spinnakerManaged
        sid: SpinnakerManaging
        principals:
          aws: [arn:aws:iam::100000000001:role/spinnaker-clouddriver]
        exclusive: true
        prune_orphaned_principals: true

- name: Offboard an account, deleting both roles when the collection created them and nothing else uses them
  spinnaker.aws.iam_roles:
    assume_role_arn: arn:aws:iam::200000000002:role/OrganizationAccountAccessRole
    aws_account_id: "200000000002"
    roles:
      - role_name: spinnakerManaged
        sid: SpinnakerManaging
        state: absent
        delete_role: true
        managed_policies: [PowerUserAccess]
        owned_inline_policies: [PassRole-and-Certificates]
      - role_name: BaseIAMRole
        sid: SpinnakerEC2
        state: absent
        delete_role: true

- name: Stop trusting the old managing user, and trust the new one
  spinnaker.aws.iam_roles:
    roles:
      - role_name: spinnakerManaged
        principals:
          aws: [arn:aws:iam::100000000001:user/spinnakerManagingOld]
        state: absent
      - role_name: spinnakerManaged
        sid: SpinnakerManaging
        principals:
          aws: [arn:aws:iam::100000000001:user/spinnakerManaging]
"""

RETURN = r"""
roles:
  description:
    - What the run did to each role of O(roles), in order, one dict per entry. C(changed) is true when any role
      changed.
    - When a role fails, the task fails with the results of the roles before it.
  returned: always
  type: list
  elements: dict
  sample: [{"changed": false, "created": false, "role_arn": "arn:aws:iam::200000000002:role/BaseIAMRole",
            "instance_profile_arn": "arn:aws:iam::200000000002:instance-profile/BaseIAMRole"}]
  contains:
    changed:
      description: Whether the role, its trust, policies, boundary, instance profile or tags changed (or would).
      returned: always
      type: bool
      sample: false
    permissions_boundary:
      description: The role's permissions boundary ARN after the run, or null.
      returned: when the role exists (or would be created) and is not deleted
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
      description: Per inline policy of O(roles[].inline_policies), what the merge did.
      returned: when O(roles[].inline_policies) is given and the role exists (or would be created)
      type: dict
      sample: {"PassRole-and-Certificates": {"changed": false, "size": 251, "size_limit": 10240,
               "policy": {"Version": "2012-10-17"}}}
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
          description: Characters of all the role's inline policies together after the merge (IAM's quota counts
            them so).
          type: int
          returned: always
        size_limit:
          description: IAM's quota for them.
          type: int
          returned: always
    instance_profile_arn:
      description: ARN of the role's instance profile.
      returned: when O(roles[].instance_profile=true) and the profile exists
      type: str
      sample: arn:aws:iam::200000000002:instance-profile/BaseIAMRole
    policy:
      description:
        - The trust policy after the change (what would be written, in check mode).
        - Null with O(roles[].state=absent) for a role that does not exist.
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
      description:
        - The principals removed (by O(roles[].state=absent), O(roles[].exclusive) or
          O(roles[].prune_orphaned_principals)).
      returned: always
      type: list
      elements: dict
      sample: []
    other_principals:
      description:
        - The principals of the owned statement (O(roles[].sid)) after the change that are not in
          O(roles[].principals), each with its kind; what O(roles[].exclusive=true) would remove. Empty without
          O(roles[].sid).
      returned: always
      type: list
      elements: dict
      sample: [{"kind": "AWS", "principal": "arn:aws:iam::100000000001:user/spinnakerManaging"}]
    orphaned_principals:
      description:
        - Unique ids (C(AIDA...), C(AROA...)) found in the trust policy before the change, left by deleted users or
          roles.
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
      description: Whether this run tagged an existing untagged role as the collection's (O(roles[].adopt)).
      returned: always
      type: bool
      sample: false
    deleted:
      description: Whether the role was (or would be) deleted (O(roles[].delete_role)).
      returned: always
      type: bool
      sample: false
    deleted_instance_profiles:
      description: Instance profiles deleted with the role (those carrying the ownership tag).
      returned: when the role was deleted
      type: list
      elements: str
      sample: []
    removed_statements:
      description: The Sids of the statements removed by O(roles[].prune_recorded_statements).
      returned: always
      type: list
      elements: str
      sample: [SpinnakerManagingOld]
    other_recorded_statements:
      description:
        - The Sids of statements this install recorded, other than O(roles[].sid), left in the trust policy (what
          O(roles[].prune_recorded_statements) would remove, such as a renamed Sid's old statement).
      returned: always
      type: list
      elements: str
      sample: []
    statement_ownership:
      description:
        - Whose the statement of O(roles[].sid) was when the module read it, C(null) without O(roles[].sid) or when
          the role did not exist.
        - C(new) (there was none), C(owned) (recorded by this install), C(adopted) (O(roles[].adopt_statement)),
          C(other-install) (recorded by another install, left alone) or C(foreign) (left alone).
      returned: always
      type: str
      sample: owned
    foreign:
      description: What on the role the collection does not own (read for O(roles[].adopt) and O(roles[].delete_role)).
      returned: always
      type: list
      elements: str
      sample: ["trust statement DataPlatformDeployer"]
    role_arn:
      description: ARN of the role.
      returned: when the role exists (or was created)
      type: str
      sample: arn:aws:iam::200000000002:role/spinnakerManaged
diff:
  description:
    - In diff mode, one diff per entry of O(roles), in order, each the role's trust policy C(before) and C(after)
      (null for a role that does not exist, or is deleted), headed by the role's name (C(before_header),
      C(after_header)).
  returned: when diff mode is on
  type: list
  elements: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.role import ROLE_OPTIONS
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.role import RoleFailure
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.role import converge_role
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.role import describe_account
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.role import invalid_principal_message
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.role import plan_roles
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.role import role_diff
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import PolicyError
from ansible_collections.spinnaker.aws.plugins.module_utils.session import SESSION_ARGUMENT_SPEC
from ansible_collections.spinnaker.aws.plugins.module_utils.session import SessionClients
from ansible_collections.spinnaker.aws.plugins.module_utils.session import SessionError
from ansible_collections.spinnaker.aws.plugins.module_utils.session import open_session


def main():
    argument_spec = dict(
        roles=dict(type="list", elements="dict", required=True, options=ROLE_OPTIONS),
        **SESSION_ARGUMENT_SPEC
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    entries = module.params["roles"]
    try:
        plans = plan_roles(entries)
    except RoleFailure as e:
        module.fail_json(msg=e.msg, field=e.field, **e.extra)

    clients = SessionClients(module)
    try:
        identity = open_session(module, clients)
    except SessionError as e:
        if e.exception is not None:
            module.fail_json_aws(e.exception, msg=e.msg)
        module.fail_json(msg=e.msg, **e.extra)
    client = clients.client("iam")

    results, diffs = [], []
    for entry, inline_specs in zip(entries, plans):
        done = dict(changed=any(r["changed"] for r in results), roles=results)
        try:
            result, before = converge_role(client, entry, inline_specs, check_mode=module.check_mode,
                                           account=lambda: describe_account(clients, identity))
        except RoleFailure as e:
            module.fail_json(msg=e.msg, field=e.field, role_name=entry["role_name"], **dict(done, **e.extra))
        except PolicyError as e:
            module.fail_json(msg=e.message, field=e.field, role_name=entry["role_name"], **done)
        except AnsibleIAMError as e:
            if e.exception is not None:
                module.fail_json_aws(e.exception, msg=invalid_principal_message(e, entry) or e.message,
                                     role_name=entry["role_name"], **done)
            module.fail_json(msg=e.message, role_name=entry["role_name"], **done)
        results.append(result)
        diffs.append(role_diff(entry["role_name"], before, result))

    output = dict(changed=any(r["changed"] for r in results), roles=results)
    if module._diff:
        output["diff"] = diffs
    module.exit_json(**output)


if __name__ == "__main__":
    main()
