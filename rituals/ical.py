"""The workspace's launch calendar as iCalendar (RFC 5545), built with `icalendar`: launch
dates and readiness due dates as all-day events, and each ritual as one recurring event.

A ritual is one VEVENT whatever the number of its meetings: its first date, the rule its
cadence gives (`rituals.cadence.rrule_of`) and a UID that stays the same across edits
(`ritual-<id>@<host>`), so calendar apps show a series and follow a change of cadence.
A timed ritual keeps its wall-clock time in the workspace's zone (a VTIMEZONE goes along),
so daylight saving time moves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import icalendar

from core import bounds


@dataclass(frozen=True)
class Recurring:
    """A series of meetings: `start` is the first one (a date, or an aware datetime for a
    timed meeting lasting `minutes`), `rule` an RRULE as a dict, `exdates` meetings left out."""

    key: str
    start: date | datetime
    summary: str
    description: str
    rule: dict
    minutes: int = 60
    exdates: list[date | datetime] = field(default_factory=list)


def _event(uid: str, stamp: datetime, start, summary: str, description: str, minutes: int | None) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    if isinstance(start, datetime):
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=minutes or 60))
        event.add("transp", "OPAQUE")
    else:
        event.add("dtstart", start)
        # A day without its end is that one day (RFC 5545); 31 Dec 9999 has no day after.
        if (after := bounds.shift_days(start, 1)) is not None:
            event.add("dtend", after)
        event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    return event


def calendar_text(*, name: str, host: str, events: list, now: datetime | None = None) -> str:
    """`events` are (uid key, day, summary, description), all-day; (uid key, start,
    summary, description, minutes) with an aware datetime start, a meeting that keeps its
    time busy; or `Recurring` series."""
    stamp = now or datetime.now(UTC)
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//Lockstep//Launches//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in events:
        if isinstance(item, Recurring):
            event = _event(f"{item.key}@{host}", stamp, item.start, item.summary, item.description, item.minutes)
            event.add("rrule", item.rule)
            for day in item.exdates:
                event.add("exdate", day)
        else:
            key, day, summary, description, *minutes = item
            event = _event(f"{key}@{host}", stamp, day, summary, description, minutes[0] if minutes else None)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
