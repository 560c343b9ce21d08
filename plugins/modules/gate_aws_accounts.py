#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: gate_aws_accounts
version_added: 0.1.0
short_description: Make clouddriver's stored AWS accounts match, through gate's Account Management API
description:
  - Reads the stored AWS account definitions (C(GET /credentials/type/aws), every page), writes the new and changed
    ones with C(PUT /credentials) (an upsert, C(type) V(aws)), deletes the offboarded ones with
    C(DELETE /credentials/{name}), then waits until clouddriver has loaded each written account
    (C(GET /credentials/{name})). No restart is needed.
  - Only the accounts named in O(accounts) are touched. A stored account of the same name that holds another AWS
    account id is somebody else's and is left alone (RV(refused)) unless its name is in O(adopt).
  - Needs Spinnaker 2025.2.0 or later with the API enabled in clouddriver (C(account.storage.enabled),
    C(account.storage.aws.enabled), C(sql.enabled), and C(credentials.poller) for AWS); a 404 on the listing says so.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  url:
    description: Gate's API base URL, for example C(https://gate.example.com/api/v1).
    type: str
    required: true
  username:
    description: User for HTTP basic auth.
    type: str
  password:
    description: Password for HTTP basic auth.
    type: str
  api_token:
    description: A gate API token (C(spk_...), gate 2026.2.0 and later), sent in the C(Authorization) header as a bearer token.
    type: str
  validate_certs:
    description: Verify gate's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: A CA bundle to verify gate's certificate with.
    type: path
  timeout:
    description: Seconds each HTTP call may take.
    type: int
    default: 30
  page_size:
    description: How many stored definitions to read per page.
    type: int
    default: 100
  wait:
    description: Wait until clouddriver has loaded every written account and dropped every deleted one.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait. Give at least two of clouddriver's poller periods
        (C(credentials.poller.types.aws.reloadFrequencyMs)).
    type: int
    default: 300
  poll_interval:
    description: Seconds between two reads of a written account while waiting.
    type: float
    default: 5
notes:
  - Supports check mode (only reads) and diff mode (the managed definitions before and after, as YAML).
  - A definition clouddriver cannot parse is stored but never loads; the module fails naming it once
    O(wait_timeout) has passed (clouddriver's log has the reason).
extends_documentation_fragment:
  - spinnaker.aws.registration
"""

EXAMPLES = r"""
- name: Register the accounts through gate
  spinnaker.aws.gate_aws_accounts:
    url: https://gate.example.com/api/v1
    username: "{{ gate_user }}"
    password: "{{ gate_password }}"
    accounts:
      - name: develop
        account_id: "200000000002"
        assume_role: role/spinnakerManaged
        regions: [us-east-1, us-west-2]
        external_id: spinnaker-develop-7f3a
        permissions: {READ: [developers], WRITE: [developers]}
      - {name: legacy, account_id: "400000000004", state: absent}
  no_log: false
"""

RETURN = r"""
accounts:
  description: The stored definitions of the accounts O(accounts) names, after the run.
  returned: always
  type: list
  elements: dict
added:
  description: Names of the accounts created.
  returned: always
  type: list
  elements: str
updated:
  description: Names of the accounts whose stored definition was replaced.
  returned: always
  type: list
  elements: str
removed:
  description: Names of the accounts deleted.
  returned: always
  type: list
  elements: str
refused:
  description: Accounts left alone because Spinnaker holds their name for another AWS account id.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: The account name., type: str}
    account_id: {description: The AWS account id Spinnaker holds., type: str}
    wanted_account_id: {description: The inventory's AWS account id., type: str}
    msg: {description: "Why, and the fix.", type: str}
unlisted:
  description: Stored AWS accounts that O(accounts) does not name (left alone unless O(prune_unlisted)).
  returned: always
  type: list
  elements: str
unlisted_account_ids:
  description: The AWS account id of each account of RV(unlisted), by name (C("") when it has none).
  returned: always
  type: dict
  sample: {"legacy": "300000000003"}
calls:
  description: The HTTP calls made, as C(METHOD path).
  returned: always
  type: list
  elements: str
"""

import time

try:
    import yaml
    HAS_YAML = True
except ImportError:  # reported by main() with missing_required_lib
    HAS_YAML = False

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import entry_errors
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import registration_argument_spec
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import registration_plan
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.gate import GateClient
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.gate import GateError
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.gate import is_loaded


def wait_until_loaded(client, written, deleted, timeout, interval, clock=time.monotonic, sleep=time.sleep):
    """Poll ``GET /credentials/{name}`` until every ``written`` definition is loaded and every ``deleted`` name is
    gone, or ``timeout`` seconds pass. Returns the names that never got there (empty when all did)."""
    waiting = dict((d["name"], d) for d in written)
    gone = list(deleted)
    deadline = clock() + timeout
    while True:
        waiting = dict((name, d) for name, d in waiting.items() if not is_loaded(client.loaded(name), d))
        gone = [name for name in gone if client.loaded(name) is not None]
        if not waiting and not gone:
            return []
        if clock() >= deadline:
            return sorted(waiting) + sorted(gone)
        sleep(interval)


def argument_spec():
    """The module's options: the registration's (``module_utils.spinnaker.accounts``) and Gate's."""
    spec = registration_argument_spec()
    spec.update(
        url=dict(type="str", required=True),
        username=dict(type="str"),
        password=dict(type="str", no_log=True),
        api_token=dict(type="str", no_log=True),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        timeout=dict(type="int", default=30),
        page_size=dict(type="int", default=100),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
        poll_interval=dict(type="float", default=5),
    )
    return spec


def plan_registration(params, stored, result):
    """The registration plan of ``accounts`` against the ``stored`` definitions; fills ``result`` (what is added,
    updated, removed, refused, unlisted). Returns ``(plan, names to delete)``."""
    plan = registration_plan(params["accounts"], stored, params["adopt"])
    deletes = plan["delete"] + (plan["unlisted"] if params["prune_unlisted"] else [])
    result.update(
        changed=bool(plan["upsert"] or deletes),
        added=[d["name"] for d in plan["upsert"] if d["name"] not in stored],
        updated=[d["name"] for d in plan["upsert"] if d["name"] in stored],
        removed=deletes, refused=plan["refused"], unlisted=plan["unlisted"],
        unlisted_account_ids=plan["unlisted_account_ids"],
    )
    return plan, deletes


def apply_registration(client, params, plan, deletes):
    """Write the plan through Gate and, with ``wait``, wait until clouddriver loaded it. Returns the names that
    never loaded (or never went); raises ``GateError``."""
    for definition in plan["upsert"]:
        client.upsert(definition)
    for name in deletes:
        client.delete(name)
    if params["wait"] and (plan["upsert"] or deletes):
        return wait_until_loaded(client, plan["upsert"], deletes, params["wait_timeout"], params["poll_interval"])
    return []


def accounts_after(params, stored, plan, removed):
    """The definitions of the managed accounts after the run, in the order of ``accounts``."""
    after = dict((name, d) for name, d in stored.items())
    for definition in plan["upsert"]:
        after[definition["name"]] = dict(definition, type="aws")
    for name in removed:
        after.pop(name, None)
    return [after[entry["name"]] for entry in params["accounts"] if entry["name"] in after]


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           mutually_exclusive=[("username", "api_token")], required_together=[("username", "password")])
    params = module.params
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"))
    errors = entry_errors(params["accounts"])
    if errors:
        module.fail_json(msg="; ".join(errors), field="accounts")
    client = GateClient(params["url"], params["username"], params["password"], params["api_token"],
                        params["validate_certs"], params["ca_path"], params["timeout"])
    result = dict(changed=False, added=[], updated=[], removed=[], refused=[], unlisted=[], unlisted_account_ids={}, accounts=[])
    try:
        stored = client.stored_accounts(params["page_size"])
        plan, deletes = plan_registration(params, stored, result)
        missing = [] if module.check_mode else apply_registration(client, params, plan, deletes)
    except GateError as e:
        module.fail_json(msg=e.message, status=e.status, calls=["%s %s" % c for c in client.calls], **result)
    if missing:
        module.fail_json(
            msg="clouddriver did not load (or drop) %s within %d s of the write: a stored definition it "
                "cannot parse never loads; its log names the account and the reason. Also check that "
                "credentials.poller.types.aws.reloadFrequencyMs is shorter than wait_timeout."
                % (", ".join(missing), params["wait_timeout"]),
            not_loaded=missing, calls=["%s %s" % c for c in client.calls], **result)

    result["accounts"] = accounts_after(params, stored, plan, result["removed"])
    result["calls"] = ["%s %s" % c for c in client.calls]
    if module._diff:
        before = [stored[entry["name"]] for entry in params["accounts"] if entry["name"] in stored]
        result["diff"] = dict(before=yaml.safe_dump(before, sort_keys=False),
                              after=yaml.safe_dump(result["accounts"], sort_keys=False))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
