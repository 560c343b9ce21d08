"""Run a module's ``main()`` in-process, as Ansible would, and return its JSON result (module tests: AWS-backed or emulator-backed, so integration tests).

``aws`` starts moto in-process (``mock_aws``) and records every AWS API call that clients make, by operation
name, so tests can assert that a re-run writes nothing. ``stubbed_clients`` hands modules botocore-Stubber
clients instead, for AWS behaviour moto cannot produce (each test names the behaviour it stands for).
"""

import json

import boto3
import botocore.client
import pytest
from botocore.stub import Stubber

from ansible.module_utils.testing import patch_module_args

AWS_ARGS = {"region": "us-east-1", "access_key": "testing", "secret_key": "testing"}
WRITE_PREFIXES = ("Create", "Update", "Put", "Delete", "Attach", "Detach", "Add", "Remove", "Set", "Tag", "Untag")


def run_module(main, args, check_mode=False, diff=False):
    """Run ``main()`` with ``args``; return the result dict (``failed`` is set when the module failed)."""
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            main()
    return CAPTURE.pop()


class _Capture:
    def __init__(self):
        self.results = []

    def pop(self):
        return self.results.pop()


CAPTURE = _Capture()


@pytest.fixture(autouse=True)
def capture_module_output(monkeypatch):
    """Capture what exit_json/fail_json print instead of parsing stdout."""
    from ansible.module_utils import basic

    original = basic.AnsibleModule._return_formatted

    def record(self, kwargs):
        CAPTURE.results.append(json.loads(json.dumps(kwargs, default=str)))
        return original(self, kwargs)

    monkeypatch.setattr(basic.AnsibleModule, "_return_formatted", record)
    yield


class CallLog:
    """Every AWS API call made while the fixture is active, as ``(service, operation)``."""

    def __init__(self):
        self.calls = []

    def clear(self):
        self.calls = []

    def operations(self, service="iam"):
        return [op for svc, op in self.calls if svc == service]

    def writes(self, service="iam"):
        return [op for op in self.operations(service) if op.startswith(WRITE_PREFIXES)]


@pytest.fixture
def aws(monkeypatch):
    """moto in-process, with AWS managed policies loaded; yields (iam client, CallLog)."""
    from moto import mock_aws

    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    log = CallLog()
    original = botocore.client.BaseClient._make_api_call

    def spy(self, operation_name, api_params):
        log.calls.append((self.meta.service_model.service_name, operation_name))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", spy)
    with mock_aws():
        client = boto3.client("iam", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        yield client, log


@pytest.fixture
def stubbed_clients(monkeypatch):
    """Modules get real botocore clients wrapped in a ``Stubber``; yields ``{service: Stubber}``."""
    from ansible_collections.amazon.aws.plugins.module_utils import modules
    from ansible_collections.spinnaker.aws.plugins.module_utils import session as session_utils

    clients = {}
    stubbers = {}
    for service in ("iam", "sts"):
        clients[service] = boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        stubbers[service] = Stubber(clients[service])
        stubbers[service].activate()
    monkeypatch.setattr(modules, "boto3_conn", lambda module, conn_type=None, resource=None, **kw: clients[resource])

    class StubbedSession:
        """Stands for boto3's Session in module_utils.session.SessionClients: every client is the stubbed one."""

        def __init__(self, **_kwargs):
            pass

        def client(self, service, **_kwargs):
            return clients[service]

    monkeypatch.setattr(session_utils.boto3.session, "Session", StubbedSession)
    yield stubbers
    for stubber in stubbers.values():
        stubber.deactivate()
