"""The lost-update layer: a WSGI layer in front of moto that forces the worst interleaving IAM allows of two runs
merging into one policy document at the same moment.

IAM has no compare-and-swap: a merge reads a document, merges into it and writes the result, and a write made
between another writer's read and its write is lost. The collection's merges narrow that window (they read again
just before writing and once more after, ``module_utils/iam/api.py``: ``guarded_merge``) and the run lock
(``plugins/modules/run_lock.py``, ``playbooks/tasks/take_run_lock.yml``) closes it between two runs. Two runs
started together only sometimes land in the window, so a test that starts them and hopes proves little. This layer
makes every such pair land in it: the two runs' requests still reach moto one by one, in an order IAM could answer
them in, but the layer picks the order.

The documents: a customer managed policy (reads ``iam:GetPolicy`` and ``iam:GetPolicyVersion``, write
``iam:CreatePolicyVersion``; named by its ARN) and the trust policy of a role (read ``iam:GetRole``, write
``iam:UpdateAssumeRolePolicy``; named ``trust:<account id>:<role name>``). A run is the access key that signs the
request: each ``ansible-playbook`` run assumes a session of its own. For each document:

1. The first read of the document, by any run, is held until a read of the same document by another run arrives,
   for at most ``timeout`` seconds.

   - Nothing arrived (the other run is not reading the document now: it is waiting for the run lock): the read
     goes on after the timeout, and the document is ``unpaired``: every later request about it goes through.
   - Another run's read arrived: both go on, and the race on the document is armed. The run held is the
     *first* run, the other the *second*.

2. Armed, the first write of each run is held (each at most ``timeout`` seconds):

   - the first run's write until the second run's write arrives, so the second run has read the document as
     often as it wanted to before writing (its re-read just before the write included) and found it unchanged;
   - the second run's write until the first run's write has been answered and the first run has read the
     document after it (the check after the write: it finds its own write), so the second run then writes what it
     merged from the document as it was before the first run's write.

   The first run's change is lost, and neither run can see it: that is what two merges without a lock lose.

Plain ``LocalAWS()`` has no such layer; ``LocalAWS(lost_update=True)`` (or the timeout in seconds) puts it in
front of moto, as ``aws.lost_update``::

    with LocalAWS(lost_update=10) as aws:
        ...                                  # two runs that merge into the same documents
        aws.lost_update.report()             # {document: {"state", "first", "second", "held", "interleaved"}}
        aws.lost_update.holds                # every hold: document, run, request, waited for, released, seconds

A test of a lock expects each document ``unpaired`` (a read was held, and no other run's read came while it was
held) and the runs' requests on it not interleaved; a test without the lock expects it ``raced`` and a change lost.

Where it differs from AWS:

- AWS never holds a request: it answers each as it arrives. The layer holds reads and writes (never for longer
  than ``timeout`` each) to choose, among the orders two concurrent clients' requests can arrive in, the one that
  loses an update; a held request is answered as moto answers it when it goes on. A client's read timeout (60 s
  for botocore) must be longer than ``timeout``.
- Only two runs race on a document: a third run's requests about it go through. A document is raced once: after
  step 2 (or an unpaired step 1), every request about it goes through.
- Only managed policies and trust policies: inline policies (``GetRolePolicy``/``PutRolePolicy``...), tags and
  every other resource are moto's, as they are.
- The first read of a document is held whoever makes it: a test that reads a document itself before the runs
  (rather than creating it) is held too.
"""

import collections
import io
import re
import threading
import time
from urllib.parse import parse_qs

DEFAULT_TIMEOUT = 10.0
CREDENTIAL_RE = re.compile(r"Credential=([^/]+)/\d{8}/[^/]+/([^/]+)/aws4_request")
READ, WRITE = "read", "write"
POLICY_REQUESTS = {"GetPolicy": READ, "GetPolicyVersion": READ, "CreatePolicyVersion": WRITE}
TRUST_REQUESTS = {"GetRole": READ, "UpdateAssumeRolePolicy": WRITE}


class _Race:
    """What the layer knows of one document."""

    def __init__(self, document):
        self.document = document
        self.state = "new"  # -> "holding" -> "unpaired" | "raced"
        self.first = None  # the run whose first read was held
        self.second = None  # the run whose read arrived while it was held
        self.held = None  # seconds the first read was held
        self.arrived = collections.Counter()  # (run, READ or WRITE) -> requests arrived
        self.answered = collections.Counter()  # (run, READ or WRITE) -> requests answered
        self.reads_after_write = collections.Counter()  # run -> reads answered after its first write was answered
        self.events = []  # (run, request, "arrived" or "answered")


class LostUpdateLayer:
    """The WSGI layer (see the module docstring). ``timeout``: seconds any one request is held at most."""

    def __init__(self, app, timeout=DEFAULT_TIMEOUT):
        self.app = app
        self.timeout = float(timeout)
        self.races = {}
        self.holds = []
        self._cond = threading.Condition()

    # -- what the layer saw --------------------------------------------------------------------------------------

    def report(self):
        """``{document: {"state": "unpaired" or "raced" (or "holding"), "first": run, "second": run or None,
        "held": seconds the first read was held, "interleaved": whether a request of one run on the document came
        between two of the other's}}``."""
        with self._cond:
            return dict((document, dict(state=race.state, first=race.first, second=race.second, held=race.held,
                                        interleaved=_interleaved(race.events)))
                        for document, race in self.races.items())

    def events(self, document):
        """The requests about ``document`` in order: ``(run, request, "arrived" or "answered")``."""
        with self._cond:
            return list(self.races[document].events)

    # -- the layer ----------------------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        operation = self._operation(environ)
        if operation is None:
            return self.app(environ, start_response)
        document, request, kind, run = operation
        with self._cond:
            race = self.races.setdefault(document, _Race(document))
            race.arrived[run, kind] += 1
            race.events.append((run, request, "arrived"))
            self._cond.notify_all()
            if kind == READ:
                self._before_read(race, run, request)
            else:
                self._before_write(race, run, request)
        try:
            return self.app(environ, start_response)
        finally:
            with self._cond:
                race.answered[run, kind] += 1
                if kind == READ and race.answered[run, WRITE]:
                    race.reads_after_write[run] += 1
                race.events.append((run, request, "answered"))
                self._cond.notify_all()

    def _before_read(self, race, run, request):
        if race.state == "new":
            race.state, race.first = "holding", run
            started = time.monotonic()
            paired = self._hold(race, run, request, lambda: race.second is not None, "a read by another run")
            race.held = round(time.monotonic() - started, 3)
            race.state = "raced" if paired else "unpaired"
        elif race.state == "holding" and run != race.first and race.second is None:
            race.second = run
            self._cond.notify_all()

    def _before_write(self, race, run, request):
        if race.state != "raced" or race.arrived[run, WRITE] != 1:
            return
        if run == race.first:
            self._hold(race, run, request, lambda: race.arrived[race.second, WRITE] > 0, "the second run's write")
        elif run == race.second:
            self._hold(race, run, request, lambda: race.reads_after_write[race.first] > 0,
                       "the first run's write and its read after it")

    def _hold(self, race, run, request, condition, waiting_for):
        started = time.monotonic()
        released = self._cond.wait_for(condition, self.timeout)
        self.holds.append(dict(document=race.document, run=run, request=request, waiting_for=waiting_for,
                               released=bool(released), seconds=round(time.monotonic() - started, 3)))
        return bool(released)

    def _operation(self, environ):
        """``(document, request, READ or WRITE, run)`` of an IAM request about a document, else ``None``."""
        credential = CREDENTIAL_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
        if credential is None or credential.group(2) != "iam":
            return None
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        form = parse_qs(body.decode("utf-8", "replace")) if body else {}
        form.update((k, v) for k, v in parse_qs(environ.get("QUERY_STRING", "")).items() if k not in form)
        request = (form.get("Action") or [""])[0]
        run = credential.group(1)
        if request in POLICY_REQUESTS and form.get("PolicyArn"):
            return form["PolicyArn"][0], request, POLICY_REQUESTS[request], run
        if request in TRUST_REQUESTS and form.get("RoleName"):
            from moto.iam.models import get_account_id_from

            return "trust:%s:%s" % (get_account_id_from(run), form["RoleName"][0]), request, TRUST_REQUESTS[request], run
        return None


def _interleaved(events):
    """Whether a run's request came between two requests of another run."""
    runs = [run for run, _request, _phase in events]
    seen, last = set(), None
    for run in runs:
        if run != last:
            if run in seen:
                return True
            seen.add(run)
            last = run
    return False
