#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: halyard_aws_account
version_added: 0.1.0
short_description: Declare an AWS account in Spinnaker's Halyard configuration
description:
  - Makes one account of Spinnaker's AWS provider match the options, through C(hal config provider aws account).
  - Reads the current account from the halconfig first. A missing account is added; an account that differs
    gets ONE C(edit) carrying only what differs; an identical account runs no hal command at all and reports no
    change. With O(state=absent) the account is deleted if present.
  - Never uses C(--no-validate), which makes Halyard save a second account under the same name.
  - Options left unset are not managed. Halyard has no flag to reset a field to empty, so removing a field
    (an external id, say) has to be done by deleting and re-adding the account.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  name:
    description:
      - Name of the account in Spinnaker. Unique across every provider of the deployment.
      - Required unless O(accounts) is given.
    type: str
  account_id:
    description: The 12-digit AWS account id, as a string (quote it in YAML).
    type: str
  assume_role:
    description:
      - The role clouddriver assumes in the account, C(role/NAME) (clouddriver builds the ARN from O(account_id))
        or a role ARN in that account.
    type: str
  regions:
    description: AWS regions Spinnaker manages in this account; at least one.
    type: list
    elements: str
  external_id:
    description:
      - External id clouddriver passes when assuming O(assume_role). Must match the role's trust condition.
      - An empty string means the account must have none. Halyard cannot unset a field with C(edit), so an
        account that holds one is deleted and added again without it (its other fields kept).
    type: str
  environment:
    description: Environment name of the account, shown in Spinnaker.
    type: str
  default_key_pair:
    description: EC2 key pair used when a server group names none.
    type: str
  edda:
    description: Edda endpoint for the account.
    type: str
  discovery:
    description: Eureka (discovery) endpoint for the account.
    type: str
  read_permissions:
    description: Fiat roles that may read the account. An empty list removes them all.
    type: list
    elements: str
  write_permissions:
    description: Fiat roles that may deploy to the account. An empty list removes them all.
    type: list
    elements: str
  lambda_enabled:
    description: Enable AWS Lambda support for the account.
    type: bool
  state:
    description: Whether the account is present or absent.
    type: str
    choices: [present, absent]
    default: present
  adopt:
    description:
      - Take over an account of the same name whose C(accountId) is not O(account_id).
      - Without it such an account is somebody else's (a hand-made one, another team's) and is left exactly as it
        is, with O(state=present) and O(state=absent) alike; it is reported in RV(refused), and the task fails
        when O(name) is given. With O(accounts) the other accounts are still written.
    type: bool
    default: false
  accounts:
    description:
      - Several accounts in one task, each with the single-account options below. Values are coerced as those
        options are (V("yes") for a bool, V("a,b") for a list) and an unknown key is an error.
      - The halconfig is read once and only the accounts that differ cost a hal call, so registering a hundred
        accounts is one module run instead of a hundred. Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the account in Spinnaker.
        type: str
        required: true
      account_id:
        description: The 12-digit AWS account id, as a string.
        type: str
      assume_role:
        description: The role clouddriver assumes in the account (see O(assume_role)).
        type: str
      regions:
        description: AWS regions Spinnaker manages in this account.
        type: list
        elements: str
      external_id:
        description: External id clouddriver passes (see O(external_id)); empty for none.
        type: str
      environment:
        description: Environment name of the account.
        type: str
      default_key_pair:
        description: EC2 key pair used when a server group names none.
        type: str
      edda:
        description: Edda endpoint for the account.
        type: str
      discovery:
        description: Eureka (discovery) endpoint for the account.
        type: str
      read_permissions:
        description: Fiat roles that may read the account.
        type: list
        elements: str
      write_permissions:
        description: Fiat roles that may deploy to the account.
        type: list
        elements: str
      lambda_enabled:
        description: Enable AWS Lambda support for the account.
        type: bool
      state:
        description: Whether the account is present or absent.
        type: str
        choices: [present, absent]
        default: present
      adopt:
        description: Take over an account of the same name whose C(accountId) differs (see O(adopt)).
        type: bool
        default: false
  prune_unlisted:
    description:
      - With O(accounts), delete every account of the AWS provider that O(accounts) does not name. Off by
        default; without it such accounts are only reported in RV(unlisted).
    type: bool
    default: false
notes:
  - Supports check mode (no hal write; RV(commands) lists what would run) and diff mode (the account as YAML).
  - Halyard's validation never calls AWS; to prove the role can be assumed use M(spinnaker.aws.sts_trust_check)
    with the verify play.
extends_documentation_fragment:
  - spinnaker.aws.halyard
"""

EXAMPLES = r"""
- name: Register the develop account
  spinnaker.aws.halyard_aws_account:
    name: develop
    account_id: "200000000002"
    assume_role: role/spinnakerManaged
    regions: [us-east-1, us-west-2]
    external_id: spinnaker-develop-7f3a
    environment: develop

- name: Same, with hal in a Kubernetes pod
  spinnaker.aws.halyard_aws_account:
    hal_command: [kubectl, -n, spinnaker, exec, -i, halyard-0, --, hal]
    name: develop
    account_id: "200000000002"
    assume_role: role/spinnakerManaged
    regions: [us-east-1]

- name: Register every account in one task
  spinnaker.aws.halyard_aws_account:
    accounts:
      - {name: develop, account_id: "200000000002", assume_role: role/spinnakerManaged, regions: [us-east-1]}
      - {name: staging, account_id: "300000000003", assume_role: role/spinnakerManaged, regions: [us-east-1]}

- name: Remove an account
  spinnaker.aws.halyard_aws_account:
    name: staging
    state: absent
"""

RETURN = r"""
commands:
  description: The hal commands run (or, in check mode, that would run). Empty when nothing differs.
  returned: always
  type: list
  elements: str
  sample: ["hal config provider aws account edit develop --regions us-east-1 us-west-2"]
account:
  description: The account as the halconfig holds it after the change (null when absent).
  returned: when O(name) is given
  type: dict
  sample: {"name": "develop", "accountId": "200000000002", "assumeRole": "role/spinnakerManaged",
           "regions": [{"name": "us-east-1"}]}
changed_fields:
  description: The halconfig keys that differed and were (or would be) edited.
  returned: when O(name) is given
  type: list
  elements: str
  sample: ["regions"]
unlisted:
  description: Names of the provider's accounts that O(accounts) does not name (deleted with O(prune_unlisted)).
  returned: with O(accounts)
  type: list
  elements: str
  sample: ["legacy"]
unlisted_account_ids:
  description: The AWS account id of each account of RV(unlisted), by name (C("") when it has none).
  returned: with O(accounts)
  type: dict
  sample: {"legacy": "300000000003"}
refused:
  description:
    - The accounts left alone because an account of that name holds another account id (see O(adopt)), each with
      C(name), C(account_id) and C(assume_role) as the halconfig holds them, the C(wanted_account_id) and C(msg).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "develop", "account_id": "999999999999", "assume_role": "role/admin",
            "wanted_account_id": "200000000002", "msg": "..."}]
results:
  description: One entry per account of O(accounts), with C(name), C(account), C(changed_fields) and C(changed).
  returned: when O(accounts) is given
  type: list
  elements: dict
  sample: [{"name": "develop", "changed": false, "changed_fields": [], "account": {"name": "develop"}}]
diff:
  description: The account before and after, as YAML.
  returned: when diff mode is on
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import foreign_account
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import unlisted_account_ids
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import HAS_YAML
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import HalRunner
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import HalyardError
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import account_add_argv
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import account_delete_argv
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import account_differences
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import account_edit_argvs
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import desired_account
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import dump_yaml
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import fields_to_unset
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import get_aws_account
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import get_aws_provider
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import merged_account
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import provider_using_account_name
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import readded_account
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import validate_account_params
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import halyard_argument_spec


def ensure_account(runner, halconfig, params):
    """Add, edit, delete or leave one account; returns ``(before, after, changed_fields)``."""
    current = get_aws_account(halconfig, params["name"], runner.deployment)
    if params["state"] == "absent":
        if current is not None:
            runner.execute(account_delete_argv(params["name"], runner.deployment))
        return current, None, []
    desired = desired_account(params)
    if current is None:
        other = provider_using_account_name(halconfig, params["name"], runner.deployment)
        if other:
            raise HalyardError(
                'name: an account "%s" already exists in the %s provider; Halyard account names are unique across '
                "providers. Choose another name." % (params["name"], other),
                field="name",
            )
        runner.execute(account_add_argv(desired, runner.deployment))
        return None, desired, sorted(k for k in desired if k != "name")
    unset = fields_to_unset(current, params)
    if unset:
        # Halyard cannot unset a field by `edit`: delete the account and add it again without it.
        after = readded_account(current, desired, unset)
        runner.execute(account_delete_argv(params["name"], runner.deployment))
        runner.execute(account_add_argv(after, runner.deployment))
        return current, after, sorted(set(account_differences(current, desired)) | set(unset))
    for argv in account_edit_argvs(current, desired, runner.deployment):
        runner.execute(argv)
    return current, merged_account(current, desired), account_differences(current, desired)


def unlisted_accounts(halconfig, specs, deployment):
    """The names of the AWS provider's accounts that ``specs`` does not name, sorted."""
    provider = get_aws_provider(halconfig, deployment) or {}
    named = set(s["name"] for s in specs)
    return sorted(a["name"] for a in provider.get("accounts") or [] if a.get("name") not in named)


def account_specs(params):
    """The accounts to ensure, each a dict of every account option (unset ones ``None``, state defaulted)."""
    if params["accounts"] is None:
        return [dict((k, params[k]) for k in ACCOUNT_OPTIONS)]
    specs = []
    for index, item in enumerate(params["accounts"]):
        unknown = sorted(set(item) - set(ACCOUNT_OPTIONS))
        if unknown or not item.get("name"):
            raise HalyardError(
                "accounts[%d]: %s" % (index, "unknown keys %s" % unknown if unknown else "name is required"), field="accounts"
            )
        spec = dict((k, item.get(k)) for k in ACCOUNT_OPTIONS)
        spec["state"] = spec["state"] or "present"
        spec["adopt"] = boolean(spec["adopt"]) if spec["adopt"] is not None else False
        for key in ("regions", "read_permissions", "write_permissions"):
            if isinstance(spec[key], str):
                spec[key] = [spec[key]]
        specs.append(spec)
    names = [s["name"] for s in specs]
    duplicates = sorted(set(n for n in names if names.count(n) > 1))
    if duplicates:
        raise HalyardError("accounts: the names %s appear more than once." % duplicates, field="accounts")
    return specs


ACCOUNT_OPTIONS = (
    "name", "account_id", "assume_role", "regions", "external_id", "environment", "default_key_pair", "edda",
    "discovery", "read_permissions", "write_permissions", "lambda_enabled", "state", "adopt",
)


def argument_spec():
    """The module's options: Halyard's (``module_utils.spinnaker.halyard``), one account's, and ``accounts``
    (the same options per entry)."""
    account = dict(
        account_id=dict(type="str"),
        assume_role=dict(type="str"),
        regions=dict(type="list", elements="str"),
        external_id=dict(type="str"),
        environment=dict(type="str"),
        default_key_pair=dict(type="str", no_log=False),
        edda=dict(type="str"),
        discovery=dict(type="str"),
        read_permissions=dict(type="list", elements="str"),
        write_permissions=dict(type="list", elements="str"),
        lambda_enabled=dict(type="bool"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        adopt=dict(type="bool", default=False),
    )
    entry = dict(account, name=dict(type="str", required=True), external_id=dict(type="str", no_log=False))
    spec = halyard_argument_spec()
    spec.update(account, name=dict(type="str"), prune_unlisted=dict(type="bool", default=False),
                accounts=dict(type="list", elements="dict", options=entry))
    return spec


def validated_specs(params):
    """Every account of the run (``account_specs``), each validated before the first hal call; raises
    ``HalyardError`` (naming the entry of ``accounts``)."""
    specs = account_specs(params)
    for spec in specs:
        try:
            validate_account_params(spec)
        except HalyardError as e:
            if params["accounts"] is not None:
                e.message = "accounts[%s]: %s" % (spec["name"], e.message)
            raise
    return specs


def converge_accounts(runner, halconfig, specs):
    """Converge each account of ``specs`` (``ensure_account``), leaving alone those of the same name for another
    AWS account (``foreign_account``). Returns ``(results, refused)``; raises ``HalyardError``."""
    results, refused = [], []
    for spec in specs:
        calls = len(runner.commands)
        refusal = foreign_account(get_aws_account(halconfig, spec["name"], runner.deployment), spec["name"],
                                  spec["account_id"], spec.get("adopt"))
        if refusal:
            refused.append(refusal)
            continue
        before, after, changed_fields = ensure_account(runner, halconfig, spec)
        results.append(dict(name=spec["name"], before=before, account=after, changed_fields=changed_fields,
                            changed=len(runner.commands) > calls))
    return results, refused


def account_results(results, unlisted, many, diff, unlisted_ids=None):
    """The result keys about the accounts: per account with ``accounts`` (``many``), else the one account's;
    ``diff``: the accounts before and after, as YAML; ``unlisted_ids``: ``{name: AWS account id}`` of ``unlisted``."""
    if many:
        output = dict(unlisted=unlisted, unlisted_account_ids=unlisted_ids or {},
                      results=[dict((k, v) for k, v in r.items() if k != "before") for r in results])
    else:
        output = dict(account=results[0]["account"], changed_fields=results[0]["changed_fields"])
    if diff:
        def state(key):
            return [r[key] for r in results if r[key] is not None] if many else results[0][key]

        output["diff"] = dict(before=dump_yaml(state("before")), after=dump_yaml(state("account")))
    return output


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        required_one_of=[("name", "accounts")],
        mutually_exclusive=[("name", "accounts")],
    )
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"))
    runner = HalRunner(module)
    many = module.params["accounts"] is not None
    try:
        specs = validated_specs(module.params)
        runner.check_hal_available()
        halconfig = runner.read_halconfig()
        unlisted = unlisted_accounts(halconfig, specs, runner.deployment) if many else []
        if module.params["prune_unlisted"]:
            specs = specs + [dict(dict((k, None) for k in ACCOUNT_OPTIONS), name=name, state="absent") for name in unlisted]
        results, refused = converge_accounts(runner, halconfig, specs)
    except HalyardError as e:
        module.fail_json(msg=e.message, field=e.field, rc=e.rc, commands=runner.masked_commands())

    result = dict(changed=bool(runner.commands), commands=runner.masked_commands(), refused=refused)
    if refused and not many:
        module.fail_json(msg=refused[0]["msg"], field="name", **result)
    provider_accounts = dict((a.get("name"), a) for a in (get_aws_provider(halconfig, runner.deployment) or {}).get("accounts") or [])
    result.update(account_results(results, unlisted, many, module._diff, unlisted_account_ids(provider_accounts, unlisted)))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
