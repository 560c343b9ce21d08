"""clouddriver_aws_config on files in a temporary directory, and gate_aws_accounts against the gate emulator
(tests/gate/emulator.py, which answers over real HTTP on 127.0.0.1)."""

import os

import pytest
import yaml

from ansible_collections.spinnaker.aws.plugins.modules import clouddriver_aws_config
from ansible_collections.spinnaker.aws.plugins.modules import gate_aws_accounts

from tests.gate.emulator import GateEmulator

from .conftest import run_module

DEVELOP = {"name": "develop", "account_id": "200000000002", "assume_role": "role/spinnakerManaged",
           "regions": ["us-east-1", "us-west-2"], "external_id": "spinnaker-develop-0b5e"}
STAGING = {"name": "staging", "account_id": "300000000003", "assume_role": "role/spinnakerManaged",
           "regions": ["us-east-1"]}
SECRET_REF = {"region": "us-east-1", "secret_name": "spinnaker/spinnakerManaging/access-key"}
REFERENCE = "encrypted:secrets-manager!r:us-east-1!s:spinnaker/spinnakerManaging/access-key!k:secret_access_key"

LOCAL = """# clouddriver-local.yml of the platform team: comments must survive
server:
  port: 7002   # keep this
kubernetes:
  enabled: true
  accounts:
    - name: k8s    # the cluster
      namespaces: [spinnaker, apps]
aws:
  # the AWS provider, shared with the data team
  accounts:
    - name: legacy   # hand-made: never touched
      accountId: '999999999999'
      assumeRole: role/legacyAdmin
      regions:
        - name: eu-west-1
"""


def run_config(tmp_path, accounts, **options):
    args = {"component_dir": str(tmp_path / "component"), "default_assume_role": "role/spinnakerManaged",
            "accounts": accounts}
    args.update(options)
    args = dict((k, v) for k, v in args.items() if v is not None)  # None stands for "not given"
    return run_module(clouddriver_aws_config.main, args, check_mode=args.pop("_check", False), diff=args.pop("_diff", False))


def component(tmp_path, name="files/clouddriver.yml"):
    with open(tmp_path / "component" / name) as handle:
        return yaml.safe_load(handle)


def test_the_component_holds_the_aws_block_with_quoted_ids_region_objects_and_the_default_assume_role(tmp_path):
    result = run_config(tmp_path, [DEVELOP, STAGING], access_key_id="AKIAEXAMPLE", secret_access_key=SECRET_REF)
    assert result["changed"] and result["added"] == ["develop", "staging"]
    aws = component(tmp_path)["aws"]
    assert aws["enabled"] is True and aws["defaultAssumeRole"] == "role/spinnakerManaged"
    assert aws["accessKeyId"] == "AKIAEXAMPLE" and aws["secretAccessKey"] == REFERENCE
    develop = aws["accounts"][0]
    assert develop == {"name": "develop", "accountId": "200000000002", "assumeRole": "role/spinnakerManaged",
                       "regions": [{"name": "us-east-1"}, {"name": "us-west-2"}], "environment": "develop",
                       "externalId": "spinnaker-develop-0b5e"}
    with open(tmp_path / "component" / "files" / "clouddriver.yml") as handle:
        assert "accountId: '200000000002'" in handle.read()  # a YAML string, not a number
    kustomization = component(tmp_path, "kustomization.yml")
    assert kustomization["kind"] == "Component"
    assert kustomization["configMapGenerator"] == [
        {"name": "clouddriver-spinnaker-aws", "behavior": "create", "files": ["files/clouddriver.yml"]}]


def test_an_unchanged_component_is_not_rewritten(tmp_path):
    run_config(tmp_path, [DEVELOP])
    path = tmp_path / "component" / "files" / "clouddriver.yml"
    os.utime(path, (1, 1))
    result = run_config(tmp_path, [DEVELOP])
    assert not result["changed"] and result["files"] == []
    assert os.stat(path).st_mtime == 1


def test_check_mode_writes_nothing_and_diff_shows_the_yaml(tmp_path):
    result = run_config(tmp_path, [DEVELOP], _check=True, _diff=True)
    assert result["changed"] and not (tmp_path / "component").exists()
    after = [d["after"] for d in result["diff"] if d["after_header"].endswith("clouddriver.yml")][0]
    assert "accountId: '200000000002'" in after


def test_an_offboarded_account_leaves_the_component_and_an_unlisted_one_stays_until_pruned(tmp_path):
    run_config(tmp_path, [DEVELOP, STAGING])
    result = run_config(tmp_path, [DEVELOP, {"name": "staging", "account_id": "300000000003", "state": "absent"}])
    assert result["removed"] == ["staging"]
    assert [a["name"] for a in component(tmp_path)["aws"]["accounts"]] == ["develop"]
    run_config(tmp_path, [DEVELOP, STAGING])
    result = run_config(tmp_path, [DEVELOP])  # staging no longer in the inventory: reported, kept
    assert result["unlisted"] == ["staging"] and not result["changed"]
    assert result["unlisted_account_ids"] == {"staging": "300000000003"}
    result = run_config(tmp_path, [DEVELOP], prune_unlisted=True)
    assert result["removed"] == ["staging"]


def test_the_bake_account_adds_orca_and_is_removed_with_it(tmp_path):
    run_config(tmp_path, [DEVELOP], bake_account="develop")
    assert component(tmp_path, "files/orca.yml") == {"default": {"bake": {"account": "develop"}}}
    assert [p["target"]["name"] for p in component(tmp_path, "kustomization.yml")["patches"]] == ["clouddriver", "orca"]
    run_config(tmp_path, [DEVELOP])
    assert not (tmp_path / "component" / "files" / "orca.yml").exists()


def test_the_merge_keeps_every_other_line_and_comment_byte_for_byte(tmp_path):
    path = tmp_path / "clouddriver-local.yml"
    path.write_text(LOCAL)
    result = run_config(tmp_path, [DEVELOP, STAGING], component_dir=None, local_file=str(path),
                        access_key_id="AKIAEXAMPLE", secret_access_key=SECRET_REF)
    assert result["changed"] and result["unlisted"] == ["legacy"]
    text = path.read_text()
    lines = iter(text.splitlines())
    assert all(line in lines for line in LOCAL.splitlines())  # the original is a subsequence of the result, in order
    data = yaml.safe_load(text)
    assert data["aws"]["enabled"] is True and data["aws"]["secretAccessKey"] == REFERENCE
    assert [a["name"] for a in data["aws"]["accounts"]] == ["legacy", "develop", "staging"]
    again = run_config(tmp_path, [DEVELOP, STAGING], component_dir=None, local_file=str(path),
                       access_key_id="AKIAEXAMPLE", secret_access_key=SECRET_REF)
    assert not again["changed"] and path.read_text() == text


def test_the_merge_removes_an_owned_key_the_inventory_drops_and_keeps_keys_it_does_not_own(tmp_path):
    path = tmp_path / "clouddriver-local.yml"
    path.write_text(LOCAL)
    run_config(tmp_path, [DEVELOP], component_dir=None, local_file=str(path))
    data = yaml.safe_load(path.read_text())
    data["aws"]["accounts"][1]["sessionName"] = "mine"  # a key somebody added by hand
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    run_config(tmp_path, [dict(DEVELOP, external_id=None)], component_dir=None, local_file=str(path))
    develop = yaml.safe_load(path.read_text())["aws"]["accounts"][1]
    assert "externalId" not in develop and develop["sessionName"] == "mine"


def test_the_merge_leaves_an_account_of_our_name_for_another_aws_account_alone(tmp_path):
    path = tmp_path / "clouddriver-local.yml"
    path.write_text(LOCAL.replace("name: legacy", "name: develop"))
    result = run_config(tmp_path, [DEVELOP], component_dir=None, local_file=str(path))
    assert [r["name"] for r in result["refused"]] == ["develop"]
    assert "999999999999" in result["refused"][0]["msg"]
    assert path.read_text().count("accountId") == 1  # not appended beside it, not replaced
    result = run_config(tmp_path, [DEVELOP], component_dir=None, local_file=str(path), adopt=["develop"])
    assert result["updated"] == ["develop"]


def test_without_a_key_the_pair_this_module_wrote_is_removed(tmp_path):
    path = tmp_path / "clouddriver-local.yml"
    run_config(tmp_path, [DEVELOP], component_dir=None, local_file=str(path), access_key_id="AKIAEXAMPLE",
               secret_access_key=SECRET_REF)
    run_config(tmp_path, [DEVELOP], component_dir=None, local_file=str(path), secret_access_key=SECRET_REF)
    aws = yaml.safe_load(path.read_text())["aws"]
    assert "accessKeyId" not in aws and "secretAccessKey" not in aws


def test_a_present_account_without_regions_is_refused_before_anything_is_written(tmp_path):
    result = run_config(tmp_path, [dict(DEVELOP, regions=[])])
    assert result["failed"] and "accounts[develop]: regions" in result["msg"]
    assert not (tmp_path / "component").exists()


# --- gate_aws_accounts ---

@pytest.fixture
def gate():
    with GateEmulator(reload_seconds=0.05) as emulator:
        yield emulator


def run_gate(gate, accounts, **options):
    args = {"url": gate.url, "username": "admin", "password": "s3cret", "accounts": accounts, "poll_interval": 0.05,
            "wait_timeout": 10}
    args.update(options)
    args = dict((k, v) for k, v in args.items() if v is not None)  # None stands for "not given"
    return run_module(gate_aws_accounts.main, args, check_mode=args.pop("_check", False), diff=args.pop("_diff", False))


def test_new_accounts_are_put_with_type_aws_and_waited_for_until_loaded(gate):
    result = run_gate(gate, [DEVELOP, STAGING])
    assert result["changed"] and result["added"] == ["develop", "staging"]
    assert gate.writes() == [("PUT", "/api/v1/credentials"), ("PUT", "/api/v1/credentials")]
    stored = gate.stored["develop"]
    assert stored["type"] == "aws" and stored["accountId"] == "200000000002"
    assert stored["regions"] == [{"name": "us-east-1"}, {"name": "us-west-2"}]
    assert set(gate.loaded) == {"develop", "staging"}  # the module returned only once both were loaded


def test_a_rerun_reads_and_writes_nothing(gate):
    run_gate(gate, [DEVELOP, STAGING])
    gate.requests.clear()
    result = run_gate(gate, [DEVELOP, STAGING])
    assert not result["changed"] and gate.writes() == []
    assert [r[0] for r in gate.requests] == ["GET"]  # one page of the listing


def test_an_offboarded_account_is_deleted_and_others_stored_by_hand_stay(gate):
    gate.stored["legacy"] = {"type": "aws", "name": "legacy", "accountId": "999999999999", "regions": []}
    run_gate(gate, [DEVELOP, STAGING])
    result = run_gate(gate, [DEVELOP, {"name": "staging", "account_id": "300000000003", "state": "absent"}])
    assert result["removed"] == ["staging"] and result["unlisted"] == ["legacy"]
    assert result["unlisted_account_ids"] == {"legacy": "999999999999"}
    assert sorted(gate.stored) == ["develop", "legacy"] and "staging" not in gate.loaded


def test_the_listing_is_read_page_by_page(gate):
    for index in range(7):
        gate.stored["hand-%d" % index] = {"type": "aws", "name": "hand-%d" % index, "accountId": "999999999999"}
    result = run_gate(gate, [DEVELOP], page_size=3, _check=True)
    assert result["unlisted"] == ["hand-%d" % i for i in range(7)]
    assert len([r for r in gate.requests if "/credentials/type/aws" in r[1]]) >= 3


def test_a_stored_account_of_our_name_for_another_aws_account_is_left_alone(gate):
    gate.stored["develop"] = {"type": "aws", "name": "develop", "accountId": "999999999999", "assumeRole": "role/x"}
    result = run_gate(gate, [DEVELOP])
    assert [r["name"] for r in result["refused"]] == ["develop"] and gate.writes() == []
    assert gate.stored["develop"]["accountId"] == "999999999999"


def test_check_mode_only_reads_and_diff_shows_the_definitions(gate):
    result = run_gate(gate, [DEVELOP], _check=True, _diff=True)
    assert result["changed"] and gate.writes() == [] and gate.stored == {}
    assert "accountId: '200000000002'" in result["diff"]["after"]


def test_wrong_credentials_name_the_fix_and_the_password_never_shows():
    with GateEmulator() as gate:
        result = run_gate(gate, [DEVELOP], password="wrong-password-123")
    assert result["failed"] and "401" in result["msg"] and "api_token" in result["msg"]
    assert "wrong-password-123" not in str(result)


def test_an_api_that_is_not_enabled_names_the_clouddriver_settings():
    with GateEmulator(enabled=False) as gate:
        result = run_gate(gate, [DEVELOP])
    assert result["failed"] and "404" in result["msg"]
    for setting in ("account.storage.enabled", "account.storage.aws.enabled", "credentials.poller.enabled"):
        assert setting in result["msg"]


def test_fiat_refusal_names_the_account_manager_roles():
    with GateEmulator(managers=["someone-else"]) as gate:
        result = run_gate(gate, [DEVELOP])
    assert result["failed"] and "403" in result["msg"] and "fiat.account.manager.roles" in result["msg"]


def test_an_api_token_is_sent_instead_of_basic_auth():
    with GateEmulator(api_token="spk_example") as gate:
        result = run_gate(gate, [DEVELOP], username=None, password=None, api_token="spk_example")
    assert result["added"] == ["develop"] and "spk_example" not in str(result)


def test_a_definition_clouddriver_never_loads_fails_naming_the_account(gate, monkeypatch):
    # Stands for a stored definition clouddriver cannot bind (it only logs it): the emulator's poller never loads
    # a definition whose accountId is not a 12-digit string.
    from tests.gate import emulator
    monkeypatch.setattr(emulator, "binds", lambda definition: definition["name"] != "staging")
    result = run_gate(gate, [DEVELOP, STAGING], wait_timeout=1)
    assert result["failed"] and result["not_loaded"] == ["staging"] and "staging" in result["msg"]


def test_a_changed_account_is_replaced_with_put_since_post_fails_once_it_is_loaded(gate):
    run_gate(gate, [DEVELOP])
    gate.requests.clear()
    result = run_gate(gate, [dict(DEVELOP, regions=["eu-west-1"])])
    assert result["updated"] == ["develop"] and gate.writes() == [("PUT", "/api/v1/credentials")]
    assert gate.loaded["develop"]["regions"] == [{"name": "eu-west-1"}]
