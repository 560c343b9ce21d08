# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The account model: what Spinnaker should know about every account of the inventory (pure: plain data).

Every writer of Spinnaker's configuration (the Halyard role today) and the checks that compare it with AWS read
this one list, so they can never disagree on what an account is. An account is a dict::

    {"host": "develop", "name": "develop", "account_id": "200000000002", "regions": ["us-east-1"],
     "external_id": "spinnaker-develop-0b5e" or None, "environment": "develop" or None,
     "state": "present" or "absent", "iam_ok": True}

Rules (one place for each):

* ``name`` is ``spinnaker_account_name``, else the inventory host name.
* ``external_id`` is the host's ``spinnaker_external_id`` when the host sets one (an empty string meaning "none"),
  else ``spinnaker_default_external_id`` (what an AWX credential injects for every host), else none.
* ``state`` is ``spinnaker_account_state`` (``present`` unless it says ``absent``: offboard the account).
* ``iam_ok`` is false for a present account whose IAM started converging in this run and did not finish (a task
  failed for that host): such an account must not be added to or changed in Spinnaker's configuration by this
  run. An account the run did not reach at all (outside ``--limit``) is not failed.
"""

ACCOUNT_STATES = ("present", "absent")


def account_hosts(groups):
    """The inventory hosts that stand for AWS accounts, from Ansible's ``groups``: ``spinnaker_managed``, then the
    managing host (``spinnaker_managing``), each once, in that order."""
    return list(dict.fromkeys(list(groups.get("spinnaker_managed", [])) + list(groups.get("spinnaker_managing", []))))


def effective_external_id(host_value, default_value=None):
    """The external id an account uses: ``host_value`` when it is set (``""`` meaning none), else
    ``default_value``; returns a non-empty string or ``None``."""
    value = default_value if host_value is None else host_value
    return value or None


def account_model(hosts, iam_checked=True):
    """Build the account list from one dict of variables per host.

    ``hosts``: a list of dicts with ``host`` and the host's ``aws_account_id``, ``spinnaker_account_name``,
    ``spinnaker_regions``, ``spinnaker_environment``, ``spinnaker_external_id``,
    ``spinnaker_default_external_id``, ``spinnaker_account_state``, ``spinnaker_iam_started`` and
    ``spinnaker_iam_converged`` (each ``None`` when unset). ``iam_checked``: whether this run's IAM part ran (``spinnaker_iam_enabled``); when it did not,
    every account counts as converged.

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
            "state": state,
            "iam_ok": (state == "absent" or not iam_checked or not variables.get("spinnaker_iam_started")
                       or bool(variables.get("spinnaker_iam_converged"))),
        })
    return accounts


def halyard_accounts(accounts, assume_role, adopt=()):
    """The ``accounts`` option of ``spinnaker.aws.halyard_aws_account`` for the account model.

    A present account whose IAM converged is ensured with every field (``external_id: ""`` when it has none, which
    makes the module remove a stored one); an absent account is deleted; a present account whose IAM failed in
    this run is left out (left as Spinnaker has it). ``assume_role``: Halyard's ``assumeRole``
    (``role/spinnakerManaged``). Every entry carries the account id, so that the module leaves alone an account of
    the same name that holds another id, unless its name is in ``adopt`` (``spinnaker_halyard_adopt_accounts``).
    """
    result = []
    adopt = set(adopt or ())
    for account in accounts:
        if account["state"] == "absent":
            result.append({"name": account["name"], "account_id": account["account_id"], "state": "absent",
                           "adopt": account["name"] in adopt})
        elif account["iam_ok"]:
            result.append({
                "adopt": account["name"] in adopt,
                "name": account["name"],
                "account_id": account["account_id"],
                "assume_role": assume_role,
                "regions": account["regions"],
                "external_id": account["external_id"] or "",
                "environment": account["environment"],
            })
    return result


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
