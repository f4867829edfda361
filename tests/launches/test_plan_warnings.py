"""Plan warnings over plain data: every code, each edge, and nothing on a sound plan."""

from datetime import date

import pytest

from launches import plan_warnings as pw
from launches.planning import Avoid

TODAY = date(2027, 1, 15)
LEAD = {1: 56, 2: 28, 3: 7}
Q1 = (2027, 1)


def _launch(id=1, name="A", tier=None, cycle=Q1, **kwargs):
    kwargs.setdefault("launch_date", date(2027, 3, 20))
    return pw.PlanLaunch(id, name, tier, cycle, **kwargs)


def _warn(*launches, today=TODAY, avoid=(), deps=()):
    return pw.plan_warnings(
        list(launches),
        today=today,
        lead_days=LEAD,
        avoid=list(avoid),
        dependencies=list(deps),
        tier_names={1: "Tier 1", 2: "Tier 2", 3: "Tier 3"},
    )


def _codes(found, launch_id=1):
    return [w.code for w in found[launch_id]]


def test_a_sound_plan_has_no_warning():
    assert _warn(_launch(tier=1, ship_date=date(2027, 3, 18))) == {1: []}


def test_an_undated_launch_has_no_warning():
    assert _warn(_launch(tier=1, launch_date=None, ship_date=date(2027, 3, 1))) == {1: []}


@pytest.mark.parametrize(
    "day, target", [(date(2026, 11, 30), (2026, 4)), (date(2027, 4, 1), (2027, 2)), (date(2028, 2, 1), (2028, 1))]
)
def test_a_launch_dated_in_another_quarter_offers_to_move_to_that_quarter(day, target):
    found = _warn(_launch(launch_date=day, launched_on=day))
    (warning,) = found[1]
    assert warning.code == pw.OUTSIDE_CYCLE and warning.move_to == target
    assert f"{target[0]}-Q{target[1]}" in warning.message and "2027-Q1" in warning.message
    assert warning.move_to_name == f"{target[0]}-Q{target[1]}"


@pytest.mark.parametrize("day", [date(2027, 1, 1), date(2027, 3, 31)])
def test_the_first_and_last_day_of_the_quarter_are_inside_it(day):
    assert pw.OUTSIDE_CYCLE not in _codes(_warn(_launch(launch_date=day, launched_on=day)))


def test_a_past_launch_date_while_not_launched_is_flagged():
    found = _warn(_launch(launch_date=date(2027, 1, 10)))
    assert _codes(found) == [pw.DATE_PASSED]
    assert "passed 5 days ago" in found[1][0].message


def test_a_launch_dated_today_or_launched_is_not_flagged_as_past():
    assert pw.DATE_PASSED not in _codes(_warn(_launch(launch_date=TODAY)))
    assert _warn(_launch(launch_date=date(2027, 1, 10), launched_on=date(2027, 1, 11))) == {1: []}


def test_a_tier_1_launch_30_days_out_is_short_of_lead_time():
    found = _warn(_launch(tier=1, launch_date=date(2027, 2, 14)))
    assert _codes(found) == [pw.LEAD_TIME]
    assert "Tier 1 needs 56 days of lead time; only 30 days are left" in found[1][0].message
    assert "already late" not in found[1][0].message


def test_the_lead_time_warning_names_the_first_item_when_it_is_already_late():
    found = _warn(_launch(tier=1, launch_date=date(2027, 2, 14), first_open_item=("Pricing", date(2027, 1, 17 - 3))))
    assert "The first item, Pricing, was due on 14 Jan 2027: already late." in found[1][0].message
    on_time = _warn(_launch(tier=1, launch_date=date(2027, 2, 14), first_open_item=("Pricing", TODAY)))
    assert "already late" not in on_time[1][0].message


def test_exactly_the_lead_time_left_is_enough_and_a_day_less_is_not():
    assert _warn(_launch(tier=2, launch_date=date(2027, 2, 12))) == {1: []}  # 28 days
    found = _warn(_launch(tier=2, launch_date=date(2027, 2, 11)))
    assert _codes(found) == [pw.LEAD_TIME] and "only 27 days are left" in found[1][0].message


def test_one_day_left_reads_as_one_day():
    found = _warn(_launch(tier=3, launch_date=date(2027, 1, 16)))
    assert "only 1 day is left" in found[1][0].message


def test_an_untiered_launch_needs_no_lead_time_and_a_passed_date_is_one_warning_not_two():
    assert _warn(_launch(tier=None, launch_date=date(2027, 1, 16))) == {1: []}
    assert _codes(_warn(_launch(tier=1, launch_date=date(2027, 1, 1)))) == [pw.DATE_PASSED]


def test_shipping_after_the_launch_date_is_flagged_and_the_same_day_is_not():
    found = _warn(_launch(ship_date=date(2027, 3, 21), launch_date=date(2027, 3, 20)))
    assert _codes(found) == [pw.SHIP_AFTER_LAUNCH] and "21 Mar 2027" in found[1][0].message
    assert _warn(_launch(ship_date=date(2027, 3, 20), launch_date=date(2027, 3, 20))) == {1: []}


def test_dependencies_out_of_order_tier_1_clashes_and_dates_to_avoid_have_their_codes():
    a = _launch(1, "A", tier=1, launch_date=date(2027, 3, 10))
    b = _launch(2, "B", tier=1, launch_date=date(2027, 3, 8))
    found = _warn(
        a, b, today=date(2026, 12, 1), avoid=[Avoid("Summit", date(2027, 3, 10), date(2027, 3, 10))], deps=[(2, 1)]
    )
    assert sorted(_codes(found, 1)) == sorted([pw.AVOID_DATE, pw.TIER_1_CLASH])
    assert sorted(_codes(found, 2)) == sorted([pw.AVOID_DATE, pw.TIER_1_CLASH, pw.DEPENDENCY_ORDER])


def test_every_launch_is_in_the_answer_and_every_code_is_known():
    launches = [
        _launch(i, f"L{i}", tier=1 + i % 3, launch_date=date(2026, 12, 20 + i), ship_date=date(2027, 1, 1))
        for i in range(1, 6)
    ]
    found = _warn(*launches)
    assert set(found) == {1, 2, 3, 4, 5}
    assert {w.code for ws in found.values() for w in ws} <= set(pw.CODES)
    assert all(w.launch_id == i for i, ws in found.items() for w in ws)


def test_quarter_of():
    assert pw.quarter_of(date(2027, 3, 31)) == (2027, 1) and pw.quarter_of(date(2027, 10, 1)) == (2027, 4)
