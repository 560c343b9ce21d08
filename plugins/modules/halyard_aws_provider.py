#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: halyard_aws_provider
version_added: 0.1.0
short_description: Enable Spinnaker's AWS provider and set its managing credentials through Halyard
description:
  - Enables or disables the AWS provider (C(hal config provider aws enable|disable)) and sets the managing
    access key (C(hal config provider aws edit --access-key-id ID --secret-access-key)), only when the halconfig
    differs.
  - The secret access key is fed to Halyard's prompt on stdin. It never appears in argv (where C(ps) would show
    it), in logs, in the result or in the diff.
  - "How a re-run knows whether the secret changed: the halconfig holds it either in plain text or as an
    C(encrypted:) reference to a secret store. Plain text is compared (in constant time) and rewritten only when
    it differs. An C(encrypted:) reference cannot be read back, so with O(update_secret=on_create) the secret is
    written only when none is stored or when O(access_key_id) changes (a new key always comes with a new secret);
    with O(update_secret=always) it is written on every run, which then always reports a change."
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  enabled:
    description: Whether the AWS provider is enabled. Left as it is when not given.
    type: bool
  access_key_id:
    description: Access key id of the managing IAM user (the base credentials clouddriver starts from).
    type: str
  secret_access_key:
    description: Secret of O(access_key_id). Fed on stdin, never logged. Requires O(access_key_id).
    type: str
  update_secret:
    description:
      - V(on_create) writes the secret when none is stored, when O(access_key_id) changes, or when a plain-text
        secret in the halconfig differs. V(always) writes it on every run.
    type: str
    choices: [always, on_create]
    default: on_create
notes:
  - Supports check mode (no hal write; RV(commands) lists what would run) and diff mode (secrets masked).
extends_documentation_fragment:
  - spinnaker.aws.halyard
"""

EXAMPLES = r"""
- name: Enable the AWS provider
  spinnaker.aws.halyard_aws_provider:
    enabled: true

- name: Give clouddriver the managing user's access key
  spinnaker.aws.halyard_aws_provider:
    enabled: true
    access_key_id: "{{ managing_access_key.id }}"
    secret_access_key: "{{ managing_access_key.secret }}"
  no_log: true
"""

RETURN = r"""
commands:
  description: The hal commands run (or that would run). The secret is never part of them.
  returned: always
  type: list
  elements: str
  sample: ["hal config provider aws enable", "hal config provider aws edit --access-key-id AKIA... --secret-access-key"]
secret_written:
  description: Whether the secret access key was (or would be) written.
  returned: always
  type: bool
  sample: true
access_key_id:
  description:
    - The access key id the provider holds after the change (null when none). Halyard has no command that
      removes it, so it stays after a switch to an instance role or IRSA until it is removed from the halconfig.
  returned: always
  type: str
  sample: AKIAEXAMPLE123456789
enabled:
  description: Whether the provider is enabled after the change.
  returned: always
  type: bool
  sample: true
diff:
  description: The provider's enabled flag and access key before and after, as YAML, the secret masked.
  returned: when diff mode is on
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import HAS_YAML
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import MASK
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import HalRunner
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import HalyardError
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import dump_yaml
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import get_aws_provider
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import halyard_argument_spec
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import provider_edit_argv
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import provider_toggle_argv
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import secret_needs_write


def visible_state(provider):
    """What the diff may show of the provider: the secret only as a mask."""
    return dict(
        enabled=bool(provider.get("enabled")),
        accessKeyId=provider.get("accessKeyId"),
        secretAccessKey=MASK if provider.get("secretAccessKey") else None,
    )


def ensure_provider(runner, params):
    """Run the enable/disable and edit commands that are needed; returns ``(before, after, secret_written)``."""
    provider = get_aws_provider(runner.read_halconfig(), runner.deployment)
    before = visible_state(provider)
    after = dict(before)
    if params["enabled"] is not None and bool(provider.get("enabled")) != params["enabled"]:
        runner.execute(provider_toggle_argv(params["enabled"], runner.deployment))
        after["enabled"] = params["enabled"]
    key_id_changed = params["access_key_id"] is not None and provider.get("accessKeyId") != params["access_key_id"]
    write_secret = secret_needs_write(
        provider.get("secretAccessKey"), params["secret_access_key"], key_id_changed, params["update_secret"]
    )
    if key_id_changed or write_secret:
        runner.execute(
            provider_edit_argv(params["access_key_id"], secret=write_secret, deployment=runner.deployment),
            stdin=params["secret_access_key"] if write_secret else None,
        )
        after["accessKeyId"] = params["access_key_id"]
        if write_secret:
            after["secretAccessKey"] = MASK
    return before, after, write_secret


def main():
    argument_spec = halyard_argument_spec()
    argument_spec.update(
        enabled=dict(type="bool"),
        access_key_id=dict(type="str", no_log=False),
        secret_access_key=dict(type="str", no_log=True),
        update_secret=dict(type="str", choices=["always", "on_create"], default="on_create", no_log=False),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_by={"secret_access_key": "access_key_id"},
    )
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"))
    runner = HalRunner(module)
    try:
        runner.check_hal_available()
        before, after, secret_written = ensure_provider(runner, module.params)
    except HalyardError as e:
        module.fail_json(msg=e.message, field=e.field, rc=e.rc, commands=runner.masked_commands())

    result = dict(
        changed=bool(runner.commands),
        commands=runner.masked_commands(),
        secret_written=secret_written,
        enabled=after["enabled"],
        access_key_id=after["accessKeyId"],
    )
    if module._diff:
        result["diff"] = dict(before=dump_yaml(before), after=dump_yaml(after))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
