"""A local AWS endpoint for playbook runs: a real moto server on 127.0.0.1, with a request log.

The playbook talks to it over HTTP exactly as it would to AWS (``aws_endpoint_url``). Every request is recorded
at the endpoint as ``(service, action)`` — read from the SigV4 credential scope and the Query ``Action`` or the
JSON ``X-Amz-Target`` — so tests and benchmarks count real API calls instead of estimating them.
"""

import io
import os
import re
import threading
from urllib.parse import parse_qs

WRITE_PREFIXES = ("Create", "Update", "Put", "Delete", "Attach", "Detach", "Add", "Remove", "Set", "Tag", "Untag")
LOCK_NAME = "spinnaker.aws/run-lock"
# The AWS managed policies the collection's defaults and the tests attach: each account moto sees gets these only.
# A copy of the whole catalogue (~1,100 policies) costs moto about 1 CPU-s per account, a quarter of a first run's
# CPU in the tests; a test attaching a policy missing here fails with NoSuchEntity, and the name is added here.
ATTACHED_MANAGED_POLICIES = ("PowerUserAccess", "ReadOnlyAccess")
SCOPE_RE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


class LocalAWS:
    """Start with ``start()`` (or as a context manager); ``endpoint`` is the URL to give ``aws_endpoint_url``."""

    def __init__(self, host="127.0.0.1", port=0, managed_policies=ATTACHED_MANAGED_POLICIES, trust=None, lost_update=None):
        """``managed_policies``: names of the AWS managed policies every account's IAM holds (default:
        ``ATTACHED_MANAGED_POLICIES``; None: all ~1,100 of moto's catalogue, as AWS does, which the benchmarks use).
        moto copies the catalogue into each account it sees, about 32 MB and 1 CPU-s per account, so a
        1,000-account run needs the list of the policies it attaches to fit in memory.
        ``trust``: None (moto as it is), True or a ``tests.sts_trust.TrustConfig``: the STS trust layer in front of
        moto (``tests/sts_trust.py``: AssumeRole answered as STS does); ``self.trust`` is then that layer.
        ``lost_update``: None (moto as it is), True or a timeout in seconds: the lost-update layer in front of moto
        (``tests/lost_update.py``: two runs' merges into one policy document forced into the interleaving that
        loses one); ``self.lost_update`` is then that layer."""
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        self.managed_policies = managed_policies
        os.environ.pop("MOTO_ACCOUNT_ID", None)
        self.host = host
        self.port = port
        self._trust = trust
        self.trust = None
        self._lost_update = lost_update
        self.lost_update = None
        self.calls = []
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    def _record(self, app):
        def middleware(environ, start_response):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            match = SCOPE_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
            service = match.group(1) if match else "unknown"
            target = environ.get("HTTP_X_AMZ_TARGET")
            if target:
                action = target.split(".")[-1]
                if LOCK_NAME.encode() in body:
                    # The run lock (plugins/modules/run_lock.py) is created and deleted by every run that writes:
                    # coordination between runs, not a change to what the collection manages. Recorded apart.
                    service = "run-lock"
            else:
                form = parse_qs(body.decode("utf-8", "replace")) if body else {}
                query = parse_qs(environ.get("QUERY_STRING", ""))
                action = (form.get("Action") or query.get("Action") or [environ.get("REQUEST_METHOD", "?")])[0]
            with self._lock:
                self.calls.append((service, action))
            return app(environ, start_response)

        return middleware

    def start(self):
        if self.managed_policies is not None:
            import json

            from moto.iam import models as iam_models

            # Restored by stop(): the catalogue is global to the process, and later tests (of this worker) expect it whole.
            self._full_catalogue = iam_models.aws_managed_policies_data
            catalogue = json.loads(iam_models.aws_managed_policies_data)
            iam_models.aws_managed_policies_data = json.dumps(dict(
                (name, data) for name, data in catalogue.items() if name in self.managed_policies))
        from moto.server import DomainDispatcherApplication
        from moto.server import create_backend_app
        from werkzeug.serving import WSGIRequestHandler
        from werkzeug.serving import make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs):
                pass

        app = DomainDispatcherApplication(create_backend_app)
        if self._trust is not None and self._trust is not False:
            from tests.sts_trust import TrustLayer

            app = self.trust = TrustLayer(app, None if self._trust is True else self._trust)
        if self._lost_update is not None and self._lost_update is not False:
            from tests.lost_update import LostUpdateLayer

            timeout = {} if self._lost_update is True else {"timeout": self._lost_update}
            app = self.lost_update = LostUpdateLayer(app, **timeout)
        app = self._record(app)
        self._server = make_server(self.host, self.port, app, threaded=True, request_handler=QuietHandler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.reset()
        return self

    def reset(self):
        """Empty every moto backend. moto's state is global to the process, so a new endpoint starts clean."""
        from urllib.request import Request
        from urllib.request import urlopen

        # A reset walks every backend of every account the process has seen (an organization of test accounts, each
        # IAM with ~1,100 managed policies): late in a test session it takes well over 30 s.
        urlopen(Request(self.endpoint + "/moto-api/reset", method="POST"), timeout=600).read()
        self.clear()

    def stop(self):
        if getattr(self, "_full_catalogue", None) is not None:
            from moto.iam import models as iam_models

            iam_models.aws_managed_policies_data = self._full_catalogue
            self._full_catalogue = None
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def endpoint(self):
        return "http://%s:%d" % (self.host, self.port)

    def clear(self):
        with self._lock:
            self.calls = []

    def writes(self):
        """The recorded calls that change state (the run lock's, recorded as service ``run-lock``, are not)."""
        return [c for c in self.calls if c[1].startswith(WRITE_PREFIXES) and c[0] != "run-lock"]

    def lock_calls(self):
        """The run lock's calls, e.g. ``[("run-lock", "GetSecretValue"), ("run-lock", "CreateSecret"), ...]``."""
        return [c for c in self.calls if c[0] == "run-lock"]

    def client(self, service, account_id=None, region="us-east-1"):
        """A boto3 client for ``service`` acting in ``account_id`` (assumes its OrganizationAccountAccessRole,
        as the playbook does; moto answers with credentials for that account). ``region`` also chooses the
        partition: moto keeps one IAM per partition and answers in the partition of the request's region
        (``us-gov-west-1``: ``aws-us-gov``)."""
        import boto3
        from botocore.session import get_session

        partition = get_session().get_partition_for_region(region)
        kwargs = dict(region_name=region, endpoint_url=self.endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")
        if account_id:
            sts = boto3.client("sts", **kwargs)
            creds = sts.assume_role(RoleArn="arn:%s:iam::%s:role/OrganizationAccountAccessRole" % (partition, account_id),
                                    RoleSessionName="test")["Credentials"]
            kwargs.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
        return boto3.client(service, **kwargs)
