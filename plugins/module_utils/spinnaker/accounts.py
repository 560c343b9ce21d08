# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The account model: what Spinnaker should know about every account of the inventory (pure: plain data).

Every writer of Spinnaker's configuration (Halyard, clouddriver's config files, the Account Management API) and
the checks that compare it with AWS read this one list, so they can never disagree on what an account is. An
account is a dict::

    {"host": "develop", "name": "develop", "account_id": "200000000002", "regions": ["us-east-1"],
     "external_id": "spinnaker-develop-0b5e" or None, "environment": "develop" or None,
     "permissions": {"READ": ["team"], "WRITE": ["team"]} or None, "lambda_enabled": True or None,
     "partition": "aws", "state": "present" or "absent"}

What the run did is not part of it: ``module_utils.plan.run_outcome`` adds ``iam_ok``, ``chain_ok`` and ``ready``
to each account (``ready`` is false for a present account whose IAM failed in this run, or whose trust chain
failed the check before registration: such an account is not added to or changed in Spinnaker's configuration),
and the writers below read ``ready``.

Rules (one place for each):

* ``name`` is ``spinnaker_account_name``, else the inventory host name.
* ``external_id`` is the host's ``spinnaker_external_id`` when the host sets one (an empty string meaning "none"),
  else ``spinnaker_default_external_id`` (what an AWX credential injects for every host), else none.
* ``permissions`` is ``spinnaker_permissions`` (Fiat roles per ``READ``/``WRITE``; ``None`` when unset: not managed),
  ``lambda_enabled`` is ``spinnaker_lambda_enabled`` (``None`` when unset), ``partition`` is the run's partition
  (the run plan's: one partition holds every account of a run).
* ``state`` is ``spinnaker_account_state`` (``present`` unless it says ``absent``: offboard the account).
"""

ACCOUNT_STATES = ("present", "absent")
PERMISSION_KINDS = ("READ", "WRITE")


def account_hosts(groups):
    """The inventory hosts that stand for AWS accounts, from Ansible's ``groups``: ``spinnaker_managed``, then the
    managing host (``spinnaker_managing``), each once, in that order."""
    return list(dict.fromkeys(list(groups.get("spinnaker_managed", [])) + list(groups.get("spinnaker_managing", []))))


def effective_external_id(host_value, default_value=None):
    """The external id an account uses: ``host_value`` when it is set (``""`` meaning none), else
    ``default_value``; returns a non-empty string or ``None``."""
    value = default_value if host_value is None else host_value
    return value or None


def normalize_permissions(value):
    """``spinnaker_permissions`` as ``{"READ": [...], "WRITE": [...]}`` (both keys, sorted unique role names), or
    ``None`` when unset. A kind that is missing grants nobody. Roles are Fiat role names, compared case-sensitively
    as Fiat stores them."""
    if value is None:
        return None
    return dict((kind, sorted(set(str(role) for role in (value.get(kind) or [])))) for kind in PERMISSION_KINDS)


def as_bool(value):
    """An inventory flag as a bool (``True``, ``"yes"``, ``"true"``, ``1``...), or ``None`` when unset."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y")
    return bool(value)


def account_model(hosts, default_partition="aws"):
    """Build the account list from one dict of variables per host.

    ``hosts``: a list of dicts with ``host`` and the host's ``aws_account_id``, ``spinnaker_account_name``,
    ``spinnaker_regions``, ``spinnaker_environment``, ``spinnaker_external_id``,
    ``spinnaker_default_external_id``, ``spinnaker_permissions``, ``spinnaker_lambda_enabled``,
    ``spinnaker_partition`` and ``spinnaker_account_state`` (each ``None`` when unset). ``default_partition``: the
    partition of a host that does not set ``spinnaker_partition`` (the run plan's).

    Returns the accounts (see the module docstring), in the order of ``hosts``.
    """
    accounts = []
    for variables in hosts:
        state = variables.get("spinnaker_account_state") or "present"
        accounts.append({
            "host": variables["host"],
            "name": variables.get("spinnaker_account_name") or variables["host"],
            "account_id": str(variables.get("aws_account_id")),
            "regions": list(variables.get("spinnaker_regions") or []),
            "external_id": effective_external_id(variables.get("spinnaker_external_id"),
                                                 variables.get("spinnaker_default_external_id")),
            "environment": variables.get("spinnaker_environment") or None,
            "permissions": normalize_permissions(variables.get("spinnaker_permissions")),
            "lambda_enabled": as_bool(variables.get("spinnaker_lambda_enabled")),
            "partition": default_partition,
            "state": state,
        })
    return accounts


def halyard_accounts(accounts, assume_role=None, adopt=()):
    """The ``accounts`` option of ``spinnaker.aws.halyard_aws_account`` for the account model.

    A present account that is ``ready`` (its IAM converged and its trust chain holds) is ensured with every field
    (``external_id: ""`` when it has none, which makes the module remove a stored one); an absent account is
    deleted; a present account that is not ready is left out (left as Spinnaker has it). ``assume_role``: Halyard's ``assumeRole``
    (``role/spinnakerManaged``), made the full role ARN outside the ``aws`` partition (``full_assume_role``);
    ``None`` takes each account's ``assume_role`` (the run plan's).
    Every entry carries the account id, so that the module leaves alone an account of
    the same name that holds another id, unless its name is in ``adopt`` (``spinnaker_halyard_adopt_accounts``).
    """
    result = []
    adopt = set(adopt or ())
    for account in accounts:
        if account["state"] == "absent":
            result.append({"name": account["name"], "account_id": account["account_id"], "state": "absent",
                           "adopt": account["name"] in adopt})
        elif account["ready"]:
            result.append({
                "adopt": account["name"] in adopt,
                "name": account["name"],
                "account_id": account["account_id"],
                "assume_role": account["assume_role"] if assume_role is None else full_assume_role(account, assume_role),
                "regions": account["regions"],
                "external_id": account["external_id"] or "",
                "environment": account["environment"],
            })
            if account["permissions"] is not None:
                result[-1]["read_permissions"] = account["permissions"]["READ"]
                result[-1]["write_permissions"] = account["permissions"]["WRITE"]
            if account["lambda_enabled"] is not None:
                result[-1]["lambda_enabled"] = account["lambda_enabled"]
    return result


def full_assume_role(account, assume_role):
    """``assume_role`` (``role/<path><name>``, or an ARN) as clouddriver must be given it for ``account``: as it is in
    the ``aws`` partition or when it is already an ARN, else the full ARN in the account's partition (clouddriver
    prefixes a value not starting with ``arn:`` with ``arn:aws:iam::<accountId>:``, always ``aws``)."""
    if account.get("partition", "aws") == "aws" or assume_role.startswith("arn:"):
        return assume_role
    return "arn:%s:iam::%s:%s" % (account["partition"], account["account_id"], assume_role)


def assume_role_for(account, role_name="spinnakerManaged", path="/"):
    """clouddriver's ``assumeRole`` of one account of the model: ``role/<path><name>`` in the ``aws`` partition
    (clouddriver turns a value that does not start with ``arn:`` into ``arn:aws:iam::<accountId>:<value>``, always
    in the ``aws`` partition), the full role ARN in any other partition (GovCloud, China), where that rule would
    build a wrong ARN."""
    relative = "role%s%s" % (path if path.startswith("/") else "/" + path, role_name)
    return full_assume_role(account, relative)


def registration_entries(accounts, assume_role):
    """The ``accounts`` option of the clouddriver writers (``spinnaker.aws.clouddriver_aws_config`` and
    ``spinnaker.aws.gate_aws_accounts``) for the account model.

    ``assume_role``: a function of one account returning its ``assumeRole`` (see ``assume_role_for``). A present
    account that is ``ready`` (its IAM converged and its trust chain holds) gives every field the model has
    (``external_id: None`` when it has none); an absent account gives ``{"name", "account_id", "state": "absent"}``;
    a present account that is not ready is left out, so the writers leave it as Spinnaker has it.
    """
    entries = []
    for account in accounts:
        if account["state"] == "absent":
            entries.append({"name": account["name"], "account_id": account["account_id"], "state": "absent"})
        elif account["ready"]:
            entries.append({
                "name": account["name"], "account_id": account["account_id"], "assume_role": assume_role(account),
                "regions": list(account["regions"]), "external_id": account["external_id"],
                "environment": account["environment"], "permissions": account.get("permissions"),
                "lambda_enabled": account.get("lambda_enabled"), "state": "present",
            })
    return entries


# The keys of a clouddriver account a writer always owns (an unset one is removed); ``permissions`` and
# ``lambdaEnabled`` are owned only when the inventory sets them.
OWNED_KEYS = ("name", "accountId", "assumeRole", "regions", "environment", "externalId")


def clouddriver_account(entry):
    """One entry of clouddriver's ``aws.accounts`` (the shape the Account Management API stores, without ``type``)
    for a present entry of ``registration_entries``.

    Shape, as clouddriver's ``AccountsConfiguration.Account`` binds it::

        {"name": "develop", "accountId": "200000000002", "assumeRole": "role/spinnakerManaged",
         "regions": [{"name": "us-east-1"}], "environment": "develop", "externalId": "...",
         "permissions": {"READ": [...], "WRITE": [...]}, "lambdaEnabled": False}

    ``accountId`` is a string (an unquoted id with a leading zero would be read as an octal number), ``regions``
    are objects with ``name`` (bare strings do not bind), ``environment`` defaults to the name as clouddriver's does.
    ``externalId``, ``permissions`` and ``lambdaEnabled`` appear only when set.
    """
    account = {
        "name": entry["name"],
        "accountId": str(entry["account_id"]),
        "assumeRole": entry["assume_role"],
        "regions": [{"name": region} for region in entry.get("regions") or []],
        "environment": entry.get("environment") or entry["name"],
    }
    if entry.get("external_id"):
        account["externalId"] = entry["external_id"]
    if entry.get("permissions") is not None:
        account["permissions"] = normalize_permissions(entry["permissions"])
    if entry.get("lambda_enabled") is not None:
        account["lambdaEnabled"] = bool(entry["lambda_enabled"])
    return account


def registration_plan(entries, current, adopt=(), adopt_variable="spinnaker_adopt_accounts"):
    """What a writer of clouddriver's account definitions must do to make ``current`` match ``entries``.

    ``entries``: the writer's ``accounts`` option (see ``registration_entries``); ``current``: Spinnaker's
    definitions by name, in clouddriver's shape (``accountId``, ``assumeRole``...; a ``type`` key is ignored).
    Keys the collection does not own (``OWNED_KEYS``, plus ``permissions``/``lambdaEnabled`` when set) are kept
    from ``current``. ``adopt``: names to take over although Spinnaker holds them for another AWS account id.

    Returns ``{"upsert": [account, ...], "delete": [name, ...], "unchanged": [name, ...], "refused": [refusal, ...],
    "unlisted": [name, ...], "unlisted_account_ids": {name: AWS account id}}``: ``upsert`` the whole wanted definitions of new or changed accounts (in entry
    order), ``delete`` offboarded accounts that exist, ``refused`` accounts held for another AWS account id (see
    ``foreign_account``; nothing is done to them), ``unlisted`` names in ``current`` that no entry mentions
    (reported, never touched), with the AWS account id each stands for (offboarding keeps the IAM such an account
    still uses).
    """
    plan = {"upsert": [], "delete": [], "unchanged": [], "refused": [], "unlisted": []}
    adopt = set(adopt or ())
    for entry in entries:
        have = current.get(entry["name"])
        refusal = foreign_account(have, entry["name"], entry.get("account_id"), entry["name"] in adopt, adopt_variable)
        if refusal:
            plan["refused"].append(refusal)
        elif entry.get("state") == "absent":
            if have is not None:
                plan["delete"].append(entry["name"])
        else:
            wanted = clouddriver_account(entry)
            owned = set(OWNED_KEYS) | set(wanted)
            merged = dict((key, value) for key, value in (have or {}).items() if key not in owned and key != "type")
            merged.update(wanted)
            if have is not None and dict((k, v) for k, v in have.items() if k != "type") == merged:
                plan["unchanged"].append(entry["name"])
            else:
                plan["upsert"].append(merged)
    named = set(entry["name"] for entry in entries)
    plan["unlisted"] = sorted(name for name in current if name not in named)
    plan["unlisted_account_ids"] = unlisted_account_ids(current, plan["unlisted"])
    return plan


def unlisted_account_ids(current, names):
    """``{name: AWS account id}`` of Spinnaker's accounts ``names`` in ``current`` (by name, clouddriver's shape);
    an account without ``accountId`` maps to ``""``."""
    return dict((name, str((current.get(name) or {}).get("accountId") or "")) for name in names)


def foreign_account(current, name, account_id, adopt=False, adopt_variable="spinnaker_halyard_adopt_accounts"):
    """Whether Spinnaker's account ``current`` (as clouddriver and Halyard store it: ``accountId``,
    ``assumeRole``...; ``None`` when there is none) belongs to somebody else, for any writer of Spinnaker's config.

    An account of the same ``name`` that holds another AWS account id than ``account_id`` (a 12-digit string) is
    not the inventory's account (a hand-made one, another team's): it must be left exactly as it is, unless
    ``adopt``. Returns ``None`` when the writer may change it, else the refusal::

        {"name": "develop", "account_id": "999999999999", "assume_role": "role/admin",
         "wanted_account_id": "200000000002", "msg": "develop: Spinnaker already has ..."}

    ``adopt_variable`` is the variable the message names as the fix.
    """
    if current is None or adopt or not account_id:
        return None
    have = str(current.get("accountId") or "")
    if have == str(account_id):
        return None
    return {
        "name": name, "account_id": have, "assume_role": current.get("assumeRole"), "wanted_account_id": str(account_id),
        "msg": "%s: Spinnaker already has an account of that name for AWS account %s (assumeRole %s), not %s: it is "
               "not this inventory's and was left as it is. Give the inventory host another spinnaker_account_name, "
               "or, if it is yours to replace, list %s in %s."
               % (name, have or "(none)", current.get("assumeRole") or "(none)", account_id, name, adopt_variable),
    }


# The argument spec of the ``accounts`` option of the clouddriver writers (documented by the
# spinnaker.aws.registration doc fragment).
ACCOUNT_SPEC = dict(
    name=dict(type="str", required=True),
    account_id=dict(type="str", required=True),
    assume_role=dict(type="str"),
    regions=dict(type="list", elements="str"),
    external_id=dict(type="str"),
    environment=dict(type="str"),
    permissions=dict(type="dict", options=dict(
        READ=dict(type="list", elements="str", default=[]),
        WRITE=dict(type="list", elements="str", default=[]),
    )),
    lambda_enabled=dict(type="bool"),
    state=dict(type="str", choices=list(ACCOUNT_STATES), default="present"),
)


def registration_argument_spec():
    """The options every clouddriver writer shares (``accounts``, ``adopt``, ``prune_unlisted``), for
    ``AnsibleModule``'s ``argument_spec``."""
    return dict(
        accounts=dict(type="list", elements="dict", required=True, options=ACCOUNT_SPEC),
        adopt=dict(type="list", elements="str", default=[]),
        prune_unlisted=dict(type="bool", default=False),
    )


def entry_errors(entries):
    """What is wrong with a writer's ``accounts`` option, before anything is written: a present account without
    ``assume_role`` or ``regions``, a name that appears twice. Returns a list of messages (empty when it is
    fine), each naming the account."""
    errors = []
    names = [entry["name"] for entry in entries]
    for name in sorted(set(n for n in names if names.count(n) > 1)):
        errors.append("accounts: the name %s appears more than once" % name)
    for entry in entries:
        if entry.get("state", "present") == "present":
            if not entry.get("assume_role"):
                errors.append("accounts[%s]: assume_role is required for a present account" % entry["name"])
            if not entry.get("regions"):
                errors.append("accounts[%s]: regions must name at least one region" % entry["name"])
    return errors
