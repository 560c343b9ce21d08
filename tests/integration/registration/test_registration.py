"""site.yml over the example accounts with the two registration paths after Halyard, against a moto server on
127.0.0.1: clouddriver's config files for a kustomize install (rendered by a real `kubectl kustomize`), and
clouddriver's Account Management API through the gate emulator (tests/gate/emulator.py).

Each path is run as a user would: a first run, a re-run that must change nothing, then a run that adds one account
and offboards another."""

import json
import os
import subprocess

import pytest
import yaml

from tests.gate.emulator import GateEmulator
from tests.local_aws import LocalAWS
from tests.playbook import ROOT
from tests.playbook import run_playbook

ACCOUNTS = {"spinnakerManaging": "100000000001", "develop": "200000000002", "staging": "300000000003"}
REFERENCE = "encrypted:secrets-manager!r:us-east-1!s:spinnaker/spinnakerManaging/access-key!k:secret_access_key"

# The shape of spinnaker-kustomize's base clouddriver and orca Deployments that a component patches: one container,
# one projected volume `config` mounted at /opt/spinnaker/config/ (docs/spinnaker.md).
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: {name}
          image: us-docker.pkg.dev/spinnaker-community/docker/{name}:2026.2.3
          env:
            - {{name: SPRING_PROFILES_ACTIVE, value: local}}
          volumeMounts:
            - {{name: config, mountPath: /opt/spinnaker/config/, readOnly: true}}
      volumes:
        - name: config
          projected:
            sources:
              - configMap: {{name: spinnaker}}
              - configMap: {{name: {name}}}
"""


def example_inventory(path, registration_group, registration_vars, extra_managed=None, host_vars=None):
    """The example inventory with the halyard group replaced by the path's registration group."""
    with open(os.path.join(ROOT, "examples", "inventory.yml")) as handle:
        inventory = yaml.safe_load(handle)
    children = inventory["all"]["children"]
    children.pop("halyard")
    children[registration_group] = {"hosts": {"%s-host" % registration_group: registration_vars}}
    managed = children["spinnaker_managed"]["hosts"]
    for name, account_id in (extra_managed or {}).items():
        managed[name] = {"aws_account_id": account_id, "spinnaker_environment": name}
    for host, variables in (host_vars or {}).items():
        managed[host] = dict(managed[host], **variables)
    with open(path, "w") as handle:
        yaml.safe_dump(inventory, handle, sort_keys=False)
    return str(path)


def three_runs(aws, tmp, inventory_of, extra_vars, reset=None):
    """First run, re-run, then a run adding `production` and offboarding `staging`. Returns the three results
    and the AWS write calls of the re-run."""
    home = tmp / "hal"
    first = run_playbook("site.yml", inventory_of(tmp / "first.yml"), aws.endpoint, home, extra_vars=extra_vars)
    aws.clear()
    if reset:
        reset()
    second = run_playbook("site.yml", inventory_of(tmp / "first.yml"), aws.endpoint, home, extra_vars=extra_vars)
    second_writes = list(aws.writes())
    changed = inventory_of(tmp / "changed.yml", extra_managed={"production": "400000000004"},
                           host_vars={"staging": {"spinnaker_account_state": "absent"}})
    third = run_playbook("site.yml", changed, aws.endpoint, home, extra_vars=extra_vars)
    return {"first": first, "second": second, "second_writes": second_writes, "third": third}


def managing_key(aws):
    """The managing user's access key, as the managing_account role keeps it in Secrets Manager."""
    return json.loads(aws.client("secretsmanager", "100000000001").get_secret_value(
        SecretId="spinnaker/spinnakerManaging/access-key")["SecretString"])


# --- clouddriver_config: a kustomize component ---

@pytest.fixture(scope="module")
def component(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("component")
    overlay = tmp / "overlay"
    (overlay / "base").mkdir(parents=True)
    for name in ("clouddriver", "orca"):
        (overlay / "base" / ("%s.yml" % name)).write_text(DEPLOYMENT.format(name=name))
    (overlay / "kustomization.yml").write_text(
        "namespace: spinnaker\nresources: [base/clouddriver.yml, base/orca.yml]\ncomponents: [components/spinnaker-aws]\n")
    component_dir = overlay / "components" / "spinnaker-aws"
    settings = {"spinnaker_clouddriver_component_dir": str(component_dir), "spinnaker_clouddriver_bake_account": "develop"}

    def inventory_of(path, **kw):
        return example_inventory(path, "clouddriver", settings, **kw)

    with LocalAWS() as aws:
        runs = {}
        first_inventory = inventory_of(tmp / "first.yml")
        runs["first"] = run_playbook("site.yml", first_inventory, aws.endpoint, tmp / "hal",
                                     extra_vars={"spinnaker_registration": "clouddriver_config"})
        runs["first_render"] = kustomize(overlay)
        runs["first_files"] = dict((name, (component_dir / name).read_text())
                                   for name in ("kustomization.yml", "files/clouddriver.yml", "files/orca.yml"))
        mtime = os.stat(component_dir / "files" / "clouddriver.yml").st_mtime_ns
        aws.clear()
        runs["second"] = run_playbook("site.yml", first_inventory, aws.endpoint, tmp / "hal",
                                      extra_vars={"spinnaker_registration": "clouddriver_config"})
        runs["second_writes"] = aws.writes()
        runs["second_rewrote"] = os.stat(component_dir / "files" / "clouddriver.yml").st_mtime_ns != mtime
        changed = inventory_of(tmp / "changed.yml", extra_managed={"production": "400000000004"},
                               host_vars={"staging": {"spinnaker_account_state": "absent"}})
        runs["third"] = run_playbook("site.yml", changed, aws.endpoint, tmp / "hal",
                                     extra_vars={"spinnaker_registration": "clouddriver_config", "spinnaker_verify": "false"})
        runs["third_render"] = kustomize(overlay)
        runs["key"] = managing_key(aws)
        yield runs


def kustomize(overlay):
    """The overlay as `kubectl kustomize` renders it: {(kind, name): object}."""
    out = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, check=True).stdout
    return dict(((o["kind"], o["metadata"]["name"]), o) for o in yaml.safe_load_all(out))


def rendered_aws(render):
    maps = [o for (kind, name), o in render.items() if kind == "ConfigMap" and name.startswith("clouddriver-spinnaker-aws-")]
    assert len(maps) == 1, sorted(render)
    return maps[0], yaml.safe_load(maps[0]["data"]["clouddriver.yml"])["aws"]


@pytest.mark.xdist_group("registration-component")
def test_kustomize_renders_the_component_as_a_hashed_config_map_mounted_into_clouddriver(component):
    config_map, _aws = rendered_aws(component["first_render"])
    name = config_map["metadata"]["name"]
    assert config_map["metadata"]["namespace"] == "spinnaker"
    sources = component["first_render"][("Deployment", "clouddriver")]["spec"]["template"]["spec"]["volumes"][0]["projected"]["sources"]
    assert sources[-1] == {"configMap": {"name": name, "items": [{"key": "clouddriver.yml", "path": "spinnaker-aws/clouddriver.yml"}]}}
    assert [s["configMap"]["name"] for s in sources[:2]] == ["spinnaker", "clouddriver"]  # the base's sources stay
    orca = [o for (kind, n), o in component["first_render"].items() if kind == "ConfigMap" and n.startswith("orca-spinnaker-aws-")]
    assert yaml.safe_load(orca[0]["data"]["orca.yml"]) == {"default": {"bake": {"account": "develop"}}}


@pytest.mark.xdist_group("registration-component")
def test_the_rendered_aws_block_holds_every_account_and_only_a_reference_to_the_secret(component):
    _config_map, aws = rendered_aws(component["first_render"])
    assert aws["enabled"] is True and aws["defaultAssumeRole"] == "role/spinnakerManaged"
    assert aws["accessKeyId"] == component["key"]["access_key_id"]
    assert aws["secretAccessKey"] == REFERENCE
    accounts = dict((a["name"], a) for a in aws["accounts"])
    assert sorted(accounts) == sorted(ACCOUNTS)
    for name, account_id in ACCOUNTS.items():
        assert accounts[name]["accountId"] == account_id and isinstance(accounts[name]["accountId"], str)
        assert accounts[name]["regions"] == [{"name": "us-east-1"}, {"name": "us-west-2"}]
        assert accounts[name]["assumeRole"] == "role/spinnakerManaged"
    secret = component["key"]["secret_access_key"]
    assert all(secret not in text for text in component["first_files"].values())
    for run in ("first", "second", "third"):
        assert secret not in component[run][1]


@pytest.mark.xdist_group("registration-component")
def test_a_rerun_rewrites_no_file_and_changes_nothing(component):
    recap = component["second"][2]
    assert all(counts["changed"] == 0 and counts["failed"] == 0 for counts in recap.values()), recap
    assert not component["second_rewrote"] and component["second_writes"] == []


@pytest.mark.xdist_group("registration-component")
def test_the_verify_table_says_which_path_registered_each_account(component):
    output = component["first"][1]
    assert "registered by" in output
    assert output.count("clouddriver_config") >= len(ACCOUNTS)


@pytest.mark.xdist_group("registration-component")
def test_an_added_account_appears_and_an_offboarded_one_leaves_the_rendered_config(component):
    _config_map, aws = rendered_aws(component["third_render"])
    assert sorted(a["name"] for a in aws["accounts"]) == ["develop", "production", "spinnakerManaging"]
    first_name = rendered_aws(component["first_render"])[0]["metadata"]["name"]
    assert rendered_aws(component["third_render"])[0]["metadata"]["name"] != first_name  # a new hash rolls clouddriver


# --- clouddriver_config: a merge into clouddriver-local.yml ---

LOCAL = """# clouddriver-local.yml, kept in git by the platform team
kubernetes:
  enabled: true
  accounts:
    - name: k8s          # the cluster Spinnaker runs in
      namespaces: [spinnaker]
aws:
  # AWS accounts the data team registers by hand
  accounts:
    - name: data-lake
      accountId: '555555555555'
      assumeRole: role/dataDeployer   # not ours
      regions:
        - name: eu-west-1
"""


def test_the_merge_into_clouddriver_local_keeps_what_it_does_not_own_on_every_run(tmp_path):
    local = tmp_path / "clouddriver-local.yml"
    local.write_text(LOCAL)
    settings = {"spinnaker_clouddriver_local_file": str(local)}

    def inventory_of(path, **kw):
        return example_inventory(path, "clouddriver", settings, **kw)

    with LocalAWS() as aws:
        runs = three_runs(aws, tmp_path, inventory_of, {"spinnaker_registration": "clouddriver_config",
                                                        "spinnaker_verify": "false"})
        assert all(c["changed"] == 0 for c in runs["second"][2].values()) and runs["second_writes"] == []
    text = local.read_text()
    remaining = iter(text.splitlines())
    assert all(line in remaining for line in LOCAL.splitlines()), text  # every original line, in order, byte for byte
    accounts = dict((a["name"], a) for a in yaml.safe_load(text)["aws"]["accounts"])
    assert sorted(accounts) == ["data-lake", "develop", "production", "spinnakerManaging"]
    assert accounts["data-lake"]["assumeRole"] == "role/dataDeployer"


# --- account_api: clouddriver's Account Management API through gate ---

@pytest.fixture(scope="module")
def account_api(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("account_api")
    with GateEmulator(username="spinnaker-aws", password="gate-password-0c1f", reload_seconds=0.1) as gate:
        gate.stored["data-lake"] = {"type": "aws", "name": "data-lake", "accountId": "555555555555",
                                    "regions": [{"name": "eu-west-1"}]}
        settings = {"spinnaker_gate_url": gate.url, "spinnaker_gate_username": "spinnaker-aws",
                    "spinnaker_gate_password": "gate-password-0c1f", "spinnaker_gate_poll_interval": 0.1}

        def inventory_of(path, **kw):
            return example_inventory(path, "gate", settings, **kw)

        with LocalAWS() as aws:
            state = {}

            def forget_requests():
                state["first_stored"] = json.loads(json.dumps(gate.stored))
                gate.requests.clear()

            runs = three_runs(aws, tmp, inventory_of, {"spinnaker_registration": "account_api"}, reset=forget_requests)
            runs.update(state, gate=gate, third_requests=list(gate.requests))
            yield runs


@pytest.mark.xdist_group("registration-api")
def test_every_account_is_stored_with_type_aws_and_loaded(account_api):
    stored = account_api["first_stored"]
    assert sorted(stored) == sorted(list(ACCOUNTS) + ["data-lake"])
    for name, account_id in ACCOUNTS.items():
        assert stored[name]["type"] == "aws" and stored[name]["accountId"] == account_id
        assert stored[name]["regions"] == [{"name": "us-east-1"}, {"name": "us-west-2"}]
        assert stored[name]["assumeRole"] == "role/spinnakerManaged"


@pytest.mark.xdist_group("registration-api")
def test_a_rerun_through_gate_only_reads(account_api):
    recap = account_api["second"][2]
    assert all(counts["changed"] == 0 and counts["failed"] == 0 for counts in recap.values()), recap
    assert account_api["second_writes"] == []
    assert "registered by" in account_api["second"][1] and "account_api" in account_api["second"][1]


@pytest.mark.xdist_group("registration-api")
def test_adding_and_offboarding_through_gate_is_one_put_and_one_delete(account_api):
    gate = account_api["gate"]
    writes = [r for r in account_api["third_requests"] if r[0] in ("PUT", "POST", "DELETE")]
    assert sorted(writes) == [("DELETE", "/api/v1/credentials/staging"), ("PUT", "/api/v1/credentials")]
    assert sorted(gate.stored) == ["data-lake", "develop", "production", "spinnakerManaging"]
    assert "production" in gate.loaded and "staging" not in gate.loaded


@pytest.mark.xdist_group("registration-api")
def test_the_gate_password_never_reaches_the_output(account_api):
    for run in ("first", "second", "third"):
        assert "gate-password-0c1f" not in account_api[run][1]


# --- the spinnaker_clouddriver role on its own, with the opt-in apply ---

STANDALONE = """- name: Compute the run plan once, for every host of the run (this playbook converges no IAM)
  hosts: all
  gather_facts: false
  tasks:
    - name: Compute the run plan
      ansible.builtin.set_fact:
        spinnaker_plan: "{{{{ lookup('spinnaker.aws.plan', iam=false) }}}}"
      run_once: true

- name: clouddriver's AWS accounts, as the role's README shows
  hosts: clouddriver
  gather_facts: false
  vars:
    spinnaker_run: "{{{{ lookup('spinnaker.aws.run_outcome') }}}}"
  roles:
    - role: spinnaker.aws.spinnaker_clouddriver
      vars:
        spinnaker_clouddriver_component_dir: {component}
        spinnaker_clouddriver_set_access_key: false
        spinnaker_clouddriver_apply: true
        spinnaker_clouddriver_kustomization_dir: {overlay}
        spinnaker_clouddriver_kubectl: {kubectl}
"""

# Stands for kubectl against a cluster (there is none on these machines): it records its argv and answers as
# `kubectl apply -k` and `kubectl rollout status` do.
FAKE_KUBECTL = """#!/bin/sh
printf '%s\n' "$*" >> "$(dirname "$0")/kubectl.log"
case "$1" in
  apply) echo "configmap/clouddriver-spinnaker-aws-7g2k9m4d5t created"; echo "deployment.apps/clouddriver configured" ;;
  *) echo 'deployment "clouddriver" successfully rolled out' ;;
esac
"""


def test_the_role_alone_writes_the_component_and_applies_it_only_when_it_changed(tmp_path):
    kubectl = tmp_path / "kubectl"
    kubectl.write_text(FAKE_KUBECTL)
    kubectl.chmod(0o755)
    overlay = tmp_path / "overlay"
    playbook = tmp_path / "clouddriver.yml"
    playbook.write_text(STANDALONE.format(component=overlay / "components" / "spinnaker-aws", overlay=overlay, kubectl=kubectl))
    inventory = tmp_path / "inventory.yml"

    def write_inventory(regions):
        inventory.write_text(yaml.safe_dump({"all": {
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                     "spinnaker_regions": regions},
            "children": {"spinnaker_managed": {"hosts": {"develop": {"aws_account_id": "200000000002"}}},
                         "clouddriver": {"hosts": {"localhost": None}}}}}))

    def kubectl_calls():
        return (tmp_path / "kubectl.log").read_text().splitlines() if (tmp_path / "kubectl.log").exists() else []

    write_inventory(["us-east-1"])
    run_playbook(str(playbook), str(inventory), "http://127.0.0.1:1", tmp_path / "hal")
    assert kubectl_calls() == ["apply -k %s" % overlay,
                               "-n spinnaker rollout status deployment/clouddriver --timeout=600s"]
    aws = yaml.safe_load((overlay / "components" / "spinnaker-aws" / "files" / "clouddriver.yml").read_text())["aws"]
    assert [a["name"] for a in aws["accounts"]] == ["develop"] and "accessKeyId" not in aws
    _rc, _output, recap = run_playbook(str(playbook), str(inventory), "http://127.0.0.1:1", tmp_path / "hal")
    assert len(kubectl_calls()) == 2 and recap["localhost"]["changed"] == 0  # unchanged: not applied again
    write_inventory(["us-east-1", "us-west-2"])
    run_playbook(str(playbook), str(inventory), "http://127.0.0.1:1", tmp_path / "hal")
    assert len(kubectl_calls()) == 4
