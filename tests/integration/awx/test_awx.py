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


def stages_of(containerfile):
    """The instructions of each stage of a Containerfile, by stage name (``FROM x AS name``)."""
    stages, name = {}, None
    for line in containerfile.splitlines():
        if line.startswith("FROM "):
            name = line.split()[-1].lower()
            stages[name] = []
        elif name and line.strip():
            stages[name].append(line.strip())
    return stages


def test_ansible_builder_creates_an_ee_whose_final_image_gets_the_collection(tmp_path):
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-galaxy"), "collection", "build", "--force",
                    "--output-path", os.path.join(ROOT, "build", "dist"), ROOT], check=True, capture_output=True)
    context = tmp_path / "context"
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-builder"), "create", "-f",
                    os.path.join(ROOT, "execution-environment.yml"), "-c", str(context)], check=True, cwd=ROOT,
                   capture_output=True)
    files = os.listdir(context)
    containerfile = [f for f in files if f in ("Containerfile", "Dockerfile")][0]
    stages = stages_of((context / containerfile).read_text())
    # The collection is installed in the galaxy stage, from the tarball copied there before the install runs...
    galaxy_stage = stages["galaxy"]
    copy = galaxy_stage.index("COPY _build/collections/ /tmp/collections/")
    install = [i for i, line in enumerate(galaxy_stage) if "ansible-galaxy collection install" in line and "-r requirements.yml" in line]
    assert install and copy < install[0], galaxy_stage
    assert '--collections-path "/usr/share/ansible/collections"' in galaxy_stage[install[0]]
    # ...and the final stage gets it with /usr/share/ansible, and installs nothing itself.
    assert "COPY --from=galaxy /usr/share/ansible /usr/share/ansible" in stages["final"]
    assert not [line for line in stages["final"] if "ansible-galaxy" in line]
    assert (context / "_build" / "collections" / "spinnaker-aws-0.1.0.tar.gz").exists()
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert {"name": "/tmp/collections/spinnaker-aws-0.1.0.tar.gz", "type": "file"} in galaxy["collections"]
    versions = dict((c["name"], c.get("version")) for c in galaxy["collections"])
    assert versions["amazon.aws"] == "==10.1.2" and versions["community.aws"] == "==10.0.0"  # what the tests run
    assert "ansible.posix" not in versions
    assert {"amazon.aws", "community.aws"} <= {c["name"] for c in galaxy["collections"]}
