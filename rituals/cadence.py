"""The team's rituals (from "The GTM Framework", docs/sources.md) as plain data: cadences
and the dates they give, the three default rituals, and their agendas (from "A Comprehensive
Guide"). No ORM: the services, the tick, the
pages and the calendar feed all count dates here, so they always agree.

A ritual's dates are counted from its first date (`starts_on`), never from the previous
meeting: a monthly ritual that starts on 31 January meets on 28 February and then on
31 March again, instead of drifting to the 28th for good.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from core import bounds

WEEKLY, BIWEEKLY, MONTHLY, QUARTERLY = "weekly", "biweekly", "monthly", "quarterly"
CADENCES = ((WEEKLY, "Weekly"), (BIWEEKLY, "Every two weeks"), (MONTHLY, "Monthly"), (QUARTERLY, "Quarterly"))
_DAYS = {WEEKLY: 7, BIWEEKLY: 14}
_MONTHS = {MONTHLY: 1, QUARTERLY: 3}

SECTIONS_MAX = 12
SECTION_TITLE_MAX = 80


class AgendaError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def add_months(day: date, months: int) -> date | None:
    """The same day `months` later, or the month's last day when it is shorter (None past
    the calendar's end)."""
    return bounds.add_months(day, months)


def _weekday_of_month(first: date | None, weekday: int, week: int) -> date | None:
    """The `week`-th (0-based) `weekday` of `first`'s month; week 4 is the month's last."""
    if first is None:
        return None
    day = bounds.shift_days(first, (weekday - first.weekday()) % 7 + 7 * min(week, 3))
    if day is not None and week >= 4:
        later = bounds.shift_days(day, 7)
        if later is not None and later.month == first.month:
            day = later
    return day


def nth(cadence: str, starts_on: date, n: int, by_weekday: bool = False) -> date | None:
    """The n-th date of the series; None past the end of the calendar (a series stored
    before dates were bounded can start in the year 9999)."""
    if cadence in _DAYS:
        return bounds.shift_days(starts_on, _DAYS[cadence] * n)
    if by_weekday:
        # "The third Friday": the week of the month and the weekday of the first date.
        return _weekday_of_month(
            add_months(starts_on.replace(day=1), _MONTHS[cadence] * n), starts_on.weekday(), (starts_on.day - 1) // 7
        )
    return add_months(starts_on, _MONTHS[cadence] * n)


@dataclass(frozen=True, slots=True)
class Series:
    """A ritual's dates: from `starts_on` on, every week, two weeks, month or quarter;
    monthly and quarterly ones on the same date, or `by_weekday` on the same weekday of
    the month (the first Tuesday, the last Friday)."""

    cadence: str
    starts_on: date
    by_weekday: bool = False

    def nth(self, n: int) -> date | None:
        return nth(self.cadence, self.starts_on, n, self.by_weekday)

    def _index_on_or_after(self, day: date) -> int:
        if day <= self.starts_on:
            return 0
        if self.cadence in _DAYS:
            return -(-(day - self.starts_on).days // _DAYS[self.cadence])
        months = (day.year - self.starts_on.year) * 12 + day.month - self.starts_on.month
        # Never past the answer: the n-th date is in this month at the latest.
        n = max(months // _MONTHS[self.cadence], 0)
        while (found := self.nth(n)) is not None and found < day:
            n += 1
        return n

    def next_on_or_after(self, day: date) -> date | None:
        """None when the series has no date left in the calendar."""
        return self.nth(self._index_on_or_after(day))

    def previous_before(self, day: date) -> date | None:
        """The last date before `day`, if the series had started by then."""
        n = self._index_on_or_after(day)
        return self.nth(n - 1) if n > 0 else None

    def dates_from(self, day: date, count: int) -> list[date]:
        first = self._index_on_or_after(day)
        found = []
        for i in range(count):
            if (nth_day := self.nth(first + i)) is None:
                break
            found.append(nth_day)
        return found

    def dates_between(self, start: date, end: date) -> list[date]:
        """The dates from `start` to `end`, both included."""
        found, n = [], self._index_on_or_after(start)
        while (day := self.nth(n)) is not None and day <= end:
            found.append(day)
            n += 1
        return found

    def is_on(self, day: date) -> bool:
        return self.next_on_or_after(day) == day


_ORDINALS = ("first", "second", "third", "fourth", "last")
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def rrule_of(series: Series) -> dict:
    """The series as an iCalendar RRULE (RFC 5545) counted from its first date, giving the
    same dates as `Series.nth`: a date past a short month's end falls on its last day (the
    last of the days from the 28th up to it), and "the fifth Friday" is the last one."""
    if series.cadence in _DAYS:
        return {"FREQ": "WEEKLY", "INTERVAL": _DAYS[series.cadence] // 7}
    rule: dict = {"FREQ": "MONTHLY", "INTERVAL": _MONTHS[series.cadence]}
    day = series.starts_on.day
    if series.by_weekday:
        week = (day - 1) // 7
        rule["BYDAY"] = f"{week + 1 if week < 4 else -1}{_ICAL_DAYS[series.starts_on.weekday()]}"
    elif day <= 28:
        rule["BYMONTHDAY"] = day
    else:
        rule.update(BYMONTHDAY=list(range(28, day + 1)), BYSETPOS=-1)
    return rule


def describe(series: Series) -> str:
    """ "Monthly on the first Tuesday", "Every two weeks on Thursdays"."""
    label = dict(CADENCES)[series.cadence]
    weekday = f"{series.starts_on:%A}"
    if series.cadence in _DAYS:
        return f"{label} on {weekday}s"
    if series.by_weekday:
        return f"{label} on the {_ORDINALS[min((series.starts_on.day - 1) // 7, 4)]} {weekday}"
    day = series.starts_on.day
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{label} on the {day}{suffix}"


def quarter_after(day: date) -> str:
    """The quarter after the one `day` is in, as a launch cycle is named ("2027-Q1"):
    tiering late in a quarter sorts the launches of the next one."""
    year, quarter = day.year, (day.month - 1) // 3 + 1
    year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return f"{year}-Q{quarter}"


# --- agendas -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    minutes: int | None = None

    def as_json(self) -> dict:
        return {"title": self.title, "minutes": self.minutes}


def sections_from_json(rows: list[dict]) -> list[Section]:
    return [Section(str(row.get("title", "")), row.get("minutes")) for row in rows or []]


# The weekly alignment of "A Comprehensive Guide": 5 minutes of status, 10 to surface blockers, 15 to scope
# dependencies, 10 to decide next steps, 5 to assign owners.
STATUS, BLOCKERS, DEPENDENCIES, DECISIONS, OWNERS = (
    Section("Status", 5),
    Section("Blockers", 10),
    Section("Dependencies", 15),
    Section("Decisions", 10),
    Section("Owners", 5),
)
AGENDA = (STATUS, BLOCKERS, DEPENDENCIES, DECISIONS, OWNERS)

# Minutes are read only where a line clearly gives them, so that "Top 5", "Q3 planning"
# or "Sprint 12" stay titles: a number with a unit ("Usage data 15m", "Status (5 min)"), or
# a number after a separator ("Status, 5", "Blockers: 10", "Asks - 5"). A sign or a
# fraction is read too, to be refused rather than dropped ("-5 min" is not 5 minutes).
_UNIT = r"(?:minutes?|mins?|m)\b\.?"


def _number(form: int) -> str:
    return rf"(?P<sign{form}>[-−]?)(?P<number{form}>\d+(?:[.,]\d+)?)"


_FORMS = 3
_LINE = re.compile(
    rf"^(?P<title>.+?)(?:"
    rf"\s*\(\s*{_number(0)}\s*{_UNIT}\s*\)"  # "Top 5 (10 min)"
    rf"|(?:\s+|[-–—]){_number(1)}\s*{_UNIT}"  # "Usage data 15m"
    rf"|(?:\s*[,;:·–—]\s*|\s+-\s+){_number(2)}(?:\s*{_UNIT}|\.)?"  # "Status, 5", "Blockers: 10 min"
    rf")?\s*$",
    re.IGNORECASE,
)
MINUTES_MAX = 240


def _minutes(title: str, sign: str, number: str) -> int:
    between = f"give it between 1 and {MINUTES_MAX} minutes"
    if sign:
        raise AgendaError(f"“{title}”: a section cannot last {sign}{number} minutes; {between}.")
    if not number.isdigit():
        raise AgendaError(f"“{title}”: {between}, in whole minutes.")
    # Compared as text first: a line of a thousand digits is out of range, not an overflow.
    if len(number.lstrip("0")) > 3 or not 1 <= int(number) <= MINUTES_MAX:
        raise AgendaError(f"“{title}”: {between}.")
    return int(number)


def parse_agenda(text: str) -> list[Section]:
    """One section a line, its minutes at the end if any: "Blockers, 10 min"."""
    sections = []
    for line in (text or "").splitlines():
        line = " ".join(line.split()).lstrip("-*• ")
        if not line:
            continue
        match = _LINE.match(line)
        title = match["title"].strip(" ,;:·–—-")
        if not title:
            raise AgendaError(f"“{line}” has no title.")
        if len(title) > SECTION_TITLE_MAX:
            raise AgendaError(
                f"“{title[:30]}…” is {len(title)} characters long; a section's limit is {SECTION_TITLE_MAX}."
            )
        form = next((n for n in range(_FORMS) if match[f"number{n}"]), None)
        minutes = None if form is None else _minutes(title, match[f"sign{form}"], match[f"number{form}"])
        if any(s.title.casefold() == title.casefold() for s in sections):
            raise AgendaError(f"“{title}” is on the agenda twice: its notes would mix.")
        sections.append(Section(title, minutes))
    if not sections:
        raise AgendaError("Give the agenda at least one section, one a line.")
    if len(sections) > SECTIONS_MAX:
        raise AgendaError(f"Keep the agenda to {SECTIONS_MAX} sections; it has {len(sections)}.")
    return sections


def agenda_text(sections: list[Section]) -> str:
    return "\n".join(f"{s.title}, {s.minutes} min" if s.minutes else s.title for s in sections)


def agenda_minutes(sections: list[Section]) -> int:
    return sum(s.minutes or 0 for s in sections)


@dataclass(frozen=True, slots=True)
class Note:
    title: str
    minutes: int | None
    text: str


def notes_for(agenda: list[Section], saved: list[dict]) -> list[Note]:
    """The sections to take notes under. Once notes are saved they keep the agenda they
    were taken under: a later change to the ritual's agenda does not rewrite the minutes."""
    if saved:
        return [Note(str(row.get("title", "")), row.get("minutes"), str(row.get("text", ""))) for row in saved]
    return [Note(s.title, s.minutes, "") for s in agenda]


# --- the defaults of "The GTM Framework" --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RitualSpec:
    key: str
    name: str
    description: str
    cadence: str
    owner_code: str
    attendee_codes: tuple[str, ...]
    agenda: tuple[Section, ...]
    at: time | None
    opens_next_cycle: bool = False
    by_weekday: bool = False


DEFAULT_RITUALS = (
    RitualSpec(
        "roadmap-review",
        "Roadmap Review",
        "PM presents the “What” (the features); PMM presents the “Who” (the target audience).",
        MONTHLY,
        "PM",
        ("PM", "PMM"),
        (
            STATUS,
            Section("The What: features (PM)", 15),
            Section("The Who: target audience (PMM)", 15),
            BLOCKERS,
            DEPENDENCIES,
            DECISIONS,
            OWNERS,
        ),
        time(10, 0),
        by_weekday=True,
    ),
    RitualSpec(
        "launch-tiering",
        "Launch Tiering",
        "Together, sort the upcoming features into Tier 1, 2 or 3. It opens the next quarter's launch cycle.",
        QUARTERLY,
        "PMM",
        ("PMM", "PM"),
        (STATUS, Section("Tier the candidates: 1, 2 or 3", 30), BLOCKERS, DEPENDENCIES, DECISIONS, OWNERS),
        time(14, 0),
        opens_next_cycle=True,
        by_weekday=True,
    ),
    RitualSpec(
        "win-loss-huddle",
        "Win/Loss Huddle",
        "PMM brings the sales feedback; PM brings the usage data.",
        BIWEEKLY,
        "PMM",
        ("PMM", "PM"),
        (
            STATUS,
            Section("Sales feedback (PMM)", 10),
            Section("Usage data (PM)", 10),
            BLOCKERS,
            DEPENDENCIES,
            DECISIONS,
            OWNERS,
        ),
        time(15, 0),
    ),
)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def default_start(spec: RitualSpec, today: date) -> date:
    """A first date that suits the ritual: the Roadmap Review on the first Tuesday of next
    month, the tiering on the third Wednesday of a quarter's last month (two weeks or so
    before the next quarter, in time to tier its launches), the huddle on the coming Thursday."""
    if spec.cadence == QUARTERLY:
        last_month = date(today.year, (today.month - 1) // 3 * 3 + 3, 1)
        day = _weekday_of_month(last_month, 2, 2)
        return day if day >= today else _weekday_of_month(add_months(last_month, 3), 2, 2)
    if spec.cadence == MONTHLY:
        return _weekday_on_or_after(add_months(today.replace(day=1), 1), 1)
    return _weekday_on_or_after(today + timedelta(days=1), 3)
