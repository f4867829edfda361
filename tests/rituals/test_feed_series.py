"""The calendar feed sends each ritual as one recurring event under a UID that stays the
same, and calendar apps expanding it (here `recurring_ical_events`) find exactly the dates
the ritual's own schedule gives, over a year, for every kind of cadence."""

from datetime import date, datetime, time, timedelta

import icalendar
import pytest
import recurring_ical_events
import time_machine

from rituals import ical, selectors, services
from rituals.cadence import Series
from workspaces import services as workspaces_services

YEAR_FROM, YEAR_TO = date(2027, 1, 1), date(2028, 1, 1)

SCHEDULES = [
    ("weekly", date(2026, 11, 25), False),
    ("biweekly", date(2026, 12, 3), False),
    ("monthly", date(2026, 10, 31), False),  # the 31st, or a short month's last day
    ("monthly", date(2026, 11, 29), False),  # the 29th: 28 February 2027
    ("quarterly", date(2026, 11, 30), False),
    ("monthly", date(2026, 12, 1), True),  # the first Tuesday
    ("monthly", date(2026, 12, 17), True),  # the third Thursday
    ("quarterly", date(2026, 12, 31), True),  # the fifth Thursday: the last one
    ("monthly", date(2026, 10, 30), True),  # the fifth Friday: the last one
]


pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(team):
    with time_machine.travel("2026-10-01 09:00Z", tick=False):
        yield team[0]


def _feed(ws) -> str:
    return ical.calendar_text(name="Team", host="example.com", events=selectors.feed_events_of(workspace=ws))


def _days(text: str, summary: str) -> list[date]:
    meetings = recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(YEAR_FROM, YEAR_TO)
    found = []
    for meeting in meetings:
        if str(meeting["SUMMARY"]) == summary:
            start = meeting.decoded("DTSTART")
            found.append(start.date() if isinstance(start, datetime) else start)
    return sorted(found)


@pytest.mark.parametrize(("cadence", "starts_on", "by_weekday"), SCHEDULES)
def test_a_rituals_series_expands_to_its_own_dates_over_a_year(ws, cadence, starts_on, by_weekday):
    services.ritual_create(
        workspace=ws, name="Sync", cadence=cadence, starts_on=starts_on, by_weekday=by_weekday, agenda="Status, 5"
    )
    own = Series(cadence, starts_on, by_weekday).dates_between(YEAR_FROM, YEAR_TO - timedelta(days=1))
    assert own and _days(_feed(ws), "Sync") == own


def test_each_ritual_is_one_event_whose_uid_survives_an_edit(ws):
    ritual = services.ritual_create(
        workspace=ws, name="Sync", cadence="weekly", starts_on=date(2026, 11, 25), time_of_day=time(10, 0)
    )
    series = [e for e in icalendar.Calendar.from_ical(_feed(ws)).walk("VEVENT") if str(e["SUMMARY"]) == "Sync"]
    assert len(series) == 1 and series[0]["RRULE"]["FREQ"] == ["WEEKLY"]
    uid = str(series[0]["UID"])
    assert uid == f"ritual-{ritual.pk}@example.com"
    services.ritual_update(
        ritual=ritual,
        name="Sync",
        cadence="biweekly",
        starts_on=date(2026, 12, 2),
        by_weekday=False,
        time_of_day=time(11, 0),
        owner_role_id=None,
        attendee_role_ids=[],
        attendee_member_ids=[],
        agenda="Status, 5",
        description="",
        default_matrix_id=None,
    )
    text = _feed(ws)
    [after] = [e for e in icalendar.Calendar.from_ical(text).walk("VEVENT") if str(e["SUMMARY"]) == "Sync"]
    assert str(after["UID"]) == uid and after["RRULE"]["INTERVAL"] == [2]
    assert _days(text, "Sync") == Series("biweekly", date(2026, 12, 2)).dates_between(YEAR_FROM, date(2027, 12, 31))


def test_a_paused_ritual_leaves_the_feed(ws):
    ritual = services.ritual_create(workspace=ws, name="Sync", cadence="weekly", starts_on=date(2026, 11, 25))
    services.ritual_pause(ritual=ritual, paused=True)
    assert _days(_feed(ws), "Sync") == []


def test_the_feed_keeps_times_in_the_workspaces_zone(ws):
    workspaces_services.workspace_update(workspace=ws, name=ws.name, time_zone="Europe/Paris")
    services.ritual_create(
        workspace=ws, name="Sync", cadence="weekly", starts_on=date(2027, 3, 17), time_of_day=time(9, 30)
    )
    meetings = recurring_ical_events.of(icalendar.Calendar.from_ical(_feed(ws))).between(
        date(2027, 3, 15), date(2027, 4, 10)
    )
    local = {m.decoded("DTSTART").strftime("%H:%M %Z") for m in meetings if str(m["SUMMARY"]) == "Sync"}
    assert local == {"09:30 CET", "09:30 CEST"}


def test_the_readme_tells_subscribers_of_the_change():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    note = readme.split("**Calendar feed.**")[1].split("\n\n")[0]
    assert "one recurring event" in note and "UID" in note and "subscribed before" in note
