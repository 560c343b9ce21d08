# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The run plan: every decision of a spinnaker.aws run, computed once from the inventory (pure: plain data).

``run_plan(hosts, groups)`` takes the variables of the inventory's hosts and returns the plan the plays read; the
plays read their own host's part (``plan["accounts"][inventory_hostname]``) and call modules with it, and never
derive a name, an ARN or a rule in Jinja. Shape (every value JSON-serialisable)::

    {"refusals": ["develop: aws_account_id must be ...", ...],     # the run stops before any AWS call
     "partition": "aws",
     "install_id": "100000000001",   # spinnaker_install_id, else the managing account's id: whose statements
     "switches": {"iam": True, "registration": True, "verify": True, "prune_unlisted_accounts": False},
     "managing": {"host": "spinnakerManaging" or None, "account_id": "100000000001", "identity": "user",
                  "principal_arn": "arn:aws:iam::100000000001:user/spinnakerManaging",
                  "user_name": "spinnakerManaging", "role_name": "spinnakerManaging", "iam_path": "/",
                  "secret_name": "spinnaker/spinnakerManaging/access-key",
                  "policy_name": "SpinnakerManagingAccountPolicy",
                  "policy_arn": "arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy",
                  "assume_role_scope": "accounts", "assume_role_arns": [...], "stale_role_arns": [...],
                  "exact_scope": False, "merge_exclusive": False,
                  "assume_role_condition": {...} or {}, "lock_name": "spinnaker.aws/run-lock",
                  "secrets_region": "us-east-1"},   # the lock and the key: spinnaker_secrets_region, else IAM's region
     "accounts": {"develop": {"host": "develop", "account_id": "200000000002", "name": "develop",
                              "state": "present", "regions": [...], "environment": ..., "external_id": ...,
                              "permissions": ..., "lambda_enabled": ..., "partition": "aws",
                              "session": {"bootstrap_role_arn": ..., "profile": ..., "region": "us-east-1",
                                          "endpoint_url": ..., "role_session_name": "spinnaker-aws-develop"},
                              "managing_principal_arn": "...", "trust_sid": "SpinnakerManaging",
                              "install_id": "100000000001",
                              "managed_role": {"name": "spinnakerManaged", "path": "/", "arn": "...",
                                               "permissions_boundary": None},
                              "base_iam_role": {"name": "BaseIAMRole", "path": "/", "arn": "...",
                                                "instance_profile_arn": "...", "trust_sid": "SpinnakerEC2",
                                                "install_id": "account"},
                              "assume_role": "role/spinnakerManaged",
                              "pass_role": {"resources": [BaseIAMRole's ARN, ...],
                                            "condition": {"StringEquals": {"iam:PassedToService": [...]}}}}, ...},
     "registration": {"path": "halyard", "group": "halyard", "host": "localhost" or None}}

Where a rule comes from (AWS's and Spinnaker's docs) is said beside it, and in docs/architecture.md.
"""

import re

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import INSTALL_ID_RE
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import other_principals
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import global_region
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import iam_arn
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import known_partitions
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import known_regions
from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import parse_iam_arn
from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import REGISTRATION_GROUPS
from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import inventory_errors
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import account_hosts
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import account_model
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import as_bool
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import assume_role_for

# The variables the plan reads, with their defaults: the one place these defaults live (docs/variables.md lists
# them). Per account host unless noted; shared ones may be set for all hosts (group_vars, extra variables).
ACCOUNT_VARIABLES = {
    "aws_account_id": None, "spinnaker_account_name": None, "spinnaker_regions": None,
    "spinnaker_extra_regions": None, "spinnaker_environment": None, "spinnaker_external_id": None,
    "spinnaker_default_external_id": None, "spinnaker_permissions": None, "spinnaker_lambda_enabled": None,
    "spinnaker_partition": None, "spinnaker_account_state": "present", "aws_bootstrap_role_arn": None,
    "aws_profile": None, "aws_region": "us-east-1", "aws_endpoint_url": None,
    "spinnaker_iam_path": "/", "spinnaker_iam_permissions_boundary": None,
    "spinnaker_managed_role_name": "spinnakerManaged", "spinnaker_base_iam_role_name": "BaseIAMRole",
    "managed_account_trust_sid": "SpinnakerManaging", "managed_account_base_iam_role_trust_sid": "SpinnakerEC2",
    "spinnaker_managing_principal_arn": None, "spinnaker_install_id": None,
    "managed_account_pass_role_patterns": None, "managed_account_pass_role_services": None,
}
# The services Spinnaker hands a role to (iam:PassedToService): EC2 instances (launch templates of its server
# groups, Auto Scaling), ECS tasks, Lambda functions, Auto Scaling and Elastic Load Balancing (IAM User Guide,
# "Granting a user permissions to pass a role to an AWS service"; docs/iam.md).
PASS_ROLE_SERVICES = ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "lambda.amazonaws.com",
                      "autoscaling.amazonaws.com", "elasticloadbalancing.amazonaws.com"]
# Read from the managing host (spinnaker_managing).
MANAGING_VARIABLES = {
    "managing_account_identity": "user", "managing_account_user_name": "spinnakerManaging",
    "managing_account_role_name": "spinnakerManaging",
    "managing_account_secret_name": "spinnaker/spinnakerManaging/access-key",
    "managing_account_policy_name": "SpinnakerManagingAccountPolicy",
    "managing_account_assume_role_scope": "accounts", "managing_account_organization_id": None,
    "managing_account_allow_unbound_wildcard": False, "managing_account_existing_arn": None,
    "managing_account_irsa_provider_arn": None, "managing_account_irsa_issuer": None,
    "spinnaker_run_lock_name": "spinnaker.aws/run-lock", "spinnaker_secrets_region": None,
}
# Run-wide switches, read from the first host that sets them (they are meant as extra variables or group_vars).
RUN_VARIABLES = {
    "spinnaker_iam_enabled": True, "spinnaker_registration_enabled": True, "spinnaker_verify": True,
    "spinnaker_registration": "halyard", "spinnaker_prune_unlisted_accounts": False,
    "spinnaker_prune_without_registration": False,
}
# Read from the registration host.
REGISTRATION_VARIABLES = (
    "spinnaker_clouddriver_component_dir", "spinnaker_clouddriver_local_file", "spinnaker_gate_url",
    "spinnaker_gate_api_token", "spinnaker_gate_username",
)
# spinnaker_registration -> the role that writes Spinnaker's config that way.
REGISTRATION_ROLES = {"halyard": "spinnaker_halyard", "clouddriver_config": "spinnaker_clouddriver",
                      "account_api": "spinnaker_gate"}
# STS's RoleSessionName: 2 to 64 characters of [\w+=,.@-] (STS API reference, AssumeRole).
_SESSION_NAME_BAD = re.compile(r"[^A-Za-z0-9_+=,.@-]")  # STS: [\w+=,.@-]*, where \w is ASCII (not Python's Unicode \w)


def plan_variables():
    """The names of every variable ``run_plan`` reads, for the filter that collects them from ``hostvars``:
    ``{"account": [...], "managing": [...], "run": [...], "registration": [...]}``."""
    return {"account": sorted(ACCOUNT_VARIABLES), "managing": sorted(MANAGING_VARIABLES),
            "run": sorted(RUN_VARIABLES), "registration": list(REGISTRATION_VARIABLES)}


def _value(variables, name, defaults):
    """``variables[name]``, or the default when unset (``None``)."""
    value = variables.get(name)
    return defaults[name] if value is None else value


def role_session_name(host):
    """The RoleSessionName the run uses in the account of ``host``: ``spinnaker-aws-<host>``, characters STS refuses
    replaced by ``-``, at most 40 of the host (STS allows 64; CloudTrail shows it as the session)."""
    return "spinnaker-aws-" + _SESSION_NAME_BAD.sub("-", str(host))[:40]


def run_partition(hosts, managing_host, regions_of=known_regions):
    """The run's AWS partition: the managing host's ``spinnaker_partition`` when set, else the partition of its
    ``spinnaker_regions`` (each region is in exactly one partition, botocore's endpoint data); in a run without
    the managing host, the partition of ``spinnaker_managing_principal_arn``; else ``aws``. One
    partition holds every account of a run: STS does not assume a role in another partition."""
    source = hosts.get(managing_host) or (next(iter(hosts.values())) if hosts else {})
    if source.get("spinnaker_partition"):
        return str(source["spinnaker_partition"])
    principal = parse_iam_arn(source.get("spinnaker_managing_principal_arn") or "")
    if managing_host is None and principal:  # a run without the managing host: its principal's partition
        return principal["partition"]
    regions = source.get("spinnaker_regions") or []
    implied = sorted(set(p for p in known_partitions() for r in regions if r in regions_of(p)))
    return implied[0] if len(implied) == 1 else "aws"


def managing_principal_arn(partition, account_id, settings, iam_path="/"):
    """The principal every spinnakerManaged trusts, by ``managing_account_identity`` (IAM identifiers: a user is
    ``arn:P:iam::A:user/PATH/NAME``, a role ``arn:P:iam::A:role/PATH/NAME``); ``existing`` gives it as is."""
    identity = settings["managing_account_identity"]
    if identity == "existing":
        return settings.get("managing_account_existing_arn") or None
    if not account_id:
        return None
    if identity == "user":
        return iam_arn(partition, account_id, "user", settings["managing_account_user_name"], iam_path)
    return iam_arn(partition, account_id, "role", settings["managing_account_role_name"], iam_path)


def _account_entry(variables, host, model, partition, principal):
    """The plan of one account host (see the module docstring)."""
    path = variables["spinnaker_iam_path"]
    managed_name = variables["spinnaker_managed_role_name"]
    base_name = variables["spinnaker_base_iam_role_name"]
    account_id = model["account_id"]
    entry = dict(model)
    entry.update({
        "partition": partition,
        "session": {"bootstrap_role_arn": variables.get("aws_bootstrap_role_arn") or None,
                    "profile": variables.get("aws_profile") or None, "region": variables["aws_region"],
                    "endpoint_url": variables.get("aws_endpoint_url") or None,
                    "role_session_name": role_session_name(host)},
        "managing_principal_arn": principal,
        "trust_sid": variables["managed_account_trust_sid"],
        "managed_role": {"name": managed_name, "path": path,
                         "arn": iam_arn(partition, account_id, "role", managed_name, path),
                         "permissions_boundary": variables.get("spinnaker_iam_permissions_boundary") or None},
        # BaseIAMRole serves every Spinnaker that deploys into the account: its statement (ec2.amazonaws.com) is
        # recorded for the account, not for one install, so two installs share it instead of refusing each other.
        "base_iam_role": {"name": base_name, "path": path, "trust_sid": variables["managed_account_base_iam_role_trust_sid"],
                          "install_id": SHARED_INSTALL_ID,
                          "arn": iam_arn(partition, account_id, "role", base_name, path),
                          "instance_profile_arn": iam_arn(partition, account_id, "instance-profile", base_name, path)},
    })
    entry["assume_role"] = assume_role_for(entry, managed_name, path)
    entry["pass_role"] = pass_role(variables, partition, account_id, entry["base_iam_role"]["arn"])
    return entry


def _pass_role_patterns_ok(patterns):
    """Whether ``managed_account_pass_role_patterns`` is unset or a list of role name patterns IAM accepts."""
    return patterns is None or (isinstance(patterns, list) and all(
        isinstance(p, str) and re.match(r"^/?[A-Za-z0-9_+=,.@*/-]{1,512}$", p) for p in patterns))


def pass_role(variables, partition, account_id, base_iam_role_arn):
    """What spinnakerManaged may pass (``iam:PassRole``): BaseIAMRole, and the roles of
    ``managed_account_pass_role_patterns`` (``/path/name`` with IAM's ``*`` wildcard, e.g. ``/spinnaker/*`` or
    ``/ecsTask*``), only to ``managed_account_pass_role_services`` (``iam:PassedToService``; default
    ``PASS_ROLE_SERVICES``). Least privilege: PassRole on ``*`` without a condition would let Spinnaker hand any
    administrator role of the account to an instance. Returns ``{"resources": [ARNs], "condition": {...}}``."""
    patterns = variables.get("managed_account_pass_role_patterns") or []
    resources = [base_iam_role_arn] + ["arn:%s:iam::%s:role/%s" % (partition, account_id, str(p).lstrip("/")) for p in patterns]
    services = variables.get("managed_account_pass_role_services") or PASS_ROLE_SERVICES
    return {"resources": list(dict.fromkeys(resources)),
            "condition": {"StringEquals": {"iam:PassedToService": list(services)}}}


def _managing_entry(hosts, managing_host, settings, partition, accounts, prune_unlisted=False):
    """The managing side of the plan: its identity, policy and lock (see the module docstring)."""
    variables = hosts.get(managing_host, {})
    account_id = str(variables["aws_account_id"]) if variables.get("aws_account_id") else None
    path = variables.get("spinnaker_iam_path") or "/"
    principal = _principal(hosts, managing_host, settings, partition)
    scope = settings["managing_account_assume_role_scope"]
    present = [a["managed_role"]["arn"] for a in accounts.values() if a["state"] == "present"]
    absent = [a["managed_role"]["arn"] for a in accounts.values() if a["state"] == "absent"]
    managed_name = (variables.get("spinnaker_managed_role_name") or ACCOUNT_VARIABLES["spinnaker_managed_role_name"])
    wildcard = "arn:%s:iam::*:role%s%s" % (partition, path, managed_name)
    org = settings.get("managing_account_organization_id")
    return {
        "host": managing_host, "account_id": account_id, "identity": settings["managing_account_identity"],
        "principal_arn": principal, "user_name": settings["managing_account_user_name"],
        "role_name": settings["managing_account_role_name"], "iam_path": path,
        "secret_name": settings["managing_account_secret_name"],
        "policy_name": settings["managing_account_policy_name"],
        "policy_arn": iam_arn(partition, account_id, "policy", settings["managing_account_policy_name"], "/")
        if account_id else None,
        "assume_role_scope": scope,
        # The Resource of the owned sts:AssumeRole statement: one spinnakerManaged ARN per present account, or the
        # wildcard; the last step removes the offboarded accounts' ARNs, and the wildcard once the scope is accounts.
        "assume_role_arns": list(dict.fromkeys(present)) if scope == "accounts" else [wildcard],
        "stale_role_arns": sorted(set(absent) - set(present)) + ([wildcard] if scope == "accounts" else []),
        "exact_scope": scope == "wildcard" or bool(as_bool(prune_unlisted)),
        # A switch to the wildcard writes it and drops the list in one version: the organisation-bound wildcard
        # covers every listed role, and list plus wildcard may not fit the policy's 6,144 characters (117+ ARNs).
        "merge_exclusive": scope == "wildcard",
        "assume_role_condition": {"StringEquals": {"aws:ResourceOrgID": org}} if scope == "wildcard" and org else {},
        "lock_name": settings["spinnaker_run_lock_name"],
        # clouddriver's defaultAssumeRole (role/<path><name>: clouddriver prefixes arn:aws:iam::<accountId>:).
        "default_assume_role": "role%s%s" % (path, managed_name),
        # The run lock and the managing user's key live in one fixed region, like the IAM they guard: another
        # aws_region must neither miss a held lock nor mint a second key.
        "secrets_region": settings.get("spinnaker_secrets_region") or global_region(partition) or "us-east-1",
        "irsa_provider_arn": settings.get("managing_account_irsa_provider_arn") or None,
        "irsa_issuer": settings.get("managing_account_irsa_issuer") or None,
        "principal": _principal_parts(principal),
        "permissions_boundary": variables.get("spinnaker_iam_permissions_boundary") or None,
    }


def _principal_parts(arn):
    """``{"type": "user" or "role", "name": ...}`` of a principal ARN, or ``None``."""
    details = parse_iam_arn(arn or "")
    return {"type": details["resource_type"], "name": details["name"]} if details else None


def _first_set(hosts, name):
    """The value of the variable ``name`` on the first of ``hosts`` (``{host: {variable: value}}``) that sets it
    (a shared variable: group_vars or an extra variable), else ``None``."""
    return next((h[name] for h in hosts.values() if h.get(name)), None)


def _principal(hosts, managing_host, settings, partition):
    """The managing principal: ``spinnaker_managing_principal_arn`` when the inventory sets it (a run over part of
    the accounts, an AWX slice without the managing host), else ``managing_principal_arn`` of the managing host."""
    given = _first_set(hosts, "spinnaker_managing_principal_arn")
    if given:
        return given
    variables = hosts.get(managing_host, {})
    account_id = str(variables["aws_account_id"]) if variables.get("aws_account_id") else None
    return managing_principal_arn(partition, account_id, settings, variables.get("spinnaker_iam_path") or "/")


# The install id of what every install in an account shares (BaseIAMRole's statement); no install may take it.
SHARED_INSTALL_ID = "account"


def principal_refusals(hosts, managing_host, settings, partition):
    """The refusals of ``spinnaker_managing_principal_arn`` (``hosts``: ``{host: {variable: value}}``) beside the
    managing host: the principal must be in the managing account, and equal to the principal that host publishes
    (by ``managing_account_identity``). A typo or a stale AWX extra variable would otherwise make every role trust
    it, and the last step remove the real principal."""
    given = _first_set(hosts, "spinnaker_managing_principal_arn")
    variables = hosts.get(managing_host) or {}
    details = parse_iam_arn(given or "")
    if not (given and details and variables.get("aws_account_id")):
        return []
    account_id = str(variables["aws_account_id"])
    if details["account_id"] != account_id:
        return ["spinnaker_managing_principal_arn is %s, in account %s, not in the managing account %s (%s's "
                "aws_account_id). Fix it, or remove it: with the managing host in the inventory it is not needed."
                % (given, details["account_id"], account_id, managing_host)]
    published = managing_principal_arn(partition, account_id, settings, variables.get("spinnaker_iam_path") or "/")
    if published and published != given:
        return ["spinnaker_managing_principal_arn is %s, but the managing host %s publishes %s "
                "(managing_account_identity: %s). Remove it (with the managing host in the inventory it is not "
                "needed), or make it the same." % (given, managing_host, published, settings["managing_account_identity"])]
    return []


def install_id(hosts, principal):
    """The id of this install of Spinnaker (whose trust statements are whose: ``iam_roles``' ``install_id``):
    ``spinnaker_install_id`` when a host sets it, else the account id of the managing principal ``principal``
    (one managing account, one install), else ``None``. ``hosts``: ``{host: {variable: value}}``."""
    given = _first_set(hosts, "spinnaker_install_id")
    if given:
        return str(given)
    details = parse_iam_arn(principal or "")
    return details["account_id"] if details else None


def install_id_refusals(hosts):
    """The refusals of ``spinnaker_install_id``: hosts that disagree, or a value a role tag key cannot hold."""
    values = dict((h, str(v["spinnaker_install_id"])) for h, v in sorted(hosts.items()) if v.get("spinnaker_install_id"))
    refusals = ["%s: spinnaker_install_id must be 1 to 64 of letters, digits and _.:/=+@- (it names a role tag), "
                "got %r. Fix the value." % (h, v) for h, v in values.items() if not INSTALL_ID_RE.match(v)]
    refusals += ["%s: spinnaker_install_id %s is the id of what every install shares (BaseIAMRole's statement). "
                 "Choose another." % (h, v) for h, v in values.items() if v == SHARED_INSTALL_ID]
    if len(set(values.values())) > 1:
        refusals.append("spinnaker_install_id differs between hosts (%s): one run is one install of Spinnaker. Set it "
                        "once, in group_vars/all or as an extra variable." % ", ".join("%s=%s" % i for i in values.items()))
    return refusals


def _run_switches(hosts):
    """The run-wide switches (``RUN_VARIABLES``), from the first of ``hosts`` (variable dicts) that sets each."""
    switches = {}
    for name, default in RUN_VARIABLES.items():
        value = next((h[name] for h in hosts if h.get(name) is not None), default)
        switches[name] = value if name == "spinnaker_registration" else bool(as_bool(value))
    return switches


def _registration(switches, groups, registration_vars):
    """Where the run registers the accounts: ``{"enabled", "path", "group", "host", "settings"}``."""
    path = switches["spinnaker_registration"]
    group = REGISTRATION_GROUPS.get(path)
    hosts = list(groups.get(group, [])) if group else []
    enabled = switches["spinnaker_registration_enabled"]
    return {"enabled": enabled, "path": path, "group": group, "hosts": hosts, "role": REGISTRATION_ROLES.get(path),
            "host": hosts[0] if enabled and len(hosts) == 1 else None,
            "settings": registration_vars.get(hosts[0], {}) if len(hosts) == 1 else {}}


def run_plan(hosts, groups, registration_vars=None, regions_of=known_regions):
    """Compute the run plan (see the module docstring) from the inventory.

    ``hosts``: ``{host: {variable: value}}`` for every account host (``spinnaker_managed`` and
    ``spinnaker_managing``), holding the variables of ``plan_variables()`` that are set (``None`` or missing when
    unset). ``groups``: Ansible's ``groups``. ``registration_vars``: ``{host: {variable: value}}`` for the hosts of
    the registration groups (``REGISTRATION_VARIABLES``). ``regions_of``: ``partition -> region names``.

    Never raises for bad input: every problem is a message in ``refusals`` (host, variable, fix), and the plays stop
    before any AWS call when there is one.
    """
    registration_vars = registration_vars or {}
    managing_hosts = list(groups.get("spinnaker_managing", []))
    managing_host = managing_hosts[0] if len(managing_hosts) == 1 else None
    order = account_hosts(groups)
    full = dict((h, dict((n, _value(hosts.get(h, {}), n, ACCOUNT_VARIABLES)) for n in ACCOUNT_VARIABLES)) for h in order)
    settings = dict((n, _value(hosts.get(managing_host, {}), n, MANAGING_VARIABLES)) for n in MANAGING_VARIABLES)
    switches = _run_switches(list(hosts.values()) + list(registration_vars.values()))
    partition = run_partition(hosts, managing_host, regions_of)
    registration = _registration(switches, groups, registration_vars)
    refusals = _refusals(hosts, order, managing_hosts, settings, registration, regions_of, partition)
    models = account_model([dict(full[h], host=h) for h in order], default_partition=partition)
    principal = _principal(full, managing_host, settings, partition)
    install = install_id(full, principal)
    refusals += install_id_refusals(full)
    refusals += principal_refusals(full, managing_host, settings, partition)
    refusals += ["%s: managed_account_pass_role_patterns must be a list of /path/name role patterns (letters, digits, "
                 "_+=,.@-/ and *), got %r. Fix it." % (h, full[h]["managed_account_pass_role_patterns"])
                 for h in order if not _pass_role_patterns_ok(full[h].get("managed_account_pass_role_patterns"))]
    region = settings.get("spinnaker_secrets_region")
    if region and region not in regions_of(partition):
        refusals.append("%s: spinnaker_secrets_region %r is not a region of the %s partition. Fix it, or unset it (the "
                        "partition's IAM region)." % (managing_host, region, partition))
    accounts = {}
    for model in models:
        accounts[model["host"]] = _account_entry(full[model["host"]], model["host"], model, partition, principal)
        accounts[model["host"]]["install_id"] = install
    managing = _managing_entry(full, managing_host, settings, partition, accounts,
                               switches["spinnaker_prune_unlisted_accounts"])
    return {"refusals": refusals, "partition": partition, "install_id": install, "managing": managing, "accounts": accounts,
            "order": order, "registration": registration,
            "switches": {"iam": switches["spinnaker_iam_enabled"], "registration": registration["enabled"],
                         "verify": switches["spinnaker_verify"],
                         "prune_unlisted_accounts": switches["spinnaker_prune_unlisted_accounts"],
                         "prune_without_registration": switches["spinnaker_prune_without_registration"]}}


def _refusals(hosts, order, managing_hosts, settings, registration, regions_of, partition):
    """Every inventory error (module_utils.inventory.inventory_errors), before any AWS call."""
    accounts = [dict(hosts.get(h, {}), host=h) for h in order]
    principal = _first_set(dict((h, hosts.get(h, {})) for h in order), "spinnaker_managing_principal_arn")
    reg = None
    if registration["enabled"] and registration["group"] is None:
        return ["spinnaker_registration must be one of %s, got %r." % (
            ", ".join(sorted(REGISTRATION_GROUPS)), registration["path"])]
    if registration["enabled"]:
        reg = (registration["group"], registration["hosts"], registration["path"], registration["settings"])
    mixed = ["%s: spinnaker_partition is %s, but the run is in %s (the managing account's): one partition holds every "
             "account of a run, since STS does not assume a role in another partition. Remove it, or set the same "
             "value on every host." % (a["host"], a["spinnaker_partition"], partition)
             for a in accounts if a.get("spinnaker_partition") and a["spinnaker_partition"] != partition]
    return mixed + inventory_errors(
        accounts, managing_hosts, identity=settings["managing_account_identity"],
        irsa_provider_arn=settings.get("managing_account_irsa_provider_arn") or "",
        irsa_issuer=settings.get("managing_account_irsa_issuer") or "",
        existing_arn=settings.get("managing_account_existing_arn") or "",
        managing_principal_arn=principal, managing_settings=settings, registration=reg, regions_of=regions_of,
        partition=partition)


def run_outcome(plan, results):
    """What the run did so far, for the plays after the one that did it: the account model with ``iam_ok``,
    ``chain_ok`` and ``ready``, the accounts whose IAM or trust chain failed, the registration's report, the managing
    user's access key and the trust policies.

    ``plan``: ``run_plan``'s result. ``results``: ``{host: {"in_run": bool, "iam": the registered result of the
    IAM task or None, "registration": the writer's registered result or None, "provider": Halyard's provider
    result or None, "access_key": the managing user's key or None, "check": the managing host's
    ``sts_trust_check`` result or None}}`` for the account hosts and the registration host (a host outside the
    run, ``--limit``, has ``in_run`` false).

    An account's IAM failed when the host is in the run, the run converges IAM, the account is present, and the
    IAM task has no successful result. Its chain failed when the trust-chain check (which runs before registration)
    has a failed row for its account id. Either makes ``ready`` false: the account is not added to or changed in
    Spinnaker (an account already registered keeps its entry), and the writers prune no unlisted account in that
    run (``prune_unlisted``: ``spinnaker_prune_unlisted_accounts`` and every account ready; a held account is not in
    the writers' entries, so pruning would delete it). Returns ``{"accounts": [...], "iam_failed": [names],
    "chain_failed": [{"name", "account_id", "reason"}], "prune_unlisted": bool, "access_key": {...},
    "registration": {"done", "error", "unlisted", "refused", "access_key_ids"}, "trust_policies": {host: policy}}``
    (``error``: the message of a registration that failed, kept by the register play's rescue, or ``None``).
    """
    managing = results.get(plan["managing"]["host"]) or {}
    chain = _chain_failures(managing.get("check"))
    accounts, failed, chain_failed, trusts = [], [], [], {}
    for host in plan["order"]:
        account = dict(plan["accounts"][host])
        result = results.get(host) or {}
        iam = result.get("iam")
        converged = isinstance(iam, dict) and not iam.get("failed") and not iam.get("skipped")
        account["iam_ok"] = (account["state"] == "absent" or not plan["switches"]["iam"]
                             or not result.get("in_run") or converged)
        reason = chain.get(account["account_id"]) if account["state"] == "present" else None
        account["chain_ok"] = reason is None
        account["ready"] = account["iam_ok"] and account["chain_ok"]
        if not account["iam_ok"]:
            failed.append(account["name"])
        elif reason is not None:
            chain_failed.append({"name": account["name"], "account_id": account["account_id"], "reason": reason})
        if converged and (iam.get("roles") or [{}])[0].get("policy") is not None:
            trusts[host] = iam["roles"][0]["policy"]
        elif result.get("trust_policy") is not None:
            trusts[host] = result["trust_policy"]
        accounts.append(account)
    registration = _registration_outcome(results.get(plan["registration"]["host"]) or {})
    # A writer leaves a held account out of its entries, so it reads as unlisted: pruning then would delete it.
    prune_unlisted = bool(plan["switches"]["prune_unlisted_accounts"]) and not failed and not chain_failed
    outcome = {"accounts": accounts, "iam_failed": failed, "chain_failed": chain_failed, "prune_unlisted": prune_unlisted,
               "access_key": managing.get("access_key") or {}, "registration": registration, "trust_policies": trusts}
    outcome.update(offboarding(plan, registration, prune_unlisted))
    outcome.update(retirement(plan, trusts, registration, results))
    return outcome


def _statement_holds(policy, sid, principal):
    """Whether the statement ``sid`` of the trust ``policy`` (``None``: not known) trusts ``principal``."""
    if policy is None or not principal:
        return False
    return any(p["principal"] == principal for p in other_principals(policy, sid, {}))


def retirement(plan, trusts, registration, results):
    """Whether the last step may retire the previous managing principal: remove it from the owned trust
    statements, detach the managing policy from it and make its access keys inactive. Only when it is proved
    unused: every present account's trust (converged or read in this run: ``trusts``, ``{host: policy}``) holds
    the current principal in the owned statement, this run's registration is done (or
    ``spinnaker_prune_without_registration``), and Spinnaker's config does not still authenticate with a
    previous user's access key (an identity other than ``user`` while Halyard's provider names a key). Else the
    previous principal stays trusted, with its policy, and the run says why; it never leaves the key Spinnaker is
    configured with trusted nowhere.

    Returns ``{"retire_previous_principal": bool, "retirement_waits": reason or None, "previous_principals":
    [ARNs the converged statements hold besides the current one]}``."""
    principal = plan["managing"]["principal_arn"]
    previous = sorted(set(
        p["principal"] for host, result in results.items() if host in plan["accounts"]
        for p in ((((result or {}).get("iam") or {}).get("roles") or [{}])[0].get("other_principals") or [])))
    unproved = [a["name"] for host, a in plan["accounts"].items()
                if a["state"] == "present" and not _statement_holds(trusts.get(host), a["trust_sid"], principal)]
    reason = None
    if not _spinnaker_switched(plan, registration):
        reason = ("this run registered nothing with Spinnaker, whose config may still use it (run the registration, or "
                  "set spinnaker_prune_without_registration: true once Spinnaker no longer uses it)")
    elif unproved:
        reason = ("the trust of %s is not known to hold %s in this run (its IAM failed, or it is outside the run)"
                  % (", ".join(unproved), principal))
    elif plan["managing"]["identity"] != "user" and registration["access_key_ids"]:
        reason = ("Spinnaker's config still authenticates with the access key %s of the previous managing user "
                  "(Halyard has no command that removes a provider's key: delete accessKeyId and secretAccessKey under "
                  "providers.aws in the halconfig, and run hal deploy apply)" % ", ".join(registration["access_key_ids"]))
    return {"retire_previous_principal": reason is None, "retirement_waits": reason, "previous_principals": previous}


def _spinnaker_switched(plan, registration):
    """Whether this run may take Spinnaker's config as switched to what it registered: its registration is done,
    or ``spinnaker_prune_without_registration`` says so for a run that registers nothing."""
    return bool(registration["done"] and plan["switches"]["registration"]) or bool(plan["switches"]["prune_without_registration"])


def offboarding(plan, registration, prune_unlisted=False):
    """Whether this run may remove the IAM of the accounts marked absent, and the managing policy's scope that
    follows. Only after Spinnaker's config dropped them: the registration of this run is done, or
    ``spinnaker_prune_without_registration`` says the operator knows it is (an IAM-only run, the IAM half of
    the AWX split, cannot tell: "registration not enabled" is not "registration done"). And never while another
    Spinnaker account (renamed, or added by hand: the writer's unlisted accounts, unless ``prune_unlisted``
    removed them) stands for the same AWS account id: it still assumes that spinnakerManaged.

    Returns ``{"offboard": bool, "offboard_waits": [names], "offboard_held": {host: [Spinnaker account names]},
    "assume_role_arns": [...], "stale_role_arns": [...]}``: the absent accounts whose offboarding waits or is held
    keep their spinnakerManaged ARN in the managing policy."""
    absent = [a for a in plan["accounts"].values() if a["state"] == "absent"]
    allowed = _spinnaker_switched(plan, registration)
    managing = plan["managing"]
    others = {} if prune_unlisted else registration.get("unlisted_account_ids") or {}
    held = dict((a["host"], sorted(n for n, i in others.items() if i == a["account_id"])) for a in absent)
    held = dict((host, names) for host, names in held.items() if names)
    waiting = [a["managed_role"]["arn"] for a in absent if not allowed or a["host"] in held]
    kept = waiting if managing["assume_role_scope"] == "accounts" else []
    return {"offboard": allowed, "offboard_waits": [] if allowed else [a["name"] for a in absent], "offboard_held": held,
            "assume_role_arns": managing["assume_role_arns"] + [arn for arn in kept if arn not in managing["assume_role_arns"]],
            "stale_role_arns": [arn for arn in managing["stale_role_arns"] if arn not in waiting]}


def _chain_failures(check):
    """``{account_id: reason}`` of the failed rows of an ``sts_trust_check`` result (``{}`` when the check did not
    run, was skipped or failed as a task: then no account is held back by it)."""
    if not isinstance(check, dict) or check.get("skipped") or check.get("failed"):
        return {}
    return dict((str(row.get("account_id")), row.get("reason") or "the trust chain check failed")
                for row in check.get("rows") or [] if not row.get("ok"))


def _registration_outcome(result):
    """The registration host's report: whether it completed in this run, Spinnaker's accounts the inventory does
    not list, the refused ones (held for another AWS account id) and the access key ids Halyard's config names."""
    written = result.get("registration")
    done = (isinstance(written, dict) and not written.get("failed") and not written.get("skipped")
            and not result.get("registration_error"))
    written = written if done else {}
    provider = result.get("provider") if isinstance(result.get("provider"), dict) else {}
    return {"done": done, "error": result.get("registration_error") or None,
            "unlisted": list(written.get("unlisted") or []),
            "unlisted_account_ids": dict(written.get("unlisted_account_ids") or {}),
            "refused": list(written.get("refused") or []),
            "access_key_ids": [k for k in [provider.get("access_key_id")] if k]}


def session_errors(account, session_arn):
    """Whether a session may write the IAM of ``account`` (the plan's entry of one host): the ARN STS answered
    with (``AssumedRoleUser.Arn`` or ``GetCallerIdentity``'s ``Arn``) must be in the account's id and partition.
    Returns ``[]`` or one message naming the host, the session, and what to fix."""
    fields = str(session_arn or "").split(":")
    have_partition = fields[1] if len(fields) > 4 else "?"
    have_account = fields[4] if len(fields) > 4 else "?"
    if have_account == account["account_id"] and have_partition == account["partition"]:
        return []
    session = account.get("session") or {}
    fix = ("aws_bootstrap_role_arn" if session.get("bootstrap_role_arn") else "aws_profile" if session.get("profile")
           else "the ambient credentials (or set aws_bootstrap_role_arn)")
    return ["%s: the AWS session is %s, in account %s (%s), but aws_account_id is %s (%s). Nothing was written for "
            "this host. Fix %s, or aws_account_id if it is the wrong one." % (
                account["host"], session_arn or "(none)", have_account, have_partition, account["account_id"],
                account["partition"], fix)]


def check_inputs(plan, outcome, managing_policy=None):
    """The inputs of the trust-chain check (``spinnaker.aws.sts_trust_check`` and the trust-policy lint), for the
    present accounts whose IAM did not fail in this run.

    ``outcome``: ``run_outcome``'s result; ``managing_policy``: the managing policy document this run wrote (its
    ``SpinnakerAssumeManagedRoles`` statement tells accounts the inventory no longer lists). Returns
    ``{"roles": [{"role_arn", "external_id", "registration", "regions"}], "trusts": [{"account_id", "policy",
    "external_id"}], "sid": the owned trust Sid, "drift": ["account 999999999999 in the managing policy", "Spinnaker account x"]}``.
    """
    # The writer that registers the accounts (the check runs before it, so it is what the run will register with).
    registration = plan["registration"]["path"] if plan["switches"]["registration"] else None
    roles, trusts = [], []
    for account in outcome["accounts"]:
        if account["state"] != "present" or not account["iam_ok"]:
            continue
        roles.append({"role_arn": account["managed_role"]["arn"], "external_id": account["external_id"],
                      "registration": registration, "regions": list(account["regions"])})
        policy = outcome["trust_policies"].get(account["host"])
        if policy is not None:
            trusts.append({"account_id": account["account_id"], "policy": policy,
                           "external_id": account["external_id"] or ""})
    known = set(a["account_id"] for a in outcome["accounts"])
    drift = ["account %s in the managing policy" % a for a in _policy_account_ids(managing_policy) if a not in known]
    listed = set(a["name"] for a in outcome["accounts"])  # a held account is unlisted by its writer, not drift
    drift += ["Spinnaker account %s" % name for name in outcome["registration"]["unlisted"] if name not in listed]
    sid = next((a["trust_sid"] for a in plan["accounts"].values()), "SpinnakerManaging")
    return {"roles": roles, "trusts": trusts, "sid": sid, "drift": drift}


def _policy_account_ids(document):
    """The account ids of the role ARNs in the ``SpinnakerAssumeManagedRoles`` statement of ``document``."""
    ids = []
    for statement in (document or {}).get("Statement") or []:
        if statement.get("Sid") != "SpinnakerAssumeManagedRoles":
            continue
        resources = statement.get("Resource") or []
        for arn in [resources] if isinstance(resources, str) else resources:
            details = parse_iam_arn(arn, ("role",))
            if details and details["account_id"] not in ids:
                ids.append(details["account_id"])
    return ids


# The result each registration role registers for its writer's task.
REGISTRATION_RESULTS = ("spinnaker_halyard_result", "spinnaker_clouddriver_result", "spinnaker_gate_result")


def _registration_result(variables):
    """The registration role's result on its host (``REGISTRATION_RESULTS``), or ``None``."""
    return next((variables.get(n) for n in REGISTRATION_RESULTS if variables.get(n) is not None), None)


def _read_trust_policy(result):
    """The trust policy of an ``amazon.aws.iam_role_info`` result, or ``None``."""
    roles = result.get("iam_roles") if isinstance(result, dict) else None
    return roles[0].get("assume_role_policy_document") if roles else None


def read_results(plan, hostvars):
    """The ``results`` argument of ``run_outcome``, read from ``hostvars`` (a mapping of host to variables): each
    account host's and the registration host's facts, once. Facts read: ``spinnaker_plan`` (the host is in the
    run), ``managed_account_result`` (the IAM task's result), ``spinnaker_trust_read`` (``iam_role_info``'s, with
    IAM off), ``spinnaker_halyard_result``, ``spinnaker_clouddriver_result`` or ``spinnaker_gate_result`` and
    ``spinnaker_halyard_provider`` (the registration's, ``REGISTRATION_RESULTS``), and the managing
    host's ``managing_account_key`` (``iam_access_key_secret``'s result: its ``access_key``, ``{}`` or missing when
    no key is stored or the task was skipped) and ``verify_result`` (the trust-chain check's)."""
    results = {}
    registration_host = plan["registration"]["host"]
    for host in list(plan["order"]) + [h for h in [registration_host] if h and h not in plan["order"]]:
        if host not in hostvars:
            continue
        variables = hostvars[host]
        # The managing user's key: iam_access_key_secret's registered result (skipped or failed: no access_key).
        managing_key = (variables.get("managing_account_key") or {}).get("access_key") or None
        results[host] = {
            "in_run": variables.get("spinnaker_plan") is not None,
            "iam": variables.get("managed_account_result"),
            "trust_policy": _read_trust_policy(variables.get("spinnaker_trust_read")),
            "registration": _registration_result(variables) if host == registration_host else None,
            "provider": variables.get("spinnaker_halyard_provider") if host == registration_host else None,
            "registration_error": variables.get("spinnaker_registration_error") if host == registration_host else None,
            "access_key": managing_key if host == plan["managing"]["host"] else None,
            "check": variables.get("verify_result") if host == plan["managing"]["host"] else None,
        }
    return results
