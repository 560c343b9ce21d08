# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The trust-chain check of spinnaker.aws, pure part: classifying STS answers, linting trust policies, the table.

AWS behaviour followed (STS API reference, AssumeRole; IAM User Guide, "How to use an external ID"):

* A role whose trust has no ``sts:ExternalId`` condition accepts ANY external id, so only an AssumeRole WITHOUT the
  external id that FAILS proves the condition is there.
* ``AccessDenied`` "User: X is not authorized to perform: sts:AssumeRole on resource: Y" is the answer both when
  the role's trust does not allow X (or the external id does not match) and when X's identity policies do not
  allow sts:AssumeRole on Y. Since 2021 AWS appends "because no identity-based policy allows the sts:AssumeRole
  action" in the second case (IAM User Guide, "Troubleshooting access denied error messages"); without that
  phrase the trust side is the cause.
"""

import re

from ansible_collections.spinnaker.aws.plugins.module_utils.identifiers import parse_iam_arn
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import ORPHANED_ID_RE
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import canonical_condition
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import canonical_principal
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import parse_policy
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import principal_key

ASSUMED_ARN_RE = re.compile(r"^arn:[\w-]+:sts::(\d{12}):assumed-role/")
SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}$")

REASON_NOT_TRUSTED = "not trusted"
REASON_POLICY = "policy does not allow AssumeRole"
REASON_EXTERNAL_ID = "external id not enforced"
REASON_ACCOUNT = "account mismatch"
REASON_READ = "read call failed"
REASON_REGIONS = "region not enabled"
# EC2 DescribeRegions' OptInStatus of a region an account can use (EC2 API reference, RegionType): a region enabled
# by default, or an opt-in region the account opted in to. "not-opted-in" regions are listed only with AllRegions.
USABLE_OPT_IN = ("opt-in-not-required", "opted-in")


def role_account(role_arn):
    """Return the account id of a role ARN; raises ``ValueError`` for something that is not a role ARN."""
    details = parse_iam_arn(role_arn or "", ("role",))
    if not details:
        raise ValueError("%r is not a role ARN (arn:aws:iam::123456789012:role/NAME)" % (role_arn,))
    return details["account_id"]


def session_name(run_id, role_arn, suffix=""):
    """A role session name that identifies the run in CloudTrail: ``spinnaker-verify-<run>-<account>[-suffix]``,
    cut to STS's 64 characters of ``[\\w+=,.@-]``."""
    name = "spinnaker-verify-%s-%s%s" % (run_id, role_account(role_arn), suffix)
    return re.sub(r"[^\w+=,.@-]", "-", name)[:64]


def classify_denial(code, message):
    """Map an STS AssumeRole error to one of the reasons of the report."""
    if code in ("AccessDenied", "AccessDeniedException"):
        if "identity-based policy" in (message or "") or "explicit deny" in (message or ""):
            return REASON_POLICY
        return REASON_NOT_TRUSTED
    return "%s: %s" % (code, message)


def assumed_account(assumed_role_arn):
    """Return the account of an ``AssumedRoleUser.Arn`` (``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION``)."""
    match = ASSUMED_ARN_RE.match(assumed_role_arn or "")
    return match.group(1) if match else None


def unusable_regions(wanted, described):
    """The regions of ``wanted`` (names) the account cannot use, in ``wanted``'s order.

    ``described``: the ``Regions`` of ``ec2:DescribeRegions`` with ``AllRegions=true`` in the account
    (``[{"RegionName", "OptInStatus"}]``). A region is usable when it is listed with ``opt-in-not-required`` or
    ``opted-in``; a region listed ``not-opted-in``, or not listed at all (unknown to the partition, or hidden by an
    SCP on ``ec2:DescribeRegions``), is not: clouddriver's calls there fail for that account.
    """
    usable = set(r.get("RegionName") for r in described or []
                 if r.get("OptInStatus", "opt-in-not-required") in USABLE_OPT_IN)
    return [region for region in wanted or [] if region not in usable]


def new_row(role_arn, expected_account, external_id, registration=None):
    """The report row of one role before any call. ``registration``: how the run registered the account with
    Spinnaker (``halyard``, ``clouddriver_config``, ``account_api``), shown in the table when given."""
    return {
        "regions_unusable": [],
        "attempts": 0,
        "registration": registration,
        "account_id": expected_account,
        "role_arn": role_arn,
        "assumed": False,
        "external_id_configured": bool(external_id),
        "external_id_enforced": None,
        "identity_account": None,
        "read_ok": None,
        "ok": False,
        "reason": None,
        "error": None,
    }


def finish_row(row):
    """Set ``ok`` and the first ``reason`` from what was found; returns the row."""
    if not row["assumed"]:
        row["reason"] = row["reason"] or REASON_NOT_TRUSTED
    elif row["identity_account"] != row["account_id"]:
        row["reason"] = REASON_ACCOUNT
    elif row["external_id_configured"] and row["external_id_enforced"] is False:
        row["reason"] = REASON_EXTERNAL_ID
    elif row["read_ok"] is False:
        row["reason"] = REASON_READ
    elif row["regions_unusable"]:
        row["reason"] = REASON_REGIONS
        row["error"] = row["error"] or "%s: not opted in, or not visible to the account" % ", ".join(row["regions_unusable"])
    row["ok"] = row["reason"] is None
    return row


def format_table(rows):
    """A fixed-width text table of the rows, one line per role, for the run's output."""
    registered = any(row.get("registration") for row in rows)
    header = ("account", "role") + (("registered by",) if registered else ()) + ("assumed", "external id", "read", "result")
    lines = []
    for row in rows:
        external = "n/a" if not row["external_id_configured"] else ("enforced" if row["external_id_enforced"] else "NOT enforced")
        read = "n/a" if row["read_ok"] is None else ("ok" if row["read_ok"] else "failed")
        result = "ok" if row["ok"] else "FAIL: %s" % row["reason"] + (" (%s)" % row["error"] if row.get("error") else "")
        if row.get("attempts", 0) > 1:  # AccessDenied retried: a trust written moments ago was not yet honoured
            result += " (assumed at attempt %d: IAM propagation)" % row["attempts"]
        by = (row.get("registration") or "-",) if registered else ()
        lines.append((row["account_id"], row["role_arn"].split(":")[-1]) + by + ("yes" if row["assumed"] else "no", external, read, result))
    widths = [max(len(str(x[i])) for x in [header] + lines) for i in range(len(header) - 1)]
    out = []
    for line in [header] + lines:
        out.append("  ".join(str(v).ljust(widths[i]) for i, v in enumerate(line[:-1])) + "  " + line[-1])
    return out


def lint_trust_policy(document, expected_principal, external_id=None, sid=None):
    """Static findings on one managed role's trust policy; returns a list of ``{"code", "message"}``.

    ``expected_principal``: the managing principal ARN the owned statement should trust; ``external_id``: the
    value configured for the account (``None`` when none); ``sid``: the owned statement's Sid. Codes:
    ``wildcard-principal`` (``{"AWS": "*"}`` anywhere), ``orphaned-principal`` (AIDA/AROA ids of deleted
    principals), ``principal-missing`` (the managing principal is trusted by no statement),
    ``external-id-missing`` (a statement trusts it without the configured ``sts:ExternalId``),
    ``unexpected-principal`` (the owned statement trusts others too).
    """
    findings = []
    statements = parse_policy(document)["Statement"]
    expected = principal_key("AWS", expected_principal)
    trusting = []
    for statement in statements:
        if statement.get("Effect") != "Allow" or "Principal" not in statement:
            continue
        principal = canonical_principal(statement["Principal"])
        aws = principal.get("AWS", [])
        label = statement.get("Sid") or "(no Sid)"
        if "*" in aws:
            findings.append({"code": "wildcard-principal", "message": "statement %s trusts every AWS account (\"*\")" % label})
        for value in aws:
            if ORPHANED_ID_RE.match(value):
                findings.append({"code": "orphaned-principal", "message": "statement %s holds %s, a deleted principal's unique id" % (label, value)})
        if expected in aws:
            trusting.append(statement)
        if sid is not None and statement.get("Sid") == sid:
            others = sorted(set(aws) - {expected}) + sorted(v for k, vs in principal.items() if k != "AWS" for v in vs)
            if others:
                findings.append({"code": "unexpected-principal", "message": "the owned statement %s also trusts %s" % (sid, ", ".join(others))})
    if not trusting:
        findings.append({"code": "principal-missing", "message": "no statement trusts %s" % expected_principal})
    if external_id:
        for statement in trusting:
            values = canonical_condition(statement.get("Condition")).get("StringEquals", {}).get("sts:externalid")
            if values != [external_id]:
                findings.append({
                    "code": "external-id-missing",
                    "message": "statement %s trusts %s without requiring the configured external id"
                    % (statement.get("Sid") or "(no Sid)", expected_principal),
                })
    return findings
