# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: inventory_errors
version_added: 0.1.0
short_description: List what is wrong with a spinnaker.aws inventory
description:
  - Checks the hosts of C(spinnaker_managing) and C(spinnaker_managed) before any AWS call, and returns one message
    per problem, naming the host, the variable and the fix. An empty list means the inventory is usable.
  - "Checked: C(aws_account_id) is a 12-digit string; no account id or Spinnaker account name is used twice;
    Spinnaker account names (C(spinnaker_account_name), else the host name) hold only letters, digits, C(-), C(_)
    and C(.); C(spinnaker_regions) lists regions of the account's partition in botocore's endpoint data, or in
    C(spinnaker_extra_regions); C(spinnaker_external_id) and
    C(spinnaker_default_external_id) follow STS's rule for an external id; C(aws_bootstrap_role_arn) is an IAM
    role ARN in the host's partition and in the host's C(aws_account_id); C(spinnaker_account_state) is present
    or absent, and the managing account is not offboarded while other accounts stay."
  - "Also: exactly one host in C(spinnaker_managing) (or none, in a run over part of the accounts that sets
    C(spinnaker_managing_principal_arn)); the managing host's C(managing_account_identity) is known and, for irsa
    and existing, has its settings, an existing principal being in the managing account; the wildcard scope is
    bound to an organization unless C(managing_account_allow_unbound_wildcard) is true; and the registration group
    holds exactly one host when the run registers accounts with Spinnaker."
  - "Shows a deprecation warning for each old role-name variable the inventory or the extra variables set
    (C(managed_account_role_name), C(managing_account_managed_role_name), C(verify_managed_role_name),
    C(spinnaker_halyard_assume_role), C(base_iam_role_name), C(managed_account_base_iam_role_name)): they keep
    working until 1.0.0; C(spinnaker_managed_role_name) and C(spinnaker_base_iam_role_name) replace them. The same
    for the old partition variables (C(managed_account_partition), C(managing_account_partition),
    C(verify_partition)), which C(spinnaker_partition) replaces."
  - "The partition is the run's (P(spinnaker.aws.partition#filter)): C(spinnaker_partition) when the inventory sets
    it, else the managing account's, known once its session step has asked STS. Before that, a region of any
    partition is accepted and the bootstrap role's partition is not compared; the session step runs this check
    again with the partition STS gave, before anything is written."
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
  registration_group:
    description:
      - The group the run's Spinnaker registration play runs on (C(halyard)), which must then hold exactly one host.
      - Empty when the run registers nothing (C(spinnaker_registration_enabled=false)).
    type: str
    default: ""
  registration:
    description:
      - The run's C(spinnaker_registration) (V(halyard), V(clouddriver_config) or V(account_api)); the settings
        that path needs on the registration host are checked too.
    type: str
    default: ""
  warn_deprecated:
    description: Show the deprecation warnings (off for the second check, after the session step).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Check the inventory
  ansible.builtin.assert:
    that: errors | length == 0
    fail_msg: "{{ errors | join(' ') }}"
  vars:
    errors: "{{ hostvars | spinnaker.aws.inventory_errors(groups, registration_group='halyard') }}"
"""

RETURN = r"""
_value:
  description: The problems found, one message each; empty when there are none.
  type: list
  elements: str
"""

from ansible.utils.display import Display

from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import account_hosts
from ansible_collections.spinnaker.aws.plugins.module_utils.spinnaker.accounts import run_partition
from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import DEPRECATED_NAMES
from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import deprecated_name_messages
from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import SHARED_NAMES
from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import inventory_errors as _inventory_errors
from ansible_collections.spinnaker.aws.plugins.module_utils.inventory import shared_name_errors


ACCOUNT_VARIABLES = (
    "aws_account_id", "spinnaker_account_name", "spinnaker_regions", "spinnaker_extra_regions", "spinnaker_partition",
    "spinnaker_account_state", "spinnaker_external_id", "spinnaker_default_external_id", "aws_bootstrap_role_arn",
    "spinnaker_permissions", "spinnaker_iam_path", "spinnaker_iam_permissions_boundary",
)
MANAGING_SETTINGS = ("managing_account_assume_role_scope", "managing_account_organization_id", "managing_account_allow_unbound_wildcard")


def inventory_errors(hostvars, groups, registration_group="", registration="", warn_deprecated=True):
    """Build the account list from ``hostvars`` and ``groups`` and validate it (see module_utils.inventory).
    ``registration``: the run's ``spinnaker_registration`` (its host's settings are checked too). The partition of a
    host that sets no ``spinnaker_partition`` is the managing host's (``None`` until its session step told it)."""
    managing = list(groups.get("spinnaker_managing", []))
    hosts = account_hosts(groups)
    accounts = []
    for host in hosts:
        variables = hostvars[host]
        accounts.append(dict(((name, variables.get(name)) for name in ACCOUNT_VARIABLES), host=host))
    settings = hostvars[managing[0]] if len(managing) == 1 else {}
    first = hostvars[hosts[0]] if hosts else {}
    registration_hosts = list(groups.get(registration_group, [])) if registration_group else []
    path = registration or "halyard"
    registration = None
    if registration_group:
        registration = (registration_group, registration_hosts, path,
                        hostvars[registration_hosts[0]] if len(registration_hosts) == 1 else {})
    if warn_deprecated:
        warn_deprecated_names(hostvars, hosts + registration_hosts)
    names = [name for shared, older in SHARED_NAMES.items() for name in (shared,) + older]
    values = dict((name, set(str(hostvars[h][name]) for h in hosts if hostvars[h].get(name))) for name in names)
    return shared_name_errors(values) + _inventory_errors(
        accounts,
        managing,
        identity=settings.get("managing_account_identity", "user"),
        irsa_provider_arn=settings.get("managing_account_irsa_provider_arn", ""),
        irsa_issuer=settings.get("managing_account_irsa_issuer", ""),
        existing_arn=settings.get("managing_account_existing_arn", ""),
        managing_principal_arn=first.get("spinnaker_managing_principal_arn"),
        managing_settings=dict((name, settings.get(name)) for name in MANAGING_SETTINGS),
        registration=registration,
        partition=run_partition(hostvars, groups, default=None),
    )


def warn_deprecated_names(hostvars, hosts):
    """Show a deprecation warning for each old variable (module_utils.inventory.DEPRECATED_NAMES) that one of
    ``hosts`` has set (role defaults are not in ``hostvars``, so only what the user set counts)."""
    used = set(name for name in DEPRECATED_NAMES for host in hosts if hostvars[host].get(name) is not None)
    for message in deprecated_name_messages(used):
        Display().deprecated(message, version="1.0.0", collection_name="spinnaker.aws")


class FilterModule:
    """spinnaker.aws filters."""

    def filters(self):
        return {"inventory_errors": inventory_errors}
