"""The activity lookup every door uses: found by name forgiving case, spacing and typos;
several candidates when ambiguous; the closest names when none fits."""

import pytest

from raci import lookup, selectors
from tests.factories import MembershipFactory, WorkspaceFactory, build_matrix, hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid():
    ws = WorkspaceFactory()
    matrix, activities, roles = build_matrix(
        ws, activities=5, roles=3, letters={(0, 0): "A", (0, 1): "R", (1, 0): "AR", (2, 1): "A", (2, 2): "A"}
    )
    names = ["Pricing and packaging", "Launch brief", "Sales training", "Pricing page copy", "Win/loss review"]
    for activity, name in zip(activities, names):
        activity.name = name
        activity.save()
    hold(roles[0], MembershipFactory(workspace=ws, user__first_name="Priya", user__last_name="Shah"))
    return selectors.matrix_grid(matrix=matrix)


def _names(rows):
    return [r.name for r in rows]


@pytest.mark.parametrize(
    "query", ["Launch brief", "launch BRIEF", "  launch   brief ", "launch-brief!", "Launch bief", "lunch brief"]
)
def test_a_name_is_found_whatever_its_case_spacing_punctuation_or_small_typo(grid, query):
    found = lookup.activity_lookup(grid=grid, query=query)
    assert found.outcome == "found" and found.owners.activity.name == "Launch brief"


def test_the_answer_names_the_accountable_and_responsible_roles_and_who_holds_them(grid):
    owners = lookup.activity_lookup(grid=grid, query="pricing and packaging").owners
    assert [o.code for o in owners.accountable] == [grid.columns[0].code]
    assert owners.accountable[0].people == ("Priya Shah",)
    assert [o.code for o in owners.responsible] == [grid.columns[1].code]
    assert owners.responsible[0].people == ()


def test_an_activity_with_two_accountable_roles_carries_its_finding(grid):
    owners = lookup.activity_lookup(grid=grid, query="sales training").owners
    assert len(owners.accountable) == 2
    assert any(f.rule == "multiple-accountable" for f in owners.findings)


def test_a_word_shared_by_several_names_gives_the_candidates(grid):
    found = lookup.activity_lookup(grid=grid, query="pricing")
    assert found.outcome == "ambiguous"
    assert _names(found.candidates) == ["Pricing and packaging", "Pricing page copy"]


def test_nothing_close_gives_did_you_mean_or_nothing(grid):
    assert lookup.activity_lookup(grid=grid, query="zzzz qqq").outcome == "none"
    near = lookup.activity_lookup(grid=grid, query="win review")
    assert near.outcome in ("found", "none")
    if near.outcome == "none":
        assert "Win/loss review" in _names(near.suggestions)


@pytest.mark.parametrize("query", ["", "   ", "!!!", "\x00"])
def test_an_empty_question_finds_nothing(grid, query):
    assert lookup.activity_lookup(grid=grid, query=query).outcome == "empty"


def test_a_very_long_question_is_cut_not_refused(grid):
    assert lookup.activity_lookup(grid=grid, query="launch brief " * 1000).outcome in ("found", "none", "ambiguous")
