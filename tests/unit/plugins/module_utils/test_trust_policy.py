"""The canonical policy model: parse, canonicalize, compare, merge, remove, measure (no AWS)."""

import copy
import json

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.spinnaker.aws.plugins.module_utils.iam import trust_policy as tp

MANAGING_USER = "arn:aws:iam::100000000001:user/spinnakerManaging"
OTHER_TEAM = "arn:aws:iam::999999999999:role/other-team-deployer"


def trust(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


EC2_STATEMENT = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
OTHER_TEAM_STATEMENT = {
    "Sid": "OtherTeam",
    "Effect": "Allow",
    "Principal": {"AWS": OTHER_TEAM},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
}


# ----------------------------------------------------------------------------------------------------------------
# Canonical comparison
# ----------------------------------------------------------------------------------------------------------------


def test_one_item_list_equals_string():
    assert tp.policies_equal(
        trust({"Effect": "Allow", "Principal": {"AWS": [MANAGING_USER]}, "Action": ["sts:AssumeRole"]}),
        trust({"Effect": "Allow", "Principal": {"AWS": MANAGING_USER}, "Action": "sts:AssumeRole"}),
    )


@pytest.mark.parametrize("partition", ["aws", "aws-cn", "aws-us-gov"])
def test_account_id_equals_root_arn_in_every_partition(partition):
    assert tp.policies_equal(
        trust({"Effect": "Allow", "Principal": {"AWS": "100000000001"}, "Action": "sts:AssumeRole"}),
        trust({"Effect": "Allow", "Principal": {"AWS": "arn:%s:iam::100000000001:root" % partition}, "Action": "sts:AssumeRole"}),
    )


def test_bare_star_equals_aws_star():
    assert tp.policies_equal(
        trust({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}),
        trust({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
    )


def test_order_of_statements_and_values_does_not_count():
    a = trust(EC2_STATEMENT, {"Effect": "Allow", "Principal": {"AWS": [MANAGING_USER, OTHER_TEAM]}, "Action": "sts:AssumeRole"})
    b = trust({"Action": "sts:AssumeRole", "Principal": {"AWS": [OTHER_TEAM, MANAGING_USER]}, "Effect": "Allow"}, EC2_STATEMENT)
    assert tp.policies_equal(a, b)


def test_different_principals_are_different():
    a = trust({"Effect": "Allow", "Principal": {"AWS": MANAGING_USER}, "Action": "sts:AssumeRole"})
    b = trust({"Effect": "Allow", "Principal": {"AWS": OTHER_TEAM}, "Action": "sts:AssumeRole"})
    assert not tp.policies_equal(a, b)


def test_parse_accepts_url_encoded_json():
    # The raw IAM Query API returns documents URL-encoded (IAM API reference, GetRole: AssumeRolePolicyDocument).
    encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"
    assert tp.parse_policy(encoded) == {"Version": "2012-10-17", "Statement": []}


class _LazyContainer(dict):
    """Stands for the lazy dict a filter plugin receives from ansible-core 2.19, whose deepcopy drags the whole
    templating context along."""

    def __deepcopy__(self, memo):
        raise AssertionError("parse_policy must not deepcopy what it is given")


def test_parse_copies_the_document_as_plain_json_data():
    document = _LazyContainer(Version="2012-10-17", Statement=[_LazyContainer(EC2_STATEMENT)])
    result = tp.parse_policy(document)
    assert result == trust(EC2_STATEMENT)
    assert not isinstance(result, _LazyContainer) and not isinstance(result["Statement"][0], _LazyContainer)
    result["Statement"][0]["Sid"] = "Changed"
    assert "Sid" not in document["Statement"][0]


def test_parse_rejects_non_json():
    with pytest.raises(tp.PolicyError):
        tp.parse_policy("{not json")


def test_size_is_compact_json_length():
    doc = trust(EC2_STATEMENT)
    assert tp.policy_size(doc) == len(json.dumps(doc, separators=(",", ":")))


# ----------------------------------------------------------------------------------------------------------------
# Merge
# ----------------------------------------------------------------------------------------------------------------


def test_merge_adds_principal_as_new_owned_statement():
    result = tp.merge_trust_policy(trust(EC2_STATEMENT), {"AWS": [MANAGING_USER]}, sid="SpinnakerManaging")
    assert result["changed"]
    assert result["added_principals"] == [{"kind": "AWS", "principal": MANAGING_USER}]
    owned = [s for s in result["policy"]["Statement"] if s.get("Sid") == "SpinnakerManaging"]
    assert owned == [{"Sid": "SpinnakerManaging", "Effect": "Allow", "Principal": {"AWS": [MANAGING_USER]}, "Action": ["sts:AssumeRole"]}]


def test_merge_keeps_foreign_statements():
    original = trust(EC2_STATEMENT, OTHER_TEAM_STATEMENT)
    result = tp.merge_trust_policy(copy.deepcopy(original), {"AWS": [MANAGING_USER]}, sid="SpinnakerManaging")
    assert result["policy"]["Statement"][:2] == original["Statement"]


def test_merge_without_sid_joins_first_statement_with_same_actions_and_conditions():
    policy = trust(
        {"Effect": "Allow", "Principal": {"AWS": OTHER_TEAM}, "Action": "sts:AssumeRole"},
    )
    result = tp.merge_trust_policy(policy, {"AWS": [MANAGING_USER]})
    assert len(result["policy"]["Statement"]) == 1
    assert result["policy"]["Statement"][0]["Principal"]["AWS"] == [OTHER_TEAM, MANAGING_USER]


def test_merge_without_sid_creates_statement_when_conditions_differ():
    result = tp.merge_trust_policy(
        trust(OTHER_TEAM_STATEMENT), {"AWS": [MANAGING_USER]}, condition={"StringEquals": {"sts:ExternalId": "abc-123"}}
    )
    assert len(result["policy"]["Statement"]) == 2
    assert result["policy"]["Statement"][0] == OTHER_TEAM_STATEMENT


def test_merge_is_a_noop_when_principal_present_as_rewritten_by_iam():
    # IAM stores a bare account id as the root ARN (IAM User Guide, "AWS JSON policy elements: Principal").
    stored = trust({"Sid": "S", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::100000000001:root"}, "Action": "sts:AssumeRole"})
    wanted = tp.principals_from_options({"aws": ["100000000001"]})
    result = tp.merge_trust_policy(stored, wanted, sid="S")
    assert not result["changed"]
    assert result["added_principals"] == []


def test_merge_with_sid_sets_owned_condition():
    stored = trust({"Sid": "S", "Effect": "Allow", "Principal": {"AWS": MANAGING_USER}, "Action": "sts:AssumeRole"})
    condition = tp.build_trust_condition("spinnaker-ext-1")
    result = tp.merge_trust_policy(stored, {"AWS": [MANAGING_USER]}, condition=condition, sid="S")
    assert result["changed"]
    assert result["policy"]["Statement"][0]["Condition"] == {"StringEquals": {"sts:ExternalId": "spinnaker-ext-1"}}


def test_exclusive_replaces_principals_of_owned_statement_only():
    owned = {"Sid": "S", "Effect": "Allow", "Principal": {"AWS": [OTHER_TEAM, "arn:aws:iam::100000000001:user/old"]}, "Action": "sts:AssumeRole"}
    stored = trust(OTHER_TEAM_STATEMENT, owned)
    result = tp.merge_trust_policy(stored, {"AWS": [MANAGING_USER]}, sid="S", exclusive=True)
    assert result["policy"]["Statement"][0] == OTHER_TEAM_STATEMENT
    assert result["policy"]["Statement"][1]["Principal"] == {"AWS": [MANAGING_USER]}
    assert {r["principal"] for r in result["removed_principals"]} == {OTHER_TEAM, "arn:aws:iam::100000000001:user/old"}


def test_absent_removes_principal_and_empty_statement():
    stored = trust(EC2_STATEMENT, {"Sid": "S", "Effect": "Allow", "Principal": {"AWS": MANAGING_USER}, "Action": "sts:AssumeRole"})
    result = tp.merge_trust_policy(stored, {"AWS": [MANAGING_USER]}, sid="S", state="absent")
    assert result["policy"]["Statement"] == [EC2_STATEMENT]
    assert result["removed_principals"] == [{"kind": "AWS", "principal": MANAGING_USER}]


def test_absent_matches_account_id_against_root_arn():
    stored = trust({"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::100000000001:root", OTHER_TEAM]}, "Action": "sts:AssumeRole"})
    result = tp.merge_trust_policy(stored, {"AWS": ["100000000001"]}, state="absent")
    assert result["policy"]["Statement"][0]["Principal"] == {"AWS": [OTHER_TEAM]}


def test_absent_with_sid_and_no_principals_removes_owned_statement():
    stored = trust(EC2_STATEMENT, {"Sid": "S", "Effect": "Allow", "Principal": {"AWS": MANAGING_USER}, "Action": "sts:AssumeRole"})
    result = tp.merge_trust_policy(stored, {}, sid="S", state="absent")
    assert result["policy"]["Statement"] == [EC2_STATEMENT]


def test_orphaned_ids_are_reported_and_pruned_only_when_asked():
    # A deleted role stays in a trust policy as its unique id AROA... (IAM User Guide, "Troubleshooting IAM roles").
    stored = trust({"Effect": "Allow", "Principal": {"AWS": ["AROAEXAMPLEORPHAN1234", OTHER_TEAM]}, "Action": "sts:AssumeRole"})
    kept = tp.merge_trust_policy(stored, {"AWS": [MANAGING_USER]})
    assert kept["orphaned_principals"] == ["AROAEXAMPLEORPHAN1234"]
    assert "AROAEXAMPLEORPHAN1234" in kept["policy"]["Statement"][0]["Principal"]["AWS"]
    pruned = tp.merge_trust_policy(stored, {"AWS": [MANAGING_USER]}, prune_orphaned_principals=True)
    assert "AROAEXAMPLEORPHAN1234" not in json.dumps(pruned["policy"])
    assert {"kind": "AWS", "principal": "AROAEXAMPLEORPHAN1234"} in pruned["removed_principals"]


def test_bare_star_is_never_emitted():
    stored = trust({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}})
    result = tp.merge_trust_policy(stored, {"AWS": [MANAGING_USER]}, sid="S")
    assert all(s["Principal"] != "*" for s in result["policy"]["Statement"])


# ----------------------------------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["a", "x" * 1225, "has space", "semi;colon"])
def test_bad_external_id_names_the_field(value):
    with pytest.raises(tp.PolicyError) as e:
        tp.validate_external_id(value)
    assert e.value.field == "external_id"


@pytest.mark.parametrize(
    "value, words",
    [
        ("12345", "12 digits"),
        ("arn:aws:iam::100000000001:user/spinnaker*", "partial wildcard"),
        ("arn:aws:iam::1000:user/x", "not a principal ARN"),
        ("spinnakerManaging", "not a principal ARN"),
    ],
)
def test_bad_aws_principal_names_the_field_and_the_fix(value, words):
    with pytest.raises(tp.PolicyError) as e:
        tp.principals_from_options({"aws": [value]})
    assert e.value.field == "principals.aws"
    assert words in e.value.message


def test_account_id_becomes_root_arn_in_the_role_partition():
    assert tp.principals_from_options({"aws": ["100000000001"]}, "aws-cn") == {"AWS": ["arn:aws-cn:iam::100000000001:root"]}


def test_wildcard_principal_refused_without_flag():
    with pytest.raises(tp.PolicyError) as e:
        tp.check_wildcard_principal({"AWS": ["*"]}, {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}, False)
    assert "allow_wildcard_principal" in e.value.message


def test_wildcard_principal_refused_without_restricting_condition():
    with pytest.raises(tp.PolicyError) as e:
        tp.check_wildcard_principal({"AWS": ["*"]}, {"Bool": {"aws:SecureTransport": "true"}}, True)
    assert e.value.field == "conditions"


def test_wildcard_principal_allowed_with_flag_and_org_condition():
    tp.check_wildcard_principal({"AWS": ["*"]}, {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}, True)


def test_size_check_gives_size_limit_and_count():
    doc = trust({"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::%012d:root" % i for i in range(100)]}, "Action": "sts:AssumeRole"})
    with pytest.raises(tp.PolicyError) as e:
        tp.check_size(doc, 2048, "trust policy of role R", 100, "principals")
    assert str(tp.policy_size(doc)) in e.value.message and "2048" in e.value.message and "100 principals" in e.value.message


def _default_managing_policy(accounts):
    """SpinnakerManagingAccountPolicy as the managing_account role builds it with its defaults."""
    doc = tp.merge_policy_statement(None, "SpinnakerBaseActions", ["ec2:DescribeAvailabilityZones", "ec2:DescribeRegions"], ["*"])["policy"]
    arns = ["arn:aws:iam::%012d:role/spinnakerManaged" % (200000000000 + i) for i in range(accounts)]
    return tp.merge_policy_statement(doc, "SpinnakerAssumeManagedRoles", ["sts:AssumeRole"], arns, condition={})["policy"]


def test_default_managing_policy_holds_117_accounts_and_refuses_118():
    # The figure roles/managing_account/README.md gives for the `accounts` scope.
    assert tp.check_size(_default_managing_policy(117), tp.MANAGED_POLICY_QUOTA, "managed policy", 117, "resources") <= 6144
    with pytest.raises(tp.PolicyError) as e:
        tp.check_size(_default_managing_policy(118), tp.MANAGED_POLICY_QUOTA, "managed policy", 118, "resources")
    assert "6144" in e.value.message and "118 resources" in e.value.message


def test_conflicting_external_ids_are_refused():
    with pytest.raises(tp.PolicyError):
        tp.build_trust_condition("abc-1", {"StringEquals": {"sts:ExternalId": "other"}})


# ----------------------------------------------------------------------------------------------------------------
# Managed/inline statements
# ----------------------------------------------------------------------------------------------------------------

ROLE_ARN = "arn:aws:iam::%s:role/spinnakerManaged"


def test_statement_merge_adds_one_resource_and_removes_nothing():
    stored = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Base", "Effect": "Allow", "Action": "ec2:DescribeRegions", "Resource": "*"},
        {"Sid": "Assume", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": [ROLE_ARN % "200000000002"]},
    ]}
    result = tp.merge_policy_statement(copy.deepcopy(stored), "Assume", ["sts:AssumeRole"], [ROLE_ARN % "300000000003"])
    assert result["added_resources"] == [ROLE_ARN % "300000000003"]
    assert result["removed_resources"] == []
    assert result["policy"]["Statement"][0] == stored["Statement"][0]
    assert result["policy"]["Statement"][1]["Resource"] == [ROLE_ARN % "200000000002", ROLE_ARN % "300000000003"]


def test_statement_merge_is_noop_on_rerun():
    first = tp.merge_policy_statement(None, "Assume", ["sts:AssumeRole"], [ROLE_ARN % "200000000002"])
    second = tp.merge_policy_statement(first["policy"], "Assume", ["sts:AssumeRole"], [ROLE_ARN % "200000000002"])
    assert first["changed"] and not second["changed"]


def test_statement_absent_removes_resource_and_empty_statement():
    stored = tp.merge_policy_statement(None, "Assume", ["sts:AssumeRole"], [ROLE_ARN % "200000000002"])["policy"]
    result = tp.merge_policy_statement(stored, "Assume", resources=[ROLE_ARN % "200000000002"], state="absent")
    assert result["policy"]["Statement"] == []


def test_statement_exclusive_sets_resources():
    stored = tp.merge_policy_statement(None, "Assume", ["sts:AssumeRole"], [ROLE_ARN % "200000000002", ROLE_ARN % "300000000003"])["policy"]
    result = tp.merge_policy_statement(stored, "Assume", ["sts:AssumeRole"], [ROLE_ARN % "300000000003"], exclusive=True)
    assert result["policy"]["Statement"][0]["Resource"] == [ROLE_ARN % "300000000003"]
    assert result["removed_resources"] == [ROLE_ARN % "200000000002"]


def test_new_statement_needs_actions_and_resources():
    with pytest.raises(tp.PolicyError) as e:
        tp.merge_policy_statement(None, "Assume", ["sts:AssumeRole"], [])
    assert e.value.field == "resources"


# ----------------------------------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------------------------------

account_ids = st.from_regex(r"\A[0-9]{12}\Z")
names = st.from_regex(r"\A[A-Za-z][A-Za-z0-9_-]{0,12}\Z")
aws_principals = st.one_of(
    account_ids.map(lambda a: "arn:aws:iam::%s:root" % a),
    st.tuples(account_ids, names).map(lambda t: "arn:aws:iam::%s:user/%s" % t),
    st.tuples(account_ids, names).map(lambda t: "arn:aws:iam::%s:role/%s" % t),
)
service_principals = st.sampled_from(["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"])
principal_sets = st.fixed_dictionaries(
    {},
    optional={"AWS": st.lists(aws_principals, min_size=1, max_size=4, unique=True),
              "Service": st.lists(service_principals, min_size=1, max_size=2, unique=True)},
).filter(bool)
conditions = st.one_of(
    st.just(None),
    st.builds(lambda v: {"StringEquals": {"sts:ExternalId": v}}, st.from_regex(r"\A[a-z0-9-]{2,20}\Z")),
)


def statements(with_sid):
    return st.builds(
        lambda sid, principal, action, condition: dict(
            [("Sid", sid)] * bool(with_sid and sid) + [("Effect", "Allow"), ("Principal", principal), ("Action", action)]
            + ([("Condition", condition)] if condition else [])
        ),
        names,
        principal_sets,
        st.sampled_from(["sts:AssumeRole", ["sts:AssumeRole"], ["sts:AssumeRole", "sts:TagSession"]]),
        conditions,
    )


policies = st.lists(statements(True), min_size=0, max_size=4).map(lambda s: {"Version": "2012-10-17", "Statement": s})
owned_sids = st.sampled_from(["SpinnakerManaging", None])


def iam_rewrite(document):
    """What IAM does to a stored document: one-item lists become strings, account-root ARNs are kept, order is
    reversed (IAM User Guide, "Troubleshooting IAM policies": IAM reorders and reformats)."""
    doc = copy.deepcopy(document)
    for statement in doc["Statement"]:
        for key, value in list(statement.items()):
            if isinstance(value, list) and len(value) == 1:
                statement[key] = value[0]
            elif isinstance(value, list):
                statement[key] = list(reversed(value))
        if isinstance(statement.get("Principal"), dict):
            statement["Principal"] = dict(
                (k, v[0] if isinstance(v, list) and len(v) == 1 else list(reversed(v)) if isinstance(v, list) else v)
                for k, v in reversed(list(statement["Principal"].items()))
            )
    doc["Statement"] = list(reversed(doc["Statement"]))
    return doc


@settings(max_examples=150, deadline=None)
@given(policies, principal_sets, owned_sids, conditions)
def test_merge_is_idempotent(policy, principals, sid, condition):
    first = tp.merge_trust_policy(policy, principals, sid=sid, condition=condition)
    second = tp.merge_trust_policy(first["policy"], principals, sid=sid, condition=condition)
    assert not second["changed"]
    assert second["added_principals"] == []


@settings(max_examples=150, deadline=None)
@given(policies, principal_sets, conditions)
def test_merge_then_remove_of_new_principals_gives_back_the_original(policy, principals, condition):
    present = set(
        (k, tp.principal_key(k, v))
        for s in policy["Statement"]
        for k, vs in tp.canonical_principal(s["Principal"]).items()
        for v in vs
    )
    new = dict((k, [v for v in vs if (k, tp.principal_key(k, v)) not in present]) for k, vs in principals.items())
    new = dict((k, vs) for k, vs in new.items() if vs)
    merged = tp.merge_trust_policy(policy, new, sid="SpinnakerOwned", condition=condition)
    removed = tp.merge_trust_policy(merged["policy"], new, sid="SpinnakerOwned", condition=condition, state="absent")
    assert tp.canonicalize_policy(removed["policy"]) == tp.canonicalize_policy(policy)


@settings(max_examples=150, deadline=None)
@given(policies, principal_sets, st.booleans(), st.sampled_from(["present", "absent"]))
def test_statements_not_owned_never_change(policy, principals, exclusive, state):
    sid = "SpinnakerOwnedOnly"
    before = [s for s in policy["Statement"] if s.get("Sid") != sid]
    result = tp.merge_trust_policy(policy, principals, sid=sid, exclusive=exclusive, state=state)
    after = [s for s in result["policy"]["Statement"] if s.get("Sid") != sid]
    assert after == before


@settings(max_examples=150, deadline=None)
@given(policies, principal_sets, owned_sids, st.sampled_from(["present", "absent"]))
def test_output_is_a_valid_policy_without_bare_star(policy, principals, sid, state):
    result = tp.merge_trust_policy(policy, principals, sid=sid, state=state)
    out = json.loads(json.dumps(result["policy"]))
    for statement in out["Statement"]:
        assert statement["Effect"] in ("Allow", "Deny")
        assert statement["Action"]
        assert isinstance(statement["Principal"], dict) and statement["Principal"]
        assert all(values for values in statement["Principal"].values())


@settings(max_examples=150, deadline=None)
@given(policies)
def test_canonical_compare_ignores_iam_rewrites(policy):
    assert tp.policies_equal(policy, iam_rewrite(policy))


@settings(max_examples=100, deadline=None)
@given(policies, principal_sets, owned_sids)
def test_merge_into_iam_rewritten_copy_is_a_noop_after_first_merge(policy, principals, sid):
    first = tp.merge_trust_policy(policy, principals, sid=sid)
    again = tp.merge_trust_policy(iam_rewrite(first["policy"]), principals, sid=sid)
    assert not again["changed"]


# ---- statement ownership -------------------------------------------------------------------------------------

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import owned_sids  # noqa: E402
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import owned_statements_tag_key  # noqa: E402
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import recording_installs  # noqa: E402
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import statement_ownership  # noqa: E402
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.trust_policy import statement_records  # noqa: E402


def trust_with(statement):
    return {"Version": "2012-10-17", "Statement": [statement]}


FOREIGN_SAME_SID = {
    "Sid": "SpinnakerManaging", "Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"AWS": "arn:aws:iam::777777777777:role/other-team-spinnaker"},
    "Condition": {"StringEquals": {"sts:ExternalId": "other-team-id"}},
}


def test_a_statement_is_ours_only_when_this_install_recorded_it():
    document = trust_with(FOREIGN_SAME_SID)
    assert statement_ownership(document, "SpinnakerManaging", {"prod": {"SpinnakerManaging"}}, "prod") == "owned"
    assert statement_ownership(document, "SpinnakerManaging", {"prod": {"OtherSid"}}, "prod") == "foreign"
    assert statement_ownership(document, "SpinnakerManaging", {}, "prod", adopt_statement=True) == "adopted"
    assert statement_ownership(document, "Missing", {}, "prod") == "new"
    assert statement_ownership(None, "SpinnakerManaging", {}, "prod") == "new"


def test_a_sid_another_install_records_is_that_installs_even_with_adopt_statement():
    records = {"100000000001": {"SpinnakerManaging"}, "500000000005": {"SpinnakerManaging", "Other"}}
    document = trust_with(FOREIGN_SAME_SID)
    assert statement_ownership(document, "SpinnakerManaging", records, "500000000005") == "other-install"
    assert statement_ownership(document, "SpinnakerManaging", {"a": {"SpinnakerManaging"}}, "b", adopt_statement=True) == "other-install"
    # Recorded by the other install but gone from the document: still not this install's to write.
    assert statement_ownership(None, "SpinnakerManaging", {"a": {"SpinnakerManaging"}}, "b") == "other-install"
    assert recording_installs(records, "SpinnakerManaging", "500000000005") == ["100000000001"]
    assert recording_installs(records, "Other", "100000000001") == ["500000000005"]


def test_without_a_record_no_statement_is_taken_for_ours_whatever_it_trusts():
    # What an earlier release might have written (every principal in the managing account) is foreign too: 0.1.0
    # is the first release, and a shared tools role of the managing account looks exactly like that.
    ours_looking = dict(FOREIGN_SAME_SID, Principal={"AWS": ["arn:aws:iam::100000000001:user/spinnakerManaging",
                                                             "arn:aws:iam::100000000001:role/tools"]})
    assert statement_ownership(trust_with(ours_looking), "SpinnakerManaging", {}, "100000000001") == "foreign"
    service = {"Sid": "SpinnakerEC2", "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}
    assert statement_ownership(trust_with(service), "SpinnakerEC2", {}, "100000000001") == "foreign"


def test_the_records_are_read_per_install_from_the_tags():
    tags = [{"Key": "spinnaker.aws:owned-statements:100000000001", "Value": "A B"},
            {"Key": "spinnaker.aws:owned-statements:staging", "Value": ""},
            {"Key": "managed-by", "Value": "spinnaker.aws"}]
    assert statement_records(tags) == {"100000000001": {"A", "B"}, "staging": set()}
    assert owned_sids(tags, "100000000001") == {"A", "B"}
    assert owned_sids(dict((t["Key"], t["Value"]) for t in tags), "staging") == set()
    assert owned_sids(tags, "other") is None
    assert owned_statements_tag_key("100000000001") == "spinnaker.aws:owned-statements:100000000001"
