"""AWX runs jobs with ansible-runner and an AWX-style private data directory; ansible-builder makes its EE."""

import os
import shutil
import subprocess
import sys

import ansible_runner
import yaml

from tests.halyard.emulator import Emulator
from tests.local_aws import LocalAWS
from tests.playbook import ROOT
from tests.playbook import playbook_env


def private_data_dir(path, endpoint, hal_home):
    """env/extravars, env/envvars, inventory/ and project/ as AWX lays them out for a job."""
    for sub in ("env", "inventory", "project"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    shutil.copy(os.path.join(ROOT, "examples", "inventory.yml"), os.path.join(path, "inventory", "hosts.yml"))
    with open(os.path.join(path, "project", "site.yml"), "w") as handle:
        handle.write("---\n- name: Spinnaker AWS accounts\n  ansible.builtin.import_playbook: spinnaker.aws.site\n")
    env = playbook_env(endpoint, hal_home)
    envvars = {k: env[k] for k in ("ANSIBLE_COLLECTIONS_PATH", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                   "AWS_DEFAULT_REGION", "HAL_EMULATOR_HOME", "PATH")}
    with open(os.path.join(path, "env", "envvars"), "w") as handle:
        yaml.safe_dump(envvars, handle)
    with open(os.path.join(path, "env", "extravars"), "w") as handle:
        yaml.safe_dump({"aws_endpoint_url": endpoint,
                        "spinnaker_halyard_halconfig_path": os.path.join(str(hal_home), ".hal", "config")}, handle)
    return str(path)


def test_site_through_ansible_runner_then_a_run_with_no_changes(tmp_path):
    home = tmp_path / "hal"
    with LocalAWS() as aws:
        data = private_data_dir(tmp_path / "job", aws.endpoint, home)
        first = ansible_runner.run(private_data_dir=data, playbook="site.yml", quiet=True)
        assert first.status == "successful" and first.rc == 0
        assert sum(first.stats["changed"].values()) > 0
        second = ansible_runner.run(private_data_dir=data, playbook="site.yml", quiet=True)
        assert second.status == "successful"
        assert sum(second.stats["changed"].values()) == 0
        assert not second.stats["failures"]
        assert len(Emulator(home).aws()["accounts"]) == 3


def test_ansible_builder_creates_the_ee_build_context_offline(tmp_path):
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-galaxy"), "collection", "build", "--force",
                    "--output-path", os.path.join(ROOT, "build", "dist"), ROOT], check=True, capture_output=True)
    context = tmp_path / "context"
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-builder"), "create", "-f",
                    os.path.join(ROOT, "execution-environment.yml"), "-c", str(context)], check=True, cwd=ROOT,
                   capture_output=True)
    files = os.listdir(context)
    containerfile = [f for f in files if f in ("Containerfile", "Dockerfile")][0]
    text = (context / containerfile).read_text()
    assert "ansible-galaxy collection install --offline --no-deps /tmp/collections/spinnaker-aws-0.1.0.tar.gz" in text
    assert (context / "_build" / "collections" / "spinnaker-aws-0.1.0.tar.gz").exists()
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert {"amazon.aws", "community.aws"} <= {c["name"] for c in galaxy["collections"]}
