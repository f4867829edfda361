"""The calendar rules over plain data: dates to avoid, Tier 1 clashes, dependencies, month grids."""

from datetime import date

from launches import planning
from launches.planning import Avoid, Placed

FREEZE = Avoid("Year-end freeze", date(2027, 3, 10), date(2027, 3, 12))


def _flags(*launches, avoid=(), deps=()):
    return planning.flags(list(launches), list(avoid), list(deps))


def test_a_launch_on_a_date_to_avoid_is_flagged():
    found = _flags(Placed(1, "A", 3, date(2027, 3, 11)), avoid=[FREEZE])
    assert found[1] == ["Lands on Year-end freeze (10 Mar–12 Mar)."]


def test_within_three_days_either_side_is_flagged_and_four_is_not():
    for day in (date(2027, 3, 7), date(2027, 3, 15)):
        assert "within 3 days of" in _flags(Placed(1, "A", 3, day), avoid=[FREEZE])[1][0]
    for day in (date(2027, 3, 6), date(2027, 3, 16)):
        assert _flags(Placed(1, "A", 3, day), avoid=[FREEZE])[1] == []


def test_single_day_avoid_date_names_one_day():
    found = _flags(Placed(1, "A", 3, date(2027, 2, 1)), avoid=[Avoid("SaaStr", date(2027, 2, 1), date(2027, 2, 1))])
    assert found[1] == ["Lands on SaaStr (1 Feb)."]


def test_two_tier_1_launches_within_a_week_are_both_flagged():
    found = _flags(Placed(1, "A", 1, date(2027, 2, 1)), Placed(2, "B", 1, date(2027, 2, 8)))
    assert "B" in found[1][0] and "A" in found[2][0]


def test_tier_1_launches_eight_days_apart_or_other_tiers_are_not_flagged():
    assert _flags(Placed(1, "A", 1, date(2027, 2, 1)), Placed(2, "B", 1, date(2027, 2, 9))) == {1: [], 2: []}
    assert _flags(Placed(1, "A", 1, date(2027, 2, 1)), Placed(2, "B", 2, date(2027, 2, 2))) == {1: [], 2: []}


def test_a_launch_before_the_one_it_depends_on_is_flagged():
    a, b = Placed(1, "A", 2, date(2027, 2, 10)), Placed(2, "B", 2, date(2027, 2, 9))
    assert _flags(a, b, deps=[(2, 1)]) == {1: [], 2: ["Launches before A (10 Feb), which it depends on."]}


def test_same_day_or_later_or_undated_dependencies_are_fine():
    a = Placed(1, "A", 2, date(2027, 2, 10))
    assert _flags(a, Placed(2, "B", 2, date(2027, 2, 10)), deps=[(2, 1)])[2] == []
    assert _flags(a, Placed(2, "B", 2, None), deps=[(2, 1)])[2] == []
    assert _flags(a, Placed(2, "B", 2, date(2027, 1, 1)), deps=[(2, 99)])[2] == []


def test_undated_launches_are_never_flagged():
    assert _flags(Placed(1, "A", 1, None), avoid=[FREEZE]) == {1: []}


def test_quarter_months_bounds_and_weeks():
    assert planning.quarter_months(2027, 4) == [date(2027, 10, 1), date(2027, 11, 1), date(2027, 12, 1)]
    assert planning.quarter_bounds(2027, 1) == (date(2027, 1, 1), date(2027, 3, 31))
    weeks = planning.month_weeks(date(2027, 2, 1))  # 1 Feb 2027 is a Monday
    assert weeks[0][0] == date(2027, 2, 1) and all(len(w) == 7 for w in weeks)
    assert [d for w in weeks for d in w if d] == [date(2027, 2, n) for n in range(1, 29)]
