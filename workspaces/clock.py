"""One clock: "today" is the date where the team is (`Workspace.today()`), for pages,
ticks and reminders alike.

A tick runs once for every workspace: it reads one moment (`Clock`), asks the database for
the dates any zone can be at (UTC's date, one day either side), and counts each thing from
its own workspace's today. Tests pass a fixed date, which then holds for every workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

ONE_DAY = timedelta(days=1)


@dataclass
class Clock:
    now: datetime = field(default_factory=timezone.now)
    fixed: date | None = None
    _by_zone: dict[str, date] = field(default_factory=dict, repr=False)

    @classmethod
    def at(cls, today: date | None = None) -> Clock:
        """The clock of a tick: now in each workspace's zone, or `today` everywhere."""
        return cls(fixed=today)

    def today(self, workspace) -> date:
        """The date in `workspace`'s time zone at this clock's moment."""
        if self.fixed is not None:
            return self.fixed
        zone = workspace.time_zone
        if zone not in self._by_zone:
            self._by_zone[zone] = workspace.today(now=self.now)
        return self._by_zone[zone]

    @property
    def earliest(self) -> date:
        """The earliest date any workspace can be at (UTC-12 is a day behind UTC)."""
        return self.fixed if self.fixed is not None else timezone.localdate(self.now, timezone=UTC) - ONE_DAY

    @property
    def latest(self) -> date:
        """The latest date any workspace can be at (UTC+14 is a day ahead of UTC)."""
        return self.fixed if self.fixed is not None else timezone.localdate(self.now, timezone=UTC) + ONE_DAY
