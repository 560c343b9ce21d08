# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS and Spinnaker identifiers: account ids, regions, external ids, account names and IAM ARNs (pure, except
``known_regions``, which reads botocore's bundled endpoint data).

ARNs are parsed by amazon.aws's ``module_utils.arn.parse_aws_arn``; this module adds the anchoring and the IAM
specifics the collection relies on. The rules, and where AWS states them, are in docs/identifiers.md.
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

# An AWS account id: exactly 12 digits (IAM User Guide, "AWS account identifiers"). YAML drops leading zeros of an
# unquoted number, so the value must be a string.
ACCOUNT_ID_RE = re.compile(r"^\d{12}$")
# sts:AssumeRole ExternalId: 2 to 1,224 characters of [\w+=,.@:/-] (STS API reference, AssumeRole, ExternalId).
# \w is ASCII here: letters, digits and the underscore.
EXTERNAL_ID_RE = re.compile(r"^[A-Za-z0-9_+=,.@:/-]{2,1224}$")
# A Spinnaker account name travels in URLs (/credentials/{name}) and in Fiat permissions: letters, digits, - _ .
SPINNAKER_ACCOUNT_NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")


def is_account_id(value):
    """True when ``value`` is a string of exactly 12 digits (an ``int`` is refused: it may have lost zeros)."""
    return isinstance(value, str) and bool(ACCOUNT_ID_RE.match(value))


def is_external_id(value):
    """True when ``value`` is a string STS accepts as an ExternalId (see ``EXTERNAL_ID_RE``)."""
    return isinstance(value, str) and bool(EXTERNAL_ID_RE.match(value))


def is_spinnaker_account_name(value):
    """True when ``value`` is a non-empty string of letters, digits, ``-``, ``_`` and ``.``."""
    return isinstance(value, str) and bool(SPINNAKER_ACCOUNT_NAME_RE.match(value))


def parse_arn(value):
    """Parse an ARN with amazon.aws's ``parse_aws_arn``, anchored at the start (``parse_aws_arn`` searches).

    Returns ``{"partition", "service", "region", "account_id", "resource", "resource_type", "resource_id"}``
    (strings; ``resource_type`` may be ``None``) or ``None`` when ``value`` is not an ARN.
    """
    if not isinstance(value, str) or not value.startswith("arn:"):
        return None
    return parse_aws_arn(value)


# IAM's path rule (the Path parameter of iam:CreateRole and iam:CreateUser: / or /a/b/, at most 512 characters),
# narrowed to the characters a role name may hold, so that Spinnaker's assumeRole role/<path><name> stays plain.
IAM_PATH_RE = re.compile(r"^/(?:[A-Za-z0-9+=,.@_-]+/)*$")


def is_iam_path(value):
    """Whether ``value`` is an IAM path the collection accepts (``/`` or ``/a/b/``, at most 512 characters)."""
    return isinstance(value, str) and len(value) <= 512 and bool(IAM_PATH_RE.match(value))


def parse_iam_arn(value, resource_types=("role", "user")):
    """Parse the ARN of an IAM entity (``arn:PARTITION:iam::ACCOUNT:TYPE/[PATH/]NAME``).

    ``resource_types``: the entity types accepted (``role``, ``user``, ``policy``...). Returns the
    ``parse_arn`` dict plus ``name`` (the last path element) and ``path`` (``/`` or ``/a/b/``), or ``None`` when
    ``value`` is not such an ARN (another service, a region set, no 12-digit account, another type, no name).
    """
    details = parse_arn(value)
    if not details or details["service"] != "iam" or details["region"] or not ACCOUNT_ID_RE.match(details["account_id"]):
        return None
    if details["resource_type"] not in resource_types or not details["resource_id"]:
        return None
    parts = details["resource_id"].split("/")
    if not parts[-1]:
        return None
    details = dict(details, name=parts[-1], path="/" + "".join(p + "/" for p in parts[:-1]))
    return details


_PARTITIONS = []


def _partitions_data():
    """botocore's ``partitions.json``, loaded once per process (the inventory check asks per host)."""
    if not _PARTITIONS:
        import botocore.session  # pylint: disable=import-outside-toplevel

        _PARTITIONS.append(botocore.session.get_session().get_component("data_loader").load_data("partitions"))
    return _PARTITIONS[0]


def known_regions(partition):
    """The region names of ``partition`` (``aws``, ``aws-cn``, ``aws-us-gov``...) in botocore's bundled endpoint
    data (``botocore/data/partitions.json``), without the ``*-global`` pseudo-regions; an empty list for a
    partition botocore does not know. A region newer than the installed botocore is missing here: callers let
    users allow it explicitly."""
    for entry in _partitions_data().get("partitions", []):
        if entry.get("id") == partition:
            return sorted(r for r in entry.get("regions", {}) if not r.endswith("-global"))
    return []


def global_region(partition):
    """The region of ``partition``'s global services, IAM among them (``us-east-1`` for ``aws``): botocore's
    ``implicitGlobalRegion`` of the partition; ``None`` for a partition botocore does not know."""
    for entry in _partitions_data().get("partitions", []):
        if entry.get("id") == partition:
            return (entry.get("outputs") or {}).get("implicitGlobalRegion")
    return None


def known_partitions():
    """The partition ids in botocore's bundled endpoint data (``aws``, ``aws-cn``, ``aws-us-gov``, ...)."""
    return sorted(entry["id"] for entry in _partitions_data().get("partitions", []))


def iam_arn(partition, account_id, resource_type, name, path="/"):
    """The ARN of an IAM entity, ``arn:PARTITION:iam::ACCOUNT:TYPE/PATH/NAME`` (IAM User Guide, "IAM identifiers":
    IAM is global, so the region field is empty; the path, ``/`` or ``/a/b/``, sits between the type and the
    name). ``resource_type``: ``role``, ``user``, ``policy``, ``instance-profile``. Returns a string; the inverse of
    ``parse_iam_arn``."""
    path = path or "/"
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    return "arn:%s:iam::%s:%s%s%s" % (partition, account_id, resource_type, path, name)
