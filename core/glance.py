"""What the workspace dashboard works out from plain data: the quarter a day falls in,
the segments of a progress bar, launches tallied per tier, how late something is.

No ORM here, so the arithmetic is tested without a database and `dashboard/selectors.py` only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_name(year: int, quarter: int) -> str:
    """The name a launch cycle of that quarter has: 2026-Q4."""
    return f"{year}-Q{quarter}"


def days_late(due: date, today: date) -> int:
    return max((today - due).days, 0)


def day_label(day: date, today: date) -> str:
    """ "Today", "Tomorrow", else the weekday and date: the next meeting at a glance."""
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    return f"{day:%a} {day.day} {day:%b}"


@dataclass(frozen=True, slots=True)
class Bar:
    """A bar of `total` parts: `done` of them, then `late` (open and overdue), then the rest.

    The widths are percentages for SVG `<rect width>`: the CSP forbids style attributes,
    and attributes of SVG shapes are not styles."""

    done: int
    late: int
    total: int

    def _pct(self, n: int) -> int:
        return round(100 * n / self.total) if self.total else 0

    @property
    def done_pct(self) -> int:
        return self._pct(self.done)

    @property
    def late_pct(self) -> int:
        # Rounded as a running sum, so that the two segments never overflow 100 together.
        return self._pct(self.done + self.late) - self.done_pct


@dataclass(frozen=True, slots=True)
class TierTally:
    tier: int | None
    name: str
    launches: int
    ready: int

    @property
    def key(self) -> str:
        """The id suffix of the tier's column on the tiering board (`#col-<key>`)."""
        return "untiered" if self.tier is None else str(self.tier)

    @property
    def bar(self) -> Bar:
        return Bar(self.ready, 0, self.launches)


def tier_tallies(tiers: list[tuple[int, str]], launches: list[tuple[int | None, bool]]) -> list[TierTally]:
    """Launches and ready launches per tier, best tier first, untiered last and only when
    some launch is untiered. `launches` are (tier, ready) pairs; a tier that the rubric no
    longer has counts in its last tier, as on the tiering board."""
    counts: dict[int | None, list[int]] = {tier: [0, 0] for tier, _ in tiers}
    last = tiers[-1][0] if tiers else None
    for tier, ready in launches:
        key = tier if tier is None or tier in counts else last
        slot = counts.setdefault(key, [0, 0])
        slot[0] += 1
        slot[1] += bool(ready)
    tallies = [TierTally(tier, name, *counts[tier]) for tier, name in tiers]
    if counts.get(None, [0])[0]:
        tallies.append(TierTally(None, "Untiered", *counts[None]))
    return tallies
