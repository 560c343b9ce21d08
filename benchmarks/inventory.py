"""Inventories of N AWS accounts for the benchmark: one managing account plus N-1 managed ones."""

import yaml


def account_ids(n):
    """The managing account first, then the managed ones: ['100000000001', '200000000001', ...]."""
    return ["100000000001"] + ["2%011d" % i for i in range(1, n)]


ORGANIZATION_ID = "o-exampleorgid"


def inventory(n, scope="accounts"):
    """The inventory (a dict) of N accounts, shaped like examples/inventory.yml. The managing account is also in
    spinnaker_managed, as the docs say ("these steps need to be carried out for the managing account as well"),
    so the reference playbook covers it too. ``scope="wildcard"``: the managing policy's AssumeRole statement names
    every account's spinnakerManaged with one wildcard ARN bound to the organization (the README's setting past 117
    accounts), on the managing account's host."""
    ids = account_ids(n)
    names = ["spinnakerManaging"] + ["account-%03d" % i for i in range(1, n)]
    managing = {"aws_account_id": ids[0]}
    if scope == "wildcard":
        managing.update(managing_account_assume_role_scope="wildcard", managing_account_organization_id=ORGANIZATION_ID)
    return {
        "all": {
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                "spinnaker_regions": ["us-east-1", "us-west-2"],
                "aws_bootstrap_role_arn": "arn:aws:iam::{{ aws_account_id }}:role/OrganizationAccountAccessRole",
            },
            "children": {
                "spinnaker_managing": {"hosts": {names[0]: managing}},
                "spinnaker_managed": {"hosts": dict((name, {"aws_account_id": account_id}) for name, account_id in zip(names, ids))},
                "halyard": {"hosts": {"halyard-host": None}},
            },
        }
    }


def write_inventory(path, n, scope="accounts"):
    with open(path, "w") as handle:
        yaml.safe_dump(inventory(n, scope), handle, sort_keys=False)
    return path
