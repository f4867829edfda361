"""The quarter's pre-read as a table: one row per launch with its scores, suggested and
chosen tier with the reason, owners, readiness, plan warnings and whom the open required
items wait on; written as CSV or
XLSX. Plain data in, bytes out; text that a spreadsheet would run as a formula is
escaped as the matrix export does it (raci.tabular.escape_text)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from raci.tabular import escape_text, text_workbook

HEADER = (
    "Launch",
    "Launch date",
    "Ship date",
    "Score",
    "Suggested tier",
    "Tier",
    "Reason",
    "PM owner",
    "PMM owner",
    "Required done",
    "Required",
    "Overdue",
    "Ready",
    "Warnings",
    "Waiting on",
)


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    launch_date: date | None
    ship_date: date | None
    score: int | None
    suggested: str
    tier: str
    reason: str
    pm_owner: str
    pmm_owner: str
    required_done: int
    required: int
    overdue: int
    ready: bool
    warnings: tuple[str, ...]
    # Who the open required items wait on, each as its role and person ("PMM · Sam Lee").
    waiting_on: tuple[str, ...] = ()

    def cells(self) -> list[str]:
        def day(d):
            return d.isoformat() if d else ""

        return [
            escape_text(self.name),
            day(self.launch_date),
            day(self.ship_date),
            "" if self.score is None else str(self.score),
            escape_text(self.suggested),
            escape_text(self.tier),
            escape_text(self.reason),
            escape_text(self.pm_owner),
            escape_text(self.pmm_owner),
            str(self.required_done),
            str(self.required),
            str(self.overdue),
            "yes" if self.ready else "no",
            escape_text(" | ".join(self.warnings)),
            escape_text(", ".join(self.waiting_on)),
        ]


def records(rows: list[Row]) -> list[list[str]]:
    return [list(HEADER)] + [row.cells() for row in rows]


def write_csv(rows: list[Row]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(records(rows))
    return buffer.getvalue().encode("utf-8")


def write_xlsx(rows: list[Row], *, title: str) -> bytes:
    """One sheet, header in bold, every cell a string (never a formula)."""
    return text_workbook(records(rows), title=title, widths={"A": 36, "N": 60, "O": 40})
