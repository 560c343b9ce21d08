"""Access-key rotation of the managing user (playbooks/rotate_access_key.yml), against a moto server and the Halyard
emulator: after the main job, twice in a row, and resumed after a failure at each step that can fail."""

import json

import pytest

from tests.integration.site.test_day_two import World
from tests.local_aws import LocalAWS

SECRET = "spinnaker/spinnakerManaging/access-key"


def keys(world):
    """The managing user's keys as ``{id: status}``."""
    metadata = world.aws.client("iam", "100000000001").list_access_keys(UserName="spinnakerManaging")["AccessKeyMetadata"]
    return {k["AccessKeyId"]: k["Status"] for k in metadata}


def stored(world, stage="AWSCURRENT"):
    client = world.aws.client("secretsmanager", "100000000001")
    return json.loads(client.get_secret_value(SecretId=SECRET, VersionStage=stage)["SecretString"])


def rotate(world, check=True, args=()):
    return world.run(playbook="playbooks/rotate_access_key.yml", extra_vars={"spinnaker_verify": "true"}, check=check, args=args)


def assert_converged(world, new_id, old_id=None):
    """One active key, the one in Secrets Manager's current version and in the halconfig; the old one inactive."""
    current = keys(world)
    assert [k for k, status in current.items() if status == "Active"] == [new_id], current
    assert stored(world)["access_key_id"] == new_id
    assert world.hal.aws()["accessKeyId"] == new_id
    if old_id:
        assert current[old_id] == "Inactive" and stored(world, "AWSPREVIOUS")["access_key_id"] == old_id


# The tests share one converged world and run in this order on one worker; each starts from where the previous
# one left the keys (a rotation works from any converged state, which is what the tests show).
pytestmark = pytest.mark.xdist_group("rotation")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with LocalAWS() as aws:
        world = World(aws, tmp_path_factory.mktemp("rotation"))
        world.run()
        yield world


def test_two_rotations_leave_one_active_key_everywhere_and_one_inactive(world):
    first = stored(world)["access_key_id"]
    rotate(world)
    second = stored(world)["access_key_id"]
    assert second != first
    assert_converged(world, second, first)
    rotate(world)
    third = stored(world)["access_key_id"]
    assert third not in (first, second)
    assert_converged(world, third, second)
    assert first not in keys(world)  # the first old key was deleted by the second rotation's first step


@pytest.mark.parametrize("step", ["config provider aws edit", "deploy apply"],
                         ids=["halyard-provider-edit-fails", "deploy-fails-after-the-secret-write"])
def test_a_failed_rotation_resumes_to_one_active_key_without_a_third(world, step):
    first = stored(world)["access_key_id"]
    world.hal.fail_once(step)
    rc, output, _recap = rotate(world, check=False)
    assert rc != 0
    new = stored(world)["access_key_id"]
    assert new != first and sorted(keys(world).values()) == ["Active", "Active"]  # the old key still works
    rotate(world)  # resumes: no third key
    assert len(keys(world)) == 2
    assert_converged(world, new, first)
    assert world.aws.client("secretsmanager", "100000000001").list_secrets()["SecretList"][0]["Name"] == SECRET  # no lock left


def test_no_secret_access_key_reaches_the_output_or_halyard_argv(world):
    old_secret = stored(world)["secret_access_key"]
    _rc, output, _recap = rotate(world, args=["-vvv"])
    new_secret = stored(world)["secret_access_key"]
    assert old_secret != new_secret
    for secret in (old_secret, new_secret):
        assert secret not in output
        assert all(secret not in " ".join(argv) for argv in world.hal.invocations())


def test_site_reports_a_key_older_than_the_max_age_as_due_and_the_rotation_playbook_rotates_it(world):
    import datetime

    from moto.iam.models import iam_backends

    # moto stamps a key with the time it was created; a key created 100 days ago is made by moving that stamp back
    # in the moto server this test process runs (the playbook still reads it over HTTP, as ListAccessKeys).
    before = stored(world)["access_key_id"]
    _rc, output, _recap = world.run()
    assert "its access key is 0 day(s) old" in output
    backend = iam_backends["100000000001"]["global"]
    for key in backend.users["spinnakerManaging"].access_keys:
        if key.access_key_id == before:
            key.create_date = key.create_date - datetime.timedelta(days=100)
    _rc, output, _recap = world.run({"managing_account_access_key_max_age_days": "90", "spinnaker_verify": "true"})
    assert "its access key is 100 day(s) old, due for rotation" in output
    assert "run playbooks/rotate_access_key.yml" in " ".join(output.split())
    # Rotation is its own playbook: site.yml only says it is due.
    assert stored(world)["access_key_id"] == before
    rotate(world)
    after = stored(world)["access_key_id"]
    assert after != before
    assert_converged(world, after, before)
