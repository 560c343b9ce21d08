"""A test AWS Organization on the local endpoint (moto implements Organizations, OUs, tags and account closure).

The management account is moto's default caller, 123456789012. The tree::

    root
    ├── workloads                Shared Services (the managing account), Develop, Scratch (spinnaker:onboard=false)
    │   └── prod                 Payments Prod (spinnaker:account-name, external id and regions tags), Legacy (closed)
    ├── sandbox                  Sandbox 00 .. Sandbox 20 (21 accounts: two pages of ListAccountsForParent)
    └── collide                  "Team A" and "team_a", which both sanitize to team-a

moto creates OrganizationAccountAccessRole (trusting the management account) in every account it creates, as AWS
Organizations does, so site.yml reaches each account the way it would in a real organization.
"""

import contextlib
import os

SANDBOX_ACCOUNTS = 21


@contextlib.contextmanager
def without_managed_policies():
    """Accounts created inside this block skip moto's loading of the ~1,100 AWS managed policies into their IAM
    (about 1 s each; moto reads MOTO_IAM_LOAD_MANAGED_POLICIES when an account's IAM first appears, and the
    server runs in this process). For accounts no test onboards: the sandbox and the colliding pair."""
    saved = os.environ.get("MOTO_IAM_LOAD_MANAGED_POLICIES")
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"
    try:
        yield
    finally:
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = saved or ""


def _account(org, name, parent_id, root_id, tags=None):
    status = org.create_account(AccountName=name, Email="%s@example.com" % name.lower().replace(" ", "."),
                                Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()])
    account_id = status["CreateAccountStatus"]["AccountId"]
    if parent_id != root_id:
        org.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=parent_id)
    return account_id


def build_organization(aws):
    """Create the organization above; returns a dict of names to ids (accounts, OUs and the root)."""
    org = aws.client("organizations")
    ids = {"organization": org.create_organization(FeatureSet="ALL")["Organization"]["Id"]}
    root = ids["root"] = org.list_roots()["Roots"][0]["Id"]
    ids["management"] = "123456789012"

    def unit(name, parent):
        return org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]

    workloads = ids["ou_workloads"] = unit("workloads", root)
    prod = ids["ou_prod"] = unit("prod", workloads)
    sandbox = ids["ou_sandbox"] = unit("sandbox", root)
    collide = ids["ou_collide"] = unit("collide", root)
    ids["shared"] = _account(org, "Shared Services", workloads, root, {"spinnaker:environment": "production"})
    ids["develop"] = _account(org, "Develop", workloads, root, {"spinnaker:environment": "develop", "team": "platform"})
    ids["scratch"] = _account(org, "Scratch", workloads, root, {"spinnaker:onboard": "False"})
    ids["payments"] = _account(org, "Payments Prod", prod, root, {
        "spinnaker:account-name": "payments",
        "spinnaker:external-id": "spinnaker-payments-4c1d",
        "spinnaker:regions": "us-east-1, eu-west-1",
        "team": "payments",
    })
    ids["legacy"] = _account(org, "Legacy", prod, root)
    org.close_account(AccountId=ids["legacy"])
    with without_managed_policies():
        ids["sandbox"] = [_account(org, "Sandbox %02d" % i, sandbox, root) for i in range(SANDBOX_ACCOUNTS)]
        ids["team_a"] = _account(org, "Team A", collide, root)
        ids["team_a_underscore"] = _account(org, "team_a", collide, root)
    return ids
