# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""clouddriver's Account Management API, reached through gate (Spinnaker 2025.2.0 and later).

The endpoints (docs/spinnaker.md), under gate's base URL (``https://gate.example.com/api/v1`` in a kustomize
install):

* ``GET /credentials/type/aws?limit=N&startingAccountName=NAME``: the stored AWS definitions, by name, paged;
* ``PUT /credentials``: create or replace one stored definition (an upsert; ``POST`` fails once the account is
  loaded, so re-runs never use it); the body's type discriminator is ``type: aws``;
* ``DELETE /credentials/{name}``: delete a stored definition;
* ``GET /credentials/{name}``: the account as clouddriver has loaded it, 404 until its poller loaded it.

HTTP goes through ansible-core's ``open_url`` (TLS verification, CA bundle, basic auth).
"""

import json

from ansible.module_utils.six.moves.urllib.error import HTTPError
from ansible.module_utils.six.moves.urllib.error import URLError
from ansible.module_utils.six.moves.urllib.parse import quote
from ansible.module_utils.six.moves.urllib.parse import urlencode
from ansible.module_utils.urls import open_url

ACCOUNT_TYPE = "aws"
# The clouddriver settings without which the Account Management API answers 404 (or stores accounts that never load).
API_SETTINGS = (
    "account.storage.enabled: true", "account.storage.aws.enabled: true", "sql.enabled: true (with its connection)",
    "credentials.poller.enabled: true", "credentials.poller.types.aws.reloadFrequencyMs: <milliseconds>",
)


class GateError(Exception):
    """A gate answer that is not a success, or no answer. ``status`` is the HTTP status (``None`` when gate could
    not be reached), ``message`` says the cause and the fix."""

    def __init__(self, message, status=None):
        super(GateError, self).__init__(message)
        self.message = message
        self.status = status


def body_message(body):
    """The error text of a gate or clouddriver error body (JSON with ``message``, ``error`` or ``errors``, or plain
    text), at most 500 characters."""
    try:
        data = json.loads(body)
    except (TypeError, ValueError):
        return (body or "").strip()[:500]
    if isinstance(data, dict):
        parts = [data.get("message"), data.get("error")] + [str(e) for e in data.get("errors") or []]
        return "; ".join(str(p) for p in parts if p)[:500] or json.dumps(data)[:500]
    return json.dumps(data)[:500]


def explain(status, body, method, path):
    """The message of a failed call: what gate answered, its cause, and the fix.

    401 means the credentials; 403 Fiat's account-manager rule (a Fiat admin, or a member of a role in
    ``fiat.account.manager.roles``; update and delete also need WRITE on the account); 404 on the listing means
    the API is not enabled in clouddriver (``API_SETTINGS``); any other status quotes clouddriver's message.
    """
    said = body_message(body)
    where = "%s %s answered %s" % (method, path, status)
    if status == 401:
        return ("%s: gate did not accept the credentials. Check username/password (basic auth) or api_token "
                "(gate 2026.2.0+, api-tokens.enabled)%s." % (where, ": " + said if said else ""))
    if status == 403:
        return ("%s: Fiat refused it. The user must be a Fiat admin or a member of a role listed in "
                "fiat.account.manager.roles, and needs WRITE on an account to update or delete it; an account's "
                "permissions must include one of the user's roles%s." % (where, " (" + said + ")" if said else ""))
    if status == 404 and path.startswith("/credentials/type/"):
        return ("%s: clouddriver's Account Management API is not enabled (it needs Spinnaker 2025.2.0 or later). Set "
                "in clouddriver's config: %s." % (where, ", ".join(API_SETTINGS)))
    return "%s: %s" % (where, said or "(no message)")


class GateClient:
    """Calls to gate's ``/credentials`` endpoints. ``url``: gate's base URL (``https://gate.example.com/api/v1``);
    ``username``/``password`` for HTTP basic auth, or ``api_token`` (sent as ``Authorization: Bearer``);
    ``validate_certs``, ``ca_path`` and ``timeout`` (seconds) go to ``open_url``. Every method raises ``GateError``.
    """

    def __init__(self, url, username=None, password=None, api_token=None, validate_certs=True, ca_path=None,
                 timeout=30, opener=open_url):
        self.url = url.rstrip("/")
        self.username = username
        self.password = password
        self.api_token = api_token
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout
        self.opener = opener
        self.calls = []  # (method, path) of every call, for the module's result

    def request(self, method, path, body=None, missing_ok=False):
        """One call; returns the parsed JSON answer (``None`` for an empty one, or for 404 when ``missing_ok``)."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        if self.api_token:
            headers["Authorization"] = "Bearer %s" % self.api_token
        self.calls.append((method, path))
        try:
            response = self.opener(
                self.url + path, method=method, data=data, headers=headers, url_username=self.username,
                url_password=self.password, force_basic_auth=bool(self.username), validate_certs=self.validate_certs,
                ca_path=self.ca_path, timeout=self.timeout, follow_redirects="safe",
            )
            text = response.read()
        except HTTPError as e:
            if missing_ok and e.code == 404:
                return None
            try:
                error_body = e.read().decode("utf-8", "replace")
            except Exception:
                error_body = ""
            raise GateError(explain(e.code, error_body, method, path.split("?")[0]), e.code)
        except URLError as e:
            raise GateError("%s %s%s: gate could not be reached: %s. Check the URL, the network and, for TLS, "
                            "validate_certs/ca_path." % (method, self.url, path, e.reason))
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise GateError("%s %s: gate answered with something that is not JSON (is the URL gate's API base, "
                            "for example https://gate.example.com/api/v1?)" % (method, path))

    def stored_accounts(self, page_size=100):
        """Every stored AWS definition, as ``{name: definition}``, reading ``/credentials/type/aws`` page by page.
        A page is asked from the last name of the one before; a name seen twice is kept once (whether
        ``startingAccountName`` is inclusive is not documented)."""
        accounts = {}
        start = None
        while True:
            query = {"limit": page_size}
            if start is not None:
                query["startingAccountName"] = start
            page = self.request("GET", "/credentials/type/%s?%s" % (ACCOUNT_TYPE, urlencode(query))) or []
            fresh = [a for a in page if isinstance(a, dict) and a.get("name") and a["name"] not in accounts]
            for account in fresh:
                accounts[account["name"]] = account
            if len(page) < page_size or not fresh:
                return accounts
            start = page[-1]["name"]

    def upsert(self, definition):
        """``PUT /credentials`` of one AWS definition (``type: aws`` added)."""
        return self.request("PUT", "/credentials", dict(definition, type=ACCOUNT_TYPE))

    def delete(self, name):
        """``DELETE /credentials/{name}``; an account that is already gone is fine."""
        return self.request("DELETE", "/credentials/%s" % quote(name, safe=""), missing_ok=True)

    def loaded(self, name):
        """The account as clouddriver has loaded it (``GET /credentials/{name}``), or ``None`` when it is not loaded."""
        return self.request("GET", "/credentials/%s" % quote(name, safe=""), missing_ok=True)


def region_names(regions):
    """The region names of a ``regions`` value (objects with ``name``, or strings), as a sorted list; ``None`` when
    it is not a list."""
    if not isinstance(regions, list):
        return None
    return sorted(str(r.get("name")) if isinstance(r, dict) else str(r) for r in regions)


def is_loaded(loaded, wanted):
    """Whether clouddriver's loaded account ``loaded`` (``GET /credentials/{name}``, ``None`` when not loaded) is the
    definition ``wanted`` (the one written), so that a changed account counts only once the new version is loaded.

    Compared when the loaded view reports them: ``accountId``, ``assumeRole``, ``externalId``, ``environment`` and
    the region names (clouddriver's view carries regions as objects with more fields than ``name``). Which fields
    the view echoes is inferred from clouddriver's AWS credentials classes; the account id is always there.
    """
    if not loaded:
        return False
    if str(loaded.get("accountId", wanted.get("accountId"))) != str(wanted.get("accountId")):
        return False
    for key in ("assumeRole", "externalId", "environment"):
        if key in loaded and str(loaded[key] or "") != str(wanted.get(key) or ""):
            return False
    if "regions" in loaded and region_names(loaded["regions"]) != region_names(wanted.get("regions") or []):
        return False
    return True
