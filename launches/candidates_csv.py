"""Candidate launches from a CSV file: plain Python over bytes and lookup tables, no ORM,
so the service stays thin and every rule is tested directly.

The file is UTF-8 (with or without BOM); its delimiter is comma, semicolon or tab,
chosen by the header row as `raci/tabular.py` does. Columns (header names are matched
case- and space-insensitively, in any order): Name (required), Summary, PM owner,
PMM owner (username of a workspace member; its e-mail too when an admin imports), Ship date, Launch date
(YYYY-MM-DD), Matrix (name or slug). Every problem in the file is collected, with its
row number (the header is row 1), column and value; a file with any problem adds nothing.

The file is read by the bounded reader (`core.sheets`) within `BOUNDS`: a header of
490,000 columns is refused as text before the csv module splits it, and at most the first
500 problems are listed, the rest counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core import bounds, sheets

NAME_MAX = 200
SUMMARY_MAX = 2000
MAX_ROWS = 500
BOUNDS = sheets.Bounds(
    file_bytes=sheets.MB,
    rows=MAX_ROWS + 1 + 1_000,  # the header, the launches, and blank lines
    columns=100,  # seven named columns and whatever empty ones a spreadsheet adds
    cells=60_000,
    header_chars=4_096,
    # A row's name, summary, owners, dates and matrix, with room for a summary too long
    # to be told so by its own message.
    row_chars=16 * 1024,
    what="a launch import",
)
COLUMNS = {  # folded header -> (field, the column's name as shown)
    "name": ("name", "Name"),
    "summary": ("summary", "Summary"),
    "pm owner": ("pm_owner", "PM owner"),
    "pmm owner": ("pmm_owner", "PMM owner"),
    "ship date": ("ship_date", "Ship date"),
    "launch date": ("launch_date", "Launch date"),
    "matrix": ("matrix", "Matrix"),
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class RowError:
    row: int | None  # None: the whole file
    column: str
    value: str
    message: str


@dataclass(frozen=True, slots=True)
class Candidate:
    row: int
    name: str
    summary: str = ""
    pm_owner_id: int | None = None
    pmm_owner_id: int | None = None
    matrix_id: int | None = None
    ship_date: date | None = None
    launch_date: date | None = None


def fold(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def parse_candidates(
    data: bytes, *, members: dict[str, int], matrices: dict[str, int], existing_names: set[str]
) -> tuple[list[Candidate], list[RowError]]:
    """The candidates of a CSV file and every problem in it.

    `members` maps folded usernames and e-mails to membership ids, `matrices` folded
    matrix names and slugs to matrix ids, `existing_names` holds the folded names of the
    cycle's launches. Candidates are only meaningful when there are no errors.
    """
    errors: sheets.ErrorList[RowError] = sheets.ErrorList()
    records: list[tuple[int, list[str]]] = []
    try:
        for number, record in sheets.csv_records(data, bounds=BOUNDS, key="name", xlsx=False):
            if not any(cell.strip() for cell in record):
                continue
            if len(records) > MAX_ROWS:  # the header and MAX_ROWS launches read: this is one more
                errors.first(
                    RowError(
                        number,
                        "",
                        "",
                        f"The file has more than {MAX_ROWS} launches; the limit is {MAX_ROWS}. "
                        f"Reading stopped at row {number}.",
                    )
                )
                return [], errors
            records.append((number, record))
    except sheets.Refused as refused:
        errors.first(RowError(refused.row, "", "", refused.message))
        return [], errors
    if not records:
        errors.add(RowError(None, "", "", "The file is empty: it needs a header row and one row per launch."))
        return [], errors

    header_row, header = records[0]
    layout: dict[str, int] = {}
    for position, text in enumerate(header):
        key = fold(text)
        if not key:
            continue
        if key not in COLUMNS:
            errors.add(
                RowError(
                    header_row,
                    text.strip(),
                    text.strip(),
                    "Unknown column; the columns are " + ", ".join(c[1] for c in COLUMNS.values()) + ".",
                )
            )
        elif COLUMNS[key][0] in layout:
            errors.add(RowError(header_row, COLUMNS[key][1], text.strip(), "This column appears twice."))
        else:
            layout[COLUMNS[key][0]] = position
    if "name" not in layout:
        errors.add(RowError(header_row, "Name", "", "The header row needs a Name column."))
        return [], errors
    rows = records[1:]
    if not rows:
        errors.add(RowError(None, "", "", "The file has a header but no launches."))

    seen: dict[str, int] = {}
    candidates: list[Candidate] = []
    for number, record in rows:

        def cell(field: str) -> str:
            position = layout.get(field)
            # Called only within this iteration, so the loop variables are the current row's.
            return record[position].strip() if position is not None and position < len(record) else ""  # noqa: B023

        before = errors.total

        def fail(field: str, value: str, message: str) -> None:
            errors.add(RowError(number, COLUMNS[field.replace("_", " ")][1], value, message))  # noqa: B023

        name = " ".join(cell("name").split())
        if not name:
            fail("name", "", "Every launch needs a name.")
        elif len(name) > NAME_MAX:
            fail("name", name, f"The name is {len(name)} characters long; the limit is {NAME_MAX}.")
        elif fold(name) in existing_names:
            fail("name", name, "The cycle already has a launch of this name.")
        elif fold(name) in seen:
            fail("name", name, f"Row {seen[fold(name)]} has the same name.")
        else:
            seen[fold(name)] = number
        summary = cell("summary")
        if len(summary) > SUMMARY_MAX:
            fail(
                "summary",
                summary[:40] + "…",
                f"The summary is {len(summary)} characters long; the limit is {SUMMARY_MAX}.",
            )
        owners: dict[str, int | None] = {}
        for field in ("pm_owner", "pmm_owner"):
            value = cell(field)
            owners[field] = members.get(fold(value)) if value else None
            if value and owners[field] is None:
                fail(
                    field,
                    value,
                    "No member of this workspace has this username (or e-mail address, when an admin imports).",
                )
        dates: dict[str, date | None] = {}
        for field in ("ship_date", "launch_date"):
            value = cell(field)
            dates[field] = None
            if value:
                try:
                    if not _ISO_DATE.match(value):
                        raise ValueError
                    dates[field] = date.fromisoformat(value)
                except ValueError:
                    fail(field, value, "Not a date: write it as YYYY-MM-DD, like 2027-03-15.")
                else:
                    if message := bounds.date_error(dates[field]):
                        dates[field] = None
                        fail(field, value, message)
        if dates["ship_date"] and dates["launch_date"] and dates["launch_date"] < dates["ship_date"]:
            fail(
                "launch_date",
                cell("launch_date"),
                f"The launch date is before the ship date ({cell('ship_date')}): the product is out before it "
                "is announced.",
            )
        matrix = cell("matrix")
        matrix_id = matrices.get(fold(matrix)) if matrix else None
        if matrix and matrix_id is None:
            fail("matrix", matrix, "No matrix of this workspace has this name or slug.")
        if errors.total == before:
            candidates.append(
                Candidate(
                    row=number,
                    name=name,
                    summary=summary,
                    pm_owner_id=owners["pm_owner"],
                    pmm_owner_id=owners["pmm_owner"],
                    matrix_id=matrix_id,
                    ship_date=dates["ship_date"],
                    launch_date=dates["launch_date"],
                )
            )
    return candidates, errors
