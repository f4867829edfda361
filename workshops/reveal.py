"""The reveal of a Roles & Responsibilities workshop: plain Python over plain data, no ORM.

Every participant proposes letters for the activities in scope. A participant who put
any letter in a row has a proposal for every cell of that row (a blank cell is a proposal
too: "this role has no part in it"); a participant who left the whole row blank has none.

The reveal shows, per cell, the spread of the proposals ("A×5, R×2") and orders the cells
for the conversation ("The driver-navigator post", docs/sources.md: "get in a room together and talk about
who's going to do what"):

1. cells where people disagree (more than one distinct proposal), most split first;
2. cells of rows that, settled by the majority, would have a finding (two accountable is
   the classic);
3. cells everyone agrees on.

Rows are taken up in the order of their first cell, so the rows to talk about come first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from raci import rules
from raci.rules import Key

DISPUTED, FINDING, AGREED, EMPTY = "disputed", "finding", "agreed", "empty"
TIER = {DISPUTED: 0, FINDING: 1, AGREED: 2, EMPTY: 3}
TIER_LABELS = {DISPUTED: "People disagree", FINDING: "Would create a finding", AGREED: "Agreed", EMPTY: "No proposals"}

# (participant, activity, role) -> value ("R", "A", "AR", "C", "I"); empty values are absent.
Proposals = dict[tuple[Key, Key, Key], str]


@dataclass(slots=True)
class CellSpread:
    activity: Key
    role: Key
    # value ("" for blank) -> how many proposed it, most first, then in R, A, A/R, C, I order.
    counts: dict[str, int]
    total: int
    tier: str = AGREED

    @property
    def majority(self) -> str | None:
        """The value most proposed, if one value has more votes than any other."""
        if not self.counts:
            return None
        ranked = list(self.counts.items())
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    @property
    def top(self) -> int:
        return max(self.counts.values(), default=0)

    @property
    def disputed(self) -> bool:
        return len(self.counts) > 1

    @property
    def split_score(self) -> float:
        """How split the cell is: 0 when everyone agrees, towards 1 as votes spread."""
        return 1 - self.top / self.total if self.total else 0.0

    def agreed_on(self, value: str) -> int:
        return self.counts.get(value, 0)

    def spread_text(self) -> str:
        return ", ".join(f"{rules.DISPLAY[v] or 'blank'}×{n}" for v, n in self.counts.items())


@dataclass(slots=True)
class RowReveal:
    activity: rules.ActivityData
    cells: list[CellSpread]
    # Who proposed anything in the row.
    total: int
    findings: list[rules.Finding] = field(default_factory=list)
    rank: int = 0

    @property
    def tier(self) -> str:
        return min((c.tier for c in self.cells), key=TIER.__getitem__, default=EMPTY)

    @property
    def disputed(self) -> bool:
        return any(c.disputed for c in self.cells)

    def majority_row(self) -> dict[Key, str]:
        return {c.role: c.majority for c in self.cells if c.majority}


_ORDER = {v: i for i, v in enumerate(("R", "A", "AR", "C", "I", ""))}


def spread(activity: Key, role: Key, values: list[str]) -> CellSpread:
    counts = Counter(values)
    ordered = dict(sorted(counts.items(), key=lambda item: (-item[1], _ORDER[item[0]])))
    return CellSpread(activity, role, ordered, len(values))


def proposers_by_row(proposals: Proposals) -> dict[Key, set[Key]]:
    rows: dict[Key, set[Key]] = {}
    for (participant, activity, _role), value in proposals.items():
        if value:
            rows.setdefault(activity, set()).add(participant)
    return rows


def reveal(
    activities: list[rules.ActivityData],
    roles: list[rules.RoleData],
    proposals: Proposals,
    settings: rules.RuleSettings = rules.DEFAULT_SETTINGS,
) -> list[RowReveal]:
    """The rows in the order to talk about them, each with its cells' spread and tier."""
    by_row = proposers_by_row(proposals)
    roles_by_key = {r.key: r for r in roles}
    rows = []
    for activity in activities:
        who = sorted(by_row.get(activity.key, ()), key=str)
        cells = [
            spread(activity.key, role.key, [proposals.get((p, activity.key, role.key), "") for p in who])
            for role in roles
        ]
        row = RowReveal(activity, cells, len(who))
        majority = row.majority_row()
        row.findings = rules.row_findings(activity, majority, roles_by_key, settings) if who else []
        for cell in cells:
            if not who:
                cell.tier = EMPTY
            elif cell.disputed:
                cell.tier = DISPUTED
            elif any(f.severity in (rules.ERROR, rules.WARNING) for f in row.findings):
                cell.tier = FINDING
            else:
                cell.tier = AGREED
        rows.append(row)
    order = ordered_cells(rows)
    first: dict[Key, int] = {}
    for position, cell in enumerate(order):
        first.setdefault(cell.activity, position)
    for row in rows:
        row.rank = first.get(row.activity.key, len(order))
    return sorted(rows, key=lambda r: r.rank)


def ordered_cells(rows: list[RowReveal]) -> list[CellSpread]:
    """Every cell in the order of the conversation: disputed (most split first), then those
    whose row would have a finding, then agreed ones, then cells nobody proposed for;
    ties keep the matrix's row and column order."""
    cells = [(r_index, c_index, cell) for r_index, row in enumerate(rows) for c_index, cell in enumerate(row.cells)]
    cells.sort(
        key=lambda item: (
            TIER[item[2].tier],
            -item[2].split_score if item[2].tier == DISPUTED else 0,
            -len(item[2].counts) if item[2].tier == DISPUTED else 0,
            item[0],
            item[1],
        )
    )
    return [cell for _, _, cell in cells]


def agreement(proposals: Proposals, participants: set[Key], activity: Key, settled: dict[Key, str]) -> tuple[int, int]:
    """How many of the row's proposers proposed exactly `settled` for the roles in it,
    and how many proposed in the row: (agreed, of)."""
    who = proposers_by_row(proposals).get(activity, set()) & participants
    agreed = sum(1 for p in who if all(proposals.get((p, activity, r), "") == v for r, v in settled.items()))
    return agreed, len(who)


def room_answer(cell: CellSpread) -> str | None:
    """What the room answered for a cell: the value most proposed ("" when most left it
    blank), or None when the room was split (a tie) or nobody proposed in its row."""
    return cell.majority if cell.total else None


def cell_agreement(
    proposals: Proposals, participants: set[Key], activity: Key, role: Key, value: str
) -> tuple[int, int]:
    """How many of the row's proposers proposed `value` for this one cell (a blank counts
    as proposing it empty), and how many proposed in the row: (agreed, of)."""
    who = proposers_by_row(proposals).get(activity, set()) & participants
    return sum(1 for p in who if proposals.get((p, activity, role), "") == value), len(who)


def row_spreads(proposals: Proposals, participants: set[Key], activity: Key, roles) -> dict:
    """Each role's spread of the row's proposals, as the reveal shows it."""
    who = sorted(proposers_by_row(proposals).get(activity, set()) & participants, key=str)
    return {role: spread(activity, role, [proposals.get((p, activity, role), "") for p in who]) for role in roles}
