"""What one SSO sign-in does in one workspace: workspaces.claims, rule by rule."""

import pytest

from workspaces.claims import Action, Policy, Rule, Standing, domain_of, groups_of, outcome
from workspaces.models import Access, DomainAccess

RULES = (
    Rule("Product", Access.EDITOR, frozenset({1})),
    Rule("Leads", Access.ADMIN, frozenset({2})),
    Rule("Everyone", Access.VIEWER),
)
MAPPED = Policy(workspace_id=1, domains=frozenset({"acme.com"}), domain_access=DomainAccess.OFF, rules=RULES)
OPEN = Policy(workspace_id=1, domains=frozenset({"acme.com"}), domain_access=DomainAccess.VIEWER)


def decide(policy=MAPPED, standing=None, address="sam@acme.com", groups=frozenset()):
    return outcome(policy=policy, standing=standing, address=address, groups=groups)


def test_a_member_gets_the_highest_access_of_their_mapped_groups_and_all_their_roles():
    result = decide(standing=Standing(Access.VIEWER), groups=frozenset({"product", "leads"}))
    assert (result.action, result.access, result.role_ids) == (Action.SET, Access.ADMIN, frozenset({1, 2}))


def test_access_goes_down_when_the_groups_give_less():
    result = decide(standing=Standing(Access.ADMIN), groups=frozenset({"everyone"}))
    assert (result.action, result.access) == (Action.SET, Access.VIEWER)


def test_a_member_in_no_mapped_group_is_suspended():
    assert decide(standing=Standing(Access.EDITOR), groups=frozenset({"sales"})).action == Action.SUSPEND


def test_an_empty_groups_claim_is_a_claim_and_suspends():
    assert decide(standing=Standing(Access.EDITOR), groups=frozenset()).action == Action.SUSPEND


def test_no_groups_claim_at_all_changes_nothing_for_a_member():
    assert decide(standing=Standing(Access.EDITOR), groups=None).action == Action.NONE


def test_a_suspended_member_in_a_mapped_group_comes_back():
    result = decide(standing=Standing(Access.EDITOR, suspended=True), groups=frozenset({"everyone"}))
    assert (result.action, result.access) == (Action.SET, Access.VIEWER)


def test_a_suspended_member_still_in_no_group_stays_as_is():
    assert decide(standing=Standing(Access.EDITOR, suspended=True), groups=frozenset()).action == Action.NONE


@pytest.mark.parametrize("groups", [frozenset(), frozenset({"everyone"})])
def test_the_last_admin_is_neither_suspended_nor_demoted(groups):
    result = decide(standing=Standing(Access.ADMIN, other_admins=False), groups=groups)
    assert (result.action, result.access) == (Action.KEEP_LAST_ADMIN, Access.ADMIN)


def test_an_admin_with_another_admin_beside_them_is_suspended():
    assert decide(standing=Standing(Access.ADMIN, other_admins=True), groups=frozenset()).action == Action.SUSPEND


def test_someone_new_in_a_mapped_group_joins_at_its_access():
    result = decide(groups=frozenset({"product"}))
    assert (result.action, result.access, result.role_ids) == (Action.JOIN, Access.EDITOR, frozenset({1}))


def test_someone_new_in_no_mapped_group_does_not_join_even_with_domain_access():
    policy = Policy(1, frozenset({"acme.com"}), DomainAccess.EDITOR, RULES)
    assert decide(policy=policy, groups=frozenset({"sales"})).action == Action.NONE


def test_without_a_mapping_someone_new_joins_at_the_domain_access():
    result = decide(policy=OPEN, groups=frozenset({"anything"}))
    assert (result.action, result.access) == (Action.JOIN, Access.VIEWER)


def test_without_a_groups_claim_someone_new_joins_at_the_domain_access():
    policy = Policy(1, frozenset({"acme.com"}), DomainAccess.EDITOR, RULES)
    assert (decide(policy=policy, groups=None).action, decide(policy=policy, groups=None).access) == (
        Action.JOIN,
        Access.EDITOR,
    )


def test_domain_access_off_lets_nobody_new_in():
    policy = Policy(1, frozenset({"acme.com"}), DomainAccess.OFF)
    assert decide(policy=policy, groups=None).action == Action.NONE


def test_without_a_mapping_members_are_left_as_they_are():
    assert decide(policy=OPEN, standing=Standing(Access.EDITOR), groups=frozenset()).action == Action.NONE


@pytest.mark.parametrize("address", ["sam@other.com", "sam@sub.acme.com", "", "not-an-address", "sam@acme.com.evil"])
def test_an_address_outside_the_claimed_domains_changes_nothing(address):
    assert decide(standing=Standing(Access.ADMIN), address=address, groups=frozenset({"leads"})).action == Action.NONE


def test_domains_compare_without_case_or_trailing_dot():
    assert domain_of("Sam@ACME.com.") == "acme.com"


def test_groups_are_read_from_the_named_claim_and_compared_without_case():
    assert groups_of({"roles": ["Product", " LEADS "]}, "roles") == frozenset({"product", "leads"})


def test_a_lone_group_sent_as_a_string_counts():
    assert groups_of({"groups": "Product"}, "groups") == frozenset({"product"})


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"groups": None},
        {"groups": 5},
        {"groups": ["a", 5]},
        {"groups": {"a": 1}},
        {"groups": ["a"] * 5000},
        # Entra ID past 200 groups: the claim is left out and named as an overage source.
        {"_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {"endpoint": "https://graph"}}},
        {"_claim_names": {"groups": "src1"}, "groups": ["a"]},
        {"hasgroups": True},
        {"hasgroups": "true"},
    ],
)
def test_anything_but_a_list_of_names_is_no_groups_claim(claims):
    assert groups_of(claims, "groups") is None


def test_entras_placeholder_changes_nothing_for_a_member():
    overage = groups_of({"_claim_names": {"groups": "src1"}}, "groups")
    assert decide(standing=Standing(Access.EDITOR), groups=overage).action == Action.NONE
