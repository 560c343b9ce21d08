# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Validation of the inventory the main job runs over (pure: plain data in, messages out).

Every check here runs before any AWS call, so that bad input changes nothing anywhere. The rules and their
sources are in docs/identifiers.md.
"""

from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import is_account_id
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import is_external_id
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import is_iam_path
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import is_spinnaker_account_name
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import known_partitions
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import known_regions
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import parse_iam_arn

IDENTITY_MODES = ("user", "instance_role", "irsa", "existing")
ASSUME_ROLE_SCOPES = ("accounts", "wildcard")


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
    """The problems of one account host (see ``inventory_errors``). ``default_partition``: the partition of a host
    that does not set ``spinnaker_partition``; ``None`` while it is not known (before the managing account's
    session): a region of any partition is then accepted, the host's regions must share one partition (each region
    is in exactly one, botocore's endpoint data), and the bootstrap role must be in that one."""
    errors = []
    host = account["host"]
    account_id = account.get("aws_account_id")
    partition = account.get("spinnaker_partition") or default_partition
    example = partition or "aws"
    source = _partition_source(account)
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
    regions = account.get("spinnaker_regions")
    if not regions or not isinstance(regions, (list, tuple)):
        errors.append("%s: spinnaker_regions must list at least one AWS region, e.g. [us-east-1]." % host)
    else:
        partitions = [partition] if partition else known_partitions()
        known = set(r for p in partitions for r in regions_of(p)) | set(account.get("spinnaker_extra_regions") or [])
        bad = [r for r in regions if not isinstance(r, str) or r not in known]
        if bad:
            errors.append(
                "%s: spinnaker_regions has %s, not region names of %s (botocore's endpoint data). Write one "
                "region per item, e.g. us-west-2; for a region newer than the installed botocore, upgrade botocore or "
                "list it in spinnaker_extra_regions." % (
                    host, bad, "the %s partition%s" % (partition, _partition_source(account)) if partition
                    else "any AWS partition")
            )
        elif not partition:
            # Before the session tells the partition, the regions imply one: every region is in exactly one.
            implied = sorted(set(p for p in known_partitions() for r in regions if r in regions_of(p)))
            if len(implied) > 1:
                errors.append(
                    "%s: spinnaker_regions has regions of several partitions (%s); one account, and one run, is in one "
                    "partition. Keep the regions of the account's partition." % (host, ", ".join(implied))
                )
            elif implied:
                partition, source = implied[0], " (the partition of its spinnaker_regions)"
    path = account.get("spinnaker_iam_path")
    if path is not None and not is_iam_path(path):
        errors.append(
            "%s: spinnaker_iam_path must be an IAM path, / or /a/b/ (starting and ending with /, letters, digits and "
            "+=,.@_- between), at most 512 characters; got %r." % (host, path)
        )
    boundary = account.get("spinnaker_iam_permissions_boundary")
    if boundary and (parse_iam_arn(boundary, ("policy",)) is None):
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
    bootstrap = account.get("aws_bootstrap_role_arn")
    if bootstrap:
        details = parse_iam_arn(bootstrap, ("role",))
        if details is None:
            errors.append(
                "%s: aws_bootstrap_role_arn %r is not an IAM role ARN; write arn:%s:iam::%s:role/NAME."
                % (host, bootstrap, example, account_id if is_account_id(account_id) else "ACCOUNT_ID")
            )
        elif partition and details["partition"] != partition:
            errors.append(
                "%s: aws_bootstrap_role_arn is in the %s partition, the account in %s%s. Fix the ARN, "
                "or set spinnaker_partition." % (host, details["partition"], partition, source)
            )
        elif is_account_id(account_id) and details["account_id"] != account_id:
            errors.append(
                "%s: aws_bootstrap_role_arn is in account %s, but aws_account_id is %s: the run would write this host's "
                "IAM into another account. Point aws_bootstrap_role_arn at a role in %s, or fix aws_account_id."
                % (host, details["account_id"], account_id, account_id)
            )
    return errors


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
    ids = {}
    names = {}
    for account in accounts:
        errors.extend(_account_errors(account, regions_of, partition))
        if is_account_id(account.get("aws_account_id")):
            ids.setdefault(account["aws_account_id"], []).append(account["host"])
        names.setdefault(account.get("spinnaker_account_name") or account["host"], []).append(account["host"])
    for account_id, hosts in sorted(ids.items()):
        if len(hosts) > 1:
            errors.append("aws_account_id %s is set on %s; each inventory host stands for one AWS account." % (account_id, ", ".join(hosts)))
    for name, hosts in sorted(names.items()):
        if len(hosts) > 1:
            errors.append("spinnaker_account_name %r is used by %s; Spinnaker account names must be unique." % (name, ", ".join(hosts)))
    offboarded = set(a["host"] for a in accounts if a.get("spinnaker_account_state") == "absent")
    staying = [a["host"] for a in accounts if a["host"] not in offboarded and a["host"] not in managing_hosts]
    for host in managing_hosts:
        if host in offboarded and staying:
            errors.append(
                "%s: spinnaker_account_state is absent on the managing account while %d other account(s) stay (%s). "
                "Spinnaker runs from the managing account: offboard the others first, or move the managing account "
                "(another host in spinnaker_managing)." % (host, len(staying), ", ".join(staying[:5]) + (", ..." if len(staying) > 5 else ""))
            )
    errors.extend(_managing_errors(accounts, managing_hosts, identity, irsa_provider_arn, irsa_issuer, existing_arn, managing_settings))
    if registration is not None:
        group, hosts = registration[:2]
        if len(hosts) != 1:
            errors.append(
                "The %s group must hold exactly one host (where Spinnaker's config is written); it holds %d%s. Add the "
                "host to the inventory's %s group, or turn registration off for this run "
                "(spinnaker_registration_enabled: false)." % (group, len(hosts), ": " + ", ".join(hosts) if hosts else "", group)
            )
        elif len(registration) > 2:
            errors.extend(registration_errors(registration[2], hosts[0], registration[3] or {}))
    return errors


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


# One fact, one variable: the shared variable every role reads (a role's name, the partition), and the role
# variables that used to hold it.
SHARED_NAMES = {
    "spinnaker_managed_role_name": ("managed_account_role_name", "managing_account_managed_role_name",
                                    "verify_managed_role_name"),
    "spinnaker_base_iam_role_name": ("base_iam_role_name", "managed_account_base_iam_role_name"),
    "spinnaker_partition": ("managed_account_partition", "managing_account_partition", "verify_partition"),
}


def shared_name_errors(values):
    """Where the inventory gives one fact (a role's name, the partition) in several variables that disagree.

    ``values``: ``{variable: set of the values the inventory hosts give it}`` for the variables of
    ``SHARED_NAMES`` that are set (role defaults do not count: they all derive from the shared variable). Returns
    one message per shared name whose variables hold more than one value, naming them and the fix.
    """
    errors = []
    for shared, older in SHARED_NAMES.items():
        seen = dict((v, sorted(values[v])) for v in (shared,) + older if values.get(v))
        distinct = set(x for vals in seen.values() for x in vals)
        if len(distinct) > 1:
            errors.append(
                "The inventory gives %s different values: %s. Every role must use one value: set %s once (the "
                "other variables default to it) and remove the others." % (
                    "the partition" if shared == "spinnaker_partition" else "the same role's name",
                    "; ".join("%s=%s" % (v, "/".join(vals)) for v, vals in seen.items()), shared)
            )
    return errors


# The variables kept for one release as aliases of the shared ones; each is read as before (the roles' defaults
# derive from the shared variable, a set old variable still overrides it) and, when set, warned about.
DEPRECATED_NAMES = {
    "managed_account_role_name": "spinnaker_managed_role_name",
    "managing_account_managed_role_name": "spinnaker_managed_role_name",
    "verify_managed_role_name": "spinnaker_managed_role_name",
    "spinnaker_halyard_assume_role": "spinnaker_managed_role_name (and spinnaker_iam_path for a path)",
    "base_iam_role_name": "spinnaker_base_iam_role_name",
    "managed_account_base_iam_role_name": "spinnaker_base_iam_role_name",
    "managed_account_partition": "spinnaker_partition (or nothing: the managing account's session gives it)",
    "managing_account_partition": "spinnaker_partition (or nothing: the managing account's session gives it)",
    "verify_partition": "spinnaker_partition (or nothing: the managing account's session gives it)",
}


def deprecated_name_messages(set_names):
    """One deprecation message per old variable in ``set_names`` (names the inventory or the extra variables set),
    in ``DEPRECATED_NAMES`` order, naming the variable that replaces it. Pure; the caller shows them as Ansible
    deprecation warnings, for removal in 1.0.0."""
    return ["%s is deprecated: set %s instead, which every role reads. The old variable still works until it is "
            "removed." % (name, replacement) for name, replacement in DEPRECATED_NAMES.items() if name in set_names]
