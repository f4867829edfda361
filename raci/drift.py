"""How far a matrix has drifted from the template it was made from, and what changed in
the template since: plain Python over plain rows (no ORM).

Rows are matched by activity name (case-insensitive); letters are compared by role code,
for the roles both sides have.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from raci.rules import DISPLAY


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    phase: str = ""
    description: str = ""
    letters: dict[str, str] = field(default_factory=dict)  # role code (upper case) -> value
    activity_id: int | None = None

    @property
    def key(self) -> str:
        return self.name.casefold()


@dataclass(frozen=True, slots=True)
class RowDiff:
    kind: str  # "same", "changed", "added" (in the template only), "removed" (in the matrix only)
    name: str
    matrix: Row | None
    template: Row | None
    codes: tuple[str, ...]

    def cells(self) -> list[tuple[str, str, str, bool]]:
        """(code, matrix letters, template letters, differs) for each role, for display."""
        mine = self.matrix.letters if self.matrix else {}
        theirs = self.template.letters if self.template else {}
        return [
            (
                c,
                DISPLAY.get(mine.get(c, ""), ""),
                DISPLAY.get(theirs.get(c, ""), ""),
                mine.get(c, "") != theirs.get(c, ""),
            )
            for c in self.codes
        ]


@dataclass(frozen=True, slots=True)
class Update:
    """One change the template made since the matrix's copy, still to take."""

    kind: str  # "added", "removed", "changed"
    name: str
    before: Row | None
    after: Row | None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name.casefold()}"

    def describe(self) -> str:
        if self.kind == "added":
            return f"The template added “{self.name}”."
        if self.kind == "removed":
            return f"The template removed “{self.name}”."
        assert self.before is not None and self.after is not None  # a change has both
        old, new = self.before.letters, self.after.letters
        parts = [
            f"{c} {DISPLAY.get(old.get(c, ''), '') or 'empty'} → {DISPLAY.get(new.get(c, ''), '') or 'empty'}"
            for c in sorted(set(old) | set(new))
            if old.get(c, "") != new.get(c, "")
        ]
        return f"The template changed “{self.name}”: {', '.join(parts)}."


def _by_key(rows: Iterable[Row]) -> dict[str, Row]:
    found: dict[str, Row] = {}
    for row in rows:
        found.setdefault(row.key, row)
    return found


def _restricted(letters: dict[str, str], codes: Iterable[str]) -> dict[str, str]:
    codes = set(codes)
    return {c: v for c, v in letters.items() if c in codes and v}


def compare(matrix_rows: list[Row], template_rows: list[Row], codes: list[str]) -> list[RowDiff]:
    """Every row of either side, matrix order first, with the template's new rows after."""
    theirs = _by_key(template_rows)
    mine = _by_key(matrix_rows)
    diffs = []
    for row in matrix_rows:
        other = theirs.get(row.key)
        if other is None:
            diffs.append(RowDiff("removed", row.name, row, None, tuple(codes)))
            continue
        same = _restricted(row.letters, codes) == _restricted(other.letters, codes)
        diffs.append(RowDiff("same" if same else "changed", row.name, row, other, tuple(codes)))
    diffs.extend(RowDiff("added", row.name, None, row, tuple(codes)) for row in template_rows if row.key not in mine)
    return diffs


def pending_updates(basis: list[Row], current: list[Row], matrix_rows: list[Row], codes: list[str]) -> list[Update]:
    """What the template changed between `basis` (the version the matrix was made from)
    and `current`, leaving out what the matrix already has."""
    old, new, mine = _by_key(basis), _by_key(current), _by_key(matrix_rows)
    updates = []
    for key, row in new.items():
        before = old.get(key)
        if before is None:
            if key not in mine:
                updates.append(Update("added", row.name, None, row))
        elif _restricted(before.letters, codes) != _restricted(row.letters, codes):
            have = mine.get(key)
            if have is not None and _restricted(have.letters, codes) != _restricted(row.letters, codes):
                updates.append(Update("changed", row.name, before, row))
    for key, row in old.items():
        if key not in new and key in mine:
            updates.append(Update("removed", row.name, row, None))
    return updates


# --- findings accepted on purpose -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AcceptedFinding:
    """A finding accepted on purpose, named as a template names it: the rule, and the
    activity's name or the role's code (or "the creator", for a person's finding)."""

    rule: str
    subject: str
    reason: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.subject.casefold())

    def describe(self) -> str:
        return f"{self.rule} · {self.subject}" + (f": {self.reason}" if self.reason else "")


def accepted_drift(
    template: Iterable[AcceptedFinding], matrix: Iterable[AcceptedFinding]
) -> tuple[list[AcceptedFinding], list[AcceptedFinding]]:
    """The template's accepted findings the matrix no longer accepts (dropped), and those
    the matrix accepts that the template does not (added)."""
    theirs = {a.key: a for a in template}
    mine = {a.key: a for a in matrix}
    return [a for k, a in theirs.items() if k not in mine], [a for k, a in mine.items() if k not in theirs]
