# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The canonical IAM policy model of spinnaker.aws: parse, canonicalize, compare, merge, remove, measure.

Pure functions on plain data (dicts, lists, strings): no boto3, no Ansible. Two documents are shared with other
tools and people, a role's trust policy and the managing policy, so this module MERGES into one statement that the
caller owns and keeps every other statement exactly as it was.

AWS behaviour followed (see the IAM User Guide, "IAM JSON policy element reference", and
the project's docs/iam.md):

* IAM rewrites what it stores: keys and list items reordered, a one-item list returned as a string, a bare
  account id returned as ``arn:<partition>:iam::<id>:root``. Documents are therefore compared in canonical form,
  never as strings.
* ``"Principal": "*"`` is the same as ``{"AWS": "*"}``; the bare form is never emitted.
* A deleted user or role that a policy trusted stays in it as its unique id (``AIDA...``/``AROA...``).
* Sizes are measured as compact JSON, an upper bound of IAM's "non-whitespace characters".
"""

import copy
import json
import re

from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import ACCOUNT_ID_RE
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import EXTERNAL_ID_RE

try:
    from urllib.parse import unquote
except ImportError:  # pragma: no cover - Python 2 is not supported by this collection
    unquote = None

DEFAULT_VERSION = "2012-10-17"
# IAM treats a document without Version as the 2008-10-17 language (IAM User Guide, "Version element").
IMPLICIT_VERSION = "2008-10-17"

# Quotas (IAM User Guide, "IAM and AWS STS quotas").
TRUST_POLICY_DEFAULT_QUOTA = 2048
MANAGED_POLICY_QUOTA = 6144
INLINE_POLICY_QUOTAS = {"role": 10240, "user": 2048, "group": 5120}

PRINCIPAL_KINDS = ("AWS", "Service", "Federated", "CanonicalUser")
# Module option keys (lower case, as Ansible users write them) to IAM's principal keys.
PRINCIPAL_OPTION_KEYS = {"aws": "AWS", "service": "Service", "federated": "Federated"}

# Condition keys that make an {"AWS": "*"} principal safe enough to allow (aws-iam.md, "Rejections").
RESTRICTING_CONDITION_KEYS = ("aws:principalorgid", "aws:principalarn", "sts:externalid", "aws:sourceaccount")

ORPHANED_ID_RE = re.compile(r"^(AIDA|AROA)[A-Z0-9]+$")
PARTITION_RE = r"aws(?:-cn|-us-gov|-iso(?:-[a-z])?|-eusc)?"
ROOT_ARN_RE = re.compile(r"^arn:" + PARTITION_RE + r":iam::(\d{12}):root$")
PRINCIPAL_ARN_RE = re.compile(
    r"^arn:(" + PARTITION_RE + r"):(iam|sts)::(\d{12}):"
    r"(root|user/[\w+=,.@/-]+|role/[\w+=,.@/-]+|assumed-role/[\w+=,.@/-]+|federated-user/[\w+=,.@-]+)$"
)
FEDERATED_ARN_RE = re.compile(r"^arn:" + PARTITION_RE + r":iam::\d{12}:(oidc-provider|saml-provider)/[^\s*]+$")
FEDERATED_WELL_KNOWN = ("cognito-identity.amazonaws.com", "accounts.google.com", "www.amazon.com", "graph.facebook.com")
SERVICE_PRINCIPAL_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$")
RESOURCE_ARN_RE = re.compile(r"^arn:" + PARTITION_RE + r":[a-z0-9-]+:[a-z0-9-]*:(\d{12}|\*)?:.+$")


# Marks a statement whose last principal was removed; such statements are dropped from the result.
_EMPTIED = object()


class PolicyError(ValueError):
    """Bad input or an impossible result, raised before anything is written.

    ``field`` names the module option at fault (or ``None`` for a document that AWS returned).
    """

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


# --------------------------------------------------------------------------------------------------------------
# Parse and measure
# --------------------------------------------------------------------------------------------------------------


def parse_policy(document):
    """Return a policy document as a new dict.

    ``document`` is a dict (as boto3 returns it), a JSON string, or a URL-encoded JSON string (as the raw IAM
    Query API returns it). ``None`` or an empty string gives an empty policy
    ``{"Version": "2012-10-17", "Statement": []}``. ``Statement`` is always a list in the result (IAM accepts a
    lone statement object too).

    Raises ``PolicyError`` when the text is not JSON or the document is not an object.
    """
    if document is None or document == "":
        return {"Version": DEFAULT_VERSION, "Statement": []}
    if isinstance(document, (bytes, bytearray)):
        document = document.decode("utf-8")
    if isinstance(document, str):
        text = document.strip()
        if text.startswith("%7B") or text.startswith("%7b"):
            text = unquote(text)
        try:
            document = json.loads(text)
        except ValueError as e:
            raise PolicyError("The policy document is not valid JSON: %s" % e)
    if not isinstance(document, dict):
        raise PolicyError("A policy document must be a JSON object, got %s" % type(document).__name__)
    # A JSON round trip, not copy.deepcopy: a policy is JSON data, and what a filter plugin receives from
    # ansible-core 2.19 is a lazy container whose deepcopy also copies its templating context (some 11,000
    # objects per policy in a 50-account run: 5 s in the trust policy lint, against 0.04 s this way).
    try:
        result = json.loads(json.dumps(document))
    except (TypeError, ValueError) as e:
        raise PolicyError("The policy document is not JSON data: %s" % e)
    statements = result.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        raise PolicyError("The policy's Statement must be a list or an object")
    result["Statement"] = statements
    return result


def policy_size(document):
    """Return the size of ``document`` in characters as IAM's quotas count it (an upper bound).

    IAM counts non-whitespace characters; compact JSON (``separators=(",", ":")``) only adds the spaces that are
    inside string values, so the figure is never lower than IAM's.
    """
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False))


def check_size(document, limit, what, count, count_noun):
    """Raise ``PolicyError`` when ``document`` is larger than ``limit`` characters.

    ``what`` names the document in the message ("trust policy of role X"), ``count`` and ``count_noun`` say how
    many principals or resources it holds, so the message gives size, limit and count. Returns the size.
    """
    size = policy_size(document)
    if size > limit:
        raise PolicyError(
            "The %s would be %d characters, over IAM's limit of %d (%d %s). Split the list across several "
            "policies or statements, use a wildcard ARN bound by aws:PrincipalOrgID/aws:ResourceOrgID, or ask "
            "for a higher quota where it is adjustable." % (what, size, limit, count, count_noun),
            field="size",
        )
    return size


# --------------------------------------------------------------------------------------------------------------
# Canonical form
# --------------------------------------------------------------------------------------------------------------


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _scalar_text(value):
    # IAM stores condition values as strings: true -> "true", 12 -> "12".
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def principal_key(kind, value):
    """Return the comparison key of one principal.

    A bare 12-digit account id and ``arn:<any partition>:iam::<id>:root`` give the same key (IAM stores the
    former as the latter). Every other value is its own key.
    """
    value = _scalar_text(value)
    if kind == "AWS":
        match = ROOT_ARN_RE.match(value)
        if match:
            return match.group(1)
    return value


def canonical_principal(principal):
    """Return a principal element as ``{kind: sorted list of keys}``; ``"*"`` becomes ``{"AWS": ["*"]}``."""
    if principal is None:
        return None
    if principal == "*":
        principal = {"AWS": "*"}
    if not isinstance(principal, dict):
        raise PolicyError("A Principal must be \"*\" or an object, got %r" % (principal,))
    return dict(
        (kind, sorted(set(principal_key(kind, v) for v in _as_list(values))))
        for kind, values in principal.items()
        if _as_list(values)
    )


def canonical_condition(condition):
    """Return a Condition block as ``{operator: {key: sorted list of strings}}`` (key names lower-cased,
    since IAM condition keys are case-insensitive)."""
    if not condition:
        return {}
    result = {}
    for operator, block in condition.items():
        if not isinstance(block, dict):
            raise PolicyError("Condition operator %s must map to an object" % operator)
        keys = {}
        for key, values in block.items():
            keys[key.lower()] = sorted(set(_scalar_text(v) for v in _as_list(values)))
        if keys:
            result[operator] = keys
    return result


def canonical_statement(statement):
    """Return one statement in canonical form (a dict of sorted lists), for comparison only."""
    if not isinstance(statement, dict):
        raise PolicyError("A policy statement must be an object, got %r" % (statement,))
    result = {}
    for key, value in statement.items():
        if key in ("Principal", "NotPrincipal"):
            result[key] = canonical_principal(value)
        elif key in ("Action", "NotAction", "Resource", "NotResource"):
            result[key] = sorted(set(_scalar_text(v) for v in _as_list(value)))
        elif key == "Condition":
            condition = canonical_condition(value)
            if condition:
                result[key] = condition
        else:
            result[key] = value
    return result


def canonicalize_policy(document):
    """Return ``document`` in canonical form: a dict with ``Version`` and a sorted ``Statement`` list.

    Two documents IAM treats as the same give equal canonical forms, whatever the rewrites IAM applied (key and
    list order, one-item lists as strings, account ids as root ARNs in any partition, ``"*"`` principals).
    """
    policy = parse_policy(document)
    statements = [canonical_statement(s) for s in policy["Statement"]]
    statements.sort(key=lambda s: json.dumps(s, sort_keys=True))
    return {"Version": policy.get("Version", IMPLICIT_VERSION), "Statement": statements}


def policies_equal(first, second):
    """Return True when two policy documents are the same to IAM (canonical forms compare equal)."""
    return canonicalize_policy(first) == canonicalize_policy(second)


# --------------------------------------------------------------------------------------------------------------
# Validation of module input
# --------------------------------------------------------------------------------------------------------------


def validate_external_id(external_id, field="external_id"):
    """Raise ``PolicyError`` unless ``external_id`` is 2 to 1224 characters of ``[\\w+=,.@:/-]``
    (STS AssumeRole API reference, ExternalId)."""
    if external_id is None:
        return
    if not EXTERNAL_ID_RE.match(external_id):
        raise PolicyError(
            "%s must be 2 to 1224 characters of letters, digits and +=,.@:/- (no spaces); got %d characters. "
            "Fix the value (it is not a secret, but it must match on both sides)." % (field, len(external_id)),
            field=field,
        )


def validate_principal(kind, value, field):
    """Raise ``PolicyError`` unless ``value`` is a principal IAM accepts for ``kind``.

    AWS: ``"*"``, a 12-digit account id, or an IAM/STS principal ARN without wildcards. Service: a service
    principal such as ``ec2.amazonaws.com``. Federated: an OIDC or SAML provider ARN, or a well-known web identity
    provider. (IAM User Guide, "AWS JSON policy elements: Principal".)
    """
    value = _scalar_text(value)
    if kind == "AWS":
        if value == "*" or ACCOUNT_ID_RE.match(value) or ORPHANED_ID_RE.match(value):
            return
        if value.isdigit():
            raise PolicyError(
                "%s: %r is not an AWS account id: an account id is 12 digits. If it lost leading zeros, quote it "
                "in YAML ('012345678901')." % (field, value),
                field=field,
            )
        if "*" in value or "?" in value:
            raise PolicyError(
                "%s: %r has a partial wildcard; IAM accepts only \"*\" alone or a full principal ARN." % (field, value),
                field=field,
            )
        if not PRINCIPAL_ARN_RE.match(value):
            raise PolicyError(
                "%s: %r is not a principal ARN; write arn:aws:iam::123456789012:user/NAME (or role/NAME, root) "
                "or a 12-digit account id." % (field, value),
                field=field,
            )
    elif kind == "Service":
        if not SERVICE_PRINCIPAL_RE.match(value):
            raise PolicyError(
                "%s: %r is not a service principal; write it as SERVICE.amazonaws.com, e.g. ec2.amazonaws.com."
                % (field, value),
                field=field,
            )
    elif kind == "Federated":
        if value not in FEDERATED_WELL_KNOWN and not FEDERATED_ARN_RE.match(value):
            raise PolicyError(
                "%s: %r is not a federated principal; write an OIDC or SAML provider ARN, e.g. "
                "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE." % (field, value),
                field=field,
            )
    else:
        raise PolicyError("%s: unknown principal kind %r; use aws, service or federated." % (field, kind), field=field)


def validate_resource(value, field="resources"):
    """Raise ``PolicyError`` unless ``value`` is ``"*"`` or an ARN (``arn:partition:service:region:account:...``)."""
    if value == "*" or RESOURCE_ARN_RE.match(value):
        return
    raise PolicyError(
        "%s: %r is not a resource ARN; write arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE, e.g. "
        "arn:aws:iam::200000000002:role/spinnakerManaged, or \"*\"." % (field, value),
        field=field,
    )


def has_restricting_condition(condition):
    """Return True when ``condition`` names a key that narrows an ``{"AWS": "*"}`` principal."""
    for block in canonical_condition(condition).values():
        for key in block:
            if key in RESTRICTING_CONDITION_KEYS:
                return True
    return False


def principals_from_options(principals, partition="aws"):
    """Turn the module option ``principals`` (``{"aws": [...], "service": [...], "federated": [...]}``) into
    IAM's form (``{"AWS": [...], ...}``), validating each value.

    A 12-digit account id becomes ``arn:<partition>:iam::<id>:root``, the form IAM stores. Raises
    ``PolicyError`` naming ``principals.<kind>`` for a bad value.
    """
    result = {}
    for option_key, values in (principals or {}).items():
        if option_key not in PRINCIPAL_OPTION_KEYS:
            raise PolicyError(
                "principals: unknown key %r; use aws, service or federated." % option_key, field="principals"
            )
        kind = PRINCIPAL_OPTION_KEYS[option_key]
        for value in _as_list(values):
            value = _scalar_text(value)
            validate_principal(kind, value, "principals.%s" % option_key)
            if kind == "AWS" and ACCOUNT_ID_RE.match(value):
                value = "arn:%s:iam::%s:root" % (partition, value)
            result.setdefault(kind, [])
            if value not in result[kind]:
                result[kind].append(value)
    return result


def build_trust_condition(external_id=None, conditions=None):
    """Return the Condition block of an owned trust statement: ``conditions`` plus, with ``external_id``,
    ``StringEquals sts:ExternalId``. Raises ``PolicyError`` for a bad external id or a clash."""
    condition = copy.deepcopy(conditions) if conditions else {}
    if external_id is not None:
        validate_external_id(external_id)
        block = condition.setdefault("StringEquals", {})
        existing = block.get("sts:ExternalId")
        if existing is not None and _as_list(existing) != [external_id]:
            raise PolicyError(
                "conditions sets StringEquals sts:ExternalId to a different value than external_id; set only one.",
                field="conditions",
            )
        block["sts:ExternalId"] = external_id
    return condition


def check_wildcard_principal(principals, condition, allow_wildcard_principal):
    """Raise ``PolicyError`` when ``principals`` (IAM form) holds ``{"AWS": "*"}`` and either
    ``allow_wildcard_principal`` is false or ``condition`` has no restricting key (aws:PrincipalOrgID,
    aws:PrincipalArn, sts:ExternalId, aws:SourceAccount): such a statement trusts every AWS account."""
    if "*" not in principals.get("AWS", []):
        return
    if not allow_wildcard_principal:
        raise PolicyError(
            "principals.aws: \"*\" trusts every AWS account. Name the managing principal instead, or set "
            "allow_wildcard_principal=true together with a condition on aws:PrincipalOrgID, aws:PrincipalArn, "
            "sts:ExternalId or aws:SourceAccount.",
            field="principals",
        )
    if not has_restricting_condition(condition):
        raise PolicyError(
            "principals.aws: \"*\" needs a restricting condition in the same statement (aws:PrincipalOrgID, "
            "aws:PrincipalArn, sts:ExternalId or aws:SourceAccount); add one to conditions or set external_id.",
            field="conditions",
        )


# --------------------------------------------------------------------------------------------------------------
# Orphaned principals
# --------------------------------------------------------------------------------------------------------------


def find_orphaned_principals(document):
    """Return the sorted unique ids (``AIDA...``, ``AROA...``) found among the AWS principals of ``document``.

    IAM replaces the ARN of a trusted user or role that was deleted with its unique id; recreating the
    principal does not restore trust (IAM User Guide, "Troubleshooting IAM roles").
    """
    found = set()
    for statement in parse_policy(document)["Statement"]:
        for key in ("Principal", "NotPrincipal"):
            principal = statement.get(key)
            if isinstance(principal, dict):
                for value in _as_list(principal.get("AWS")):
                    if ORPHANED_ID_RE.match(_scalar_text(value)):
                        found.add(value)
    return sorted(found)


# --------------------------------------------------------------------------------------------------------------
# Merge and remove
# --------------------------------------------------------------------------------------------------------------


def _principal_dict(statement):
    principal = statement.get("Principal")
    if principal == "*":
        principal = {"AWS": ["*"]}
    return dict((k, _as_list(v)) for k, v in (principal or {}).items())


def _statement_matches(statement, canonical_actions, canonical_condition_block):
    return (
        statement.get("Effect") == "Allow"
        and "Principal" in statement
        and "NotPrincipal" not in statement
        and sorted(set(_as_list(statement.get("Action")))) == canonical_actions
        and canonical_condition(statement.get("Condition")) == canonical_condition_block
    )


def _remove_principal_values(principal, to_remove):
    """Remove the values whose key is in ``to_remove`` (a set of (kind, key)); return the removed values."""
    removed = []
    for kind in list(principal):
        kept = []
        for value in principal[kind]:
            if (kind, principal_key(kind, value)) in to_remove:
                removed.append({"kind": kind, "principal": value})
            else:
                kept.append(value)
        if kept:
            principal[kind] = kept
        else:
            del principal[kind]
    return removed


def _set_principal(statement, principal):
    """Write ``principal`` back; an emptied statement is marked for removal (IAM rejects a statement whose
    Principal is empty)."""
    if principal:
        statement["Principal"] = principal
    else:
        statement["Principal"] = _EMPTIED


def merge_trust_policy(
    document,
    principals,
    actions=None,
    condition=None,
    sid=None,
    state="present",
    exclusive=False,
    prune_orphaned_principals=False,
):
    """Merge ``principals`` into (or remove them from) the statement of a trust policy the caller owns.

    ``document``: the current trust policy (dict or JSON). ``principals``: IAM form, ``{"AWS": [...],
    "Service": [...], "Federated": [...]}``, already validated (see ``principals_from_options``). ``actions``:
    list, default ``["sts:AssumeRole"]``. ``condition``: the Condition block of the owned statement (see
    ``build_trust_condition``).

    The owned statement is the one whose ``Sid`` is ``sid``; without ``sid`` it is the first Allow statement
    with the same actions and condition. With ``state="present"`` the principals are added (created as a new
    statement when none is owned); with ``exclusive`` the owned statement's principals become exactly
    ``principals``; with a ``sid`` the statement's Effect, Action and Condition are set to the given ones.
    With ``state="absent"`` the principals are removed (with a ``sid`` and no principals, the whole statement);
    without ``sid``, from every statement with the same actions and condition. A statement left with no
    principal is removed. ``prune_orphaned_principals`` removes ``AIDA``/``AROA`` ids from every statement.
    Every statement not owned is kept exactly as it was, except that a bare ``"*"`` principal is written as
    ``{"AWS": "*"}`` (its IAM equivalent).

    Returns a dict: ``policy`` (the new document), ``changed`` (canonical forms differ), ``added_principals``
    and ``removed_principals`` (lists of ``{"kind", "principal"}``), ``orphaned_principals`` (found before any
    pruning).
    """
    policy = parse_policy(document)
    before = canonicalize_policy(policy)
    actions = list(actions or ["sts:AssumeRole"])
    condition = condition or {}
    orphaned = find_orphaned_principals(policy)
    _spell_out_bare_wildcards(policy)
    owned, trusted_elsewhere = _owned_statements(policy, sid, state, actions, condition)
    if state == "present":
        added, removed = _add_principals(policy, owned, principals, actions, condition, sid, exclusive, trusted_elsewhere)
    else:
        added, removed = [], _remove_principals(policy, owned, principals, sid)
    if prune_orphaned_principals:
        removed.extend(_prune_orphaned_principals(policy))
    policy["Statement"] = [s for s in policy["Statement"] if s.get("Principal") is not _EMPTIED]
    return {
        "policy": policy,
        "changed": canonicalize_policy(policy) != before,
        "added_principals": added,
        "removed_principals": removed,
        "orphaned_principals": orphaned,
    }


def _principal_keys(principal):
    """The ``(kind, canonical key)`` pairs of a principal dict of lists (``_principal_dict``)."""
    return set((kind, principal_key(kind, v)) for kind, values in principal.items() for v in values)


def _spell_out_bare_wildcards(policy):
    """Write a bare ``"*"`` Principal or NotPrincipal as its IAM equivalent ``{"AWS": "*"}``, in place."""
    for statement in policy["Statement"]:
        if statement.get("Principal") == "*":
            statement["Principal"] = {"AWS": "*"}
        if statement.get("NotPrincipal") == "*":
            statement["NotPrincipal"] = {"AWS": "*"}


def _owned_statements(policy, sid, state, actions, condition):
    """The indexes of the statements the caller owns, and the principal keys trusted elsewhere.

    With ``sid``: the first statement of that Sid. Without: every Allow statement with the same actions and
    condition for ``state="absent"``, the first of them for ``state="present"``; a principal already trusted by
    ANY of the others counts as present (IAM reorders statements, so "the first matching statement" is not stable
    across reads). Returns ``(indexes, set of (kind, key))``.
    """
    statements = policy["Statement"]
    if sid is not None:
        return [i for i, s in enumerate(statements) if s.get("Sid") == sid][:1], set()
    canonical_actions = sorted(set(actions))
    canonical_condition_block = canonical_condition(condition)
    owned = [i for i, s in enumerate(statements) if _statement_matches(s, canonical_actions, canonical_condition_block)]
    if state != "present":
        return owned, set()
    trusted_elsewhere = set()
    for index in owned[1:]:
        trusted_elsewhere.update(_principal_keys(_principal_dict(statements[index])))
    return owned[:1], trusted_elsewhere


def _add_principals(policy, owned, principals, actions, condition, sid, exclusive, trusted_elsewhere):
    """``state="present"``: add ``principals`` to the owned statements (a new statement when none is owned), drop
    the others with ``exclusive``, and set Effect, Action and Condition of a statement owned by Sid. In place;
    returns ``(added, removed)``, lists of ``{"kind", "principal"}``."""
    added, removed = [], []
    if not owned and principals:
        statement = {"Effect": "Allow", "Principal": {}, "Action": actions}
        if sid is not None:
            statement = dict([("Sid", sid)] + list(statement.items()))
        if condition:
            statement["Condition"] = copy.deepcopy(condition)
        policy["Statement"].append(statement)
        owned = [len(policy["Statement"]) - 1]
    wanted = _principal_keys(principals)
    for index in owned:
        statement = policy["Statement"][index]
        principal = _principal_dict(statement)
        if exclusive:
            removed.extend(_remove_principal_values(principal, _principal_keys(principal) - wanted))
        have = _principal_keys(principal) | trusted_elsewhere
        for kind, values in principals.items():
            for value in values:
                if (kind, principal_key(kind, value)) not in have:
                    principal.setdefault(kind, []).append(value)
                    have.add((kind, principal_key(kind, value)))
                    added.append({"kind": kind, "principal": value})
        _set_principal(statement, principal)
        if sid is not None:
            _set_owned_statement_terms(statement, actions, condition)
    return added, removed


def _set_owned_statement_terms(statement, actions, condition):
    """Make a statement owned by Sid an Allow of ``actions`` under ``condition`` (none: no Condition), in place."""
    statement["Effect"] = "Allow"
    statement.pop("NotPrincipal", None)
    statement["Action"] = actions
    if condition:
        statement["Condition"] = copy.deepcopy(condition)
    else:
        statement.pop("Condition", None)


def _remove_principals(policy, owned, principals, sid):
    """``state="absent"``: remove ``principals`` from the owned statements; with ``sid`` and no principals, empty
    the whole statement. In place; returns the removed ``{"kind", "principal"}``."""
    removed = []
    wanted = _principal_keys(principals)
    for index in owned:
        statement = policy["Statement"][index]
        if sid is not None and not principals:
            removed.extend({"kind": kind, "principal": v} for kind, vs in _principal_dict(statement).items() for v in vs)
            statement["Principal"] = _EMPTIED
            continue
        principal = _principal_dict(statement)
        removed.extend(_remove_principal_values(principal, wanted))
        _set_principal(statement, principal)
    return removed


def _prune_orphaned_principals(policy):
    """Remove ``AIDA``/``AROA`` unique ids from the AWS principals of every statement, in place; returns the
    removed ``{"kind", "principal"}``."""
    removed = []
    for statement in policy["Statement"]:
        principal = statement.get("Principal")
        if isinstance(principal, dict) and principal.get("AWS"):
            principal = _principal_dict(statement)
            orphan_keys = set(("AWS", v) for v in principal.get("AWS", []) if ORPHANED_ID_RE.match(v))
            if orphan_keys:
                removed.extend(_remove_principal_values(principal, orphan_keys))
                _set_principal(statement, principal)
    return removed


def merge_policy_statement(
    document,
    sid,
    actions=None,
    resources=None,
    effect="Allow",
    condition=None,
    state="present",
    exclusive=False,
    remove_resources=None,
):
    """Merge ``actions`` and ``resources`` into (or remove them from) the statement whose Sid is ``sid``.

    ``document``: an identity policy (dict or JSON, ``None`` for a policy that does not exist yet).
    ``state="present"`` adds the missing actions and resources (the statement is created when missing, and
    then needs both); ``exclusive`` makes them exactly the given lists (an empty list keeps the current one);
    ``effect`` and ``condition`` (when given) are set on the owned statement. ``state="absent"`` removes the
    given actions and resources; with neither given, or when a statement is left without any, the statement
    is removed. ``remove_resources`` (with ``state="present"``): resources removed from the owned statement after
    the merge, so that one write adds the new and drops the stale (a statement left with no resource is removed).
    Statements with other Sids are kept exactly as they were.

    Returns a dict: ``policy``, ``changed``, ``added_actions``, ``removed_actions``, ``added_resources``,
    ``removed_resources``, ``statement`` (the owned statement after, or ``None``). Raises ``PolicyError``
    when a new statement would have no action or no resource.
    """
    policy = parse_policy(document)
    before = canonicalize_policy(policy)
    actions = list(actions or [])
    resources = list(resources or [])
    result = {
        "added_actions": [],
        "removed_actions": [],
        "added_resources": [],
        "removed_resources": [],
    }
    index = next((i for i, s in enumerate(policy["Statement"]) if s.get("Sid") == sid), None)
    if state == "present":
        if index is None:
            index = _new_statement(policy, sid, effect, actions, resources)
        _merge_into_statement(policy["Statement"][index], actions, resources, exclusive, result)
        _set_statement_terms(policy["Statement"][index], effect, condition)
        _drop_stale_resources(policy, index, resources, remove_resources, result)
    elif index is not None:
        _remove_from_statement(policy, index, actions, resources, result)
    owned = next((s for s in policy["Statement"] if s.get("Sid") == sid), None)
    result.update(policy=policy, changed=canonicalize_policy(policy) != before, statement=owned)
    return result


def _new_statement(policy, sid, effect, actions, resources):
    """Append an empty statement of ``sid`` to ``policy``; returns its index. Raises ``PolicyError`` when
    ``actions`` or ``resources`` is empty (a new statement needs both)."""
    if not actions or not resources:
        raise PolicyError(
            "The statement %r does not exist yet: give both actions and resources to create it." % sid,
            field="actions" if not actions else "resources",
        )
    policy["Statement"].append(dict(Sid=sid, Effect=effect, Action=[], Resource=[]))
    return len(policy["Statement"]) - 1


def _merge_into_statement(statement, actions, resources, exclusive, result):
    """Add the missing ``actions`` and ``resources`` to ``statement`` (with ``exclusive``, drop the others first;
    an empty list keeps the current one), in place, recording them in ``result``."""
    for key, wanted, added_key, removed_key in (
        ("Action", actions, "added_actions", "removed_actions"),
        ("Resource", resources, "added_resources", "removed_resources"),
    ):
        current = _as_list(statement.get(key))
        if exclusive and wanted:
            result[removed_key] = [v for v in current if v not in wanted]
            current = [v for v in current if v in wanted]
        for value in wanted:
            if value not in current:
                current.append(value)
                result[added_key].append(value)
        statement[key] = current


def _set_statement_terms(statement, effect, condition):
    """Set ``effect`` and, when given, ``condition`` (an empty one removes the Condition) on ``statement``."""
    statement["Effect"] = effect
    if condition is not None:
        if condition:
            statement["Condition"] = copy.deepcopy(condition)
        else:
            statement.pop("Condition", None)


def _drop_stale_resources(policy, index, resources, remove_resources, result):
    """Remove ``remove_resources`` not in ``resources`` from the statement at ``index``; a statement left without
    resource is removed from ``policy``. In place, recorded in ``result``."""
    statement = policy["Statement"][index]
    stale = [v for v in statement["Resource"] if v in (remove_resources or []) and v not in resources]
    if stale:
        result["removed_resources"] += stale
        statement["Resource"] = [v for v in statement["Resource"] if v not in stale]
        if not statement["Resource"]:
            del policy["Statement"][index]


def _remove_from_statement(policy, index, actions, resources, result):
    """``state="absent"``: remove ``actions`` and ``resources`` from the statement at ``index`` (neither given:
    the whole statement); a statement left without action or resource is removed. In place, recorded in
    ``result``."""
    statement = policy["Statement"][index]
    if not actions and not resources:
        result["removed_actions"] = _as_list(statement.get("Action"))
        result["removed_resources"] = _as_list(statement.get("Resource"))
        del policy["Statement"][index]
        return
    for key, unwanted, removed_key in (
        ("Action", actions, "removed_actions"),
        ("Resource", resources, "removed_resources"),
    ):
        current = _as_list(statement.get(key))
        result[removed_key] = [v for v in current if v in unwanted]
        statement[key] = [v for v in current if v not in unwanted]
    if not statement["Action"] or not statement["Resource"]:
        del policy["Statement"][index]


def other_principals(document, sid, principals):
    """The principals of the statement ``sid`` of ``document`` that are not in ``principals`` (IAM form), as a
    list of ``{"kind", "principal"}``: what an ``exclusive`` merge would remove. ``[]`` when there is no such
    statement."""
    statement = next((s for s in parse_policy(document)["Statement"] if s.get("Sid") == sid), None) if sid else None
    if statement is None:
        return []
    wanted = set((kind, principal_key(kind, v)) for kind, values in principals.items() for v in values)
    return [{"kind": kind, "principal": v} for kind, vs in _principal_dict(statement).items() for v in vs
            if (kind, principal_key(kind, v)) not in wanted]


def count_principals(document):
    """Return the number of principal values in ``document`` (for size messages)."""
    return sum(
        len(_as_list(v))
        for s in parse_policy(document)["Statement"]
        for key in ("Principal", "NotPrincipal")
        for v in (_principal_dict({"Principal": s[key]}).values() if key in s else [])
    )


def count_resources(document):
    """Return the number of resource values in ``document`` (for size messages)."""
    return sum(len(_as_list(s.get("Resource"))) for s in parse_policy(document)["Statement"])


# --------------------------------------------------------------------------------------------------------------
# Statement ownership: which statements of a shared trust policy the collection wrote
# --------------------------------------------------------------------------------------------------------------

# The role tags that record the Sids of the trust statements the collection wrote, one tag per install of
# Spinnaker: ``spinnaker.aws:owned-statements:<install id>`` = the Sids, space-separated and sorted (IAM tag keys
# and values allow letters, digits, spaces and _.:/=+-@; keys up to 128 characters, values up to 256; a Sid is
# [A-Za-z0-9]). An install id is the managing account's id unless ``spinnaker_install_id`` names it.
OWNED_STATEMENTS_TAG_PREFIX = "spinnaker.aws:owned-statements:"
DEFAULT_INSTALL_ID = "default"
INSTALL_ID_RE = re.compile(r"^[A-Za-z0-9_.:/=+@-]{1,64}$")


def owned_statements_tag_key(install_id):
    """The tag key of the record of ``install_id`` (see ``OWNED_STATEMENTS_TAG_PREFIX``)."""
    return OWNED_STATEMENTS_TAG_PREFIX + install_id


def statement_records(tags):
    """Every install's record in a role's tags (IAM's list form or a dict): ``{install id: set of Sids}``."""
    if isinstance(tags, list):
        tags = dict((t["Key"], t["Value"]) for t in tags)
    return dict((key[len(OWNED_STATEMENTS_TAG_PREFIX):], set(value.split()))
                for key, value in (tags or {}).items() if key.startswith(OWNED_STATEMENTS_TAG_PREFIX))


def owned_sids(tags, install_id=DEFAULT_INSTALL_ID):
    """The Sids ``install_id`` recorded in a role's tags; ``None`` when it has no record on the role."""
    return statement_records(tags).get(install_id)


def owned_sids_value(sids):
    """The tag value for a set of Sids (``""`` for none)."""
    return " ".join(sorted(sids))


def recording_installs(records, sid, install_id):
    """The other installs whose record (``statement_records``) holds ``sid``, sorted."""
    return sorted(other for other, sids in records.items() if other != install_id and sid in sids)


def statement_ownership(document, sid, records, install_id=DEFAULT_INSTALL_ID, adopt_statement=False):
    """Decide whether the statement ``sid`` of the trust policy ``document`` is ``install_id``'s to change.

    ``records``: every install's record on the role (``statement_records``: ``{install id: set of Sids}``).
    ``adopt_statement``: take over a statement nobody recorded (the operator's explicit choice).

    Returns one of:

    * ``"other-install"``: another install of Spinnaker records ``sid`` (``recording_installs`` names it). Never
      changed, adopted or written beside: two installs with one Sid would take each other's principals out in turn.
    * ``"new"``: there is no such statement; writing it makes it this install's.
    * ``"owned"``: this install's record holds it.
    * ``"adopted"``: nobody recorded it, taken over because ``adopt_statement`` is true.
    * ``"foreign"``: anything else, e.g. another team's statement that happens to use the same Sid. It must not be
      merged into, rewritten or removed. There is no rule that guesses ownership from a statement's principals.

    A Sid is only a name: IAM does not reserve Sids, so a statement is proven ours by the record the collection
    keeps when it writes one, not by its Sid (IAM User Guide, "IAM JSON policy elements: Sid").
    """
    if sid and recording_installs(records, sid, install_id):
        return "other-install"
    statement = next((s for s in parse_policy(document)["Statement"] if s.get("Sid") == sid), None) if document and sid else None
    if statement is None:
        return "new"
    if sid in records.get(install_id, set()):
        return "owned"
    return "adopted" if adopt_statement else "foreign"


def describe_statement(document, sid):
    """A one-line description of the statement ``sid`` (its principals and condition keys) for messages."""
    statement = next((s for s in parse_policy(document)["Statement"] if s.get("Sid") == sid), None)
    if statement is None:
        return "(none)"
    principals = ", ".join("%s %s" % (kind, v) for kind, values in sorted(_principal_dict(statement).items()) for v in values)
    keys = sorted(set(k for block in canonical_condition(statement.get("Condition")).values() for k in block))
    return "%s trusting %s%s" % (statement.get("Effect", "?"), principals or "nobody",
                                 (" with a condition on %s" % ", ".join(keys)) if keys else "")
