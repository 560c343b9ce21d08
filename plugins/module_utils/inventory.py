# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Validation of the inventory the main job runs over (pure: plain data in, messages out).

Every check here runs before any AWS call, so that bad input changes nothing anywhere. The rules and their
sources are in docs/identifiers.md.
"""

import re

from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import is_account_id
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import is_external_id
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import is_iam_path
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import is_spinnaker_account_name
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import known_partitions
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import known_regions
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import parse_iam_arn

IDENTITY_MODES = ("user", "instance_role", "irsa", "existing")
ASSUME_ROLE_SCOPES = ("accounts", "wildcard")


# An AWS managed policy (account "aws" in its ARN) may be a permissions boundary too (IAM User Guide, "Permissions
# boundaries for IAM entities": a boundary is a managed policy, customer or AWS).
AWS_MANAGED_POLICY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(?:[A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]+$")


def _external_id_error(host, variable, value):
    """The message for an external id outside STS's rule, naming the inventory variable (never the value: it is
    not a secret, but it may be long)."""
    if value is None or value == "":
        return None
    if is_external_id(value):
        return None
    what = "%d characters" % len(value) if isinstance(value, str) else "a %s" % type(value).__name__
    return (
        "%s: %s must be 2 to 1,224 characters of letters, digits and _+=,.@:/- (no spaces), as STS requires of an "
        "external id; got %s. Fix the value on both sides (it is not a secret)." % (host, variable, what)
    )


def _account_errors(account, regions_of, default_partition="aws"):
    """The problems of one account host (see ``inventory_errors``). ``default_partition``: the run's partition (the
    plan's), for a host that does not set ``spinnaker_partition``."""
    partition = account.get("spinnaker_partition") or default_partition
    errors = _name_errors(account)
    errors.extend(_region_errors(account, regions_of, partition))
    errors.extend(_iam_setting_errors(account, partition or "aws"))
    errors.extend(_bootstrap_errors(account, partition))
    return errors


def _name_errors(account):
    """The account id, the Spinnaker account name and the state of one account host."""
    errors = []
    host = account["host"]
    account_id = account.get("aws_account_id")
    if not is_account_id(account_id):
        errors.append(
            "%s: aws_account_id must be a quoted 12-digit string, got %r. Write aws_account_id: \"012345678901\" "
            "(unquoted, YAML drops leading zeros)." % (host, account_id)
        )
    name = account.get("spinnaker_account_name") or host
    if not is_spinnaker_account_name(name):
        errors.append(
            "%s: the Spinnaker account name %r (%s) may hold only letters, digits, '-', '_' and '.': it travels in "
            "URLs and Fiat permissions. Set spinnaker_account_name to such a name." % (
                host, name, "spinnaker_account_name" if account.get("spinnaker_account_name") else "the inventory host name")
        )
    state = account.get("spinnaker_account_state") or "present"
    if state not in ("present", "absent"):
        errors.append("%s: spinnaker_account_state must be present or absent (offboard the account), got %r." % (host, state))
    return errors


def _region_errors(account, regions_of, partition):
    """``spinnaker_regions`` of one account host: at least one, each a region of ``partition`` in botocore's
    endpoint data or listed in ``spinnaker_extra_regions``; with no partition known, regions of one partition."""
    host = account["host"]
    regions = account.get("spinnaker_regions")
    if not regions or not isinstance(regions, (list, tuple)):
        return ["%s: spinnaker_regions must list at least one AWS region, e.g. [us-east-1]." % host]
    partitions = [partition] if partition else known_partitions()
    known = set(r for p in partitions for r in regions_of(p)) | set(account.get("spinnaker_extra_regions") or [])
    bad = [r for r in regions if not isinstance(r, str) or r not in known]
    if bad:
        return [
            "%s: spinnaker_regions has %s, not region names of %s (botocore's endpoint data). Write one "
            "region per item, e.g. us-west-2; for a region newer than the installed botocore, upgrade botocore or "
            "list it in spinnaker_extra_regions." % (
                host, bad, "the %s partition%s" % (partition, _partition_source(account)) if partition
                else "any AWS partition")
        ]
    implied = sorted(set(p for p in known_partitions() for r in regions if r in regions_of(p)))
    if not partition and len(implied) > 1:
        return [
            "%s: spinnaker_regions has regions of several partitions (%s); one account, and one run, is in one "
            "partition. Keep the regions of the account's partition." % (host, ", ".join(implied))
        ]
    return []


def _iam_setting_errors(account, example):
    """``spinnaker_iam_path``, ``spinnaker_iam_permissions_boundary``, ``spinnaker_permissions`` and the external
    ids of one account host."""
    errors = []
    host = account["host"]
    path = account.get("spinnaker_iam_path")
    if path is not None and not is_iam_path(path):
        errors.append(
            "%s: spinnaker_iam_path must be an IAM path, / or /a/b/ (starting and ending with /, letters, digits and "
            "+=,.@_- between), at most 512 characters; got %r." % (host, path)
        )
    boundary = account.get("spinnaker_iam_permissions_boundary")
    if boundary and parse_iam_arn(boundary, ("policy",)) is None and not AWS_MANAGED_POLICY_ARN_RE.match(str(boundary)):
        errors.append(
            "%s: spinnaker_iam_permissions_boundary must be a managed policy ARN, arn:%s:iam::ACCOUNT:policy/NAME; got %r."
            % (host, example, boundary)
        )
    permissions = account.get("spinnaker_permissions")
    if permissions is not None and not (
            isinstance(permissions, dict) and set(permissions) <= {"READ", "WRITE"}
            and all(isinstance(v, (list, tuple)) and all(isinstance(r, str) for r in v) for v in permissions.values())):
        errors.append(
            "%s: spinnaker_permissions must map READ and/or WRITE to lists of Fiat role names, e.g. "
            "{READ: [developers], WRITE: [deployers]}; got %r." % (host, permissions)
        )
    for variable in ("spinnaker_external_id", "spinnaker_default_external_id"):
        message = _external_id_error(host, variable, account.get(variable))
        if message:
            errors.append(message)
    return errors


def _bootstrap_errors(account, partition):
    """``aws_bootstrap_role_arn`` of one account host: a role ARN in the host's partition and account."""
    host = account["host"]
    account_id = account.get("aws_account_id")
    bootstrap = account.get("aws_bootstrap_role_arn")
    if not bootstrap:
        return []
    details = parse_iam_arn(bootstrap, ("role",))
    if details is None:
        return ["%s: aws_bootstrap_role_arn %r is not an IAM role ARN; write arn:%s:iam::%s:role/NAME."
                % (host, bootstrap, partition or "aws", account_id if is_account_id(account_id) else "ACCOUNT_ID")]
    if partition and details["partition"] != partition:
        return ["%s: aws_bootstrap_role_arn is in the %s partition, the account in %s%s. Fix the ARN, "
                "or set spinnaker_partition." % (host, details["partition"], partition, _partition_source(account))]
    if is_account_id(account_id) and details["account_id"] != account_id:
        return ["%s: aws_bootstrap_role_arn is in account %s, but aws_account_id is %s: the run would write this host's "
                "IAM into another account. Point aws_bootstrap_role_arn at a role in %s, or fix aws_account_id."
                % (host, details["account_id"], account_id, account_id)]
    return []


def _partition_source(account):
    """Where an account's partition came from, for messages."""
    if account.get("spinnaker_partition"):
        return " (spinnaker_partition)"
    return " (the managing account's, since spinnaker_partition is not set)"


def inventory_errors(accounts, managing_hosts, identity="user", irsa_provider_arn="", irsa_issuer="", existing_arn="",
                     managing_principal_arn=None, managing_settings=None, registration=None, regions_of=known_regions,
                     partition="aws"):
    """Return the list of problems with the inventory, each naming the host, the variable and the fix.

    ``accounts``: one dict per AWS account host with ``host`` and the host's ``aws_account_id``,
    ``spinnaker_account_name``, ``spinnaker_regions``, ``spinnaker_extra_regions``, ``spinnaker_partition``,
    ``spinnaker_account_state``, ``spinnaker_external_id``, ``spinnaker_default_external_id`` and
    ``aws_bootstrap_role_arn`` (each ``None`` when unset). ``managing_hosts``: the hosts of ``spinnaker_managing``.
    ``identity`` and the ``irsa_*``/``existing_arn`` values are the managing account's settings.
    ``managing_principal_arn`` (``spinnaker_managing_principal_arn``) lets a run that does not hold the managing
    host (an AWX job slice) go on: it is then the principal every managed role trusts.
    ``managing_settings``: the managing host's ``managing_account_assume_role_scope``,
    ``managing_account_organization_id`` and ``managing_account_allow_unbound_wildcard``.
    ``registration``: ``None`` when this run registers nothing with Spinnaker, else ``(group, hosts)`` or
    ``(group, hosts, path, variables)``: the group the registration play runs on and its hosts, which must be
    exactly one; ``path`` the value of ``spinnaker_registration`` and ``variables`` that host's variables, checked by
    ``registration_errors``.
    ``regions_of``: ``partition -> region names`` (botocore's endpoint data by default).
    ``partition``: the partition of a host that does not set ``spinnaker_partition`` (module_utils.spinnaker.accounts
    ``effective_partition``), ``None`` while it is not known: the check then runs again once the managing
    account's session has told it.
    """
    errors = []
    managing_settings = managing_settings or {}
    if managing_principal_arn and parse_iam_arn(managing_principal_arn) is None:
        errors.append("spinnaker_managing_principal_arn must be the ARN of an IAM user or role, got %r." % managing_principal_arn)
    if len(managing_hosts) > 1 or (not managing_hosts and not managing_principal_arn):
        errors.append(
            "spinnaker_managing must hold exactly one host (the AWS account Spinnaker runs from); it holds %d%s."
            % (len(managing_hosts), ": " + ", ".join(managing_hosts) if managing_hosts else "")
            + ("" if managing_hosts else " A run over part of the accounts (an AWX job slice) can set spinnaker_managing_principal_arn instead.")
        )
    for account in accounts:
        errors.extend(_account_errors(account, regions_of, partition))
    errors.extend(_duplicate_errors(accounts))
    errors.extend(_offboarding_errors(accounts, managing_hosts))
    errors.extend(_managing_errors(accounts, managing_hosts, identity, irsa_provider_arn, irsa_issuer, existing_arn, managing_settings))
    if registration is not None:
        errors.extend(_registration_group_errors(registration))
    return errors


def _duplicate_errors(accounts):
    """An AWS account id or a Spinnaker account name used by more than one host."""
    errors = []
    ids = {}
    names = {}
    for account in accounts:
        if is_account_id(account.get("aws_account_id")):
            ids.setdefault(account["aws_account_id"], []).append(account["host"])
        names.setdefault(account.get("spinnaker_account_name") or account["host"], []).append(account["host"])
    for account_id, hosts in sorted(ids.items()):
        if len(hosts) > 1:
            errors.append("aws_account_id %s is set on %s; each inventory host stands for one AWS account." % (account_id, ", ".join(hosts)))
    for name, hosts in sorted(names.items()):
        if len(hosts) > 1:
            errors.append("spinnaker_account_name %r is used by %s; Spinnaker account names must be unique." % (name, ", ".join(hosts)))
    return errors


def _offboarding_errors(accounts, managing_hosts):
    """The managing account offboarded while other accounts stay."""
    errors = []
    offboarded = set(a["host"] for a in accounts if a.get("spinnaker_account_state") == "absent")
    staying = [a["host"] for a in accounts if a["host"] not in offboarded and a["host"] not in managing_hosts]
    for host in managing_hosts:
        if host in offboarded and staying:
            errors.append(
                "%s: spinnaker_account_state is absent on the managing account while %d other account(s) stay (%s). "
                "Spinnaker runs from the managing account: offboard the others first, or move the managing account "
                "(another host in spinnaker_managing)." % (host, len(staying), ", ".join(staying[:5]) + (", ..." if len(staying) > 5 else ""))
            )
    return errors


def _registration_group_errors(registration):
    """The registration group holds exactly one host, and that host's settings fit the path."""
    group, hosts = registration[:2]
    if len(hosts) != 1:
        return [
            "The %s group must hold exactly one host (where Spinnaker's config is written); it holds %d%s. Add the "
            "host to the inventory's %s group, or turn registration off for this run "
            "(spinnaker_registration_enabled: false)." % (group, len(hosts), ": " + ", ".join(hosts) if hosts else "", group)
        ]
    if len(registration) > 2:
        return registration_errors(registration[2], hosts[0], registration[3] or {})
    return []


# spinnaker_registration -> the inventory group its play runs on.
REGISTRATION_GROUPS = {"halyard": "halyard", "clouddriver_config": "clouddriver", "account_api": "gate"}


def registration_errors(path, host, variables):
    """The problems of the registration settings on the registration host ``host`` (its ``variables``) for
    ``path``, the value of ``spinnaker_registration``: the path must be one of ``REGISTRATION_GROUPS``;
    ``clouddriver_config`` needs exactly one of ``spinnaker_clouddriver_component_dir`` and
    ``spinnaker_clouddriver_local_file``; ``account_api`` needs an http(s) ``spinnaker_gate_url`` and at most one
    way to authenticate."""
    if path not in REGISTRATION_GROUPS:
        return ["spinnaker_registration must be one of %s, got %r." % (", ".join(sorted(REGISTRATION_GROUPS)), path)]
    errors = []
    if path == "clouddriver_config":
        places = [v for v in ("spinnaker_clouddriver_component_dir", "spinnaker_clouddriver_local_file") if variables.get(v)]
        if len(places) != 1:
            errors.append(
                "%s: set exactly one of spinnaker_clouddriver_component_dir (a kustomize component the collection owns) "
                "and spinnaker_clouddriver_local_file (a clouddriver-local.yml to merge into); %s." % (
                    host, "both are set" if places else "neither is set")
            )
    elif path == "account_api":
        url = str(variables.get("spinnaker_gate_url") or "")
        if not url.startswith(("https://", "http://")):
            errors.append("%s: spinnaker_gate_url must be gate's API base URL, e.g. https://gate.example.com/api/v1; "
                          "got %r." % (host, url))
        if variables.get("spinnaker_gate_api_token") and variables.get("spinnaker_gate_username"):
            errors.append("%s: set spinnaker_gate_username/spinnaker_gate_password or spinnaker_gate_api_token, not both."
                          % host)
    return errors


def _managing_errors(accounts, managing_hosts, identity, irsa_provider_arn, irsa_issuer, existing_arn, settings):
    """The problems of the managing account's settings (see ``inventory_errors``)."""
    errors = []
    host = managing_hosts[0] if len(managing_hosts) == 1 else "spinnaker_managing"
    managing_id = next((a.get("aws_account_id") for a in accounts if a["host"] == host), None)
    if identity not in IDENTITY_MODES:
        errors.append("%s: managing_account_identity must be one of %s, got %r." % (host, ", ".join(IDENTITY_MODES), identity))
    if identity == "irsa" and not (irsa_provider_arn and irsa_issuer):
        errors.append(
            "%s: managing_account_identity is irsa but managing_account_irsa_provider_arn and managing_account_irsa_issuer "
            "are not both set: give the EKS cluster's OIDC provider ARN and its issuer (without https://)." % host
        )
    if identity == "existing":
        details = parse_iam_arn(existing_arn or "")
        if details is None:
            errors.append("%s: managing_account_identity is existing: set managing_account_existing_arn to the role or user ARN Spinnaker runs as." % host)
        elif is_account_id(managing_id) and details["account_id"] != managing_id:
            errors.append(
                "%s: managing_account_existing_arn is in account %s, not the managing account %s: the managing policy "
                "can only be attached to a principal of the managing account. Give a role or user of %s, or make %s "
                "the managing account." % (host, details["account_id"], managing_id, managing_id, details["account_id"])
            )
    scope = settings.get("managing_account_assume_role_scope") or "accounts"
    if scope not in ASSUME_ROLE_SCOPES:
        errors.append("%s: managing_account_assume_role_scope must be accounts or wildcard, got %r." % (host, scope))
    if (scope == "wildcard" and not settings.get("managing_account_organization_id")
            and not _true(settings.get("managing_account_allow_unbound_wildcard"))):
        errors.append(
            "%s: managing_account_assume_role_scope is wildcard but managing_account_organization_id is not set: "
            "Spinnaker could assume spinnakerManaged in any AWS account. Set managing_account_organization_id "
            "(o-...) to bind the wildcard to your organization, or set managing_account_allow_unbound_wildcard: true "
            "to accept that." % host
        )
    return errors


def _true(value):
    """Ansible's truthiness of an inventory value (``true``, ``"yes"``, ``1``...)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y", "t")
    return bool(value)
