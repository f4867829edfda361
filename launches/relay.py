"""A launch's relay through the lifecycle: plain Python, no ORM.

"Key Differences" (docs/sources.md) likens PM × PMM work to a relay race with overlapping
zones and no dropped batons; the driver-navigator post says who drives changes with the
phase. A launch is in one of the workspace's phases at a time, driven by one person who
holds the phase's driving role (`workspaces.phases`); moving it on is a hand-over to the
next phase's driver, who accepts it. A hand-over nobody accepted within the workspace's
days is a dropped baton. Between Strategy and what follows sits the joint checkpoint: the
launch's PM owner and PMM owner each answer its question, and it moves on only when both
said yes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

FIRST_PHASE = "insight"
CHECKPOINT_PHASE = "strategy"  # the checkpoint sits at its end
DEFAULT_HANDOVER_DAYS = 3
HANDOVER_DAYS_MAX = 60
NOTE_MAX = 2000
CHECKPOINT_QUESTION = "Does the product choice prove the market promise, and vice versa?"
CHECKPOINT_SOURCE = "Product Management vs. Product Marketing: Key Differences"
PM, PMM = "pm", "pmm"
SIDE_CODES = {PM: "PM", PMM: "PMM"}


def next_phase(order: Sequence[str], current: str) -> str | None:
    """The phase after `current` in the workspace's order; None at the last one. A launch
    in a phase the workspace removed moves to the first phase after where it would sort."""
    if current in order:
        index = list(order).index(current)
        return order[index + 1] if index + 1 < len(order) else None
    return order[0] if order else None


def past_checkpoint(order: Sequence[str], phase: str) -> bool:
    """Whether a launch in `phase` has left Strategy (the checkpoint lies behind it)."""
    if CHECKPOINT_PHASE not in order or phase not in order:
        return False
    return list(order).index(phase) > list(order).index(CHECKPOINT_PHASE)


@dataclass(frozen=True, slots=True)
class Answer:
    side: str
    answer: bool
    note: str = ""
    must_change: str = ""
    by: str = ""
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Each side's newest answer (None: not answered yet)."""

    pm: Answer | None = None
    pmm: Answer | None = None

    @property
    def signed(self) -> bool:
        return bool(self.pm and self.pm.answer and self.pmm and self.pmm.answer)

    @property
    def answers(self) -> list[tuple[str, Answer | None]]:
        return [("PM", self.pm), ("PMM", self.pmm)]

    @property
    def waiting_for(self) -> list[str]:
        """The sides whose yes is missing: not answered, or answered no."""
        return [code for code, a in self.answers if not (a and a.answer)]


def checkpoint_of(answers: Iterable[Answer]) -> Checkpoint:
    """The checkpoint from every answer in the order given (oldest first)."""
    newest: dict[str, Answer] = {}
    for answer in answers:
        newest[answer.side] = answer
    return Checkpoint(newest.get(PM), newest.get(PMM))


def min_wait() -> timedelta:
    """The shortest wait any workspace allows: no hand-over younger than this is dropped."""
    return timedelta(days=1)


def baton_due(handed_at: datetime, days: int) -> datetime:
    return handed_at + timedelta(days=days)


def is_dropped(*, handed_at: datetime, accepted_at: datetime | None, now: datetime, days: int) -> bool:
    """A hand-over not accepted within `days` of being made."""
    return accepted_at is None and now >= baton_due(handed_at, days)


def clean_note(value: str | None, what: str, *, required: bool = False) -> str:
    """A note as typed: trimmed, at most NOTE_MAX characters, no NUL; ValueError says why."""
    text = (value or "").strip()
    if "\x00" in text:
        raise ValueError(f"The {what} cannot hold a NUL character.")
    if len(text) > NOTE_MAX:
        raise ValueError(f"The {what} has at most {NOTE_MAX} characters; this one has {len(text)}.")
    if required and not text:
        raise ValueError(f"Say {what}.")
    return text
