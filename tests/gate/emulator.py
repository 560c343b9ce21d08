"""An emulator of gate's ``/credentials`` endpoints in front of clouddriver's Account Management API.

The real services (Java, gate and clouddriver 2025.2.0+) cannot run on these machines, so the tests of the
``account_api`` path talk over HTTP to this emulator, written from the facts in docs/spinnaker.md:

* the same paths and verbs under a base path (``/api/v1``, as a kustomize install serves gate):
  ``GET /credentials``, ``GET /credentials/{name}``, ``GET /credentials/type/aws?limit=&startingAccountName=``,
  ``POST /credentials`` (create; 400 "Cannot create an account which already exists" once loaded),
  ``PUT /credentials`` (upsert), ``DELETE /credentials/{name}``;
* the ``type`` discriminator (a body without ``type: aws`` is refused with 400, as Jackson refuses an unknown
  subtype);
* stored definitions load at the next poll of a poller thread (``reload_seconds``), and a definition clouddriver
  could not bind (``accountId`` not a 12-digit string, a region that is not an object with ``name``) is stored but
  never loads;
* HTTP basic auth (401 otherwise), an optional API token (``Authorization: Bearer``), an optional Fiat rule
  (``managers``: only those users may write; 403 otherwise), and ``enabled=False`` answering 404 as a clouddriver
  without ``account.storage`` does.

Where it differs from the real services: no SQL database (state lives in memory); the loaded view of
``GET /credentials/{name}`` echoes the stored definition's fields, while clouddriver returns its own credentials
object (field names as in the definition, an inference); ``startingAccountName`` is inclusive here; errors are
JSON ``{"message": ...}`` bodies, not gate's exact error shape; no Fiat permissions per account.
"""

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs
from urllib.parse import unquote
from urllib.parse import urlsplit

ACCOUNT_ID = re.compile(r"^[0-9]{12}$")


def binds(definition):
    """Whether clouddriver could bind a stored AWS definition (the checks its Jackson binding makes that matter here)."""
    if not isinstance(definition.get("accountId"), str) or not ACCOUNT_ID.match(definition["accountId"]):
        return False
    regions = definition.get("regions") or []
    return isinstance(regions, list) and all(isinstance(r, dict) and r.get("name") for r in regions)


class GateEmulator:
    """Start with ``with GateEmulator() as gate:``; ``gate.url`` is the API base (``http://127.0.0.1:PORT/api/v1``).

    ``stored`` holds the database view, ``loaded`` what the poller loaded, ``requests`` every ``(method, path)``.
    """

    def __init__(self, username="admin", password="s3cret", api_token=None, enabled=True, managers=None,
                 reload_seconds=0.2, file_accounts=None):
        self.username, self.password, self.api_token = username, password, api_token
        self.enabled = enabled
        self.managers = managers
        self.reload_seconds = reload_seconds
        self.file_accounts = dict((a["name"], a) for a in (file_accounts or []))
        self.stored = {}
        self.loaded = dict(self.file_accounts)
        self.requests = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    # --- the poller (clouddriver's credentials.poller) ---
    def poll(self):
        """One poll: the loaded accounts become the file accounts overlaid with every stored definition that binds."""
        with self.lock:
            loaded = dict(self.file_accounts)
            for name, definition in self.stored.items():
                if binds(definition):
                    loaded[name] = definition
            self.loaded = loaded

    def _poller(self):
        while not self.stopping.wait(self.reload_seconds):
            self.poll()

    # --- lifecycle ---
    def __enter__(self):
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body=None):
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body = emulator.handle(method, self.path, self.headers, raw)
                self._answer(status, body)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_PUT(self):
                self._handle("PUT")

            def do_DELETE(self):
                self._handle("DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/api/v1" % self.server.server_address[1]
        self.threads = [threading.Thread(target=self.server.serve_forever, daemon=True),
                        threading.Thread(target=self._poller, daemon=True)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    # --- requests ---
    def user(self, headers):
        """The authenticated user, or ``None``."""
        auth = headers.get("Authorization") or ""
        if auth.startswith("Basic "):
            try:
                user, _colon, password = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                return None
            return user if (user, password) == (self.username, self.password) else None
        if self.api_token and auth == "Bearer %s" % self.api_token:
            return "token-user"
        return None

    def handle(self, method, raw_path, headers, raw):
        """Answer one request: ``(status, JSON body or None)``."""
        parts = urlsplit(raw_path)
        with self.lock:
            self.requests.append((method, parts.path + ("?" + parts.query if parts.query else "")))
        if not parts.path.startswith("/api/v1/credentials"):
            return 404, {"message": "Not Found"}
        user = self.user(headers)
        if user is None:
            return 401, {"message": "Full authentication is required to access this resource"}
        path = parts.path[len("/api/v1"):]
        query = parse_qs(parts.query)
        writing = method in ("POST", "PUT", "DELETE")
        if not self.enabled and (writing or path.startswith("/credentials/type/")):
            return 404, {"message": "Not Found"}
        if writing and self.managers is not None and user not in self.managers:
            return 403, {"message": "Access is denied"}
        with self.lock:
            if method == "GET" and path == "/credentials":
                return 200, [dict(name=n, type="aws") for n in sorted(self.loaded)]
            if method == "GET" and path.startswith("/credentials/type/"):
                kind = path.rsplit("/", 1)[1]
                limit = int(query.get("limit", ["100"])[0])
                start = query.get("startingAccountName", [""])[0]
                names = sorted(n for n, d in self.stored.items() if d.get("type") == kind and n >= start)
                return 200, [self.stored[n] for n in names[:limit]]
            if method == "GET" and path.startswith("/credentials/"):
                name = unquote(path.split("/", 2)[2])
                return (200, dict(self.loaded[name])) if name in self.loaded else (404, {"message": "Account not found"})
            if method in ("POST", "PUT") and path == "/credentials":
                try:
                    definition = json.loads(raw)
                except ValueError:
                    return 400, {"message": "Malformed JSON"}
                if not isinstance(definition, dict) or definition.get("type") != "aws":
                    return 400, {"message": "Could not resolve type id '%s' as a subtype of CredentialsDefinition"
                                 % (definition.get("type") if isinstance(definition, dict) else None)}
                if not definition.get("name"):
                    return 400, {"message": "Account name is required"}
                if method == "POST" and definition["name"] in self.loaded:
                    return 400, {"message": "Cannot create an account which already exists"}
                self.stored[definition["name"]] = definition
                return 200, definition
            if method == "DELETE" and path.startswith("/credentials/"):
                name = unquote(path.split("/", 2)[2])
                if name not in self.stored:
                    return 404, {"message": "Account not found"}
                del self.stored[name]
                return 200, None
        return 405, {"message": "Method Not Allowed"}

    def writes(self):
        """The ``(method, path)`` of every write request."""
        return [r for r in self.requests if r[0] in ("POST", "PUT", "DELETE")]
