"""The STS trust layer: a WSGI layer in front of moto that answers ``sts:AssumeRole`` the way STS does.

moto grants every ``AssumeRole``: it reads no trust policy and no ``sts:ExternalId`` condition (its auth mode, off
here, evaluates them wrongly: a missing external id passes, two Allow statements deny). The trust layer sits between the client and moto's
WSGI application. On ``AssumeRole`` it identifies the caller from the SigV4 access key (the moto IAM user, or the
assumed-role session, that owns it, in the account moto gives it), reads the role's trust policy from moto, and
evaluates the request; a refusal is answered as STS answers it (HTTP 403, ``ErrorResponse``, ``AccessDenied``,
``User: <caller ARN> is not authorized to perform: sts:AssumeRole on resource: <role ARN>``), an allowed request
goes on to moto, which issues the session. Every other request goes to moto untouched, except
``ec2:DescribeRegions`` (the regions an account has not opted in to).

Use it in-process, ``LocalAWS(trust=True)`` or ``LocalAWS(trust=TrustConfig(...))`` (``tests/local_aws.py``;
``aws.trust`` is the layer, its configuration can change between requests), or as one command that starts moto
with the layer in front, in place of ``moto_server``::

    .venv/bin/python -m tests.sts_trust --port 5000 --deny-assume-role-into 300000000003 \\
        --not-opted-in 200000000002=ap-east-1,me-south-1 [--config trust.json]

What it evaluates, with principalmapper's ``local_check_authorization_full`` (the identity-based policies, the
permissions boundary and the session policy of the caller, the SCPs, the trust policy as the resource policy):

- the trust policy's principals: ``"*"`` and ``{"AWS": "*"}``; an account (``arn:aws:iam::ID:root`` or the bare
  id), which admits a principal of that account only if its own identity-based policies allow ``sts:AssumeRole``
  on the role; a user or role ARN, which admits that principal (a role ARN admits every session of the role); an
  assumed-role session ARN, which admits that session. A caller of another account always needs its own
  identity-based ``Allow`` too, as in AWS.
- ``Deny`` wins over ``Allow``: a matching ``Deny`` in the trust policy, the caller's policies, its boundary,
  its session policy or an SCP refuses the request.
- conditions, with these request keys: ``sts:ExternalId`` (absent when the request has none),
  ``sts:RoleSessionName``, ``sts:SourceIdentity``, ``aws:PrincipalArn`` (the role ARN for a session, as in AWS),
  ``aws:PrincipalAccount``, ``aws:PrincipalOrgID`` (the id of the moto Organization the caller's account belongs
  to, absent otherwise), ``aws:userid``, ``aws:username``, ``aws:PrincipalTag/*`` (a role's tags),
  ``aws:CurrentTime``, ``aws:EpochTime``, ``aws:SecureTransport`` (always true). The operators are
  principalmapper's: ``String*``, ``Arn*``, ``Null``, ``Bool``, ``Numeric*``, ``Date*``, ``IpAddress``, with
  ``IfExists`` and ``ForAllValues:``/``ForAnyValue:``.
- SCP-like denies configured on the layer (``TrustConfig.scps``: policy documents per caller account, ``"*"``
  for every account; ``deny_assume_role_into(account_id)`` builds "no sts:AssumeRole into this account"). Each
  account's SCPs are evaluated beside an implicit ``FullAWSAccess``, so only their ``Deny`` statements matter.
- regions an account has not opted in to (``TrustConfig.not_opted_in``: account -> regions). moto answers
  ``DescribeRegions`` with one fixed table for every account (its opt-in regions ``not-opted-in``, the others
  ``opt-in-not-required``) and ignores ``AllRegions``. The layer marks the configured regions ``not-opted-in``
  for the caller's account and, as EC2 does, lists the ``not-opted-in`` regions only when ``AllRegions`` is true.

Where it differs from AWS:

- Credentials that are neither a moto IAM user's access key nor a moto session's (moto's ``testing`` keys) are
  moto's default identity, ``arn:aws:sts::<moto's default account>:user/moto``: the layer treats it as an
  administrator of that account (identity policy ``Allow *``), so the Organization's management account can
  assume ``OrganizationAccountAccessRole`` in its members (``LocalAWS.client(account_id)``). AWS answers
  ``InvalidClientTokenId`` for an unknown key. Signatures, inactive keys and session expiry are not checked.
- A role that does not exist is refused with the same ``AccessDenied``, as STS does; plain moto issues a session
  for it. ``LocalAWS.client(account_id)`` for an account that is not a member of a moto Organization (no
  ``OrganizationAccountAccessRole``) is therefore refused with the layer on, unless that role's name is in
  ``TrustConfig.unchecked_roles`` (``--unchecked-role``): then moto answers, unevaluated, as without the layer.
- Only ``sts:AssumeRole`` is evaluated: ``AssumeRoleWithWebIdentity``/``WithSAML``, ``GetFederationToken``,
  session tags (``sts:TagSession``, ``aws:RequestTag``), MFA keys and role chaining limits are moto's. Every
  other API call is moto's, whatever the policies and SCPs say; a call in a region the account has not opted in
  to is answered (AWS refuses it). The ``opt-in-status`` and ``region-name`` filters of ``DescribeRegions``
  are ignored, as moto ignores them.
- SCPs apply to every account they are configured for, the management account included (AWS exempts it). They
  are not read from moto's Organizations (``AttachPolicy``); ``aws:PrincipalOrgPaths``
  and resource control policies are not evaluated.
- principalmapper's matching: action and resource patterns (``Action``, ``Resource``) are compared without case
  (AWS compares ARNs with case); ``StringNotLike`` on an absent key does not match (AWS: it matches). An IAM user's
  permissions boundary is not read (moto keeps none).

The library: principalmapper (NCC Group's PMapper), pinned in requirements-test.txt. Of what the package index
offers, it is the one library that evaluates a request locally the way IAM does for a role's trust policy:
principal matching (account, ARN, ``*``, ``NotPrincipal``), the same-account/cross-account rule for IAM resource
policies, identity policies, boundaries, session policies, SCPs and condition operators. The others do not:
policyuniverse parses policies and lists who a statement names but evaluates no request; iam-ape computes an
entity's effective permissions, without a request context or trust policies; parliament, policy-sentry and
cloudsplaining lint or write policies; sibyl-aws and npkt simulate SCPs only; aws-why calls AWS's simulator. Its
limits: its last release (1.1.5, January 2022) is not maintained, and it does not import on Python 3.10 and later
(``from collections import Mapping``; fixed on its main branch, never released: nccgroup/PMapper issues 130, 131,
140). ``_principalmapper()`` imports it with the two ``collections`` aliases in place, then removes them. It is
AGPL-3.0, a test requirement only (GPL-3.0 section 13 allows the combination; the collection ships none of it).
"""

import argparse
import collections
import collections.abc
import json
import re
import signal
import threading
import uuid
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import parse_qs
from urllib.parse import unquote
from xml.sax.saxutils import escape

ACTION = "sts:AssumeRole"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
ROLE_ARN_RE = re.compile(r"^arn:([^:]+):iam::(\d{12}):role/(.+)$")
SESSION_ARN_RE = re.compile(r"^arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/(.+)$")
REGION_ITEM_RE = re.compile(rb"<item>(?:(?!</item>).)*?</item>", re.S)


def _principalmapper():
    """principalmapper's query_interface and model classes (see the module docstring for the import shim)."""
    added = [name for name in ("Mapping", "MutableMapping") if not hasattr(collections, name)]
    for name in added:
        setattr(collections, name, getattr(collections.abc, name))
    try:
        from principalmapper.common import Node
        from principalmapper.common import Policy
        from principalmapper.querying import query_interface
    finally:
        for name in added:
            delattr(collections, name)
    return Node, Policy, query_interface


# --- the decision: pure, no moto ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """Who signed the request.

    ``arn`` is the ARN STS names in its answers (a user, or ``arn:aws:sts::ID:assumed-role/ROLE/SESSION``);
    ``principal_arn`` the IAM principal a trust policy is compared with (the user, or the session's role);
    ``policies`` every identity-based policy document in force (inline, attached, the groups'),
    ``boundary`` the permissions boundary document, ``session_policy`` the policy passed when the session was made.
    """

    arn: str
    principal_arn: str
    account_id: str
    user_id: str
    policies: tuple = ()
    boundary: dict = None
    session_policy: dict = None
    tags: dict = field(default_factory=dict)


def deny_assume_role_into(account_id, partition="aws"):
    """An SCP-like document: no ``sts:AssumeRole`` on any role of ``account_id``."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyAssumeRoleInto%s" % account_id, "Effect": "Deny", "Action": ACTION,
        "Resource": "arn:%s:iam::%s:role/*" % (partition, account_id)}]}


def _listify(value):
    return value if isinstance(value, list) else [value]


def _condition_values(value):
    """IAM reads condition values as strings: ``true`` and ``1`` in JSON are ``"true"`` and ``"1"``."""
    if isinstance(value, list):
        return [_condition_values(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def canonical_policy(document, caller=None):
    """A policy document in the shape principalmapper reads: ``Statement`` a list, condition values strings, and
    (``caller`` given) the caller's session ARN in a ``Principal``/``NotPrincipal`` written as its role's ARN, the
    principal principalmapper compares."""
    if isinstance(document, str):
        document = json.loads(document)
    statements = []
    for statement in _listify(document.get("Statement", [])):
        statement = dict(statement)
        if "Condition" in statement:
            statement["Condition"] = {op: {key: _condition_values(v) for key, v in block.items()}
                                      for op, block in statement["Condition"].items()}
        for element in ("Principal", "NotPrincipal"):
            principal = statement.get(element)
            if caller is not None and isinstance(principal, dict) and "AWS" in principal:
                names = [caller.principal_arn if name == caller.arn else name for name in _listify(principal["AWS"])]
                statement[element] = dict(principal, AWS=names)
        statements.append(statement)
    return {"Version": document.get("Version", "2012-10-17"), "Statement": statements}


def request_context(caller, parameters, org_id=None):
    """The condition keys of an AssumeRole request that principalmapper does not infer from the caller."""
    context = {"aws:userid": caller.user_id, "aws:PrincipalAccount": caller.account_id,
               "aws:PrincipalArn": caller.principal_arn}
    for parameter, key in (("ExternalId", "sts:ExternalId"), ("RoleSessionName", "sts:RoleSessionName"),
                           ("SourceIdentity", "sts:SourceIdentity")):
        if parameters.get(parameter):
            context[key] = parameters[parameter]
    if ":user/" in caller.principal_arn:
        context["aws:username"] = caller.principal_arn.rsplit("/", 1)[1]
    if org_id:
        context["aws:PrincipalOrgID"] = org_id
    return context


def assume_role_allowed(caller, role_arn, trust_policy, context, scps=()):
    """Whether STS lets ``caller`` assume ``role_arn`` whose trust policy is ``trust_policy`` (None: no such role),
    given the request's condition keys ``context`` and the SCP documents of the caller's account."""
    match = ROLE_ARN_RE.match(role_arn or "")
    if trust_policy is None or match is None:
        return False
    Node, Policy, query_interface = _principalmapper()

    def policy(document, name):
        return Policy(name, name, canonical_policy(document))

    is_role = ":role/" in caller.principal_arn
    node = Node(caller.principal_arn, caller.user_id,
                [policy(doc, "identity-%d" % i) for i, doc in enumerate(caller.policies)], [],
                {} if is_role else None, None, 0, False, False,
                policy(caller.boundary, "boundary") if caller.boundary else None, False, dict(caller.tags))
    scp_groups = None
    if scps:
        scp_groups = [[policy(ALLOW_ALL, "FullAWSAccess")] + [policy(doc, "scp-%d" % i) for i, doc in enumerate(scps)]]
    return query_interface.local_check_authorization_full(
        node, ACTION, role_arn, dict(context), resource_policy=canonical_policy(trust_policy, caller),
        resource_owner=match.group(2), service_control_policy_groups=scp_groups,
        session_policy=canonical_policy(caller.session_policy) if caller.session_policy else None)


def access_denied(caller_arn, role_arn):
    """STS's refusal: ``(status, headers, body)``."""
    request_id = str(uuid.uuid4())
    message = "User: %s is not authorized to perform: %s on resource: %s" % (caller_arn, ACTION, role_arn)
    body = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n'
            '  <Error>\n    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n'
            '    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n'
            '</ErrorResponse>\n' % (escape(message), request_id)).encode()
    headers = [("Content-Type", "text/xml"), ("Content-Length", str(len(body))), ("x-amzn-RequestId", request_id)]
    return "403 Forbidden", headers, body


def rewrite_regions(body, not_opted_in, all_regions):
    """moto's ``DescribeRegions`` XML as EC2 answers it for an account: the regions of ``not_opted_in``
    ``not-opted-in``, and the ``not-opted-in`` regions listed only when ``all_regions``."""
    def item(match):
        text = match.group(0)
        name = re.search(rb"<regionName>([^<]*)</regionName>", text)
        if name and name.group(1).decode() in not_opted_in:
            text = re.sub(rb"<optInStatus>[^<]*</optInStatus>", b"<optInStatus>not-opted-in</optInStatus>", text)
        if not all_regions and b"<optInStatus>not-opted-in</optInStatus>" in text:
            return b""
        return text
    return REGION_ITEM_RE.sub(item, body)


# --- moto's state: who signed, which role, which organization ----------------------------------------------------


def _document(text):
    if isinstance(text, dict):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(unquote(text))


def _managed_documents(managed_policies):
    documents = []
    for policy in list(managed_policies.values()):
        version = next((v for v in policy.versions if v.is_default), policy.versions[-1])
        documents.append(_document(version.document))
    return documents


def _identity(principal):
    return [_document(doc) for doc in list(principal.policies.values())] + _managed_documents(principal.managed_policies)


def find_caller(access_key_id):
    """The ``Caller`` owning ``access_key_id`` in moto: an IAM user's key, a session's key, or moto's default
    identity (an administrator of moto's default account; the module docstring says why)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    for account_id, partitions in list(iam_backends.items()):
        for partition, iam in list(partitions.items()):
            key = iam.access_keys.get(access_key_id)
            if key is None:
                continue
            if key.user_name:
                user = iam.get_user(key.user_name)
                policies = _identity(user)
                for group in iam.get_groups_for_user(user.name):
                    policies += _identity(group)
                return Caller(user.arn, user.arn, account_id, user.id, tuple(policies))
            session = next((s for s in list(sts_backends[account_id][partition].assumed_roles)
                            if s.access_key_id == access_key_id), None)
            if session is None:
                break
            role = next((r for r in iam.get_roles() if r.arn == session.role_arn), None)
            policies, boundary, tags, role_id = (), None, {}, "AROA" + access_key_id[4:]
            if role is not None:
                policies = tuple(_identity(role))
                if role.permissions_boundary_arn and role.permissions_boundary_arn in iam.managed_policies:
                    boundary = _managed_documents({0: iam.managed_policies[role.permissions_boundary_arn]})[0]
                tags = {t["Key"]: t["Value"] for t in role.tags or []}
                role_id = role.id
            return Caller(session.arn, session.role_arn, account_id, "%s:%s" % (role_id, session.session_name),
                          policies, boundary, _document(session.policy) if session.policy else None, tags)
    return Caller("arn:aws:sts::%s:user/moto" % DEFAULT_ACCOUNT_ID, "arn:aws:sts::%s:user/moto" % DEFAULT_ACCOUNT_ID,
                  DEFAULT_ACCOUNT_ID, "AKIAIOSFODNN7EXAMPLE", (ALLOW_ALL,))


def find_trust_policy(role_arn):
    """The trust policy of the moto role ``role_arn`` (a dict), or None when there is no such role."""
    from moto.iam.models import iam_backends

    match = ROLE_ARN_RE.match(role_arn or "")
    if match is None or match.group(2) not in iam_backends:
        return None
    partitions = iam_backends[match.group(2)]
    if match.group(1) not in partitions.keys():
        return None
    role = next((r for r in partitions[match.group(1)].get_roles() if r.arn == role_arn), None)
    return _document(role.assume_role_policy_document) if role is not None else None


def organization_id(account_id):
    """The id of the moto Organization ``account_id`` belongs to (management or member), or None."""
    from moto.organizations.models import organizations_backends

    owner = organizations_backends.master_accounts.get(account_id)
    candidates = [owner] if owner else [(account_id, p) for p in organizations_backends.get(account_id, {}).keys()]
    for master, partition in candidates:
        org = organizations_backends.get(master, {}).get(partition)
        if org is not None and org.org is not None:
            return org.org.id
    return None


# --- the WSGI layer ----------------------------------------------------------------------------------------------


@dataclass
class TrustConfig:
    """``scps``: account id (``"*"``: every account) -> SCP-like policy documents for the principals of that
    account; ``not_opted_in``: account id -> regions that account has not opted in to; ``unchecked_roles``: role
    names whose AssumeRole the layer passes to moto unevaluated (the bootstrap role of an inventory whose accounts
    are not members of a moto Organization: moto cannot create an account with a given id, so nothing could create
    that role in it; plain moto grants every AssumeRole, so this is moto's answer, not STS's)."""

    scps: dict = field(default_factory=dict)
    not_opted_in: dict = field(default_factory=dict)
    unchecked_roles: list = field(default_factory=list)

    @classmethod
    def from_json(cls, data):
        return cls(scps=dict(data.get("scps", {})), not_opted_in={a: list(r) for a, r in data.get("not_opted_in", {}).items()},
                   unchecked_roles=list(data.get("unchecked_roles", [])))


class TrustLayer:
    """WSGI middleware in front of moto's application. ``decisions`` lists ``(caller ARN, role ARN, allowed)``
    for every AssumeRole it answered; ``answers`` the same as ``{"caller", "role_arn", "external_id": whether the
    request had one, "allowed"}``."""

    def __init__(self, app, config=None):
        self.app = app
        self.config = config if config is not None else TrustConfig()
        self.decisions = []
        self.answers = []
        self._lock = threading.Lock()

    def scps_for(self, account_id):
        return list(self.config.scps.get("*", [])) + list(self.config.scps.get(account_id, []))

    def __call__(self, environ, start_response):
        import io

        authorization = environ.get("HTTP_AUTHORIZATION", "") or unquote(environ.get("QUERY_STRING", ""))
        credential = CREDENTIAL_RE.search(authorization)
        if credential is None or credential.group(3) not in ("sts", "ec2") or environ.get("HTTP_X_AMZ_TARGET"):
            return self.app(environ, start_response)
        access_key_id, service = credential.group(1), credential.group(3)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        form = parse_qs(body.decode("utf-8", "replace")) if body else {}
        form.update((k, v) for k, v in parse_qs(environ.get("QUERY_STRING", "")).items() if k not in form)
        parameters = {k: v[0] for k, v in form.items()}
        action = parameters.get("Action")
        if service == "sts" and action == "AssumeRole":
            return self._assume_role(environ, start_response, access_key_id, parameters)
        if service == "ec2" and action == "DescribeRegions":
            return self._describe_regions(environ, start_response, access_key_id, parameters)
        return self.app(environ, start_response)

    def _assume_role(self, environ, start_response, access_key_id, parameters):
        role_arn = parameters.get("RoleArn", "")
        if role_arn.rsplit("/", 1)[-1] in self.config.unchecked_roles:
            return self.app(environ, start_response)
        caller = find_caller(access_key_id)
        context = request_context(caller, parameters, organization_id(caller.account_id))
        allowed = assume_role_allowed(caller, role_arn, find_trust_policy(role_arn), context, self.scps_for(caller.account_id))
        with self._lock:
            self.decisions.append((caller.arn, role_arn, allowed))
            self.answers.append({"caller": caller.arn, "role_arn": role_arn, "allowed": allowed,
                                 "external_id": "ExternalId" in parameters})
        if allowed:
            return self.app(environ, start_response)
        status, headers, body = access_denied(caller.arn, role_arn)
        start_response(status, headers)
        return [body]

    def _describe_regions(self, environ, start_response, access_key_id, parameters):
        account_id = find_caller(access_key_id).account_id
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return lambda data: None

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if captured["status"].startswith("200"):
            all_regions = parameters.get("AllRegions", "").lower() == "true"
            body = rewrite_regions(body, set(self.config.not_opted_in.get(account_id, [])), all_regions)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], headers + [("Content-Length", str(len(body)))])
        return [body]


# --- the command -------------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.sts_trust", description=(
        "A moto server on HOST:PORT with the STS trust layer in front: AssumeRole evaluates trust policies, "
        "external ids, SCP-like denies; DescribeRegions shows the regions an account has not opted in to."))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--config", help="JSON: {\"scps\": {ACCOUNT or \"*\": [policy, ...]}, "
                                         "\"not_opted_in\": {ACCOUNT: [region, ...]}}")
    parser.add_argument("--deny-assume-role-into", metavar="ACCOUNT", action="append", default=[],
                        help="an SCP-like deny, for every account, of sts:AssumeRole into ACCOUNT's roles (repeatable)")
    parser.add_argument("--not-opted-in", metavar="ACCOUNT=REGION[,REGION]", action="append", default=[],
                        help="regions ACCOUNT has not opted in to (repeatable)")
    parser.add_argument("--unchecked-role", metavar="NAME", action="append", default=[],
                        help="a role name whose AssumeRole moto answers unevaluated, e.g. the bootstrap role of "
                             "accounts that are not in a moto Organization (repeatable)")
    parser.add_argument("--managed-policies", metavar="NAME[,NAME]",
                        help="only these AWS managed policies in each account's IAM (default: moto's whole catalogue; '': none)")
    return parser.parse_args(argv)


def config_from_args(args):
    config = TrustConfig()
    if args.config:
        with open(args.config) as handle:
            config = TrustConfig.from_json(json.load(handle))
    for account_id in args.deny_assume_role_into:
        config.scps.setdefault("*", []).append(deny_assume_role_into(account_id))
    config.unchecked_roles.extend(args.unchecked_role)
    for entry in args.not_opted_in:
        account_id, regions = entry.split("=", 1) if "=" in entry else (entry, "")
        config.not_opted_in.setdefault(account_id, []).extend(r for r in regions.split(",") if r)
    return config


def main(argv=None):
    from tests.local_aws import LocalAWS

    args = parse_args(argv)
    managed = None if args.managed_policies is None else [name for name in args.managed_policies.split(",") if name]
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with LocalAWS(host=args.host, port=args.port, managed_policies=managed, trust=config_from_args(args)) as aws:
        print("moto with the STS trust layer on %s" % aws.endpoint, flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
