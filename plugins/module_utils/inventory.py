# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Validation of the inventory the main job runs over (pure: plain data in, messages out)."""

import re

ACCOUNT_ID_RE = re.compile(r"^\d{12}$")
REGION_RE = re.compile(r"^(?:[a-z]{2}|us-gov|us-iso[a-z]?|eu-isoe?)-[a-z]+-\d{1,2}$")
IDENTITY_MODES = ("user", "instance_role", "irsa", "existing")


def inventory_errors(accounts, managing_hosts, identity="user", irsa_provider_arn="", irsa_issuer="", existing_arn="",
                     managing_principal_arn=None):
    """Return the list of problems with the inventory, each naming the host, the variable and the fix.

    ``accounts``: one dict per AWS account host with ``host``, ``aws_account_id``, ``spinnaker_account_name``,
    ``spinnaker_regions`` and ``spinnaker_account_state`` (``None`` when unset). ``managing_hosts``: the hosts of ``spinnaker_managing``.
    ``identity`` and the ``irsa_*``/``existing_arn`` values are the managing account's settings.
    ``managing_principal_arn`` (``spinnaker_managing_principal_arn``) lets a run that does not hold the managing
    host (an AWX job slice) go on: it is then the principal every managed role trusts.
    """
    errors = []
    if managing_principal_arn and not re.match(r"^arn:[\w-]+:iam::\d{12}:(role|user)/.+$", managing_principal_arn):
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
        host = account["host"]
        account_id = account.get("aws_account_id")
        if account_id is None or not ACCOUNT_ID_RE.match(str(account_id)):
            errors.append(
                "%s: aws_account_id must be a quoted 12-digit string, got %r. Write aws_account_id: \"012345678901\" "
                "(unquoted, YAML drops leading zeros)." % (host, account_id)
            )
        else:
            ids.setdefault(str(account_id), []).append(host)
        name = account.get("spinnaker_account_name") or host
        names.setdefault(name, []).append(host)
        state = account.get("spinnaker_account_state") or "present"
        if state not in ("present", "absent"):
            errors.append("%s: spinnaker_account_state must be present or absent (offboard the account), got %r." % (host, state))
        regions = account.get("spinnaker_regions")
        if not regions or not isinstance(regions, (list, tuple)):
            errors.append("%s: spinnaker_regions must list at least one AWS region, e.g. [us-east-1]." % host)
        else:
            bad = [r for r in regions if not isinstance(r, str) or not REGION_RE.match(r)]
            if bad:
                errors.append("%s: spinnaker_regions has %s, not AWS region names; write one region per item, e.g. us-west-2." % (host, bad))
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
    if identity not in IDENTITY_MODES:
        errors.append("managing_account_identity must be one of %s, got %r." % (", ".join(IDENTITY_MODES), identity))
    if identity == "irsa" and not (irsa_provider_arn and irsa_issuer):
        errors.append(
            "managing_account_identity is irsa but managing_account_irsa_provider_arn and managing_account_irsa_issuer "
            "are not both set: give the EKS cluster's OIDC provider ARN and its issuer (without https://)."
        )
    if identity == "existing" and not re.match(r"^arn:[\w-]+:iam::\d{12}:(role|user)/.+$", existing_arn or ""):
        errors.append("managing_account_identity is existing: set managing_account_existing_arn to the role or user ARN Spinnaker runs as.")
    return errors
