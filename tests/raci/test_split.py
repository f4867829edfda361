"""Splitting an activity into input and outcome ("The GTM Framework"'s boundary script)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import errors as core_errors
from raci import services
from raci.builtin_templates import BUILTIN_TEMPLATES, to_matrix_data
from raci.fixes import split_letters
from raci.models import Activity, Cell
from raci.rules import ERROR, VALUES, ActivityData, RoleData, row_findings
from tests.factories import MembershipFactory, build_matrix


def _errors(row, roles):
    by_key = {r: RoleData(r, r) for r in roles}
    return sum(1 for f in row_findings(ActivityData(0, "x"), row, by_key) if f.severity == ERROR)


TEMPLATE_ROWS = [
    (spec.slug, i, [r.code for r in spec.roles], dict(a.letters))
    for spec in BUILTIN_TEMPLATES
    for i, a in enumerate(spec.activities)
]


@settings(max_examples=300, deadline=None)
@given(case=st.sampled_from(TEMPLATE_ROWS), data=st.data())
def test_a_split_never_adds_an_error_on_any_built_in_template_row(case, data):
    _, _, roles, letters = case
    if len(roles) < 2:
        return
    # The template's row, and the same row after a team's edits (such as a second A).
    edits = data.draw(st.dictionaries(st.sampled_from(roles), st.sampled_from(("",) + VALUES), max_size=len(roles)))
    row = {k: v for k, v in {**letters, **edits}.items() if v}
    input_owner, outcome_owner = data.draw(st.lists(st.sampled_from(roles), min_size=2, max_size=2, unique=True))
    before = _errors(row, roles)
    input_row, outcome_row = split_letters(row, input_owner, outcome_owner)
    assert _errors(input_row, roles) + _errors(outcome_row, roles) <= before
    assert input_row[input_owner] == "AR" and input_row[outcome_owner] == "C"
    assert outcome_row[input_owner] == "C" and outcome_row[outcome_owner] == "AR"


def test_every_built_in_template_row_splits_without_an_error_for_every_pair_of_owners():
    for spec in BUILTIN_TEMPLATES:
        data = to_matrix_data(spec)
        codes = [r.code for r in spec.roles]
        for i, _ in enumerate(spec.activities):
            row = {r: v for (a, r), v in data.cells.items() if a == i}
            for first in codes:
                for second in codes:
                    if first != second:
                        assert sum(_errors(r, codes) for r in split_letters(row, first, second)) == 0


def test_others_keep_their_letters_but_not_an_a():
    row = {"PM": "A", "PMM": "A", "ENG": "R", "SALES": "I", "CS": "AR"}
    input_row, outcome_row = split_letters(row, "PM", "PMM")
    assert input_row == {"PM": "AR", "PMM": "C", "ENG": "R", "SALES": "I", "CS": "R"}
    assert outcome_row == {"PM": "C", "PMM": "AR", "ENG": "R", "SALES": "I", "CS": "R"}


@pytest.mark.django_db
def test_splitting_the_demos_two_accountable_row_takes_the_matrix_from_one_error_to_none():
    member = MembershipFactory(access="editor")
    matrix, acts, roles = build_matrix(
        member.workspace,
        activities=3,
        roles=3,
        letters={(0, 0): "A", (0, 1): "A", (0, 2): "I", (1, 0): "AR", (2, 1): "AR"},
    )
    matrix.refresh_from_db()
    assert matrix.errors == 1
    first, outcome = services.activity_split(
        matrix=matrix,
        activity_id=acts[0].pk,
        input_role_id=roles[0].pk,
        outcome_role_id=roles[1].pk,
        actor=member.user,
        since=matrix.last_seq,
    )
    matrix.refresh_from_db()
    assert matrix.errors == 0
    assert first.name == "Activity 0: input" and outcome.name == "Activity 0: outcome"
    letters = lambda a: dict(Cell.objects.filter(activity=a).exclude(value="").values_list("role__code", "value"))  # noqa: E731
    assert letters(first) == {"GRI0": "AR", "GRI1": "C", "GRI2": "I"}
    assert letters(outcome) == {"GRI0": "C", "GRI1": "AR", "GRI2": "I"}
    group = matrix.events.get(kind="activity.split").group
    assert group is not None
    services.group_undo(matrix=matrix, group=group, actor=member.user)
    assert list(Activity.objects.filter(matrix=matrix).values_list("name", flat=True).order_by("order")) == [
        "Activity 0",
        "Activity 1",
        "Activity 2",
    ]
    assert letters(Activity.objects.get(pk=acts[0].pk)) == {"GRI0": "A", "GRI1": "A", "GRI2": "I"}


@pytest.mark.django_db
def test_a_split_needs_two_different_owners():
    member = MembershipFactory(access="editor")
    matrix, acts, roles = build_matrix(member.workspace, activities=3, roles=2)
    with pytest.raises(core_errors.InvalidInput, match="different owners"):
        services.activity_split(
            matrix=matrix,
            activity_id=acts[0].pk,
            input_role_id=roles[0].pk,
            outcome_role_id=roles[0].pk,
            actor=member.user,
        )
