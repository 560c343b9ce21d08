# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Accounts of an AWS Organization as Spinnaker inventory hosts, pure part (plain data in, plain data out).

The ``spinnaker.aws.aws_organizations`` inventory plugin reads the organization and hands every account to these
functions as an *account record*, a dict of plain data::

    {"id": "200000000002", "name": "Develop", "email": "dev@example.com", "status": "ACTIVE",
     "arn": "arn:aws:organizations::100000000001:account/o-abc/200000000002",
     "tags": {"spinnaker:environment": "develop"}, "ou_path": "/workloads", "parent_id": "ou-abcd-11111111"}

AWS behaviour followed (AWS Organizations API reference, ``Account`` data type): ``Status`` is ``ACTIVE``,
``SUSPENDED`` or ``PENDING_CLOSURE``; the newer ``State`` field adds ``PENDING_ACTIVATION`` and ``CLOSED`` and,
where present, is read first. Only an ``ACTIVE`` account is onboarded: a suspended or closing account refuses
every API call but sign-in for 90 days, and an account still activating has no roles yet.
"""

import re

# Tags an account can carry to steer its host (keys as AWS stores them: case-sensitive).
TAG_ONBOARD = "spinnaker:onboard"
TAG_ACCOUNT_NAME = "spinnaker:account-name"
TAG_ENVIRONMENT = "spinnaker:environment"
TAG_EXTERNAL_ID = "spinnaker:external-id"
TAG_REGIONS = "spinnaker:regions"

# What a Spinnaker account name may hold: it travels in URLs and Fiat permissions.
ACCOUNT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_NAME_SANITIZE_RE = re.compile(r"[^a-z0-9-]")


class OrganizationInventoryError(ValueError):
    """The organization cannot be turned into an inventory as configured (the message names the accounts and the
    fix)."""


def account_state(account):
    """Return the lifecycle state of an account record: ``State`` when AWS sent it, else ``Status``."""
    return account.get("state") or account.get("status") or ""


def spinnaker_account_name(account):
    """The Spinnaker account name (and inventory host name) of an account record.

    The tag ``spinnaker:account-name`` when present; else the account's Name lowercased with every character
    outside ``[a-z0-9-]`` turned into ``-`` (``"Shared Services"`` -> ``"shared-services"``).

    Raises ``OrganizationInventoryError`` when the tag holds a name Spinnaker cannot use (whitespace, or
    characters other than letters, digits, ``-``, ``_`` and ``.``), or when the Name gives an empty name.
    """
    tagged = (account.get("tags") or {}).get(TAG_ACCOUNT_NAME)
    if tagged is not None:
        tagged = tagged.strip()
        if not ACCOUNT_NAME_RE.match(tagged):
            raise OrganizationInventoryError(
                "account %s: tag %s is %r, not a Spinnaker account name; use letters, digits, '-', '_' and '.' "
                "(no spaces), starting with a letter or digit." % (account["id"], TAG_ACCOUNT_NAME, tagged)
            )
        return tagged
    name = _NAME_SANITIZE_RE.sub("-", (account.get("name") or "").lower())
    if not name.strip("-"):
        raise OrganizationInventoryError(
            "account %s: its Name %r gives no usable Spinnaker account name; tag the account with %s."
            % (account["id"], account.get("name"), TAG_ACCOUNT_NAME)
        )
    return name


def _tag_matches(tags, key, wanted):
    values = wanted if isinstance(wanted, (list, tuple)) else [wanted]
    return key in tags and tags[key] in [str(v) for v in values]


def select_accounts(accounts, tag_filters=None, exclude_account_ids=None):
    """Return the account records to onboard, in the order given, and the skipped ones with the reason.

    Returns ``(selected, skipped)``: ``selected`` a list of account records, ``skipped`` a list of
    ``(account_id, reason)``. An account is skipped when its state is not ``ACTIVE``, its id is in
    ``exclude_account_ids`` (strings), it is tagged ``spinnaker:onboard`` = ``false`` (any case), or it does not
    carry every tag of ``tag_filters`` (a dict of tag key to a value or a list of accepted values).
    An account listed twice (under two starting parents that overlap) is kept once.
    """
    exclude = set(str(a) for a in (exclude_account_ids or []))
    selected, skipped, seen = [], [], set()
    for account in accounts:
        if account["id"] in seen:
            continue
        seen.add(account["id"])
        tags = account.get("tags") or {}
        state = account_state(account)
        if state != "ACTIVE":
            skipped.append((account["id"], "state %s" % (state or "unknown")))
        elif account["id"] in exclude:
            skipped.append((account["id"], "in exclude_account_ids"))
        elif str(tags.get(TAG_ONBOARD, "")).strip().lower() == "false":
            skipped.append((account["id"], "tagged %s=false" % TAG_ONBOARD))
        elif not all(_tag_matches(tags, key, wanted) for key, wanted in (tag_filters or {}).items()):
            skipped.append((account["id"], "does not match tag_filters"))
        else:
            selected.append(account)
    return selected, skipped


def name_accounts(accounts):
    """Map every selected account record to its host name; returns a dict name -> account record.

    Raises ``OrganizationInventoryError`` naming every pair of accounts that would get the same name, with their
    ids and the fix (tag one of them ``spinnaker:account-name``), and for an unusable tagged name.
    """
    by_name = {}
    for account in accounts:
        by_name.setdefault(spinnaker_account_name(account), []).append(account)
    collisions = ["%r: accounts %s" % (name, ", ".join("%s (%s)" % (a["id"], a.get("name")) for a in group))
                  for name, group in sorted(by_name.items()) if len(group) > 1]
    if collisions:
        raise OrganizationInventoryError(
            "two or more accounts would get the same Spinnaker account name: %s. Tag all but one of them with %s "
            "(a unique name), or exclude them (exclude_account_ids)." % ("; ".join(collisions), TAG_ACCOUNT_NAME)
        )
    return dict((name, group[0]) for name, group in by_name.items())


def partition_of(arn, default="aws"):
    """The partition of an ARN (``arn:aws-us-gov:...`` -> ``aws-us-gov``), ``default`` when it is not an ARN."""
    parts = (arn or "").split(":")
    return parts[1] if len(parts) > 2 and parts[0] == "arn" and parts[1] else default


def host_variables(account, bootstrap_role_name="OrganizationAccountAccessRole"):
    """The inventory variables of one selected account record, as a dict.

    Always: ``aws_account_id`` (a string), ``aws_account_name``, ``aws_account_email``, ``aws_account_tags``
    (a dict), ``aws_organizational_unit`` (the OU path, ``/`` for an account under the root) and
    ``aws_bootstrap_role_arn`` (``arn:<partition>:iam::<id>:role/<bootstrap_role_name>``, the partition read from
    the account's ARN). From tags, when present: ``spinnaker_environment`` (``spinnaker:environment``),
    ``spinnaker_external_id`` (``spinnaker:external-id``) and ``spinnaker_regions`` (``spinnaker:regions``,
    comma-separated, blanks dropped).
    """
    tags = dict(account.get("tags") or {})
    variables = {
        "aws_account_id": str(account["id"]),
        "aws_account_name": account.get("name"),
        "aws_account_email": account.get("email"),
        "aws_account_tags": tags,
        "aws_organizational_unit": account.get("ou_path") or "/",
        "aws_bootstrap_role_arn": "arn:%s:iam::%s:role/%s" % (partition_of(account.get("arn")), account["id"], bootstrap_role_name),
    }
    if tags.get(TAG_ENVIRONMENT):
        variables["spinnaker_environment"] = tags[TAG_ENVIRONMENT]
    if tags.get(TAG_EXTERNAL_ID):
        variables["spinnaker_external_id"] = tags[TAG_EXTERNAL_ID]
    if tags.get(TAG_REGIONS):
        variables["spinnaker_regions"] = [r.strip() for r in tags[TAG_REGIONS].split(",") if r.strip()]
    return variables


def build_inventory(accounts, managing_account_id=None, tag_filters=None, exclude_account_ids=None,
                    bootstrap_role_name="OrganizationAccountAccessRole"):
    """The whole selection, named: returns ``(hosts, managing_host, skipped)``.

    ``hosts`` is a dict host name -> host variables (``host_variables``), sorted by name; ``managing_host`` the
    name of the host whose ``aws_account_id`` is ``managing_account_id`` (``None`` when that is not set);
    ``skipped`` as ``select_accounts`` returns it.

    Raises ``OrganizationInventoryError`` for a name collision (``name_accounts``) and when
    ``managing_account_id`` is set but not among the selected accounts (the message says why it was skipped).
    """
    selected, skipped = select_accounts(accounts, tag_filters, exclude_account_ids)
    named = name_accounts(selected)
    hosts = dict((name, host_variables(named[name], bootstrap_role_name)) for name in sorted(named))
    managing_host = None
    if managing_account_id:
        managing_account_id = str(managing_account_id)
        managing_host = next((name for name, v in hosts.items() if v["aws_account_id"] == managing_account_id), None)
        if managing_host is None:
            reason = dict(skipped).get(managing_account_id, "not found under the configured parent_ids")
            raise OrganizationInventoryError(
                "managing_account_id %s is not among the selected accounts (%s); Spinnaker's managing account must be "
                "onboarded too: fix managing_account_id, or widen parent_ids/tag_filters." % (managing_account_id, reason)
            )
    return hosts, managing_host, skipped
