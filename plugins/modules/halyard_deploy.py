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
  - Meant for a handler notified by M(spinnaker.aws.halyard_aws_account) and M(spinnaker.aws.halyard_aws_provider),
    so that Spinnaker is redeployed once per run and only when something changed. Run directly, it always
    reports a change.
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
notes:
  - Supports check mode (nothing is run; RV(commands) shows what would run).
  - Diff mode has nothing to show; the deployment is not a diffable state.
extends_documentation_fragment:
  - spinnaker.aws.halyard
"""

EXAMPLES = r"""
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
stdout:
  description: What hal printed.
  returned: when run
  type: str
  sample: "+ Deploy spinnaker\n  Success"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.spinnaker.aws.plugins.module_utils.halyard import HalRunner
from ansible_collections.spinnaker.aws.plugins.module_utils.halyard import HalyardError
from ansible_collections.spinnaker.aws.plugins.module_utils.halyard import clean_output
from ansible_collections.spinnaker.aws.plugins.module_utils.halyard import deploy_apply_argv
from ansible_collections.spinnaker.aws.plugins.module_utils.halyard import halyard_argument_spec


def main():
    argument_spec = halyard_argument_spec()
    argument_spec.update(
        service_names=dict(type="list", elements="str", default=[]),
        exclude_service_names=dict(type="list", elements="str", default=[]),
        wait_for_completion=dict(type="bool", default=False),
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
    try:
        runner.check_hal_available()
        out = runner.execute(argv)
    except HalyardError as e:
        module.fail_json(msg=e.message, field=e.field, rc=e.rc, commands=runner.masked_commands())
    module.exit_json(changed=True, commands=runner.masked_commands(), stdout=clean_output(out))


if __name__ == "__main__":
    main()
