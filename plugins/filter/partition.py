# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: partition
version_added: 0.1.0
short_description: The AWS partition of an account of a spinnaker.aws run
description:
  - Gives the AWS partition (V(aws), V(aws-us-gov), V(aws-cn)) every role of the collection builds its ARNs in.
  - In order, the host's C(spinnaker_partition) when the inventory sets it (an override); the managing host's
    C(spinnaker_partition), which the managing account's session step sets from STS's answer (the partition field
    of the C(sts:GetCallerIdentity) or C(sts:AssumeRole) ARN) unless the inventory sets it; the partition of
    C(spinnaker_managing_principal_arn) (a run without the managing host); else V(aws).
  - One partition holds every account of a run, since the managing identity assumes every managed role and STS does
    not assume a role in another partition.
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  _input:
    description: C(hostvars).
    type: dict
    required: true
  groups:
    description: C(groups).
    type: dict
    required: true
  host:
    description:
      - The inventory host whose partition to give (its own C(spinnaker_partition) comes first).
      - Omitted, the partition of a host that sets none.
    type: str
"""

EXAMPLES = r"""
- name: Build this account's BaseIAMRole ARN in the run's partition
  ansible.builtin.debug:
    msg: "arn:{{ hostvars | spinnaker.aws.partition(groups, inventory_hostname) }}:iam::{{ aws_account_id }}:role/BaseIAMRole"
"""

RETURN = r"""
_value:
  description: The partition, for example V(aws) or V(aws-us-gov).
  type: str
"""

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import run_partition


def partition(hostvars, groups, host=None):
    """The partition of ``host`` (module_utils.spinnaker.accounts.run_partition)."""
    return run_partition(hostvars, groups, host)


class FilterModule:
    """spinnaker.aws filters."""

    def filters(self):
        return {"partition": partition}
