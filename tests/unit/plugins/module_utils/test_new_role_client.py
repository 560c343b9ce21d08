"""NewRoleClient: NoSuchEntity on a call naming a role created this run is IAM's eventual consistency, retried
(pure: a fake client, a fake clock)."""

import botocore.exceptions
import pytest

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import NewRoleClient


def error(code):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, "AttachRolePolicy")


class FakeIAM:
    """Answers NoSuchEntity to the first ``misses`` calls of each method, then succeeds; counts calls."""

    def __init__(self, misses, code="NoSuchEntity"):
        self.misses, self.code, self.calls = misses, code, []

    def __getattr__(self, name):
        def call(**kwargs):
            self.calls.append(name)
            if self.calls.count(name) <= self.misses:
                raise error(self.code)
            return {"called": name, "kwargs": kwargs}
        return call


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_no_such_entity_on_a_call_naming_the_new_role_is_retried_until_it_succeeds():
    clock = Clock()
    iam = FakeIAM(misses=2)
    client = NewRoleClient(iam, timeout=120, sleep=clock.sleep, clock=clock)
    answer = client.attach_role_policy(RoleName="spinnakerManaged", PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess", aws_retry=True)
    assert answer["called"] == "attach_role_policy" and answer["kwargs"]["aws_retry"] is True
    assert iam.calls == ["attach_role_policy"] * 3 and 0 <= clock.now <= 120
    client.put_role_policy(RoleName="spinnakerManaged", PolicyName="P", PolicyDocument="{}")
    client.add_role_to_instance_profile(RoleName="BaseIAMRole", InstanceProfileName="BaseIAMRole")
    assert iam.calls.count("put_role_policy") == 3 and iam.calls.count("add_role_to_instance_profile") == 3


def test_it_gives_up_at_the_timeout_and_other_errors_and_calls_pass_through():
    clock = Clock()
    with pytest.raises(botocore.exceptions.ClientError, match="NoSuchEntity"):
        NewRoleClient(FakeIAM(misses=10 ** 6), timeout=30, sleep=clock.sleep, clock=clock).attach_role_policy(RoleName="r")
    assert clock.now == pytest.approx(30)
    denied = FakeIAM(misses=1, code="AccessDenied")
    with pytest.raises(botocore.exceptions.ClientError, match="AccessDenied"):
        NewRoleClient(denied, timeout=30, sleep=clock.sleep, clock=clock).attach_role_policy(RoleName="r")
    assert denied.calls == ["attach_role_policy"]
    unrelated = FakeIAM(misses=1)  # a call that does not name the new role: NoSuchEntity is final
    with pytest.raises(botocore.exceptions.ClientError, match="NoSuchEntity"):
        NewRoleClient(unrelated, timeout=30).get_policy(PolicyArn="arn:aws:iam::aws:policy/Nope")
    assert unrelated.calls == ["get_policy"]
