#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: clouddriver_aws_config
version_added: 0.1.0
short_description: Write clouddriver's AWS accounts into its config files, for a spinnaker-kustomize install
description:
  - Makes clouddriver's C(aws:) configuration hold the given accounts, without Halyard, in one of two ways.
  - With O(component_dir), writes a kustomize component the collection owns whole, C(kustomization.yml) and
    C(files/clouddriver.yml), that adds a ConfigMap to clouddriver's projected C(config) volume at
    C(/opt/spinnaker/config/<config_dir>/clouddriver.yml). Add the directory to the C(components) of your
    kustomization; kustomize puts the content hash in the ConfigMap's name, so a change rolls clouddriver.
  - With O(local_file), merges into an existing C(clouddriver-local.yml) (the file of the kustomize tree's
    C(overlays/config)). The collection owns C(aws.enabled), C(aws.defaultAssumeRole), C(aws.accessKeyId) and
    C(aws.secretAccessKey) when it writes them, and the C(aws.accounts) entries named in O(accounts). Every other
    key, account and comment stays byte for byte.
  - The managing user's secret key is never written. O(secret_access_key) is a reference to a Secrets Manager
    secret, C(encrypted:secrets-manager!r:REGION!s:NAME!k:KEY), which clouddriver resolves at start-up.
  - Whether a file changed is decided on its parsed content; an unchanged file is not rewritten.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  component_dir:
    description:
      - Directory of the kustomize component to write (created when missing). Mutually exclusive with
        O(local_file); one of them is required.
    type: path
  local_file:
    description:
      - The C(clouddriver-local.yml) to merge into (created when missing).
      - An account that is not named in O(accounts) is never removed from this file, even with O(prune_unlisted).
    type: path
  config_dir:
    description: The directory under C(/opt/spinnaker/config/) where the component mounts its files.
    type: str
    default: spinnaker-aws
  default_assume_role:
    description:
      - C(aws.defaultAssumeRole), always written (without it, and without accounts, clouddriver adds an account
        named C(default) that uses the managing credentials directly).
    type: str
    required: true
  access_key_id:
    description:
      - The managing user's access key id, written as C(aws.accessKeyId). Leave unset for IRSA and instance roles.
      - When unset, a C(aws.accessKeyId)/C(aws.secretAccessKey) pair whose secret key is the reference of
        O(secret_access_key) (the pair this module wrote) is removed; any other pair is left alone.
    type: str
  secret_access_key:
    description:
      - Where clouddriver reads the managing user's secret key. Required with O(access_key_id).
    type: dict
    suboptions:
      region:
        description: Region of the Secrets Manager secret.
        type: str
        required: true
      secret_name:
        description: Name or ARN of the secret.
        type: str
        required: true
      key:
        description: The JSON key of the secret that holds the secret access key.
        type: str
        default: secret_access_key
  bake_account:
    description:
      - With O(component_dir), also write C(files/orca.yml) with orca's C(default.bake.account) (the account
        Halyard's C(primaryAccount) used to set), mounted into C(Deployment orca) the same way. Unset, a
        C(files/orca.yml) an earlier run wrote is removed.
    type: str
  settings:
    description:
      - Other top-level keys for the component's C(clouddriver.yml), written as given, for example the settings
        the Account Management API needs (C(account.storage), C(credentials.poller)). Must not hold C(aws).
        Only with O(component_dir).
    type: dict
    default: {}
notes:
  - Supports check mode (nothing is written) and diff mode (the YAML of each file before and after).
  - Spring Boot binds a list from one configuration source only, so an C(aws.accounts) list in the component
    replaces, not extends, one in C(clouddriver-local.yml). Keep AWS accounts in one place; use O(local_file)
    when that file already lists some.
extends_documentation_fragment:
  - spinnaker.aws.registration
"""

EXAMPLES = r"""
- name: Write the component spinnaker-aws beside the kustomization
  spinnaker.aws.clouddriver_aws_config:
    component_dir: /srv/spinnaker-kustomize/components/spinnaker-aws
    default_assume_role: role/spinnakerManaged
    access_key_id: AKIAIOSFODNN7EXAMPLE
    secret_access_key:
      region: us-east-1
      secret_name: spinnaker/spinnakerManaging/access-key
    bake_account: develop
    accounts:
      - name: develop
        account_id: "200000000002"
        assume_role: role/spinnakerManaged
        regions: [us-east-1, us-west-2]
        external_id: spinnaker-develop-7f3a

- name: Merge the accounts into the overlay's clouddriver-local.yml, keeping its comments
  spinnaker.aws.clouddriver_aws_config:
    local_file: /srv/spinnaker-kustomize/overlays/config/files/clouddriver-local.yml
    default_assume_role: role/spinnakerManaged
    accounts:
      - {name: develop, account_id: "200000000002", assume_role: role/spinnakerManaged, regions: [us-east-1]}
      - {name: staging, account_id: "300000000003", state: absent}
"""

RETURN = r"""
files:
  description: The files written (in check mode, that would be written).
  returned: always
  type: list
  elements: str
accounts:
  description: Every account clouddriver's AWS provider holds in the file after the run (plain data).
  returned: always
  type: list
  elements: dict
added:
  description: Names of the accounts added.
  returned: always
  type: list
  elements: str
updated:
  description: Names of the accounts whose definition changed.
  returned: always
  type: list
  elements: str
removed:
  description: Names of the accounts removed.
  returned: always
  type: list
  elements: str
refused:
  description: Accounts left alone because the file holds their name for another AWS account id.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: The account name., type: str}
    account_id: {description: The AWS account id the file holds., type: str}
    wanted_account_id: {description: The inventory's AWS account id., type: str}
    msg: {description: "Why, and the fix.", type: str}
unlisted:
  description: Accounts in the file that O(accounts) does not name (left alone unless O(prune_unlisted)).
  returned: always
  type: list
  elements: str
unlisted_account_ids:
  description: The AWS account id of each account of RV(unlisted), by name (C("") when it has none).
  returned: always
  type: dict
  sample: {"legacy": "300000000003"}
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import entry_errors
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import registration_argument_spec
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import registration_plan
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import HAS_RUAMEL
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import HAS_YAML
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import ClouddriverConfigError
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import accounts_by_name
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import aws_document
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import component_files
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import load_local
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import merge_local
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import plain
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import provider_settings
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import same_content
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.clouddriver import secret_reference

CREDENTIAL_KEYS = ("accessKeyId", "secretAccessKey")


def read_text(path):
    """The text of ``path``, or ``None`` when there is no such file."""
    try:
        with open(path) as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write_text(module, path, text):
    """Write ``text`` to ``path`` atomically (a temporary file in the same directory, then a rename). An existing
    file keeps its mode and owner (``atomic_move``); a new one is made 0644 (it holds no secret)."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    existed = os.path.exists(path)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".spinnaker-aws-")
    with os.fdopen(handle, "w") as stream:
        stream.write(text)
    if not existed:
        os.chmod(temporary, 0o644)
    module.atomic_move(temporary, path)


def apply_plan(current, plan):
    """The component's account list after a plan: ``current`` (name -> account, in file order) with the upserts
    replacing or appended and the deletes dropped."""
    accounts = dict(current)
    for account in plan["upsert"]:
        accounts[account["name"]] = account
    for name in plan["delete"]:
        accounts.pop(name, None)
    return list(accounts.values())


def argument_spec():
    """The module's options: the registration's (``module_utils.spinnaker.accounts``) and the file's."""
    spec = registration_argument_spec()
    spec.update(
        component_dir=dict(type="path"),
        local_file=dict(type="path"),
        config_dir=dict(type="str", default="spinnaker-aws"),
        default_assume_role=dict(type="str", required=True),
        access_key_id=dict(type="str", no_log=False),
        secret_access_key=dict(type="dict", no_log=False, options=dict(
            region=dict(type="str", required=True),
            secret_name=dict(type="str", required=True),
            key=dict(type="str", default="secret_access_key", no_log=False),
        )),
        bake_account=dict(type="str"),
        settings=dict(type="dict", default={}),
    )
    return spec


def option_errors(params):
    """What is wrong with the accounts and settings, as a list of messages (empty: nothing)."""
    errors = entry_errors(params["accounts"])
    if "aws" in params["settings"]:
        errors.append("settings: must not hold aws (the module owns that key)")
    if params["settings"] and params["local_file"]:
        errors.append("settings: only with component_dir")
    return errors


def secret_of(params):
    """The secret engine reference of ``secret_access_key`` (``None`` without it); raises ``ValueError`` for a
    bad one."""
    spec = params["secret_access_key"]
    return secret_reference(spec["region"], spec["secret_name"], spec["key"]) if spec else None


def config_path(params):
    """The file the accounts are read from: the component's ``files/clouddriver.yml``, or ``local_file``."""
    if params["component_dir"]:
        return os.path.join(params["component_dir"], "files", "clouddriver.yml")
    return params["local_file"]


def plan_component_dir(params, settings, path):
    """The writes of the ``component_dir`` layout: the files ``component_files`` generates that differ, and the
    stale ``orca.yml`` (removed, text ``None``). Returns ``(writes, plan, current accounts, accounts after)``;
    raises ``ClouddriverConfigError`` for a file that cannot be read."""
    writes = []  # (path, before text or None, after text)
    before = read_text(path)
    current = accounts_by_name(plain(load_local(before)))
    plan = registration_plan(params["accounts"], current, params["adopt"])
    if params["prune_unlisted"]:
        plan["delete"] = plan["delete"] + plan["unlisted"]
    accounts = apply_plan(current, plan)
    orca = {"default": {"bake": {"account": params["bake_account"]}}} if params["bake_account"] else None
    files = component_files(aws_document(settings, accounts, params["settings"]), params["config_dir"], orca)
    for relative, text in sorted(files.items()):
        target = os.path.join(params["component_dir"], relative)
        old = before if target == path else read_text(target)
        if not same_content(old, text):
            writes.append((target, old, text))
    stale = os.path.join(params["component_dir"], "files", "orca.yml")
    if orca is None and os.path.exists(stale):  # the component's own file, no longer generated
        writes.append((stale, read_text(stale), None))
    return writes, plan, current, accounts


def plan_local_file(params, settings, reference, path):
    """The write of the ``local_file`` layout (``merge_local``; the static credentials go when the secret
    reference replaces them). Returns ``(writes, plan, current accounts, accounts after)``; raises
    ``ClouddriverConfigError`` for a file that cannot be read."""
    before = read_text(path)
    current = accounts_by_name(plain(load_local(before)))
    plan = registration_plan(params["accounts"], current, params["adopt"])
    have = load_local(before).get("aws") or {}
    remove = [k for k in CREDENTIAL_KEYS if not params["access_key_id"] and k in have
              and reference is not None and have.get("secretAccessKey") == reference]
    after = merge_local(before, settings, plan, remove)
    accounts = list(accounts_by_name(plain(load_local(after))).values())
    writes = [(path, before, after)] if not same_content(before, after) else []
    return writes, plan, current, accounts


def apply_writes(module, writes):
    """Write (or, for a text ``None``, remove) each planned file."""
    for target, _old, text in writes:
        if text is None:
            os.remove(target)
        else:
            write_text(module, target, text)


def run_result(writes, plan, current, accounts, diff):
    """The module's result for the planned ``writes``; ``diff``: add one diff per file."""
    result = dict(
        changed=bool(writes),
        files=[w[0] for w in writes],
        accounts=accounts,
        added=[a["name"] for a in plan["upsert"] if a["name"] not in current],
        updated=[a["name"] for a in plan["upsert"] if a["name"] in current],
        removed=[name for name in plan["delete"] if name in current],
        refused=plan["refused"],
        unlisted=plan["unlisted"],
        unlisted_account_ids=plan["unlisted_account_ids"],
    )
    if diff:
        result["diff"] = [dict(before_header=w[0], after_header=w[0], before=w[1] or "", after=w[2] or "") for w in writes]
    return result


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        required_one_of=[("component_dir", "local_file")],
        mutually_exclusive=[("component_dir", "local_file")],
        required_by={"access_key_id": "secret_access_key"},
    )
    params = module.params
    if not HAS_RUAMEL or not HAS_YAML:
        module.fail_json(msg=missing_required_lib("ruamel.yaml" if not HAS_RUAMEL else "PyYAML"))
    errors = option_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors), field="accounts")
    try:
        reference = secret_of(params)
    except ValueError as e:
        module.fail_json(msg="secret_access_key: %s" % e, field="secret_access_key")
    settings = provider_settings(params["default_assume_role"], params["access_key_id"], reference)
    path = config_path(params)
    try:
        if params["component_dir"]:
            writes, plan, current, accounts = plan_component_dir(params, settings, path)
        else:
            writes, plan, current, accounts = plan_local_file(params, settings, reference, path)
    except ClouddriverConfigError as e:
        module.fail_json(msg="%s: %s. Fix the file, or point the module at another one." % (path, e), path=path)
    if not module.check_mode:
        apply_writes(module, writes)
    module.exit_json(**run_result(writes, plan, current, accounts, module._diff))


if __name__ == "__main__":
    main()
