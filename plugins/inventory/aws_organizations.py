# -*- coding: utf-8 -*-

# Copyright (c) 2026 spinnaker.aws contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: aws_organizations
version_added: 0.1.0
short_description: The ACTIVE accounts of an AWS Organization, as spinnaker.aws hosts
description:
  - Reads the accounts of an AWS Organization and makes one inventory host per account, named by its Spinnaker
    account name, with the variables C(spinnaker.aws.site) reads. C(site.yml) runs on the result unchanged.
  - Must run with credentials of the organization's management account or of a delegated administrator for AWS
    Organizations (C(organizations:ListAccountsForParent), C(ListOrganizationalUnitsForParent), C(ListRoots),
    C(ListParents), C(DescribeOrganizationalUnit), C(ListTagsForResource)).
  - Walks the organization from its root, or from each of O(parent_ids), recursively through every OU beneath,
    with C(ListAccountsForParent) and C(ListOrganizationalUnitsForParent). Walking the tree (rather than one
    C(ListAccounts)) gives every account its OU path for the cost of two paginated calls per OU, instead of one
    C(ListParents) per account. Every list call is paginated (20 items a page, the API's maximum) and retried on
    throttling. Tags cost one C(ListTagsForResource) per ACTIVE account; use the inventory cache for large
    organizations.
  - "Selected: accounts whose state is C(ACTIVE) (suspended, closing and still-activating accounts are never
    onboarded), not in O(exclude_account_ids), not tagged C(spinnaker:onboard=false), and carrying every tag of
    O(tag_filters)."
  - "Host name: the tag C(spinnaker:account-name) when present, else the account's Name lowercased with every
    character outside C([a-z0-9-]) turned into C(-) (C(Shared Services) becomes C(shared-services)). Two accounts
    that would get the same name are an error naming both ids."
  - "Host variables: C(aws_account_id) (a string), C(aws_account_name), C(aws_account_email), C(aws_account_tags),
    C(aws_organizational_unit) (the OU path, such as C(/workloads/prod); C(/) under the root) and
    C(aws_bootstrap_role_arn) (the role O(bootstrap_role_name) in the account, in the account's partition). The tags
    C(spinnaker:environment), C(spinnaker:external-id) and C(spinnaker:regions) (comma-separated) set
    C(spinnaker_environment), C(spinnaker_external_id) and C(spinnaker_regions)."
  - "Groups: C(spinnaker_managed) holds every selected account; C(spinnaker_managing) the one of
    O(managing_account_id). The C(halyard) host (or whatever host the registration runs on) comes from a second,
    static source in the same inventory directory."
  - Uses a YAML configuration file whose name ends with C(aws_organizations.yml) or C(aws_organizations.yaml).
author:
  - spinnaker.aws contributors (@spinnaker-aws)
options:
  plugin:
    description: The name of this plugin; it must be C(spinnaker.aws.aws_organizations).
    type: str
    required: true
    choices: [spinnaker.aws.aws_organizations]
  parent_ids:
    description:
      - Root (C(r-...)) or OU (C(ou-...)) ids to start from; the accounts directly under each and in every OU
        beneath are read. Empty reads the whole organization from its root.
    type: list
    elements: str
    default: []
  tag_filters:
    description:
      - Account tags an account must carry to be selected, as a dictionary of tag key to a value or a list of
        accepted values. Every key must match.
    type: dict
    default: {}
  exclude_account_ids:
    description: Account ids never selected (for example the management account).
    type: list
    elements: str
    default: []
  managing_account_id:
    description:
      - The id of the account Spinnaker runs from; its host goes into the group C(spinnaker_managing) (and stays in
        C(spinnaker_managed)). It must be among the selected accounts.
      - Leave it unset for a run that gives C(spinnaker_managing_principal_arn) instead (see the AWX slicing docs).
    type: str
  bootstrap_role_name:
    description:
      - The role the controller assumes in each account to reach it; C(aws_bootstrap_role_arn) is built from it.
      - C(OrganizationAccountAccessRole) is the role AWS Organizations creates in every account it creates. The
        management account has none unless you made one; exclude it or give it C(aws_profile) through O(compose).
    type: str
    default: OrganizationAccountAccessRole
  local_connection:
    description:
      - Set C(ansible_connection=local) on every host and C(ansible_python_interpreter) to the controller's own
        Python (the interpreter running Ansible, what C(ansible_playbook_python) names). An account is not a
        machine; every task of C(site.yml) runs on the controller.
    type: bool
    default: true
  region:
    description:
      - The region of the Organizations endpoint. Organizations is a global service served from C(us-east-1) in
        the commercial partition (C(us-gov-west-1) in GovCloud, C(cn-northwest-1) in China).
    default: us-east-1
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
notes:
  - Results are cached with Ansible's inventory cache options (O(cache), O(cache_plugin), O(cache_timeout)); the
    cache keeps the organization's accounts, OU paths and tags, so selection, names, O(compose) and groups are
    recomputed from it on every run.
seealso:
  - name: AWS Organizations API, ListAccountsForParent
    description: The call that lists the accounts under a root or OU.
    link: https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
"""

EXAMPLES = r"""
---
# inventory/organization.aws_organizations.yml
plugin: spinnaker.aws.aws_organizations
managing_account_id: "100000000001"
parent_ids:
  - ou-ab12-workload1           # /workloads and every OU beneath it
exclude_account_ids:
  - "999999999999"              # the management account
tag_filters:
  team: [platform, payments]
compose:
  spinnaker_regions: "['us-east-1', 'us-west-2'] if spinnaker_regions is not defined else spinnaker_regions"
keyed_groups:
  - key: aws_organizational_unit
    prefix: ou
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/spinnaker-aws-inventory
cache_timeout: 3600

---
# Assume a role in the management account first, with a named profile as the source of credentials
plugin: spinnaker.aws.aws_organizations
profile: org-admin
assume_role_arn: arn:aws:iam::999999999999:role/OrganizationReadOnly
managing_account_id: "100000000001"
"""

import sys

try:
    import botocore
except ImportError:
    pass  # captured by AWSInventoryBase.require_aws_sdk

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_native
from ansible.utils.display import Display

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

from ansible_collections.spinnaker.aws.plugins.module_utils.organizations import OrganizationInventoryError
from ansible_collections.spinnaker.aws.plugins.module_utils.organizations import account_state
from ansible_collections.spinnaker.aws.plugins.module_utils.organizations import build_inventory

display = Display()

# The API's maximum page size for the List calls used here (AWS Organizations API reference, MaxResults).
PAGE_SIZE = 20


@AWSRetry.jittered_backoff()
def _paginate(client, operation, result_key, **params):
    paginator = client.get_paginator(operation)
    kwargs = dict(params)
    if operation != "list_tags_for_resource":
        kwargs["PaginationConfig"] = {"PageSize": PAGE_SIZE}
    return paginator.paginate(**kwargs).build_full_result().get(result_key, [])


@AWSRetry.jittered_backoff()
def _call(client, operation, **params):
    return getattr(client, operation)(**params)


def _join(path, name):
    return path.rstrip("/") + "/" + name


class InventoryModule(AWSInventoryBase):
    """Hosts from the ACTIVE accounts of an AWS Organization (see DOCUMENTATION)."""

    NAME = "spinnaker.aws.aws_organizations"
    INVENTORY_FILE_SUFFIXES = ("aws_organizations.yml", "aws_organizations.yaml")

    def _ou_path(self, client, parent_id):
        """The OU path of a root or OU id: ``/`` for a root, ``/a/b`` for OU ``b`` in OU ``a``."""
        names = []
        child = parent_id
        while not child.startswith("r-"):
            names.append(_call(client, "describe_organizational_unit", OrganizationalUnitId=child)["OrganizationalUnit"]["Name"])
            parents = _call(client, "list_parents", ChildId=child)["Parents"]
            if not parents:
                break
            child = parents[0]["Id"]
        return "/" + "/".join(reversed(names))

    def _walk(self, client, parent_id, path, records):
        """Append an account record (module_utils.organizations) for every account under ``parent_id``, then walk
        every OU beneath it."""
        for account in _paginate(client, "list_accounts_for_parent", "Accounts", ParentId=parent_id):
            records.append({
                "id": account["Id"],
                "name": account.get("Name"),
                "email": account.get("Email"),
                "arn": account.get("Arn"),
                "status": account.get("Status"),
                "state": account.get("State"),
                "ou_path": path,
                "parent_id": parent_id,
            })
        for unit in _paginate(client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id):
            self._walk(client, unit["Id"], _join(path, unit["Name"]), records)

    def _read_organization(self):
        """Every account under the configured parents, with its tags (ACTIVE accounts only carry tags here: the
        others are never selected, so their tags are not read)."""
        client = self.client("organizations", region=self.get_option("region") or "us-east-1")
        try:
            parent_ids = self.get_option("parent_ids") or [r["Id"] for r in _paginate(client, "list_roots", "Roots")]
            records = []
            for parent_id in parent_ids:
                self._walk(client, parent_id, self._ou_path(client, parent_id), records)
            for record in records:
                record["tags"] = {}
                if account_state(record) == "ACTIVE":
                    tags = _paginate(client, "list_tags_for_resource", "Tags", ResourceId=record["id"])
                    record["tags"] = boto3_tag_list_to_ansible_dict(tags)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            code = getattr(e, "response", {}).get("Error", {}).get("Code", "")
            hint = {
                "AWSOrganizationsNotInUseException": " The credentials' account is not in an organization.",
                "AccessDeniedException": " Use credentials of the management account or of a delegated administrator"
                                         " for AWS Organizations.",
                "ParentNotFoundException": " Check parent_ids: each must be a root (r-...) or OU (ou-...) id of this"
                                           " organization.",
            }.get(code, "")
            raise AnsibleError("spinnaker.aws.aws_organizations: reading the organization failed: %s.%s" % (to_native(e), hint))
        return records

    def _populate(self, records):
        try:
            hosts, managing_host, skipped = build_inventory(
                records,
                managing_account_id=self.get_option("managing_account_id"),
                tag_filters=self.get_option("tag_filters"),
                exclude_account_ids=self.get_option("exclude_account_ids"),
                bootstrap_role_name=self.get_option("bootstrap_role_name"),
            )
        except OrganizationInventoryError as e:
            raise AnsibleError("spinnaker.aws.aws_organizations: %s" % to_native(e))
        for account_id, reason in skipped:
            display.vvv("spinnaker.aws.aws_organizations: account %s skipped (%s)" % (account_id, reason))
        self.inventory.add_group("spinnaker_managed")
        self.inventory.add_group("spinnaker_managing")
        strict = self.get_option("strict")
        for name, variables in hosts.items():
            self.inventory.add_host(name, group="spinnaker_managed")
            if name == managing_host:
                self.inventory.add_host(name, group="spinnaker_managing")
            if self.get_option("local_connection"):
                variables = dict(variables, ansible_connection="local", ansible_python_interpreter=sys.executable)
            for key, value in variables.items():
                self.inventory.set_variable(name, key, value)
            self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        was_cached, records = self.get_cached_result(path, cache)
        if not was_cached:
            records = self._read_organization()
        self._populate(records)
        self.update_cached_result(path, cache, records)
