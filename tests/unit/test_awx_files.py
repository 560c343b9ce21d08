"""The files docs/awx.md refers to exist, parse, and hold the keys AWX and ansible-builder require."""

import json
import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load(path):
    with open(os.path.join(ROOT, path)) as handle:
        return json.load(handle) if path.endswith(".json") else yaml.safe_load(handle)


def test_every_file_awx_md_names_exists():
    with open(os.path.join(ROOT, "docs", "awx.md")) as handle:
        text = handle.read()
    named = set(re.findall(r"`((?:docs|playbooks|meta|examples|tests)/[\w./-]+\.(?:ya?ml|json|py|txt))`", text))
    named |= set(re.findall(r"`([\w-]+\.ya?ml)`", text)) & {"execution-environment.yml", "ee-galaxy-requirements.yml"}
    assert len(named) >= 10
    missing = [p for p in sorted(named) if not os.path.exists(os.path.join(ROOT, p))]
    assert missing == []


def test_credential_type_inputs_and_injectors():
    inputs = load("docs/awx/credential_type_halyard.inputs.yml")
    injectors = load("docs/awx/credential_type_halyard.injectors.yml")
    ids = [f["id"] for f in inputs["fields"]]
    assert all({"id", "type", "label"} <= set(f) for f in inputs["fields"])
    assert set(inputs["required"]) <= set(ids)
    used = set(re.findall(r"{{\s*(\w+)", json.dumps(injectors)))
    assert used <= set(ids)
    # Each injected variable is one the roles read.
    specs = load("roles/spinnaker_halyard/meta/argument_specs.yml")["argument_specs"]["main"]["options"]
    assert set(injectors["extra_vars"]) <= set(specs) | {"spinnaker_default_external_id"}
    # AWX renders every injector, filled or not, at extra-variable precedence: an injected per-host variable would
    # override every host's own value (an empty external id would strip every sts:ExternalId condition).
    per_host = {"spinnaker_external_id", "spinnaker_account_name", "spinnaker_regions", "spinnaker_environment",
                "aws_account_id", "spinnaker_account_state"}
    assert not set(injectors["extra_vars"]) & per_host


@pytest.mark.parametrize("name", ["onboard_account", "offboard_account"])
def test_survey_spec(name):
    survey = load("docs/awx/survey_%s.json" % name)
    assert survey["name"] and survey["description"]
    for question in survey["spec"]:
        assert {"question_name", "variable", "type", "required"} <= set(question)
        assert question["type"] in ("text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect")
    with open(os.path.join(ROOT, "playbooks", "%s.yml" % name)) as handle:
        playbook = handle.read()
    assert all(q["variable"] in playbook for q in survey["spec"])


def test_execution_environment_files():
    ee = load("execution-environment.yml")
    assert ee["version"] == 3
    assert {"base_image"} <= set(ee["images"]) and {"ansible_core", "ansible_runner", "galaxy", "python"} <= set(ee["dependencies"])
    galaxy = load(ee["dependencies"]["galaxy"])
    assert {"amazon.aws", "community.aws"} <= {c["name"] for c in galaxy["collections"]}
    meta = load("meta/execution-environment.yml")
    assert meta["version"] == 1
    for path in meta["dependencies"].values():
        assert os.path.exists(os.path.join(ROOT, path))
