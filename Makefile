# spinnaker.aws: `make demo` shows the job on a local AWS endpoint; `make test` runs every gate CI runs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
COLLECTIONS := build/collections
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_PYTHON_INTERPRETER := $(CURDIR)/$(BIN)/python

.PHONY: venv collection demo test sanity lint docs-lint unit integration molecule galaxy-import bench clean

$(BIN)/ansible-playbook: requirements.txt requirements-test.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: set PYTHON=python3 (3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

venv: $(BIN)/ansible-playbook

# The checkout, installed where Ansible looks for collections (a link, so edits take effect at once).
collection: venv
	@mkdir -p $(COLLECTIONS)/ansible_collections/spinnaker
	@ln -sfn $(CURDIR) $(COLLECTIONS)/ansible_collections/spinnaker/aws

demo: collection
	$(BIN)/python tests/demo.py

sanity: venv
	bash tests/ci/sanity.sh

lint: collection
	$(BIN)/ansible-lint --profile production

# The changelog fragments, and every plugin's and role's docs as the docs site renders them. References are
# validated against the installed collections (`all`): copying the dependencies, antsibull-docs' default, loses
# amazon.aws's doc fragments of the ansible package.
docs-lint: collection
	$(BIN)/python tests/ci/role_docs.py --check
	$(BIN)/antsibull-changelog lint
	PATH=$(CURDIR)/$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(COLLECTIONS) \
	  $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all .

unit: collection
	$(BIN)/python -m pytest tests/unit -q -n 2

# Four workers on two cores: the playbook runs wait on subprocesses and the local endpoint, and the long test groups
# (one shared fixture each) finish sooner when they start together.
integration: collection
	$(BIN)/python -m pytest tests/integration -q -n 4 --dist loadgroup --durations 30

# Every scenario from the checkout (build/collections links it), then the default one again from the collection
# as a user installs it: the built tarball, installed with ansible-galaxy into build/installed (amazon.aws and
# community.aws come from the ansible package). The scenarios import spinnaker.aws.site, so they run whichever
# spinnaker.aws ANSIBLE_COLLECTIONS_PATH holds.
molecule: collection
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/molecule test --all
	rm -rf build/installed && $(BIN)/ansible-galaxy collection build --force --output-path build/dist . >/dev/null
	$(BIN)/ansible-galaxy collection install --offline --no-deps --force -p build/installed build/dist/spinnaker-aws-0.1.0.tar.gz
	test ! -L build/installed/ansible_collections/spinnaker/aws  # a copy, not the checkout
	PATH=$(CURDIR)/$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/installed $(BIN)/molecule test -s default

galaxy-import: venv
	bash tests/ci/galaxy_import.sh

bench: collection
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	$(BIN)/python benchmarks/run.py --sizes 1 10 100 --reps 3 --single-rep-from 100 --large-reps 2 --extra-variants ours-mitogen ours-noverify:10 ours-mitogen:10 --extra-sizes 100 --raw build/bench-raw.json --notes benchmarks/analysis.md --out benchmarks/RESULTS.md

test: sanity lint docs-lint unit integration molecule galaxy-import

clean:
	rm -rf build .pytest_cache .hypothesis
