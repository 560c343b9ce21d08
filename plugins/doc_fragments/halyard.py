# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # Where hal runs, shared by every halyard_* module.
    DOCUMENTATION = r"""
options:
  hal_command:
    description:
      - How to run C(hal), as a list; the last element is the hal executable and what comes before it reaches
        the host where hal lives.
      - V(["hal"]) for hal on the managed host, V(["docker", "exec", "-i", "halyard", "hal"]) for a container,
        V(["kubectl", "-n", "spinnaker", "exec", "-i", "halyard-0", "--", "hal"]) for a pod. C(-i) is needed so
        that a secret can be fed on stdin.
      - The halconfig is read through the same prefix (with C(cat)).
    type: list
    elements: str
    default: [hal]
  halconfig_path:
    description:
      - Path of the halconfig on the hal side. The current state is read from it, so that nothing is run when
        nothing differs.
    type: str
    default: ~/.hal/config
  deployment:
    description:
      - The Halyard deployment to configure (C(--deployment)). Default is the halconfig's C(currentDeployment).
    type: str
requirements:
  - PyYAML
"""
