# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Converge one IAM role for ``spinnaker.aws.iam_roles``: its merged trust policy, managed and inline policies,
permissions boundary, instance profile, the ownership tags, and its removal.

The options of one role are one entry of the module's ``roles`` (``ROLE_OPTIONS``). The pure part (validation,
planning the trust, the results and the failure messages) needs no AWS; ``converge_role`` makes the calls, through
amazon.aws's ``module_utils.iam`` and ``module_utils.iam.api`` (``AWSRetry`` for throttling, ``IAMErrorHandler``
for readable errors). Nothing here exits the module: errors are raised (``RoleFailure``, ``PolicyError``,
``AnsibleIAMError``) and the module's ``main()`` reports them.

AWS behaviour followed (IAM User Guide; the project's docs/iam.md): the trust policy is merged, never replaced,
and compared in canonical form; IAM rejects a trust policy without statement and a service-linked role's trust
change; a principal created moments ago may be refused as "Invalid principal" for a while (eventual consistency).
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.iam import get_iam_role
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_role_attached_policies

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import OWNERSHIP_TAG_KEY
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import OWNERSHIP_TAG_VALUE
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import SERVICE_LINKED_ROLE_PATH
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ConcurrentWriteError
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import NewRoleClient
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import RoleAppeared
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import attach_role_managed_policies
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import create_role
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import delete_owned_role
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ensure_instance_profile
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import foreign_parts
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import guarded_document_merge
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import is_invalid_principal_error
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import is_owned
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import list_role_inline_policy_names
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ownership_tags
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import put_role_permissions_boundary
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import tag_role
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import trust_policy_quota
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import update_trust_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import STATEMENT_OPTIONS
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import merge_all
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import merge_inline_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.policy_statements import statement_specs
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import INLINE_POLICY_QUOTAS
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import DEFAULT_INSTALL_ID
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import INSTALL_ID_RE
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import OWNED_STATEMENTS_TAG_PREFIX
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import TRUST_POLICY_DEFAULT_QUOTA
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import PolicyError
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import build_trust_condition
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import check_size
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import check_wildcard_principal
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import count_principals
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import describe_statement
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import merge_trust_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import other_principals
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import owned_sids
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import owned_sids_value
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import owned_statements_tag_key
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import recording_installs
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import statement_records
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import parse_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import policy_size
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import principals_from_options
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import statement_ownership

_PRINCIPAL_LIST = dict(type="list", elements="str", default=[])

# The argument spec of one entry of iam_roles' ``roles``.
ROLE_OPTIONS = dict(
    role_name=dict(type="str", required=True, aliases=["name"]),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    principals=dict(type="dict", default={},
                    options=dict(aws=_PRINCIPAL_LIST, service=_PRINCIPAL_LIST, federated=_PRINCIPAL_LIST)),
    actions=dict(type="list", elements="str", default=["sts:AssumeRole"]),
    external_id=dict(type="str"),
    conditions=dict(type="dict"),
    sid=dict(type="str"),
    install_id=dict(type="str", default=DEFAULT_INSTALL_ID),
    exclusive=dict(type="bool", default=False),
    prune_orphaned_principals=dict(type="bool", default=False),
    allow_wildcard_principal=dict(type="bool", default=False),
    create_role=dict(type="bool", default=False),
    path=dict(type="str", default="/"),
    description=dict(type="str"),
    permissions_boundary=dict(type="str"),
    managed_policies=dict(type="list", elements="str", default=[]),
    instance_profile=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=120),
    tags=dict(type="dict", default={}),
    adopt=dict(type="bool", default=False),
    adopt_statement=dict(type="bool", default=False),
    owned_inline_policies=dict(type="list", elements="str", default=[]),
    inline_policies=dict(type="list", elements="dict", default=[], options=dict(
        policy_name=dict(type="str", required=True),
        statements=dict(type="list", elements="dict", required=True, options=STATEMENT_OPTIONS),
    )),
    delete_role=dict(type="bool", default=False),
    prune_recorded_statements=dict(type="bool", default=False),
)


class RoleFailure(Exception):
    """One role cannot be converged: ``msg`` and ``field`` for ``fail_json``, ``extra`` for its result."""

    def __init__(self, msg, field, **extra):
        super(RoleFailure, self).__init__(msg)
        self.msg = msg
        self.field = field
        self.extra = extra


# ----------------------------------------------------------------------------------------------------------------
# Pure: options, plans, results
# ----------------------------------------------------------------------------------------------------------------


def validate_role(params, partition="aws"):
    """Check the options of one role (an entry of ``roles``) and return ``(principals, condition)`` in IAM form
    (``trust_policy.principals_from_options`` and ``build_trust_condition``). Raises ``PolicyError`` naming the
    option at fault: a bad principal or external id, ``{"AWS": "*"}`` without ``allow_wildcard_principal`` and a
    restricting condition, ``exclusive`` with no principal, a negative ``wait_timeout``, an ``install_id`` a tag key
    cannot hold."""
    principals = principals_from_options(params["principals"], partition)
    condition = build_trust_condition(params["external_id"], params["conditions"])
    if params["state"] == "present":
        check_wildcard_principal(principals, condition, params["allow_wildcard_principal"])
    if params["state"] == "present" and not principals and params["exclusive"]:
        raise PolicyError("exclusive=true with no principals would empty the statement; give principals.", "principals")
    if params["wait_timeout"] < 0:
        raise PolicyError("wait_timeout must be 0 or more seconds.", "wait_timeout")
    if not INSTALL_ID_RE.match(params["install_id"] or ""):
        raise PolicyError("install_id must be 1 to 64 of letters, digits and _.:/=+@- (it names a role tag), got %r."
                          % params["install_id"], "install_id")
    return principals, condition


def inline_policy_specs(params):
    """The owned statements of the role's ``inline_policies`` as ``[(policy_name, specs)]`` (``specs`` as
    ``policy_statements.statement_specs`` returns them). Raises ``PolicyError`` for a bad statement."""
    return [(item["policy_name"], statement_specs(dict(statements=item["statements"], sid=None)))
            for item in params["inline_policies"]]


def plan_roles(entries):
    """Check every entry of ``roles`` before the first AWS call, so that bad input changes nothing. Returns the
    inline policy specs of each entry, in order (``inline_policy_specs``). Raises ``RoleFailure`` (with the
    ``role_name`` of the first bad entry) instead of its ``PolicyError``."""
    plans = []
    for entry in entries:
        try:
            validate_role(entry)
            plans.append(inline_policy_specs(entry))
        except PolicyError as e:
            raise RoleFailure(e.message, e.field, role_name=entry["role_name"]) from e
    return plans


def new_result():
    """The result of one role before anything is known: nothing changed, created, attached, adopted or deleted."""
    return dict(changed=False, created=False, attached_policies=[], adopted=False, deleted=False, foreign=[],
                statement_ownership=None)


def untouched_trust_result(output, before):
    """``output`` completed for a role whose trust the run leaves as it is, ``before`` (a document, or ``None`` for
    a role that does not exist): nothing added, removed or found, the default quota."""
    policy = parse_policy(before) if before is not None else None
    output.update(policy=policy, added_principals=[], removed_principals=[], orphaned_principals=[], removed_statements=[],
                  other_recorded_statements=[],
                  other_principals=[], size=policy_size(before) if before is not None else 0,
                  size_limit=TRUST_POLICY_DEFAULT_QUOTA)
    return output


def role_tags(params):
    """The tags of the role and instance profile the run creates (and of a role it adopts): the ownership tag, the
    entry's ``tags`` and, with ``sid`` and ``state=present``, the record of the owned statement."""
    tags = ownership_tags(params["tags"])
    if params["sid"] and params["state"] == "present":
        tags[owned_statements_tag_key(params["install_id"])] = params["sid"]
    return tags


def refuse_role(params, role, account):
    """Raise ``RoleFailure`` for a role the run cannot converge: missing without ``create_role`` (with
    ``state=present``; ``account()`` names the account for the message) or service-linked (IAM does not let
    its trust change)."""
    role_name = params["role_name"]
    if role is None and not params["create_role"] and params["state"] == "present":
        raise RoleFailure(
            "The role %s does not exist in this account (%s). Create it first, or set create_role=true."
            % (role_name, account()),
            "role_name",
        )
    if role is not None and role.get("Path", "/").startswith(SERVICE_LINKED_ROLE_PATH):
        raise RoleFailure(
            "%s is a service-linked role (path %s); IAM does not allow its trust policy to change."
            % (role_name, role["Path"]),
            "role_name",
        )


def check_statement_ownership(params, role, before):
    """Whose the statement of ``sid`` in ``before`` (the role's trust) is (``trust_policy.statement_ownership``,
    from every install's record in the role's tags). A statement of another install or a foreign one is never
    changed: with ``state=present`` it raises ``RoleFailure`` naming it; with ``state=absent`` the verdict is
    returned for the caller to leave the role alone."""
    records = statement_records(role.get("Tags", []))
    verdict = statement_ownership(before, params["sid"], records, params["install_id"], params["adopt_statement"])
    if verdict not in ("foreign", "other-install") or params["state"] != "present":
        return verdict
    if verdict == "other-install":
        raise RoleFailure(
            "%s's trust statement %s belongs to another install of Spinnaker (install id %s, recorded in the tag "
            "%s<install id>); this install (%s) leaves it exactly as it is. Give this install's statement another "
            "Sid (managed_account_trust_sid or managed_account_base_iam_role_trust_sid; option sid)."
            % (role["RoleName"], params["sid"], ", ".join(recording_installs(records, params["sid"], params["install_id"])),
               OWNED_STATEMENTS_TAG_PREFIX, params["install_id"]),
            "sid", statement_ownership=verdict, role_arn=role["Arn"],
        )
    raise RoleFailure(
        "%s's trust policy has a statement with Sid %s that the collection did not write (%s). It is left "
        "exactly as it is. Choose another Sid for the collection's statement (option sid; managed_account_trust_sid "
        "or base_iam_role_trust_sid in the roles), or, if it is yours to change, take it over with "
        "adopt_statement=true (managed_account_adopt_trust_statement, base_iam_role_adopt_trust_statement)."
        % (role["RoleName"], params["sid"], describe_statement(before, params["sid"])),
        "sid", statement_ownership=verdict, role_arn=role["Arn"],
    )


def foreign_statement_result(output, params, role, before, verdict):
    """The result of ``state=absent`` on a role whose statement of ``sid`` is foreign or another install's
    (``verdict``): left as it is, reported in ``foreign``."""
    whose = ("recorded by another install of Spinnaker (%s)" % ", ".join(recording_installs(
        statement_records(role.get("Tags", [])), params["sid"], params["install_id"]))
        if verdict == "other-install" else "not written by this install")
    output.update(statement_ownership=verdict, role_arn=role["Arn"], foreign=[
        "trust statement %s, %s (%s)" % (params["sid"], whose, describe_statement(before, params["sid"]))])
    return untouched_trust_result(output, before)


def plan_trust(params, role_name, before, partition, allow_empty=False):
    """Merge the role's options into ``before`` (its trust policy, ``None`` for a new role) with
    ``trust_policy.merge_trust_policy``; the result also carries ``other_principals`` (what an exclusive merge
    would remove). Raises ``PolicyError`` when the merge leaves no statement (IAM rejects that), unless
    ``allow_empty`` (the role is about to be deleted). ``params["recorded_sids"]``: the Sids this install recorded
    (a set or ``None``); those other than ``sid`` are removed with ``prune_recorded_statements``
    (``removed_statements``), else reported (``other_recorded_statements``)."""
    principals, condition = validate_role(params, partition)
    result = merge_trust_policy(
        before, principals, actions=params["actions"], condition=condition, sid=params["sid"],
        state=params["state"], exclusive=params["exclusive"],
        prune_orphaned_principals=params["prune_orphaned_principals"],
    )
    others = set(params.get("recorded_sids") or set()) - {params["sid"]}
    pruning = params["prune_recorded_statements"] and params["sid"] and params["state"] == "present"
    result["removed_statements"] = sorted(s["Sid"] for s in result["policy"]["Statement"] if pruning and s.get("Sid") in others)
    if result["removed_statements"]:
        result["policy"]["Statement"] = [s for s in result["policy"]["Statement"] if s.get("Sid") not in others]
        result["changed"] = True
    result["other_recorded_statements"] = sorted(s["Sid"] for s in result["policy"]["Statement"] if s.get("Sid") in others)
    result["other_principals"] = other_principals(result["policy"], params["sid"], principals)
    if not result["policy"]["Statement"] and not allow_empty:
        raise PolicyError(
            "The change would leave %s's trust policy with no statement, which IAM rejects; keep at least one "
            "principal or delete the role." % role_name,
            "principals",
        )
    return result


def recorded_sids_after(sid, recorded, policy):
    """The record of owned Sids (the role's tag) that matches ``policy`` just written: ``sid`` added when its
    statement is there, every Sid whose statement is gone dropped. ``recorded``: the current record (a set,
    ``None`` without the tag). Returns the new set, or ``None`` when the tag needs no write."""
    in_policy = set(s.get("Sid") for s in policy["Statement"])
    present = sid in in_policy
    wanted = set(recorded or set()) & in_policy
    wanted = wanted | {sid} if present else wanted
    if recorded is not None and wanted == recorded:
        return None
    if recorded is None and not present:
        return None
    return wanted


def owned_policy_arns(attached, managed_policies):
    """The ARNs of ``attached`` (IAM's ``AttachedPolicies``) that ``managed_policies`` (names or ARNs) names."""
    wanted = set(managed_policies)
    return [p["PolicyArn"] for p in attached if p["PolicyArn"] in wanted or p["PolicyName"] in wanted]


def role_diff(role_name, before, result):
    """The diff of one role's trust policy, headed by its name; ``after`` is ``None`` for a deleted role."""
    after = None if result.get("deleted") else result.get("policy")
    return dict(before=before, after=after, before_header=role_name, after_header=role_name)


def invalid_principal_message(error, params):
    """The message for an ``AnsibleIAMError`` that is IAM's "Invalid principal" after ``wait_timeout`` of retries,
    else ``None`` (the error's own message is the right one)."""
    if not is_invalid_principal_error(error.exception):
        return None
    return ("IAM still rejects a principal of %s's trust policy after %d seconds: check that every principal "
            "exists (a principal created moments ago can take a minute to be visible)."
            % (params["role_name"], params["wait_timeout"]))


# ----------------------------------------------------------------------------------------------------------------
# AWS: converging one role
# ----------------------------------------------------------------------------------------------------------------


def converge_role(client, params, inline_specs, check_mode=False, account=None):
    """Converge one role (``converge_one_role``); a role that appeared between the read and the create (our own
    create whose answer was lost, or another writer's: ``RoleAppeared``) is read again and converged as an
    existing one, its ownership checked like any other's."""
    try:
        return converge_one_role(client, params, inline_specs, check_mode, account)
    except RoleAppeared:
        return converge_one_role(client, params, inline_specs, check_mode, account)


def converge_one_role(client, params, inline_specs, check_mode=False, account=None):
    """Converge one role with the options ``params`` (an entry of ``roles``) and its parsed ``inline_specs``
    (``inline_policy_specs``); ``client``: an IAM client; ``account()`` names the account for a missing role's
    message. Returns ``(result, trust policy before)``; in check mode nothing is written and the result says what
    would change. Raises ``RoleFailure``, ``PolicyError`` and ``AnsibleIAMError``."""
    role_name = params["role_name"]
    role = get_iam_role(client, role_name)
    refuse_role(params, role, account or (lambda: "account unknown"))
    output = new_result()
    if role is None and params["state"] == "absent":
        return untouched_trust_result(output, None), None
    before = role.get("AssumeRolePolicyDocument") if role else None
    partition = role["Arn"].split(":")[1] if role else "aws"
    recorded = owned_sids(role.get("Tags", []), params["install_id"]) if role else None
    params = dict(params, recorded_sids=recorded)
    if role is not None and params["sid"]:
        output["statement_ownership"] = check_statement_ownership(params, role, before)
        if output["statement_ownership"] in ("foreign", "other-install"):
            return foreign_statement_result(output, params, role, before, output["statement_ownership"]), before
    deleting = params["state"] == "absent" and params["delete_role"]
    result, size, size_limit = merged_trust(client, params, role_name, before, partition, allow_empty=deleting)
    output.update(result, size=size, size_limit=size_limit)
    if deleting:
        delete_if_unused(client, params, role, output, check_mode)
        return output, before
    role = write_role_trust(client, params, role, before, partition, output, check_mode)
    if output["created"]:  # IAM may not know it yet on the next call that names it: NoSuchEntity is retried
        client = NewRoleClient(client, params["wait_timeout"])
    if role is not None:
        converge_role_parts(client, params, role, recorded, output, check_mode)
    if inline_specs and params["state"] == "present" and (role is not None or output["created"]):
        output["inline_policies"] = ensure_inline_policies(client, role_name, inline_specs, role is None, check_mode)
        output["changed"] = output["changed"] or any(r["changed"] for r in output["inline_policies"].values())
    output["changed"] = output["changed"] or bool(output["attached_policies"])
    return output, before


def merged_trust(client, params, role_name, before, partition, allow_empty=False):
    """``plan_trust``, then the size check; returns ``(merge result, size, size limit)``. The account's quota is
    read (``iam:GetAccountSummary``) only when a changed policy is over IAM's default; raises ``PolicyError`` when
    the result is over the quota."""
    result = plan_trust(params, role_name, before, partition, allow_empty)
    policy = result["policy"]
    if not policy["Statement"]:
        return result, 0, TRUST_POLICY_DEFAULT_QUOTA
    size = policy_size(policy)
    size_limit = TRUST_POLICY_DEFAULT_QUOTA
    if result["changed"] and size > TRUST_POLICY_DEFAULT_QUOTA:
        size_limit = trust_policy_quota(client)
    if result["changed"]:
        check_size(policy, size_limit, "trust policy of role %s" % role_name, count_principals(policy), "principals")
    return result, size, size_limit


def write_role_trust(client, params, role, before, partition, output, check_mode):
    """Create the missing ``role`` with the merged trust of ``output``, or write the trust of an existing one when
    it changed (``write_trust``); ``output`` is updated. Returns the role (``None`` when check mode would create
    it)."""
    if role is None:
        output.update(changed=True, created=True, permissions_boundary=params["permissions_boundary"])
        if check_mode:
            return None
        return create_role(
            client, params["role_name"], params["path"], params["description"], json.dumps(output["policy"]),
            params["wait_timeout"], tags=role_tags(params), permissions_boundary=params["permissions_boundary"],
        )
    if output["changed"] and not check_mode:
        output.update(write_trust(client, params, params["role_name"], before, output, partition))
    return role


def converge_role_parts(client, params, role, recorded, output, check_mode):
    """Converge what hangs on an existing (or just created) ``role`` besides its trust: managed policies, adoption,
    the permissions boundary, the instance profile and the record of the owned statement. ``output`` is updated."""
    attached = None
    if params["managed_policies"]:
        attached = [] if output["created"] else list_iam_role_attached_policies(client, role["RoleName"])
        output["attached_policies"] = attach_role_managed_policies(
            client, role["RoleName"], role["Arn"], params["managed_policies"], attached, check_mode)
    if params["adopt"] and not output["created"] and not is_owned(role.get("Tags", [])):
        adopt_role(client, params, role, attached, output, check_mode)
    if not output["created"]:
        output["permissions_boundary"], boundary_changed = ensure_boundary(
            client, role, params["permissions_boundary"], output["adopted"], check_mode)
        output["changed"] = output["changed"] or boundary_changed
    if params["instance_profile"]:
        profile_changed, profile_arn = ensure_instance_profile(
            client, role["RoleName"], params["path"], check_mode, tags=role_tags(params))
        output["changed"] = output["changed"] or profile_changed
        if profile_arn:
            output["instance_profile_arn"] = profile_arn
    output["role_arn"] = role["Arn"]
    if not output["created"] and params["sid"]:
        recorded_changed = record_statement(client, params, role["RoleName"], recorded, output["policy"], check_mode)
        output["changed"] = recorded_changed or output["changed"]


def adopt_role(client, params, role, attached, output, check_mode):
    """Tag an untagged ``role`` as the collection's when nothing on it is foreign (``role_foreign_parts``);
    otherwise report what is in ``output["foreign"]``. The record of owned statements is left to
    ``record_statement``."""
    output["foreign"] = role_foreign_parts(client, params, role, output["policy"], attached)
    if output["foreign"]:
        return
    output.update(adopted=True, changed=True)
    if not check_mode:
        tags = dict((k, v) for k, v in role_tags(params).items() if not k.startswith(OWNED_STATEMENTS_TAG_PREFIX))
        tag_role(client, role["RoleName"], tags)


def ensure_boundary(client, role, wanted, adopted, check_mode):
    """Make an owned role's permissions boundary ``wanted`` (an ARN; ``None``: not managed). Returns
    ``(boundary after the run, changed)``. A role the collection does not own (nor adopts in this run) keeps its own."""
    have = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if not wanted or have == wanted or not (adopted or is_owned(role.get("Tags", []))):
        return have, False
    if not check_mode:
        put_role_permissions_boundary(client, role["RoleName"], wanted)
    return wanted, True


def ensure_inline_policies(client, role_name, inline_specs, planned_role, check_mode):
    """Merge each ``(policy_name, specs)`` of ``inline_specs`` into the role's inline policy of that name
    (``policy_statements.merge_inline_policy``); ``planned_role``: the role does not exist yet (check mode), so the
    merge is planned from no document without a call. Returns the results by policy name."""
    results = {}
    for policy_name, specs in inline_specs:
        if planned_role:
            policy = merge_all(None, specs, "present", False)[0]
            results[policy_name] = dict(changed=True, policy=policy, size=policy_size(policy), size_limit=INLINE_POLICY_QUOTAS["role"])
        else:
            results[policy_name] = merge_inline_policy(client, "role", role_name, policy_name, specs, check_mode=check_mode)[0]
    return results


def record_statement(client, params, role_name, recorded, policy, check_mode):
    """Keep the role's record of the Sids this install (``params["install_id"]``) wrote in step with ``policy``, the trust just written
    (``recorded_sids_after``). Returns whether the tag changed (it is written only outside check mode)."""
    wanted = recorded_sids_after(params["sid"], recorded, policy)
    if wanted is None:
        return False
    if not check_mode:
        tag_role(client, role_name, {owned_statements_tag_key(params["install_id"]): owned_sids_value(wanted)})
    return True


def role_foreign_parts(client, params, role, policy, attached=None):
    """What on ``role`` the collection does not own, with ``policy`` as its trust (``api.foreign_parts``);
    ``attached``: its ``AttachedPolicies`` when already read."""
    role_name = role["RoleName"]
    if attached is None:
        attached = list_iam_role_attached_policies(client, role_name)
    return foreign_parts(
        policy, [params["sid"]] if params["sid"] else [], [p["PolicyArn"] for p in attached],
        owned_policy_arns(attached, params["managed_policies"]),
        list_role_inline_policy_names(client, role_name), params["owned_inline_policies"],
    )


def delete_if_unused(client, params, role, output, check_mode):
    """``state=absent`` with ``delete_role``: delete the role when it is ours and nothing foreign remains, else
    write the trust of ``output`` (without the owned statement). Raises ``PolicyError`` when the role stays and
    its trust would be left with no statement (IAM rejects that)."""
    role_name = role["RoleName"]
    attached = list_iam_role_attached_policies(client, role_name)
    output["foreign"] = role_foreign_parts(client, params, role, output["policy"], attached)
    if not is_owned(role.get("Tags", [])):
        output["foreign"].insert(0, "no %s=%s tag (not created by the collection)" % (OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE))
    if not output["foreign"]:
        output.update(changed=True, deleted=True, role_arn=role["Arn"])
        if not check_mode:
            inline = list_role_inline_policy_names(client, role_name)
            output["deleted_instance_profiles"] = delete_owned_role(client, role_name, [p["PolicyArn"] for p in attached], inline)
        return
    if not output["policy"]["Statement"]:
        raise PolicyError(
            "%s cannot be deleted (%s) and removing the owned statement would leave its trust policy with no statement, "
            "which IAM rejects. Delete the role by hand, or give it another statement first." % (role_name, "; ".join(output["foreign"])),
            "delete_role",
        )
    output["role_arn"] = role["Arn"]
    if output["changed"] and not check_mode:
        update_trust_policy(client, role_name, json.dumps(output["policy"]), params["wait_timeout"])
    if record_statement(client, params, role_name, owned_sids(role.get("Tags", []), params["install_id"]), output["policy"], check_mode):
        output["changed"] = True


def write_trust(client, params, role_name, before, result, partition):
    """Write the merged trust policy so that a concurrent writer's change is not lost silently: re-read just before
    and just after the write, and merge again from a document another writer changed (``api.guarded_merge``).
    Returns the merge result last written (``changed`` stays true). Raises ``PolicyError`` when the document keeps
    changing under every attempt."""
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
                          "is done." % (role_name, e), "role_name") from e
    return dict(merged, changed=True)


def describe_account(clients, identity):
    """Name the account for an error message: the session's (``session.open_session``'s ``identity``), else best
    effort with one ``sts:GetCallerIdentity``, made only on failure. ``clients``: the run's ``SessionClients``."""
    if identity:
        return "account %s" % identity["account_id"]
    try:
        return "account %s" % clients.client("sts").get_caller_identity(aws_retry=True)["Account"]
    except Exception:  # pylint: disable=broad-except
        return "account unknown: sts:GetCallerIdentity failed"
