"""The cadence arithmetic and the agendas of rituals (rituals/cadence.py): plain Python."""

from datetime import date

import pytest

from rituals import cadence as rituals
from rituals.cadence import BIWEEKLY, MONTHLY, QUARTERLY, WEEKLY, Series


def test_monthly_from_the_31st_keeps_to_month_ends_without_drifting():
    days = Series(MONTHLY, date(2027, 1, 31)).dates_from(date(2027, 1, 1), 4)
    assert days == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]


def test_monthly_from_the_29th_of_january_meets_on_the_29th_of_february_in_a_leap_year():
    assert Series(MONTHLY, date(2028, 1, 29)).next_on_or_after(date(2028, 2, 1)) == date(2028, 2, 29)
    assert Series(MONTHLY, date(2027, 1, 29)).next_on_or_after(date(2027, 2, 1)) == date(2027, 2, 28)


def test_biweekly_skips_the_week_in_between():
    huddle = Series(BIWEEKLY, date(2026, 12, 3))  # a Thursday
    assert huddle.next_on_or_after(date(2026, 12, 4)) == date(2026, 12, 17)
    assert huddle.next_on_or_after(date(2026, 12, 17)) == date(2026, 12, 17)
    assert huddle.dates_between(date(2026, 12, 1), date(2027, 1, 1)) == [
        date(2026, 12, 3),
        date(2026, 12, 17),
        date(2026, 12, 31),
    ]
    assert not huddle.is_on(date(2026, 12, 10))


def test_weekly_counts_seven_days():
    assert Series(WEEKLY, date(2026, 12, 28)).dates_from(date(2026, 12, 29), 2) == [date(2027, 1, 4), date(2027, 1, 11)]


def test_quarterly_steps_three_months_across_the_year_and_clamps_month_ends():
    assert Series(QUARTERLY, date(2026, 11, 30)).dates_from(date(2026, 12, 1), 3) == [
        date(2027, 2, 28),
        date(2027, 5, 30),
        date(2027, 8, 30),
    ]


def test_a_date_before_the_first_meeting_gives_the_first_meeting():
    tiering = Series(QUARTERLY, date(2027, 3, 18))
    assert tiering.next_on_or_after(date(2026, 1, 1)) == date(2027, 3, 18)
    assert tiering.previous_before(date(2027, 3, 18)) is None
    assert tiering.previous_before(date(2027, 3, 19)) == date(2027, 3, 18)


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 12, 18), "2027-Q1"),
        (date(2027, 3, 18), "2027-Q2"),
        (date(2027, 9, 30), "2027-Q4"),
        (date(2027, 1, 1), "2027-Q2"),
    ],
)
def test_tiering_sorts_the_quarter_after_its_own(day, quarter):
    assert rituals.quarter_after(day) == quarter


def test_monthly_by_weekday_keeps_the_first_tuesday():
    review = Series(MONTHLY, date(2026, 12, 1), by_weekday=True)
    assert review.dates_from(date(2026, 11, 1), 4) == [
        date(2026, 12, 1),
        date(2027, 1, 5),
        date(2027, 2, 2),
        date(2027, 3, 2),
    ]
    assert all(day.weekday() == 1 for day in review.dates_from(date(2026, 11, 1), 24))
    assert review.is_on(date(2027, 1, 5)) and not review.is_on(date(2027, 1, 1))


def test_a_fifth_weekday_means_the_last_one_of_each_month():
    last_friday = Series(MONTHLY, date(2027, 1, 29), by_weekday=True)
    assert last_friday.dates_from(date(2027, 1, 29), 3) == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26)]


def test_quarterly_by_weekday_keeps_the_third_wednesday():
    tiering = Series(QUARTERLY, date(2026, 12, 16), by_weekday=True)
    assert tiering.dates_from(date(2026, 12, 17), 3) == [date(2027, 3, 17), date(2027, 6, 16), date(2027, 9, 15)]
    assert tiering.previous_before(date(2027, 3, 20)) == date(2027, 3, 17)


def test_default_tiering_is_on_the_third_wednesday_of_a_quarters_last_month():
    tiering = next(s for s in rituals.DEFAULT_RITUALS if s.key == "launch-tiering")
    assert rituals.default_start(tiering, date(2026, 11, 23)) == date(2026, 12, 16)
    # Too late for this quarter's: the next one.
    assert rituals.default_start(tiering, date(2026, 12, 20)) == date(2027, 3, 17)


def test_default_roadmap_review_is_the_first_tuesday_of_next_month_and_the_huddle_a_thursday():
    review, _, huddle = rituals.DEFAULT_RITUALS
    assert rituals.default_start(review, date(2026, 11, 23)) == date(2026, 12, 1)
    assert rituals.default_start(huddle, date(2026, 11, 26)).weekday() == 3
    assert rituals.default_start(huddle, date(2026, 11, 26)) == date(2026, 12, 3)


def test_the_defaults_follow_seed_000_and_use_seed_002s_agenda():
    by_key = {s.key: s for s in rituals.DEFAULT_RITUALS}
    assert (by_key["roadmap-review"].cadence, by_key["launch-tiering"].cadence, by_key["win-loss-huddle"].cadence) == (
        MONTHLY,
        QUARTERLY,
        BIWEEKLY,
    )
    assert by_key["launch-tiering"].opens_next_cycle and not by_key["roadmap-review"].opens_next_cycle
    for spec in rituals.DEFAULT_RITUALS:
        titles = [s.title for s in spec.agenda]
        assert {"Status", "Blockers", "Dependencies", "Decisions", "Owners"} <= set(titles)
    assert [(s.title, s.minutes) for s in rituals.AGENDA] == [
        ("Status", 5),
        ("Blockers", 10),
        ("Dependencies", 15),
        ("Decisions", 10),
        ("Owners", 5),
    ]


def test_agenda_lines_with_and_without_minutes():
    sections = rituals.parse_agenda("Status, 5 min\n\n- Blockers: 10\nQ3 planning\nUsage data 15m\n  Owners  ")
    assert [(s.title, s.minutes) for s in sections] == [
        ("Status", 5),
        ("Blockers", 10),
        ("Q3 planning", None),
        ("Usage data", 15),
        ("Owners", None),
    ]
    assert rituals.parse_agenda(rituals.agenda_text(sections)) == sections
    assert rituals.agenda_minutes(sections) == 30


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one section"),
        ("Status\nstatus", "twice"),
        ("Status, 500 min", "between 1 and 240"),
        ("\n".join(f"Part {chr(65 + n)}" for n in range(13)), "12 sections"),
        ("x" * 81, "limit is 80"),
    ],
)
def test_agenda_refusals_say_why(text, message):
    with pytest.raises(rituals.AgendaError, match=message):
        rituals.parse_agenda(text)


def test_notes_keep_the_agenda_they_were_taken_under():
    agenda = [rituals.Section("Status", 5), rituals.Section("Owners", 5)]
    assert [n.title for n in rituals.notes_for(agenda, [])] == ["Status", "Owners"]
    saved = [{"title": "Old section", "minutes": 10, "text": "kept"}]
    assert rituals.notes_for(agenda, saved) == [rituals.Note("Old section", 10, "kept")]


@pytest.mark.parametrize(
    ("series", "text"),
    [
        (Series(MONTHLY, date(2026, 12, 1), by_weekday=True), "Monthly on the first Tuesday"),
        (Series(QUARTERLY, date(2026, 12, 16), by_weekday=True), "Quarterly on the third Wednesday"),
        (Series(MONTHLY, date(2027, 1, 29), by_weekday=True), "Monthly on the last Friday"),
        (Series(MONTHLY, date(2027, 1, 31)), "Monthly on the 31st"),
        (Series(QUARTERLY, date(2027, 1, 12)), "Quarterly on the 12th"),
        (Series(BIWEEKLY, date(2026, 12, 3)), "Every two weeks on Thursdays"),
    ],
)
def test_a_series_says_when_it_meets(series, text):
    assert rituals.describe(series) == text


@pytest.mark.parametrize("text", ["Negative, -5 min", "Negative, -5", "Negative -5 min", "Negative: −5"])
def test_a_negative_duration_is_refused_not_read_as_positive(text):
    with pytest.raises(
        rituals.AgendaError, match="“Negative”: a section cannot last .5 minutes; give it between 1 and 240 minutes"
    ):
        rituals.parse_agenda(text)


@pytest.mark.parametrize(
    "text",
    ["Huge, 500 min", "Huge, 99999 min", "Huge: 99999", "Huge (1000 min)", "Huge, 0", "Huge, " + "9" * 5000 + " min"],
)
def test_any_duration_outside_1_to_240_gets_the_same_message(text):
    with pytest.raises(rituals.AgendaError, match="^“Huge”: give it between 1 and 240 minutes.$"):
        rituals.parse_agenda(text)


def test_a_fraction_of_a_minute_is_refused():
    with pytest.raises(rituals.AgendaError, match="whole minutes"):
        rituals.parse_agenda("Status, 2.5 min")


def test_a_number_in_a_title_stays_in_the_title_unless_minutes_are_clearly_given():
    sections = rituals.parse_agenda(
        "Top 5\nSprint 12\nTop 3, 10 min\nRelease 2.0 (15 min)\nAsks - 5\nPricing-2\nWrap up 5m\nFollow-ups 10 minutes."
    )
    assert [(s.title, s.minutes) for s in sections] == [
        ("Top 5", None),
        ("Sprint 12", None),
        ("Top 3", 10),
        ("Release 2.0", 15),
        ("Asks", 5),
        ("Pricing-2", None),
        ("Wrap up", 5),
        ("Follow-ups", 10),
    ]
    assert rituals.parse_agenda(rituals.agenda_text(sections)) == sections
