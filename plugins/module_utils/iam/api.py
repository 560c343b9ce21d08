# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM reads and writes for the policy-merging modules: thin wrappers around single API calls.

Each wrapper is decorated like amazon.aws's ``module_utils.iam`` helpers: ``AWSRetry.jittered_backoff`` for
throttling and ``IAMErrorHandler`` to turn botocore errors into ``AnsibleIAMError`` with a readable message.
What amazon.aws already wraps (``get_iam_role``, ``list_iam_managed_policy_versions``,
``get_iam_managed_policy_version``) is imported from there, not rewritten.
"""

import random
import time

try:
    import botocore
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.iam import IAMErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.iam import add_role_to_iam_instance_profile
from ansible_collections.amazon.aws.plugins.module_utils.iam import create_iam_instance_profile
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_iam_managed_policy_version
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_instance_profiles
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_managed_policy_versions
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import TRUST_POLICY_DEFAULT_QUOTA
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import canonicalize_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import parse_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import policy_size

# IAM keeps at most five versions of a managed policy (IAM User Guide, "Versioning IAM policies").
MANAGED_POLICY_MAX_VERSIONS = 5
SERVICE_LINKED_ROLE_PATH = "/aws-service-role/"


def is_invalid_principal_error(error):
    """Return True for ``MalformedPolicyDocument: Invalid principal in policy`` (and only that).

    IAM answers so for a principal that does not exist, or does not exist YET: a user or role created seconds
    ago may not be visible to IAM's policy validation (eventual consistency, "Troubleshooting IAM";
    terraform-provider-aws retries this for 2 minutes). Every other MalformedPolicyDocument is final.
    """
    if not isinstance(error, botocore.exceptions.ClientError):
        return False
    details = error.response.get("Error", {})
    return details.get("Code") == "MalformedPolicyDocument" and "invalid principal" in details.get("Message", "").lower()


def retry_on(call, is_retryable, timeout, sleep=time.sleep, clock=time.monotonic, base_delay=2.0, max_delay=20.0):
    """Run ``call()`` and retry it while it raises a ``ClientError`` for which ``is_retryable(error)`` is true,
    for up to ``timeout`` seconds.

    Delays follow "full jitter" exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
    attempt n sleeps a uniform random time in ``[0, min(max_delay, base_delay * 2**n)]``, never past the
    deadline. Any other error, and the last retryable one once the deadline has passed, is raised as is.
    ``sleep`` and ``clock`` are injectable for tests. Returns ``(result, attempts)``.
    """
    deadline = clock() + timeout
    attempt = 0
    while True:
        attempt += 1
        try:
            return call(), attempt
        except botocore.exceptions.ClientError as e:
            remaining = deadline - clock()
            if not is_retryable(e) or remaining <= 0:
                raise
            sleep(min(remaining, random.uniform(0, min(max_delay, base_delay * 2 ** (attempt - 1)))))


def retry_invalid_principal(call, timeout, sleep=time.sleep, clock=time.monotonic):
    """``retry_on`` for "Invalid principal" only (see ``is_invalid_principal_error``)."""
    return retry_on(call, is_invalid_principal_error, timeout, sleep=sleep, clock=clock)


def is_no_such_entity_error(error):
    """Return True for ``NoSuchEntity``: right after ``iam:CreateRole`` (or ``CreateInstanceProfile``) IAM may not
    know the new role yet on the next call that names it (eventual consistency, IAM User Guide "Troubleshooting
    IAM": changes are not visible everywhere at once)."""
    return isinstance(error, botocore.exceptions.ClientError) and error.response.get("Error", {}).get("Code") == "NoSuchEntity"


class NewRoleClient:
    """The IAM client of a role this run just created: the calls that name that role (``NEW_ROLE_CALLS``) retry
    ``NoSuchEntity`` with ``retry_on`` for up to ``timeout`` seconds, as "Invalid principal" is retried; every other
    call and error passes through unchanged. ``sleep`` and ``clock`` are injectable for tests."""

    # Not get_role_policy: its NoSuchEntity is the answer "no such inline policy" (yet), not a role IAM cannot see.
    NEW_ROLE_CALLS = ("attach_role_policy", "put_role_policy", "add_role_to_instance_profile",
                      "put_role_permissions_boundary", "tag_role", "list_role_policies",
                      "list_attached_role_policies", "list_instance_profiles_for_role")

    def __init__(self, client, timeout, sleep=time.sleep, clock=time.monotonic):
        self._client = client
        self._timeout = timeout
        self._sleep = sleep
        self._clock = clock

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if name not in self.NEW_ROLE_CALLS:
            return attribute

        def call(*args, **kwargs):
            return retry_on(lambda: attribute(*args, **kwargs), is_no_such_entity_error, self._timeout,
                            sleep=self._sleep, clock=self._clock)[0]
        return call


@IAMErrorHandler.common_error_handler("update the role's trust policy")
def update_trust_policy(client, role_name, document_json, wait_timeout, sleep=time.sleep):
    """Write a role's trust policy (``iam:UpdateAssumeRolePolicy``); returns the number of attempts.

    Throttling is retried by the client's ``AWSRetry`` decorator; "Invalid principal" for up to
    ``wait_timeout`` seconds (see ``retry_invalid_principal``). Raises ``AnsibleIAMError`` otherwise.
    """
    return retry_invalid_principal(
        lambda: client.update_assume_role_policy(aws_retry=True, RoleName=role_name, PolicyDocument=document_json),
        wait_timeout,
        sleep=sleep,
    )[1]


def trust_policy_quota(client):
    """Return the account's trust policy size quota in characters.

    Read from ``GetAccountSummary`` (``SummaryMap.AssumeRolePolicySizeQuota``; adjustable, quota L-C07B4B0D);
    2048, IAM's default, when the summary does not give it or cannot be read (AccessDenied).
    """
    try:
        summary = client.get_account_summary(aws_retry=True)["SummaryMap"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError):
        return TRUST_POLICY_DEFAULT_QUOTA
    return int(summary.get("AssumeRolePolicySizeQuota") or TRUST_POLICY_DEFAULT_QUOTA)


@IAMErrorHandler.list_error_handler("get managed policy")
@AWSRetry.jittered_backoff()
def get_managed_policy(client, arn):
    """Return ``GetPolicy``'s ``Policy`` dict for ``arn``, or ``None`` when it does not exist."""
    return client.get_policy(PolicyArn=arn)["Policy"]


def get_managed_policy_document(client, policy):
    """Return the default version's document (a dict) of a managed policy (``GetPolicy`` output)."""
    version = get_iam_managed_policy_version(client, policy["Arn"], policy["DefaultVersionId"])
    return parse_policy(version["Document"])


@IAMErrorHandler.common_error_handler("create managed policy")
@AWSRetry.jittered_backoff()
def create_managed_policy(client, name, path, description, document_json, tags=None):
    """Create a customer managed policy (``iam:CreatePolicy``) tagged with ``tags`` (a dict); returns its
    ``Policy`` dict."""
    params = dict(PolicyName=name, Path=path, PolicyDocument=document_json)
    if description:
        params["Description"] = description
    if tags:
        params["Tags"] = tag_list(tags)
    return client.create_policy(**params)["Policy"]


@IAMErrorHandler.common_error_handler("delete managed policy version")
@AWSRetry.jittered_backoff()
def _delete_policy_version(client, arn, version_id):
    client.delete_policy_version(PolicyArn=arn, VersionId=version_id)


@IAMErrorHandler.common_error_handler("create managed policy version")
@AWSRetry.jittered_backoff()
def _create_policy_version(client, arn, document_json):
    return client.create_policy_version(PolicyArn=arn, PolicyDocument=document_json, SetAsDefault=True)


def put_managed_policy_version(client, arn, document_json):
    """Make ``document_json`` the default version of the managed policy ``arn``.

    IAM keeps at most five versions (``LimitExceeded`` past that; IAM User Guide, "Versioning IAM policies"), so
    when five exist the oldest non-default version is deleted first. Returns ``{"version_id": new id,
    "deleted_version": {"version_id", "create_date" (ISO 8601)} or None}``.
    """
    versions = list_iam_managed_policy_versions(client, arn)
    deleted = None
    if len(versions) >= MANAGED_POLICY_MAX_VERSIONS:
        candidates = sorted((v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"])
        oldest = candidates[0]
        created = oldest["CreateDate"]
        deleted = {"version_id": oldest["VersionId"],
                   "create_date": created.isoformat() if hasattr(created, "isoformat") else str(created)}
        _delete_policy_version(client, arn, oldest["VersionId"])
    created = _create_policy_version(client, arn, document_json)
    return {"version_id": created["PolicyVersion"]["VersionId"], "deleted_version": deleted}


def _inline_call(client, entity, verb):
    # entity is "role" or "user": get_role_policy / put_user_policy / ...
    return getattr(client, "%s_%s_policy" % (verb, entity))


def _entity_kwargs(entity, entity_name, policy_name=None):
    kwargs = {"%sName" % entity.capitalize(): entity_name}
    if policy_name is not None:
        kwargs["PolicyName"] = policy_name
    return kwargs


def get_inline_policy_document(client, entity, entity_name, policy_name):
    """Return the inline policy ``policy_name`` of a role or user (``entity`` is "role" or "user") as a dict,
    or ``None`` when it does not exist. Raises ``AnsibleIAMError`` when the role or user itself is missing."""
    try:
        response = _inline_call(client, entity, "get")(aws_retry=True, **_entity_kwargs(entity, entity_name, policy_name))
    except is_boto3_error_code("NoSuchEntity") as e:
        message = e.response.get("Error", {}).get("Message", "")
        if "policy" in message.lower():
            return None
        raise AnsibleIAMError(message="The %s %s does not exist" % (entity, entity_name), exception=e) from e
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        raise AnsibleIAMError(message="Failed to get inline policy %s" % policy_name, exception=e) from e
    return parse_policy(response["PolicyDocument"])


def other_inline_policies_size(client, entity, entity_name, policy_name):
    """Return the total size of the inline policies of a role or user other than ``policy_name``.

    IAM's quota for inline policies counts all of an entity's inline policies together (role 10,240, user
    2,048 characters).
    """
    try:
        paginator = client.get_paginator("list_%s_policies" % entity)
        names = paginator.paginate(**_entity_kwargs(entity, entity_name)).build_full_result()["PolicyNames"]
        total = 0
        for name in names:
            if name != policy_name:
                document = _inline_call(client, entity, "get")(aws_retry=True, **_entity_kwargs(entity, entity_name, name))
                total += policy_size(parse_policy(document["PolicyDocument"]))
        return total
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        raise AnsibleIAMError(message="Failed to list the inline policies of %s %s" % (entity, entity_name), exception=e) from e


@IAMErrorHandler.common_error_handler("put inline policy")
def put_inline_policy(client, entity, entity_name, policy_name, document_json):
    """Write an inline policy of a role or user (``iam:PutRolePolicy`` / ``iam:PutUserPolicy``)."""
    _inline_call(client, entity, "put")(
        aws_retry=True, PolicyDocument=document_json, **_entity_kwargs(entity, entity_name, policy_name)
    )


@IAMErrorHandler.deletion_error_handler("delete inline policy")
def delete_inline_policy(client, entity, entity_name, policy_name):
    """Delete an inline policy of a role or user; ``False`` when it was already gone."""
    _inline_call(client, entity, "delete")(aws_retry=True, **_entity_kwargs(entity, entity_name, policy_name))
    return True


# ----------------------------------------------------------------------------------------------------------------
# Creating a missing role, attaching managed policies, the instance profile (iam_roles' extras)
# ----------------------------------------------------------------------------------------------------------------


class RoleAppeared(Exception):
    """``iam:CreateRole`` answered ``EntityAlreadyExists``: the role exists now, created by this very call whose
    first answer was lost (botocore retried it) or by another writer. The caller reads it and converges it as an
    existing role, whose ownership is then checked like any other's."""


@IAMErrorHandler.common_error_handler("create role")
def create_role(client, role_name, path, description, document_json, wait_timeout, sleep=time.sleep, tags=None,
                permissions_boundary=None):
    """Create a role whose trust policy is ``document_json`` (``iam:CreateRole``), tagged with ``tags`` (a dict),
    under ``path`` (``/`` or ``/a/b/``) and with ``permissions_boundary`` (a managed policy ARN) when given;
    returns the ``Role`` dict.

    "Invalid principal" (a principal created moments ago) is retried like ``update_trust_policy``.
    Raises ``RoleAppeared`` for ``EntityAlreadyExists``.
    """
    params = dict(RoleName=role_name, Path=path or "/", AssumeRolePolicyDocument=document_json)
    if description:
        params["Description"] = description
    if tags:
        params["Tags"] = tag_list(tags)
    if permissions_boundary:
        params["PermissionsBoundary"] = permissions_boundary
    try:
        return retry_invalid_principal(lambda: client.create_role(aws_retry=True, **params)["Role"], wait_timeout, sleep=sleep)[0]
    except is_boto3_error_code("EntityAlreadyExists") as e:
        raise RoleAppeared(role_name) from e


@IAMErrorHandler.common_error_handler("set the permissions boundary of role")
@AWSRetry.jittered_backoff()
def put_role_permissions_boundary(client, role_name, boundary_arn):
    """``iam:PutRolePermissionsBoundary``: make ``boundary_arn`` (a managed policy ARN) the role's boundary."""
    client.put_role_permissions_boundary(RoleName=role_name, PermissionsBoundary=boundary_arn)


def managed_policy_arn_candidates(name_or_arn, partition, account_id):
    """Return the ARNs a managed policy option may mean: itself when it is an ARN, else the AWS managed policy
    of that name, then the customer managed policy of that name in the role's account."""
    if name_or_arn.startswith("arn:"):
        return [name_or_arn]
    return [
        "arn:%s:iam::aws:policy/%s" % (partition, name_or_arn),
        "arn:%s:iam::%s:policy/%s" % (partition, account_id, name_or_arn),
    ]


@IAMErrorHandler.common_error_handler("attach managed policy to role")
@AWSRetry.jittered_backoff()
def _attach_role_policy(client, role_name, arn):
    client.attach_role_policy(RoleName=role_name, PolicyArn=arn)


def attach_role_managed_policies(client, role_name, role_arn, wanted, attached, check_mode):
    """Attach the managed policies in ``wanted`` (names or ARNs) that are not in ``attached`` (the role's
    ``AttachedPolicies``); never detaches. Returns the ARNs attached (or that would be).

    A name already attached (by ``PolicyName``) costs no call. Otherwise it is resolved as an AWS managed
    policy, then as a customer managed policy in the role's account; raises ``AnsibleIAMError`` when neither
    exists.
    """
    partition, account_id = role_arn.split(":")[1], role_arn.split(":")[4]
    attached_arns = set(p["PolicyArn"] for p in attached)
    attached_names = set(p["PolicyName"] for p in attached)
    added = []
    for item in wanted:
        if item in attached_arns or item in attached_names:
            continue
        for arn in managed_policy_arn_candidates(item, partition, account_id):
            if arn in attached_arns:
                break
            if get_managed_policy(client, arn) is not None:
                if not check_mode:
                    _attach_role_policy(client, role_name, arn)
                added.append(arn)
                attached_arns.add(arn)
                break
        else:
            raise AnsibleIAMError(
                message="managed_policies: %r is neither an AWS managed policy nor a customer managed policy in "
                "account %s; give its ARN, or create it first." % (item, account_id)
            )
    return added


def create_instance_profile(client, name, path, tags):
    """``iam:CreateInstanceProfile`` (amazon.aws ``create_iam_instance_profile``); on ``EntityAlreadyExists`` (the
    first answer was lost and botocore's retry met the profile, or another writer made it) the profile is read and
    returned, for the caller to check which role it holds."""
    try:
        return create_iam_instance_profile(client, name, path, tags)
    except AnsibleIAMError as e:
        if not isinstance(e.exception, is_boto3_error_code("EntityAlreadyExists", e=e.exception)):
            raise
    return client.get_instance_profile(aws_retry=True, InstanceProfileName=name)["InstanceProfile"]


def ensure_instance_profile(client, role_name, path, check_mode, tags=None):
    """Make sure an instance profile named ``role_name`` exists and holds the role (EC2 uses a role only
    through an instance profile; clouddriver's ``BaseIAMRole`` default is an instance profile NAME).

    Returns ``(changed, profile_arn or None)``. Raises ``AnsibleIAMError`` when a profile of that name already
    holds another role (a profile holds at most one role).
    """
    for profile in list_iam_instance_profiles(client, role=role_name):
        if profile["InstanceProfileName"] == role_name:
            return False, profile["Arn"]
    if check_mode:
        return True, None
    try:
        profile = client.get_instance_profile(aws_retry=True, InstanceProfileName=role_name)["InstanceProfile"]
    except is_boto3_error_code("NoSuchEntity"):
        profile = create_instance_profile(client, role_name, path, tags)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        raise AnsibleIAMError(message="Failed to get instance profile %s" % role_name, exception=e) from e
    others = [r["RoleName"] for r in profile.get("Roles", []) if r["RoleName"] != role_name]
    if others:
        raise AnsibleIAMError(
            message="The instance profile %s already holds the role %s; an instance profile holds one role. Remove "
            "it from the profile or choose another role name." % (role_name, others[0])
        )
    add_role_to_iam_instance_profile(client, role_name, role_name)
    return True, profile["Arn"]


# ----------------------------------------------------------------------------------------------------------------
# Ownership: the tag on what the collection creates, adoption of untagged resources, deleting a role it owns
# ----------------------------------------------------------------------------------------------------------------

# Every role, user, policy, instance profile and secret the collection creates carries this tag; a resource without
# it is never deleted (at most the collection's own statements in it are removed).
OWNERSHIP_TAG_KEY = "managed-by"
OWNERSHIP_TAG_VALUE = "spinnaker.aws"


def ownership_tags(extra=None):
    """The tags of a resource the collection creates: ``managed-by: spinnaker.aws`` plus ``extra`` (the user's
    ``spinnaker_aws_tags``, which cannot override the ownership tag). A dict of str to str."""
    tags = dict((str(k), str(v)) for k, v in (extra or {}).items())
    tags[OWNERSHIP_TAG_KEY] = OWNERSHIP_TAG_VALUE
    return tags


def tag_list(tags):
    """``{"k": "v"}`` -> IAM's ``[{"Key": "k", "Value": "v"}]``, sorted by key."""
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def is_owned(tags):
    """Whether a resource's tags (IAM's list form or a dict) mark it as created by the collection."""
    if isinstance(tags, list):
        tags = dict((t["Key"], t["Value"]) for t in tags)
    return (tags or {}).get(OWNERSHIP_TAG_KEY) == OWNERSHIP_TAG_VALUE


def foreign_parts(trust_policy, owned_sids, attached_arns, owned_policy_arns, inline_names, owned_inline_names):
    """What on a role the collection does not own, as a list of readable strings (empty: nothing foreign).

    ``trust_policy``: the role's trust document; a statement is foreign unless its Sid is in ``owned_sids``.
    ``attached_arns``: the ARNs of its attached managed policies; foreign unless in ``owned_policy_arns``.
    ``inline_names``: its inline policy names; foreign unless in ``owned_inline_names``.
    """
    parts = []
    for statement in parse_policy(trust_policy)["Statement"] if trust_policy else []:
        if statement.get("Sid") not in owned_sids:
            parts.append("trust statement %s" % (statement.get("Sid") or "(no Sid)"))
    parts += ["managed policy %s" % arn for arn in attached_arns if arn not in owned_policy_arns]
    parts += ["inline policy %s" % name for name in inline_names if name not in owned_inline_names]
    return parts


@IAMErrorHandler.common_error_handler("list role tags")
def list_role_tags(client, role_name):
    """The role's tags as IAM's list (``iam:ListRoleTags``)."""
    return client.list_role_tags(aws_retry=True, RoleName=role_name).get("Tags", [])


@IAMErrorHandler.common_error_handler("tag policy")
def tag_policy(client, arn, tags):
    """Add ``tags`` (a dict) to the managed policy (``iam:TagPolicy``); other tags are kept."""
    client.tag_policy(aws_retry=True, PolicyArn=arn, Tags=tag_list(tags))


@IAMErrorHandler.common_error_handler("tag role")
def tag_role(client, role_name, tags):
    """Add ``tags`` (a dict) to the role (``iam:TagRole``); other tags are kept."""
    client.tag_role(aws_retry=True, RoleName=role_name, Tags=tag_list(tags))


@IAMErrorHandler.common_error_handler("list role inline policies")
def list_role_inline_policy_names(client, role_name):
    """The names of the role's inline policies (``iam:ListRolePolicies``, paginated)."""
    paginator = client.get_paginator("list_role_policies")
    return paginator.paginate(RoleName=role_name).build_full_result().get("PolicyNames", [])


@IAMErrorHandler.common_error_handler("delete role")
def delete_owned_role(client, role_name, attached_arns, inline_names):
    """Delete a role the collection owns, in the order IAM requires (IAM User Guide, "Deleting roles or instance
    profiles"): its inline policies, its managed policy attachments, its instance profiles (an instance profile
    is deleted only when it carries the ownership tag; otherwise the role is only removed from it), the role.

    Returns the names of the instance profiles deleted.
    """
    for name in inline_names:
        client.delete_role_policy(aws_retry=True, RoleName=role_name, PolicyName=name)
    for arn in attached_arns:
        client.detach_role_policy(aws_retry=True, RoleName=role_name, PolicyArn=arn)
    deleted_profiles = []
    for profile in list_iam_instance_profiles(client, role=role_name):
        name = profile["InstanceProfileName"]
        client.remove_role_from_instance_profile(aws_retry=True, InstanceProfileName=name, RoleName=role_name)
        tags = client.get_instance_profile(aws_retry=True, InstanceProfileName=name)["InstanceProfile"].get("Tags", [])
        if is_owned(tags):
            client.delete_instance_profile(aws_retry=True, InstanceProfileName=name)
            deleted_profiles.append(name)
    client.delete_role(aws_retry=True, RoleName=role_name)
    return deleted_profiles


# ----------------------------------------------------------------------------------------------------------------
# Concurrent writers: IAM has no compare-and-swap
# ----------------------------------------------------------------------------------------------------------------

# Rounds of re-read and re-merge before a merge gives up on a document that keeps changing under it.
MERGE_ATTEMPTS = 4


class ConcurrentWriteError(Exception):
    """The document changed under every one of ``MERGE_ATTEMPTS`` merges."""


def guarded_merge(marker, result, changed, read, plan, write, is_later, attempts=MERGE_ATTEMPTS):
    """Write a merge so that a concurrent writer's change is not lost silently (IAM offers no conditional write:
    every merge is a read-modify-write; the run lock keeps two runs of the collection apart, this narrows and
    detects the rest).

    ``marker``: what identifies the state the merge ``result`` was computed from (a managed policy's default
    version id; for a trust or inline policy, its document). ``changed``: whether ``result`` differs from it.
    ``read()`` -> ``(marker, document)`` of what is stored now; ``plan(document)`` -> ``(result, changed)``, the
    same merge over another document; ``write(result)`` -> the marker of what was written;
    ``is_later(observed, written, previous)``: whether a re-read after our write shows another writer's state
    (rather than ours, or a stale read of the one before, which IAM's eventual consistency can return).

    1. Just before writing, read again; if the state is not the one merged from, merge again from it.
    2. Write.
    3. Read once more; if another writer came after us (its merge may have dropped ours), merge again from what it
       wrote: an idempotent merge writes only when something of ours is missing.

    Returns ``(result, wrote)``: the last merge and whether anything was written. Raises
    ``ConcurrentWriteError`` when the document changed under ``attempts`` rounds.
    """
    wrote = False
    for _round in range(attempts):
        if not changed:
            return result, wrote
        latest, document = read()
        if latest != marker:
            marker = latest
            result, changed = plan(document)
            continue
        written = write(result)
        wrote = True
        observed, document = read()
        if not is_later(observed, written, marker):
            return result, wrote
        marker = observed
        result, changed = plan(document)
    if not changed:
        return result, wrote
    raise ConcurrentWriteError("the document changed under %d merges in a row" % attempts)


def guarded_document_merge(before, result, read_document, plan, write_document, document_of=lambda result: result):
    """``guarded_merge`` for a document without versions (a trust or an inline policy), whose marker is the
    document itself in canonical form. ``read_document()`` -> the stored document (``None`` when gone);
    ``write_document(document)`` writes one; ``document_of(result)`` is the document of a merge result. A re-read
    after the write that shows neither what was written nor what was read before is another writer's."""
    def read():
        document = read_document()
        return (canonicalize_policy(document) if document else None), document

    def write(merged):
        write_document(document_of(merged))
        return canonicalize_policy(document_of(merged))

    def is_later(observed, written, previous):
        return observed not in (written, previous)

    return guarded_merge(canonicalize_policy(before), result, True, read, plan, write, is_later)


def version_number(version_id):
    """``"v12"`` -> 12 (managed policy version ids count up from v1); 0 for anything else."""
    text = str(version_id or "")
    return int(text[1:]) if text[:1] == "v" and text[1:].isdigit() else 0
