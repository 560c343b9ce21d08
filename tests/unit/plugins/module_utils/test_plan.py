"""The run plan (module_utils/plan.py): every decision of a run, from the inventory, without AWS."""

from ansible_collections.spinnaker.aws.plugins.module_utils import plan as p

GROUPS = {"spinnaker_managing": ["spinnakerManaging"], "spinnaker_managed": ["develop", "staging"], "halyard": ["localhost"]}


def hosts(**overrides):
    """The example inventory's account hosts, with per-host overrides (``{host: {variable: value}}``)."""
    base = {
        "spinnakerManaging": {"aws_account_id": "100000000001", "spinnaker_regions": ["us-east-1"]},
        "develop": {"aws_account_id": "200000000002", "spinnaker_regions": ["us-east-1", "us-west-2"]},
        "staging": {"aws_account_id": "300000000003", "spinnaker_regions": ["us-east-1"],
                    "spinnaker_external_id": "spinnaker-staging-4c1d"},
    }
    for host, variables in overrides.items():
        base[host] = dict(base.get(host, {}), **variables)
    return base


def test_every_arn_is_built_once_from_the_account_id_partition_and_path():
    plan = p.run_plan(hosts(), GROUPS)
    develop = plan["accounts"]["develop"]
    assert develop["managed_role"]["arn"] == "arn:aws:iam::200000000002:role/spinnakerManaged"
    assert develop["base_iam_role"]["arn"] == "arn:aws:iam::200000000002:role/BaseIAMRole"
    assert develop["base_iam_role"]["instance_profile_arn"] == "arn:aws:iam::200000000002:instance-profile/BaseIAMRole"
    assert develop["managing_principal_arn"] == "arn:aws:iam::100000000001:user/spinnakerManaging"
    assert plan["managing"]["policy_arn"] == "arn:aws:iam::100000000001:policy/SpinnakerManagingAccountPolicy"


def test_pass_role_is_least_privilege_by_default_and_widened_by_patterns():
    develop = p.run_plan(hosts(), GROUPS)["accounts"]["develop"]
    assert develop["pass_role"]["resources"] == ["arn:aws:iam::200000000002:role/BaseIAMRole"]
    services = develop["pass_role"]["condition"]["StringEquals"]["iam:PassedToService"]
    assert "ecs-tasks.amazonaws.com" in services and "lambda.amazonaws.com" in services and "cloudformation.amazonaws.com" not in services
    wider = p.run_plan(hosts(develop={"managed_account_pass_role_patterns": ["/spinnaker/*", "ecsTask*"]}), GROUPS)
    assert wider["accounts"]["develop"]["pass_role"]["resources"] == [
        "arn:aws:iam::200000000002:role/BaseIAMRole", "arn:aws:iam::200000000002:role/spinnaker/*",
        "arn:aws:iam::200000000002:role/ecsTask*"]
    bad = p.run_plan(hosts(develop={"managed_account_pass_role_patterns": "/spinnaker/*"}), GROUPS)
    assert any(r.startswith("develop: managed_account_pass_role_patterns must be a list") for r in bad["refusals"])


def test_an_iam_path_and_role_names_reach_every_arn_and_clouddriver_assume_role():
    shared = {"spinnaker_iam_path": "/spinnaker/", "spinnaker_managed_role_name": "deployer"}
    plan = p.run_plan(hosts(**{h: shared for h in ("spinnakerManaging", "develop", "staging")}), GROUPS)
    assert plan["accounts"]["develop"]["managed_role"]["arn"] == "arn:aws:iam::200000000002:role/spinnaker/deployer"
    assert plan["accounts"]["develop"]["assume_role"] == "role/spinnaker/deployer"
    assert plan["managing"]["principal_arn"] == "arn:aws:iam::100000000001:user/spinnaker/spinnakerManaging"
    assert plan["managing"]["default_assume_role"] == "role/spinnaker/deployer"


def test_the_partition_follows_the_managing_accounts_regions_and_every_arn_is_in_it():
    gov = {"spinnaker_regions": ["us-gov-west-1"]}
    plan = p.run_plan(hosts(spinnakerManaging=gov, develop=gov, staging=gov), GROUPS)
    assert plan["partition"] == "aws-us-gov" and plan["refusals"] == []
    assert plan["accounts"]["develop"]["assume_role"] == "arn:aws-us-gov:iam::200000000002:role/spinnakerManaged"
    assert plan["managing"]["principal_arn"].startswith("arn:aws-us-gov:iam::100000000001:user/")


def test_a_region_of_another_partition_than_the_runs_is_refused_naming_host_and_variable():
    plan = p.run_plan(hosts(spinnakerManaging={"spinnaker_regions": ["us-gov-west-1"]}), GROUPS)
    assert any(r.startswith("develop: spinnaker_regions has ['us-east-1', 'us-west-2'], not region names of the "
                            "aws-us-gov partition") for r in plan["refusals"])


def test_the_external_id_rule_is_the_hosts_then_the_default_and_empty_means_none():
    plan = p.run_plan(hosts(develop={"spinnaker_default_external_id": "awx-default-id"},
                            staging={"spinnaker_default_external_id": "awx-default-id"}), GROUPS)
    assert plan["accounts"]["develop"]["external_id"] == "awx-default-id"
    assert plan["accounts"]["staging"]["external_id"] == "spinnaker-staging-4c1d"
    plan = p.run_plan(hosts(staging={"spinnaker_external_id": "", "spinnaker_default_external_id": "x-default"}), GROUPS)
    assert plan["accounts"]["staging"]["external_id"] is None


def test_the_managing_policy_assumes_present_accounts_and_removes_offboarded_ones_and_the_wildcard():
    plan = p.run_plan(hosts(staging={"spinnaker_account_state": "absent"}), GROUPS)
    managing = plan["managing"]
    assert managing["assume_role_arns"] == ["arn:aws:iam::200000000002:role/spinnakerManaged",
                                            "arn:aws:iam::100000000001:role/spinnakerManaged"]
    assert managing["stale_role_arns"] == ["arn:aws:iam::300000000003:role/spinnakerManaged",
                                           "arn:aws:iam::*:role/spinnakerManaged"]
    assert managing["exact_scope"] is False and managing["assume_role_condition"] == {}


def test_a_switch_to_the_wildcard_drops_the_list_in_the_same_write():
    wildcard = {"managing_account_assume_role_scope": "wildcard", "managing_account_organization_id": "o-exampleorgid"}
    assert p.run_plan(hosts(spinnakerManaging=wildcard), GROUPS)["managing"]["merge_exclusive"] is True
    assert p.run_plan(hosts(), GROUPS)["managing"]["merge_exclusive"] is False  # accounts: stale ARNs go last


def test_the_wildcard_scope_is_bound_to_the_organization_and_exact():
    scope = {"managing_account_assume_role_scope": "wildcard", "managing_account_organization_id": "o-abc123"}
    plan = p.run_plan(hosts(spinnakerManaging=scope), GROUPS)
    assert plan["managing"]["assume_role_arns"] == ["arn:aws:iam::*:role/spinnakerManaged"]
    assert plan["managing"]["assume_role_condition"] == {"StringEquals": {"aws:ResourceOrgID": "o-abc123"}}
    assert plan["managing"]["exact_scope"] is True


def test_each_identity_mode_gives_its_principal():
    def principal(settings):
        return p.run_plan(hosts(spinnakerManaging=settings), GROUPS)["managing"]["principal_arn"]

    assert principal({"managing_account_identity": "instance_role"}) == "arn:aws:iam::100000000001:role/spinnakerManaging"
    existing = "arn:aws:iam::100000000001:role/ops/spinnaker"
    assert principal({"managing_account_identity": "existing", "managing_account_existing_arn": existing}) == existing


def test_a_run_without_the_managing_host_trusts_the_principal_it_names():
    groups = {"spinnaker_managed": ["develop"], "halyard": ["localhost"]}
    given = "arn:aws:iam::100000000001:user/spinnakerManaging"
    plan = p.run_plan({"develop": dict(hosts()["develop"], spinnaker_managing_principal_arn=given)}, groups)
    assert plan["refusals"] == [] and plan["managing"]["host"] is None
    assert plan["accounts"]["develop"]["managing_principal_arn"] == given


def test_a_managing_principal_arn_beside_the_managing_host_must_be_the_one_it_publishes():
    given = "arn:aws:iam::100000000001:user/spinnakerManaging"
    plan = p.run_plan(hosts(develop={"spinnaker_managing_principal_arn": given}), GROUPS)
    assert plan["refusals"] == [] and plan["accounts"]["develop"]["managing_principal_arn"] == given
    typo = p.run_plan(hosts(develop={"spinnaker_managing_principal_arn": "arn:aws:iam::100000000001:user/spinakerManaging"}), GROUPS)
    assert any(r.startswith("spinnaker_managing_principal_arn is arn:aws:iam::100000000001:user/spinakerManaging, but the "
                            "managing host spinnakerManaging publishes arn:aws:iam::100000000001:user/spinnakerManaging")
               for r in typo["refusals"])
    elsewhere = p.run_plan(hosts(develop={"spinnaker_managing_principal_arn": "arn:aws:iam::999999999999:role/x"}), GROUPS)
    assert any("in account 999999999999, not in the managing account 100000000001" in r for r in elsewhere["refusals"])


def test_the_lock_and_the_keys_secret_live_in_one_region_whatever_aws_region_says():
    assert p.run_plan(hosts(spinnakerManaging={"aws_region": "eu-west-1"}), GROUPS)["managing"]["secrets_region"] == "us-east-1"
    gov = {"spinnaker_regions": ["us-gov-west-1"], "aws_region": "us-gov-east-1"}
    assert p.run_plan(hosts(spinnakerManaging=gov, develop=gov, staging=gov), GROUPS)["managing"]["secrets_region"] == "us-gov-west-1"
    chosen = p.run_plan(hosts(spinnakerManaging={"spinnaker_secrets_region": "eu-central-1"}), GROUPS)
    assert chosen["managing"]["secrets_region"] == "eu-central-1" and chosen["refusals"] == []
    typo = p.run_plan(hosts(spinnakerManaging={"spinnaker_secrets_region": "eu-central-7"}), GROUPS)
    assert "spinnakerManaging: spinnaker_secrets_region 'eu-central-7' is not a region of the aws partition" in typo["refusals"][0]


def test_the_install_id_is_the_managing_accounts_unless_spinnaker_install_id_names_it():
    plan = p.run_plan(hosts(), GROUPS)
    assert plan["install_id"] == "100000000001" and plan["accounts"]["develop"]["install_id"] == "100000000001"
    assert plan["accounts"]["develop"]["base_iam_role"]["install_id"] == "account"  # shared by every install
    given = {"spinnaker_managing_principal_arn": "arn:aws:iam::500000000005:role/spinnaker"}
    slice_only = {"develop": hosts()["develop"], "staging": dict(hosts()["staging"], **given)}
    assert p.run_plan(slice_only, {"spinnaker_managed": ["develop", "staging"]})["install_id"] == "500000000005"
    named = {"spinnaker_install_id": "prod-spinnaker"}
    plan = p.run_plan(hosts(develop=named, staging=named, spinnakerManaging=named), GROUPS)
    assert plan["install_id"] == "prod-spinnaker" and plan["accounts"]["staging"]["install_id"] == "prod-spinnaker"


def test_an_install_id_that_differs_between_hosts_or_cannot_name_a_tag_is_refused():
    plan = p.run_plan(hosts(develop={"spinnaker_install_id": "prod"}, staging={"spinnaker_install_id": "staging"}), GROUPS)
    assert any(r.startswith("spinnaker_install_id differs between hosts (develop=prod, staging=staging)") for r in plan["refusals"])
    plan = p.run_plan(hosts(develop={"spinnaker_install_id": "prod spinnaker!"}), GROUPS)
    assert any(r.startswith("develop: spinnaker_install_id must be 1 to 64") for r in plan["refusals"])
    plan = p.run_plan(hosts(develop={"spinnaker_install_id": "account"}), GROUPS)
    assert any(r.startswith("develop: spinnaker_install_id account is the id of what every install shares") for r in plan["refusals"])


def test_every_inventory_error_is_a_refusal_naming_host_variable_and_fix_and_nothing_raises():
    plan = p.run_plan(hosts(develop={"aws_account_id": 200000000002}), {**GROUPS, "halyard": []})
    assert any(r.startswith("develop: aws_account_id must be a quoted 12-digit string") for r in plan["refusals"])
    assert any(r.startswith("The halyard group must hold exactly one host") for r in plan["refusals"])


def test_an_unknown_registration_path_is_refused():
    plan = p.run_plan(hosts(develop={"spinnaker_registration": "terraform"}), GROUPS)
    assert plan["refusals"] == ["spinnaker_registration must be one of account_api, clouddriver_config, halyard, got 'terraform'."]


def test_the_registration_writer_and_host_follow_the_path():
    groups = dict(GROUPS, gate=["gate-host"])
    plan = p.run_plan(hosts(develop={"spinnaker_registration": "account_api"}), groups,
                      {"gate-host": {"spinnaker_gate_url": "https://gate.example.com/api/v1"}})
    assert plan["registration"]["host"] == "gate-host" and plan["registration"]["role"] == "spinnaker_gate"
    assert plan["refusals"] == []


def test_role_session_names_keep_to_stss_characters_and_length():
    assert p.role_session_name("my host/1") == "spinnaker-aws-my-host-1"
    # STS's pattern [\w+=,.@-]* is ASCII: a non-ASCII host name must not reach RoleSessionName.
    assert p.role_session_name("développement") == "spinnaker-aws-d-veloppement"
    assert p.role_session_name("生产") == "spinnaker-aws---"
    assert len(p.role_session_name("x" * 100)) == len("spinnaker-aws-") + 40


def test_the_session_must_be_in_the_hosts_account_and_partition():
    account = p.run_plan(hosts(), GROUPS)["accounts"]["develop"]
    assert p.session_errors(account, "arn:aws:sts::200000000002:assumed-role/admin/s") == []
    errors = p.session_errors(account, "arn:aws-us-gov:sts::200000000002:assumed-role/admin/s")
    assert errors and "(aws-us-gov), but aws_account_id is 200000000002 (aws). Nothing was written" in errors[0]
    assert "Fix the ambient credentials" in errors[0]


def test_an_account_whose_iam_task_failed_is_kept_out_and_one_outside_the_run_is_not():
    plan = p.run_plan(hosts(), GROUPS)
    results = {"spinnakerManaging": {"in_run": True, "iam": {"roles": [{"policy": {"Statement": []}}]}},
               "develop": {"in_run": True, "iam": {"failed": True}},
               "staging": {"in_run": False}}
    outcome = p.run_outcome(plan, results)
    assert outcome["iam_failed"] == ["develop"]
    assert [a["iam_ok"] for a in outcome["accounts"]] == [False, True, True]
    assert outcome["trust_policies"] == {"spinnakerManaging": {"Statement": []}}


def test_an_account_whose_trust_chain_failed_the_check_is_not_ready_and_named_with_the_reason():
    plan = p.run_plan(hosts(), GROUPS)
    check = {"rows": [{"account_id": "200000000002", "ok": False, "reason": "AccessDenied: not trusted"},
                      {"account_id": "300000000003", "ok": True}]}
    outcome = p.run_outcome(plan, {"spinnakerManaging": {"in_run": True, "iam": {"roles": [{}]}, "check": check}})
    assert [(a["name"], a["iam_ok"], a["chain_ok"], a["ready"]) for a in outcome["accounts"]] == [
        ("develop", True, False, False), ("staging", True, True, True), ("spinnakerManaging", True, True, True)]
    assert outcome["chain_failed"] == [{"name": "develop", "account_id": "200000000002", "reason": "AccessDenied: not trusted"}]
    # A check that did not run (skipped, or failed as a task) holds nothing back.
    skipped = p.run_outcome(plan, {"spinnakerManaging": {"check": dict(check, skipped=True)}})
    assert skipped["chain_failed"] == [] and all(a["ready"] for a in skipped["accounts"])


def test_no_unlisted_account_is_pruned_in_a_run_that_holds_an_account_back():
    plan = p.run_plan(hosts(develop={"spinnaker_prune_unlisted_accounts": True}), GROUPS)
    assert p.run_outcome(plan, {})["prune_unlisted"] is True
    denied = {"rows": [{"account_id": "300000000003", "ok": False, "reason": "not trusted"}]}
    assert p.run_outcome(plan, {"spinnakerManaging": {"check": denied}})["prune_unlisted"] is False
    assert p.run_outcome(plan, {"develop": {"in_run": True, "iam": {"failed": True}}})["prune_unlisted"] is False
    assert p.run_outcome(p.run_plan(hosts(), GROUPS), {})["prune_unlisted"] is False  # not asked


def test_an_account_the_writer_left_out_because_it_was_held_back_is_not_drift():
    plan = p.run_plan(hosts(), GROUPS)
    denied = {"rows": [{"account_id": "300000000003", "ok": False, "reason": "not trusted"}]}
    outcome = p.run_outcome(plan, {"spinnakerManaging": {"check": denied},
                                   "localhost": {"registration": {"unlisted": ["staging", "hand-made"]}}})
    assert p.check_inputs(plan, outcome)["drift"] == ["Spinnaker account hand-made"]


def test_with_the_iam_part_off_no_account_counts_as_failed():
    plan = p.run_plan(hosts(develop={"spinnaker_iam_enabled": False}), GROUPS)
    outcome = p.run_outcome(plan, {"develop": {"in_run": True}})
    assert outcome["iam_failed"] == []


def test_an_iam_only_run_keeps_the_iam_of_absent_accounts_until_registration_or_the_operator_says():
    staging_arn = "arn:aws:iam::300000000003:role/spinnakerManaged"
    iam_only = {"spinnaker_registration_enabled": False}
    plan = p.run_plan(hosts(staging={"spinnaker_account_state": "absent", **iam_only}), GROUPS)
    waiting = p.run_outcome(plan, {})
    assert not waiting["offboard"] and waiting["offboard_waits"] == ["staging"]
    assert staging_arn in waiting["assume_role_arns"] and staging_arn not in waiting["stale_role_arns"]
    told = p.run_plan(hosts(staging={"spinnaker_account_state": "absent", "spinnaker_prune_without_registration": True,
                                     **iam_only}), GROUPS)
    allowed = p.run_outcome(told, {})
    assert allowed["offboard"] and allowed["offboard_waits"] == [] and staging_arn in allowed["stale_role_arns"]
    assert staging_arn not in allowed["assume_role_arns"]
    registered = p.run_plan(hosts(staging={"spinnaker_account_state": "absent"}), GROUPS)
    done = p.run_outcome(registered, {"localhost": {"in_run": True, "registration": {"changed": True}}})
    assert done["offboard"] and staging_arn in done["stale_role_arns"]
    assert not p.run_outcome(registered, {})["offboard"]  # registration enabled but not done (failed, or --limit)


def converged(principals, sid="SpinnakerManaging"):
    """The registered result of a host's IAM task whose owned statement trusts ``principals``."""
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": sid, "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": list(principals)}}]}
    others = [{"kind": "AWS", "principal": p} for p in principals if p != "arn:aws:iam::100000000001:role/spinnakerManaging"]
    return {"roles": [{"policy": policy, "other_principals": others}]}


def test_the_previous_principal_is_retired_only_once_proved_unused():
    role, user = "arn:aws:iam::100000000001:role/spinnakerManaging", "arn:aws:iam::100000000001:user/spinnakerManaging"
    plan = p.run_plan(hosts(spinnakerManaging={"managing_account_identity": "instance_role"}), GROUPS)
    every = dict((h, {"in_run": True, "iam": converged([role, user])}) for h in ("spinnakerManaging", "develop", "staging"))
    every["localhost"] = {"in_run": True, "registration": {"changed": True}}
    outcome = p.run_outcome(plan, every)
    assert outcome["retire_previous_principal"] and outcome["previous_principals"] == [user]
    # One account's IAM failed: its trust may hold only the user, so nothing of the user is retired.
    failed = dict(every, staging={"in_run": True, "iam": {"failed": True}})
    outcome = p.run_outcome(plan, failed)
    assert not outcome["retire_previous_principal"] and outcome["retirement_waits"].startswith("the trust of staging is not known")
    # Outside the run (--limit): the same.
    assert not p.run_outcome(plan, dict(every, staging={"in_run": False}))["retire_previous_principal"]
    # An IAM-only run, or one whose registration failed: Spinnaker may not have switched yet.
    iam_only = p.run_plan(hosts(spinnakerManaging={"managing_account_identity": "instance_role",
                                                   "spinnaker_registration_enabled": False}), GROUPS)
    outcome = p.run_outcome(iam_only, every)
    assert not outcome["retire_previous_principal"] and outcome["retirement_waits"].startswith("this run registered nothing")
    told = p.run_plan(hosts(spinnakerManaging={"managing_account_identity": "instance_role", "spinnaker_registration_enabled": False,
                                               "spinnaker_prune_without_registration": True}), GROUPS)
    assert p.run_outcome(told, every)["retire_previous_principal"]
    assert not p.run_outcome(plan, dict(every, localhost={"in_run": True, "registration": {"failed": True}}))["retire_previous_principal"]
    # Spinnaker's config still authenticates with the user's key.
    keyed = dict(every, localhost={"in_run": True, "registration": {}, "provider": {"access_key_id": "AKIAOLD"}})
    outcome = p.run_outcome(plan, keyed)
    assert not outcome["retire_previous_principal"] and "access key AKIAOLD of the previous managing user" in outcome["retirement_waits"]
    # In user mode the configured key is the current user's: no reason to wait.
    user_plan = p.run_plan(hosts(), GROUPS)
    mine = dict((h, {"in_run": True, "iam": converged([user])}) for h in ("spinnakerManaging", "develop", "staging"))
    assert p.run_outcome(user_plan, dict(mine, localhost=keyed["localhost"]))["retire_previous_principal"]


def test_offboarding_keeps_the_iam_another_spinnaker_account_of_the_same_aws_account_still_uses():
    staging_arn = "arn:aws:iam::300000000003:role/spinnakerManaged"
    plan = p.run_plan(hosts(staging={"spinnaker_account_state": "absent"}), GROUPS)
    renamed = {"localhost": {"in_run": True, "registration": {"unlisted": ["staging-old", "other"], "unlisted_account_ids": {
        "staging-old": "300000000003", "other": "900000000009"}}}}
    outcome = p.run_outcome(plan, renamed)
    assert outcome["offboard"] and outcome["offboard_held"] == {"staging": ["staging-old"]}
    assert staging_arn in outcome["assume_role_arns"] and staging_arn not in outcome["stale_role_arns"]
    # With spinnaker_prune_unlisted_accounts the writer removed staging-old in this run: nothing holds the role.
    pruned = p.run_plan(hosts(staging={"spinnaker_account_state": "absent"}, develop={"spinnaker_prune_unlisted_accounts": True}), GROUPS)
    outcome = p.run_outcome(pruned, renamed)
    assert outcome["offboard_held"] == {} and staging_arn in outcome["stale_role_arns"]


def test_the_registration_outcome_names_what_the_writer_reported():
    plan = p.run_plan(hosts(), GROUPS)
    results = {"localhost": {"in_run": True, "registration": {"unlisted": ["hand-made"], "refused": [{"msg": "x"}],
                                                              "unlisted_account_ids": {"hand-made": "900000000009"}},
                             "provider": {"access_key_id": "AKIAEXAMPLE"}}}
    outcome = p.run_outcome(plan, results)["registration"]
    assert outcome == {"done": True, "error": None, "unlisted": ["hand-made"], "refused": [{"msg": "x"}],
                       "unlisted_account_ids": {"hand-made": "900000000009"}, "access_key_ids": ["AKIAEXAMPLE"]}
    assert p.run_outcome(plan, {"localhost": {"registration": {"failed": True}}})["registration"]["done"] is False


def test_the_check_covers_present_accounts_whose_iam_converged_and_reports_drift():
    plan = p.run_plan(hosts(staging={"spinnaker_account_state": "absent"}), GROUPS)
    outcome = p.run_outcome(plan, {"develop": {"in_run": True, "iam": {"failed": True}},
                                   "localhost": {"registration": {"unlisted": ["old"]}}})
    policy = {"Statement": [{"Sid": "SpinnakerAssumeManagedRoles",
                             "Resource": ["arn:aws:iam::999999999999:role/spinnakerManaged"]}]}
    inputs = p.check_inputs(plan, outcome, policy)
    assert [r["role_arn"] for r in inputs["roles"]] == ["arn:aws:iam::100000000001:role/spinnakerManaged"]
    assert inputs["drift"] == ["account 999999999999 in the managing policy", "Spinnaker account old"]
    assert inputs["roles"][0]["registration"] == "halyard"


def test_a_registration_whose_later_step_failed_is_not_done_and_names_the_error():
    plan = p.run_plan(hosts(), GROUPS)
    results = {"localhost": {"registration": {"unlisted": []}, "registration_error": "hal deploy apply failed"}}
    outcome = p.run_outcome(plan, results)["registration"]
    assert outcome["done"] is False and outcome["error"] == "hal deploy apply failed"


def test_a_run_without_the_managing_host_is_in_the_partition_of_the_principal_it_names():
    groups = {"spinnaker_managed": ["develop"], "halyard": ["localhost"]}
    given = "arn:aws-us-gov:iam::100000000001:user/spinnakerManaging"
    # A region newer than botocore's data implies no partition: the principal's decides.
    develop = {"aws_account_id": "200000000002", "spinnaker_regions": ["us-gov-future-1"],
               "spinnaker_extra_regions": ["us-gov-future-1"], "spinnaker_managing_principal_arn": given}
    plan = p.run_plan({"develop": develop}, groups)
    assert plan["partition"] == "aws-us-gov" and plan["refusals"] == []
    assert plan["accounts"]["develop"]["managed_role"]["arn"] == "arn:aws-us-gov:iam::200000000002:role/spinnakerManaged"


def test_the_managing_users_key_is_read_from_the_registered_iam_access_key_secret_result():
    plan = p.run_plan(hosts(), GROUPS)
    key = {"access_key_id": "AKIAEXAMPLE", "secret_access_key": "example"}
    hostvars = {"spinnakerManaging": {"spinnaker_plan": plan, "managing_account_key": {"changed": False, "access_key": key}},
                "develop": {"spinnaker_plan": plan, "managing_account_key": {"access_key": {"access_key_id": "AKIAOTHER"}}}}
    results = p.read_results(plan, hostvars)
    assert results["spinnakerManaging"]["access_key"] == key
    assert results["develop"]["access_key"] is None  # only the managing host's key counts
    assert p.run_outcome(plan, results)["access_key"] == key
    # Skipped (IAM off and no key needed), or no key stored: none.
    for registered in ({"changed": False, "skipped": True}, {"access_key": {}}, None):
        hostvars["spinnakerManaging"]["managing_account_key"] = registered
        assert p.read_results(plan, hostvars)["spinnakerManaging"]["access_key"] is None
