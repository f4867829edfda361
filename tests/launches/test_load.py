"""Each person's load by week over plain data: items, launches, the Tier 1 weight, the limits."""

from datetime import date

from launches import load
from launches.load import ItemDue, Owned

WEEKS = load.quarter_weeks(date(2027, 1, 1), date(2027, 3, 31))
NAMES = {1: "Mira", 2: "Paul"}


def _load(items=(), launches=(), person_limit=5, week_limit=12):
    return load.load_by_week(
        weeks=WEEKS,
        items=list(items),
        launches=list(launches),
        person_limit=person_limit,
        week_limit=week_limit,
        names=NAMES,
    )


def test_the_quarter_weeks_start_on_the_monday_before_its_first_day_and_cover_its_last():
    assert WEEKS[0] == date(2026, 12, 28) and WEEKS[-1] == date(2027, 3, 29) and len(WEEKS) == 14
    assert all(w.weekday() == 0 for w in WEEKS)


def test_items_count_in_the_week_they_fall_due_for_their_owner():
    found = _load(items=[ItemDue(1, date(2027, 1, 4)), ItemDue(1, date(2027, 1, 10)), ItemDue(2, date(2027, 1, 11))])
    mira, paul = found.people
    assert (mira.owner_id, paul.owner_id) == (1, 2)
    assert mira.cells[1].items == 2 and mira.cells[1].points == 2 and paul.cells[2].points == 1
    assert found.week_points[1] == 2 and found.week_points[2] == 1


def test_a_tier_1_launch_weighs_twice_and_others_once():
    found = _load(
        launches=[Owned(1, 1, date(2027, 2, 1)), Owned(1, 2, date(2027, 2, 2)), Owned(1, None, date(2027, 2, 3))]
    )
    cell = found.people[0].cells[5]
    assert cell.launches == 3 and cell.points == 2 + 1 + 1


def test_five_required_items_due_for_one_person_in_a_week_pass_a_limit_of_four():
    items = [ItemDue(1, date(2027, 3, 1 + n)) for n in range(5)]
    found = _load(items=items, person_limit=4)
    assert found.people[0].over and found.people[0].cells[9].over
    assert found.flags == ["Mira has 5 in the week of 1 Mar (limit 4)."]
    assert not _load(items=items, person_limit=5).people[0].over


def test_a_week_over_the_workspace_limit_is_flagged_even_when_nobody_is():
    items = [ItemDue(1, date(2027, 3, 1)), ItemDue(2, date(2027, 3, 2)), ItemDue(2, date(2027, 3, 3))]
    found = _load(items=items, person_limit=5, week_limit=2)
    assert found.week_over[9] and not any(p.over for p in found.people)
    assert found.flags == ["The week of 1 Mar has 3 in all (limit 2)."]


def test_one_pmm_owning_four_launches_in_a_week_is_over():
    found = _load(launches=[Owned(1, 1, date(2027, 3, 1 + n)) for n in range(4)], person_limit=5)
    assert found.people[0].cells[9].points == 8 and found.people[0].over


def test_anything_outside_the_weeks_is_left_out_and_nobody_listed_without_load():
    found = _load(items=[ItemDue(1, date(2027, 4, 20))], launches=[Owned(2, 1, date(2026, 12, 1))])
    assert found.people == [] and found.flags == [] and sum(found.week_points) == 0
