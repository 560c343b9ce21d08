# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: registration_group
version_added: 0.1.0
short_description: The inventory group a registration path runs on
description:
  - Maps C(spinnaker_registration) to the group whose one host runs that path's play
    (V(halyard) to C(halyard), V(clouddriver_config) to C(clouddriver), V(account_api) to C(gate)), or to an
    empty string when the run registers nothing.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  _input:
    description: The value of C(spinnaker_registration).
    type: str
    required: true
  enabled:
    description: Whether the run registers accounts at all (C(spinnaker_registration_enabled)).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Name the host that registers the accounts
  ansible.builtin.debug:
    msg: "{{ groups[spinnaker_registration | default('halyard') | spinnaker.aws.registration_group] }}"
"""

RETURN = r"""
_value:
  description: The group name, or an empty string. An unknown path gives the path itself (the inventory check names it).
  type: str
"""

from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import REGISTRATION_GROUPS


def registration_group(path, enabled=True):
    """The group of ``path`` (module_utils.inventory.REGISTRATION_GROUPS), ``""`` when not ``enabled``."""
    if not enabled:
        return ""
    return REGISTRATION_GROUPS.get(path, path)


class FilterModule:
    """spinnaker.aws filters."""

    def filters(self):
        return {"registration_group": registration_group}
