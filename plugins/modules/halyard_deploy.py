#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: halyard_deploy
version_added: 0.1.0
short_description: Apply the halconfig to Spinnaker with hal deploy apply
description:
  - Runs C(hal deploy apply), which renders the halconfig and redeploys the Spinnaker services.
  - With O(applied_digest_path), it deploys only when the deployment's configuration differs from the one last
    applied successfully, whose digest (SHA-256 of the configuration in canonical JSON) it keeps in that file on
    the host the module runs on. So a change made by a run that failed or was killed before its deploy is
    deployed by the next run, and a run that changed nothing deploys nothing. A failed deploy leaves the file as
    it was.
  - Without O(applied_digest_path) (as a handler notified by M(spinnaker.aws.halyard_aws_account) and
    M(spinnaker.aws.halyard_aws_provider)) it always deploys and reports a change.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  service_names:
    description: Only these services (C(--service-names)), for example C(clouddriver).
    type: list
    elements: str
    default: []
  exclude_service_names:
    description: All services but these (C(--exclude-service-names)).
    type: list
    elements: str
    default: []
  wait_for_completion:
    description: Wait for the deployment to finish (C(--wait-for-completion), distributed deployments).
    type: bool
    default: false
  applied_digest_path:
    description:
      - File that keeps the digest of the configuration last applied (created with its directory, mode 0600).
        The digest covers the whole deployment configuration, secrets included, and never reveals them.
    type: path
  force:
    description: Deploy even when the configuration matches the one last applied.
    type: bool
    default: false
notes:
  - Supports check mode (nothing is run; RV(commands) shows what would run).
  - Diff mode has nothing to show; the deployment is not a diffable state.
extends_documentation_fragment:
  - spinnaker.aws.halyard
"""

EXAMPLES = r"""
- name: Apply the halconfig when it differs from what was last applied
  spinnaker.aws.halyard_deploy:
    service_names: [clouddriver]
    applied_digest_path: ~/.spinnaker-aws/halconfig-applied.sha256

# handlers/main.yml
- name: Apply the halconfig to Spinnaker
  spinnaker.aws.halyard_deploy:
    service_names: [clouddriver]
"""

RETURN = r"""
commands:
  description: The hal command run (or that would run).
  returned: always
  type: list
  elements: str
  sample: ["hal deploy apply --service-names clouddriver"]
digest:
  description: The digest of the deployment's configuration now (with O(applied_digest_path)).
  returned: when applied_digest_path is set
  type: str
  sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
applied_digest:
  description: The digest recorded before this run (null when none was).
  returned: when applied_digest_path is set
  type: str
stdout:
  description: What hal printed.
  returned: when run
  type: str
  sample: "+ Deploy spinnaker\n  Success"
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import HalRunner
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import HalyardError
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import clean_output
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import config_digest
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import deploy_apply_argv
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.halyard import halyard_argument_spec


def main():
    argument_spec = halyard_argument_spec()
    argument_spec.update(
        service_names=dict(type="list", elements="str", default=[]),
        exclude_service_names=dict(type="list", elements="str", default=[]),
        wait_for_completion=dict(type="bool", default=False),
        applied_digest_path=dict(type="path"),
        force=dict(type="bool", default=False),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("service_names", "exclude_service_names")],
    )
    runner = HalRunner(module)
    params = module.params
    argv = deploy_apply_argv(
        params["service_names"], params["exclude_service_names"], params["wait_for_completion"], runner.deployment
    )
    result = {}
    path = params["applied_digest_path"]
    try:
        runner.check_hal_available()
        if path:
            result["digest"] = config_digest(runner.read_halconfig(), runner.deployment)
            result["applied_digest"] = read_digest(path)
            if result["digest"] == result["applied_digest"] and not params["force"]:
                module.exit_json(changed=False, commands=[], **result)
        out = runner.execute(argv)
    except HalyardError as e:
        module.fail_json(msg=e.message, field=e.field, rc=e.rc, commands=runner.masked_commands(), **result)
    if path and not module.check_mode:
        write_digest(path, result["digest"])
    module.exit_json(changed=True, commands=runner.masked_commands(), stdout=clean_output(out), **result)


def read_digest(path):
    """The digest kept in ``path``, or ``None`` when there is none yet."""
    try:
        with open(path) as handle:
            return handle.read().strip() or None
    except (IOError, OSError):
        return None


def write_digest(path, digest):
    """Keep ``digest`` in ``path`` (mode 0600), replacing the file atomically."""
    directory = os.path.dirname(path)
    if directory and not os.path.isdir(directory):
        os.makedirs(directory, mode=0o700)
    temporary = path + ".tmp"
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        handle.write(digest + "\n")
    os.replace(temporary, path)


if __name__ == "__main__":
    main()
