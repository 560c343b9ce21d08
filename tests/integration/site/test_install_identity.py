"""Two installs of Spinnaker onboarding one account, and a renamed trust Sid, through site.yml (verify on).

prod is the example inventory (managing account 100000000001, install id = that account's id); the second
install is another Spinnaker (staging's platform team) with its own managing account, 500000000005, and Halyard
home, onboarding develop (200000000002) too. Ownership is recorded per install
(`spinnaker.aws:owned-statements:<install id>`), so neither install ever changes the other's statement."""

import json

import yaml

from tests.halyard.emulator import Emulator
from tests.integration.site.test_site import iam_state
from tests.integration.site.test_site import write_inventory
from tests.local_aws import LocalAWS
from tests.playbook import run_playbook

DEVELOP = "200000000002"
SECOND_MANAGING = "500000000005"
SECOND_USER = "arn:aws:iam::%s:user/spinnakerManaging" % SECOND_MANAGING
PROD_USER = "arn:aws:iam::100000000001:user/spinnakerManaging"


def second_install_inventory(path, **variables):
    """Another Spinnaker: its managing account and develop, every host with ``variables``."""
    inventory = {"all": {
        "vars": dict({"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                      "spinnaker_regions": ["us-east-1"],
                      "aws_bootstrap_role_arn": "arn:aws:iam::{{ aws_account_id }}:role/OrganizationAccountAccessRole"},
                     **variables),
        "children": {
            "spinnaker_managing": {"hosts": {"stagingSpinnaker": {"aws_account_id": SECOND_MANAGING}}},
            "spinnaker_managed": {"hosts": {"develop": {"aws_account_id": DEVELOP}}},
            "halyard": {"hosts": {"halyard-host": None}},
        }}}
    path.write_text(yaml.safe_dump(inventory, sort_keys=False))
    return str(path)


def statements(aws, account_id):
    return dict((s.get("Sid"), s) for s in iam_state(aws, account_id)["spinnakerManaged"]["trust"]["Statement"])


def records(aws, account_id):
    tags = aws.client("iam", account_id).list_role_tags(RoleName="spinnakerManaged")["Tags"]
    return dict((t["Key"], t["Value"]) for t in tags if t["Key"].startswith("spinnaker.aws:owned-statements:"))


def noop(run):
    """Run again: every host changed=0, no write at the endpoint (``run`` returns run_playbook's triple)."""
    recap = run()[2]
    assert recap and all(c["changed"] == 0 and c["failed"] == 0 for c in recap.values()), recap


def test_a_second_install_with_the_same_sid_is_refused_then_lives_beside_the_first_with_its_own(tmp_path):
    with LocalAWS() as aws:
        prod_inventory = write_inventory(tmp_path / "prod.yml")
        prod_home, second_home = tmp_path / "prod-hal", tmp_path / "second-hal"

        def run_prod():
            return run_playbook("site.yml", prod_inventory, aws.endpoint, prod_home)

        run_prod()
        prod_statement = statements(aws, DEVELOP)["SpinnakerManaging"]
        assert records(aws, DEVELOP) == {"spinnaker.aws:owned-statements:100000000001": "SpinnakerManaging"}

        # The second install, same default Sid: develop fails naming prod's install, and nothing of it changes.
        same_sid = second_install_inventory(tmp_path / "second.yml")
        before = iam_state(aws, DEVELOP)
        rc, output, recap = run_playbook("site.yml", same_sid, aws.endpoint, second_home, check=False)
        assert rc != 0 and recap["develop"]["failed"] == 1
        assert "another install of Spinnaker (install id 100000000001" in output and "managed_account_trust_sid" in output
        assert iam_state(aws, DEVELOP) == before
        assert "develop" not in [a["name"] for a in Emulator(second_home).aws()["accounts"]]

        # With a Sid of its own it writes its statement beside prod's, recorded under its own install id.
        own_sid = second_install_inventory(tmp_path / "second.yml", managed_account_trust_sid="SpinnakerStaging")

        def run_second():
            return run_playbook("site.yml", own_sid, aws.endpoint, second_home)

        run_second()
        both = statements(aws, DEVELOP)
        assert both["SpinnakerManaging"] == prod_statement
        assert both["SpinnakerStaging"]["Principal"] == {"AWS": [SECOND_USER]}
        assert records(aws, DEVELOP) == {"spinnaker.aws:owned-statements:100000000001": "SpinnakerManaging",
                                         "spinnaker.aws:owned-statements:%s" % SECOND_MANAGING: "SpinnakerStaging"}
        assert "develop" in [a["name"] for a in Emulator(second_home).aws()["accounts"]]
        # No flip-flop: each install's re-run changes nothing, the other's statement included.
        aws.clear()
        noop(run_prod)
        noop(run_second)
        assert aws.writes() == []

        # prod renames its Sid: the new statement first, then (the last step) the old one goes; the second
        # install's statement stays, verify checks the new Sid, and the next run changes nothing.
        renamed = write_inventory(tmp_path / "prod.yml", host_vars={
            h: {"managed_account_trust_sid": "SpinnakerProd"} for h in ("spinnakerManaging", "develop", "staging")})
        run_playbook("site.yml", renamed, aws.endpoint, prod_home)
        after = statements(aws, DEVELOP)
        assert sorted(after) == ["SpinnakerProd", "SpinnakerStaging"]
        assert after["SpinnakerProd"]["Principal"] == {"AWS": [PROD_USER]} and after["SpinnakerStaging"] == both["SpinnakerStaging"]
        assert records(aws, DEVELOP)["spinnaker.aws:owned-statements:100000000001"] == "SpinnakerProd"
        assert sorted(statements(aws, "300000000003")) == ["SpinnakerProd"]
        aws.clear()
        rc, output, recap = run_playbook("site.yml", renamed, aws.endpoint, prod_home)
        assert all(c["changed"] == 0 for c in recap.values()) and aws.writes() == [], json.dumps(recap)
