"""Matrices as spreadsheets: read and write the CSV contract, and XLSX in the same layout.

Plain Python (no ORM), so the importer, the exporter and `raci_check --csv` share it.

The layout (docs/contracts.md, "Spreadsheets"): a header row with an `Activity` column
(required), optional `Phase` and `Description` columns (case-insensitive, any order),
and one column per role, named as the team wrote it. Each row below is an activity; its
role cells hold R, A, A/R, C or I (blank or `-` for none).

Parsing never raises on bad input: it returns a `ParsedTable` whose `errors` list the
problems in the file (the first 500, with the total in `error_count`), each with the row
number a spreadsheet shows (the header is row 1 when it is the first line), the column
header and the offending value. A table with any error must not be imported.

A file over a limit (raci.limits) is refused while it is read: the bounded reader
(`core.sheets`) counts bytes, lines, columns, cells and characters as rows stream in and
measures an XLSX archive and its shared strings before the workbook is opened; on top of
it, roles and activities are counted here and reading stops at the limit.

Text that a spreadsheet would run as a formula (it starts with = + - @, tab or CR) is
written with a leading apostrophe, which reading removes again (see `escape_text`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from core import sheets
from core.text import hidden_control
from raci.letters import VALID_VALUES_TEXT, letters_parse
from raci.limits import LIMITS, Limits
from raci.limits import number as grouped
from raci.phases import UNPHASED, PhaseList, parse_phase
from raci.rules import DISPLAY, ActivityData, MatrixData, RoleData
from workspaces.phases import PHASE_NAME_MAX, PHASES_MAX
from workspaces.phases import clean as clean_phase

NAME_MAX = 200
DESCRIPTION_MAX = 2000

ACTIVITY, PHASE, DESCRIPTION = "activity", "phase", "description"
EXPORT_HEADER = ("Activity", "Phase", "Description")


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A role column: its header as written (trimmed) and where it sits in the file."""

    header: str
    position: int  # 0-based position in the file's header row, including Activity etc.


@dataclass(slots=True)
class ActivitySpec:
    """One activity row. `letters` maps an index into `ParsedTable.columns` to a value."""

    name: str
    phase: str  # the lifecycle key its phase maps to (workspaces.phases); "" when unphased or a team's own
    description: str = ""
    letters: dict[int, str] = field(default_factory=dict)
    row: int | None = None  # the spreadsheet row it came from
    phase_text: str = ""  # the Phase cell as written, spaces collapsed: an import matches it to the team's names
    team_phase: str = ""  # == phase_text when it names no lifecycle phase: the team's own phase


@dataclass(frozen=True, slots=True)
class TableError:
    """One problem in an uploaded file.

    `row` is the spreadsheet row (header is row 1) or None for the file as a whole;
    `column` is the header of the column concerned, or None. `message` does not repeat
    the row and column: `str()` gives the full sentence for people.
    """

    row: int | None
    column: str | None
    value: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column is not None:
            where.append(f"column “{self.column}”")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass(slots=True)
class ParsedTable:
    """What a spreadsheet says: role columns, activities and every error found."""

    columns: list[ColumnSpec] = field(default_factory=list)
    activities: list[ActivitySpec] = field(default_factory=list)
    errors: list[TableError] = field(default_factory=list)  # the first `LIMITS.errors_listed`
    unlisted: int = 0  # errors found beyond those

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unlisted

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.unlisted

    def team_phases(self) -> list[str]:
        """The team's own phases the file names, in the order they first appear, each as
        first written ("alpha" after "Alpha" is the same phase)."""
        found: dict[str, str] = {}
        for spec in self.activities:
            if spec.team_phase:
                found.setdefault(_fold(spec.team_phase), spec.team_phase)
        return list(found.values())

    def add_error(self, error: TableError) -> None:
        # A file of 400,000 bad rows must not become 800,000 stored errors: count the rest.
        if len(self.errors) < LIMITS.errors_listed:
            self.errors.append(error)
        else:
            self.unlisted += 1

    def refuse(self, error: TableError) -> ParsedTable:
        """A limit was passed: listed first, whatever else was found, and reading stops."""
        self.errors.insert(0, error)
        if len(self.errors) > LIMITS.errors_listed:
            self.errors.pop()
            self.unlisted += 1
        return self

    def to_matrix_data(self) -> MatrixData:
        """The table as rule-engine input, keyed by position.

        An activity's key is its index in `activities`, a role's key its index in
        `columns`; `RoleData.code` is the header as written, so findings name roles the
        way the file does. Nobody holds roles in a file, so `shared-hats` never fires.
        """
        return MatrixData(
            activities=[ActivityData(index, spec.name, spec.phase) for index, spec in enumerate(self.activities)],
            roles=[RoleData(index, column.header) for index, column in enumerate(self.columns)],
            cells={
                (a_index, r_index): value
                for a_index, spec in enumerate(self.activities)
                for r_index, value in spec.letters.items()
            },
        )


@dataclass(slots=True)
class ExportRow:
    name: str
    phase_label: str
    description: str
    values: list[str]  # one per role header: "R", "A", "AR", "C", "I" or ""


@dataclass(slots=True)
class ExportTable:
    role_headers: list[str]
    rows: list[ExportRow]
    title: str = "RACI"  # the XLSX sheet's name


# ---------------------------------------------------------------------------- parsing


def parse_upload(data: bytes, filename: str = "", *, limits: Limits = LIMITS) -> ParsedTable:
    """Parse an uploaded CSV or XLSX, chosen by content (not by the file's name).

    XLSX files are zip archives, so they start with b"PK"; anything else is read as
    UTF-8 text. A file that is neither gives one error, never an exception.
    """
    try:
        records, _ = sheets.records(data, bounds=limits.reader_bounds(), filename=filename, key=ACTIVITY)
    except sheets.Refused as refused:
        return _refused(refused)
    return _parse_records(records, limits)


def parse_csv(data: bytes, *, filename: str = "", limits: Limits = LIMITS) -> ParsedTable:
    """Parse CSV bytes: UTF-8 with or without BOM, delimiter sniffed among , ; and tab."""
    try:
        records = sheets.csv_records(data, bounds=limits.reader_bounds(), filename=filename, key=ACTIVITY)
    except sheets.Refused as refused:
        return _refused(refused)
    return _parse_records(records, limits)


def parse_xlsx(data: bytes, *, limits: Limits = LIMITS) -> ParsedTable:
    """Parse the first sheet of an XLSX workbook laid out like the CSV.

    The archive is measured and its shared strings counted first (`core.sheets`), so a
    zip bomb is refused before anything is parsed; openpyxl then streams the sheet.
    """
    try:
        records = sheets.xlsx_records(data, bounds=limits.reader_bounds())
    except sheets.Refused as refused:
        return _refused(refused)
    return _parse_records(records, limits)


def _refused(refused: sheets.Refused) -> ParsedTable:
    return ParsedTable(errors=[TableError(refused.row, None, "", refused.message)])


def _fold(text: str) -> str:
    """How names compare: case-insensitive, runs of whitespace count as one space."""
    return " ".join(text.split()).casefold()


@dataclass(slots=True)
class _Layout:
    """Where things sit in the header row."""

    headers: list[str]  # trimmed, as written
    activity: int
    phase: int | None
    description: int | None
    role_at: dict[int, int]  # file position -> index into ParsedTable.columns
    named: set[int]  # positions with a header: values under them are accounted for

    def header(self, position: int | None) -> str | None:
        return self.headers[position] if position is not None else None


def _parse_records(records: Iterable[tuple[int, list[str]]], limits: Limits = LIMITS) -> ParsedTable:
    """Read records as they stream in, counting as it goes: reading stops at the first
    limit passed (too many roles, activities, cells or lines), whose error comes first."""
    table = ParsedTable()
    try:
        return _read_records(records, limits, table)
    except sheets.Refused as refused:
        # The reader's own bounds (a row too long, too many cells...): listed first.
        return table.refuse(TableError(refused.row, None, "", refused.message))


def _read_records(records: Iterable[tuple[int, list[str]]], limits: Limits, table: ParsedTable) -> ParsedTable:
    layout: _Layout | None = None
    max_activities = limits.activities
    max_lines = limits.activities + 1 + limits.blank_lines
    seen: dict[tuple[str, str], int] = {}  # (phase, folded name) -> first row
    for lines, (number, record) in enumerate(records, start=1):
        if lines > max_lines:
            return table.refuse(
                TableError(
                    number,
                    None,
                    "",
                    f"Reading stopped at row {number}: the file has more than {grouped(max_lines)} lines, blank ones "
                    f"included, and a matrix holds at most {grouped(limits.activities)} activities.",
                )
            )
        if not any(cell.strip() for cell in record):
            continue
        if layout is None:
            layout = _read_header(number, record, table)
            if layout is None:
                return table
            roles = len(table.columns)
            if roles > limits.roles:
                return table.refuse(
                    TableError(
                        number,
                        None,
                        "",
                        f"The header row has {roles} role columns; a matrix holds at most {limits.roles} roles.",
                    )
                )
            max_activities = limits.max_activities(roles)
            continue
        if len(table.activities) >= max_activities:
            if max_activities < limits.activities:
                why = (
                    f"with {len(table.columns)} roles that is the most a matrix holds "
                    f"({grouped(limits.cells)} cells, activities × roles)"
                )
            else:
                why = "the most a matrix holds"
            return table.refuse(
                TableError(
                    number,
                    None,
                    "",
                    f"The file has more than {grouped(max_activities)} activities, {why}; reading stopped at row {number}.",
                )
            )
        spec, phase_key, phase_label = _read_row(number, record, layout, table)
        if spec.name:
            key = (phase_key, _fold(spec.name))
            if key in seen:
                table.add_error(
                    TableError(
                        number,
                        layout.header(layout.activity),
                        spec.name,
                        f"“{spec.name}” is already on row {seen[key]} in phase {phase_label}; "
                        "activity names must differ within a phase.",
                    )
                )
            else:
                seen[key] = number
        table.activities.append(spec)
    if layout is None:
        table.add_error(
            TableError(
                None,
                None,
                "",
                "The file is empty: it needs a header row with an “Activity” column and one row per activity.",
            )
        )
    elif not table.activities:
        table.add_error(TableError(None, None, "", "The file has a header row but no activities."))
    elif len(own := table.team_phases()) > PHASES_MAX:
        table.add_error(
            TableError(
                None,
                layout.header(layout.phase),
                own[PHASES_MAX],
                f"The file names {len(own)} phases of its own; a workspace has at most {PHASES_MAX} phases.",
            )
        )
    return table


def _read_header(number: int, header: list[str], table: ParsedTable) -> _Layout | None:
    """Fill `table.columns` and say where Activity/Phase/Description sit; None if unusable."""
    special: dict[str, int] = {}
    named: set[int] = set()
    roles_seen: dict[str, str] = {}
    headers = [unescape_text(raw.strip()) for raw in header]
    for position, text in enumerate(headers):
        if text:
            named.add(position)
        folded = _fold(text)
        if folded in (ACTIVITY, PHASE, DESCRIPTION):
            if folded in special:
                # Reported once here; its cells are then ignored rather than reported again.
                table.add_error(TableError(number, text, text, f"There are two “{text}” columns."))
            else:
                special[folded] = position
            continue
        if not text:
            continue  # a nameless column is fine as long as it stays empty (checked per row)
        if folded in roles_seen:
            table.add_error(
                TableError(
                    number,
                    text,
                    text,
                    f"Role column “{text}” appears twice (also as “{roles_seen[folded]}”); each role gets one column.",
                )
            )
        else:
            roles_seen[folded] = text
        if len(text) > NAME_MAX:
            table.add_error(
                TableError(
                    number,
                    text,
                    text,
                    f"A role name can have at most {NAME_MAX} characters (this one has {len(text)}).",
                )
            )
        table.columns.append(ColumnSpec(text, position))
    if ACTIVITY not in special:
        found = ", ".join(f"“{text}”" for text in headers if text)
        table.add_error(
            TableError(
                number,
                None,
                "",
                f"The header row needs an “Activity” column; it has {found}."
                if found
                else "The header row needs an “Activity” column.",
            )
        )
        return None
    return _Layout(
        headers=headers,
        activity=special[ACTIVITY],
        phase=special.get(PHASE),
        description=special.get(DESCRIPTION),
        role_at={column.position: index for index, column in enumerate(table.columns)},
        named=named,
    )


def _read_row(number: int, record: list[str], layout: _Layout, table: ParsedTable) -> tuple[ActivitySpec, str, str]:
    """One activity, its errors added to `table`; plus the phase to check duplicates in.

    A phase that is no lifecycle phase (nor an alias of one) is the team's own: kept as
    written, and duplicates are looked for among the rows that name it (any case).
    """

    def cell(position: int | None) -> str:
        if position is None or position >= len(record):
            return ""
        # The apostrophe goes before line breaks are normalised: "'\r..." is how the
        # export writes a value that starts with CR.
        text = unescape_text(record[position].strip())
        # XML (so XLSX) turns CR LF into LF; doing the same for CSV makes both formats
        # read back a description exactly as it was exported.
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()

    name = cell(layout.activity)
    description = cell(layout.description)
    phase_text = cell(layout.phase)

    phase_text = clean_phase(phase_text)
    phase, team_phase = parse_phase(phase_text), ""
    if phase is None:
        phase, team_phase = UNPHASED, phase_text
        phase_key, phase_label = "team:" + _fold(phase_text), f"“{phase_text}”"
        if len(phase_text) > PHASE_NAME_MAX:
            table.add_error(
                TableError(
                    number,
                    layout.header(layout.phase),
                    phase_text[:40] + "…",
                    f"A phase name can have at most {PHASE_NAME_MAX} characters (this one has {len(phase_text)}).",
                )
            )
        elif hidden_control(phase_text) is not None:
            table.add_error(
                TableError(
                    number,
                    layout.header(layout.phase),
                    phase_text.encode("unicode_escape").decode("ascii")[:60],
                    "A phase name cannot hold control characters.",
                )
            )
    else:
        phase_key, phase_label = phase, PhaseList.default().label(phase)

    letters: dict[int, str] = {}
    for position, raw in enumerate(record):
        if position in layout.role_at:
            value = letters_parse(raw)
            if value is None:
                table.add_error(
                    TableError(
                        number,
                        layout.header(position),
                        raw.strip(),
                        f"“{raw.strip()}” is not a RACI value; use {VALID_VALUES_TEXT}.",
                    )
                )
            elif value:
                letters[layout.role_at[position]] = value
        elif position not in layout.named and raw.strip():
            # Beyond the header or under a blank header: importing would silently drop it.
            table.add_error(
                TableError(
                    number,
                    None,
                    raw.strip(),
                    f"“{raw.strip()}” is in column {_column_letter(position)}, which has no name in the header row.",
                )
            )

    activity_header = layout.header(layout.activity)
    if not name:
        # Blank rows never get here, so something on this row would be lost.
        table.add_error(TableError(number, activity_header, "", "This row has no activity name."))
    elif len(name) > NAME_MAX:
        table.add_error(
            TableError(
                number,
                activity_header,
                name,
                f"An activity name can have at most {NAME_MAX} characters (this one has {len(name)}).",
            )
        )
    if len(description) > DESCRIPTION_MAX:
        table.add_error(
            TableError(
                number,
                layout.header(layout.description),
                description[:40] + "…",
                f"A description can have at most {DESCRIPTION_MAX} characters (this one has {len(description)}).",
            )
        )
    spec = ActivitySpec(
        name=name,
        phase=phase,
        description=description,
        letters=letters,
        row=number,
        phase_text=phase_text,
        team_phase=team_phase,
    )
    return spec, phase_key, phase_label


def _column_letter(position: int) -> str:
    """The spreadsheet's name for a 0-based column position: 0 -> A, 26 -> AA."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# ---------------------------------------------------------------------------- a pasted block

PASTE_MAX_BYTES = 64 * 1024
BLOCK_PROBLEMS_SHOWN = 3


@dataclass(frozen=True, slots=True)
class BadValue:
    """A value of a pasted block that is not a RACI value: where it sits (0-based, in the
    block) and what it says."""

    row: int
    column: int
    value: str


@dataclass(slots=True)
class ParsedBlock:
    """A block of letters copied from a spreadsheet: `values` row by row (stored values),
    or `problem` saying why the text is not a block, or `bad` values (then nothing of the
    block may be used)."""

    values: list[list[str]] = field(default_factory=list)
    bad: list[BadValue] = field(default_factory=list)
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem and not self.bad

    @property
    def size(self) -> tuple[int, int]:
        return len(self.values), max((len(row) for row in self.values), default=0)


def parse_block(text: str, *, max_bytes: int = PASTE_MAX_BYTES) -> ParsedBlock:
    """Read tab-separated lines (what a spreadsheet puts on the clipboard) as a rectangular
    block of cell values, each read like a cell of the CSV contract (`raci.letters.letters_parse`).

    Lines end with LF, CR LF or CR; the one line end a spreadsheet adds after the last row
    is ignored. Never raises: what is wrong is in `problem` or `bad`.
    """
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        return ParsedBlock(
            problem=f"The pasted text is larger than {max_bytes // 1024} KB, more than any matrix holds."
        )
    if "\x00" in text:
        return ParsedBlock(problem="The pasted text holds a NUL character: copy the cells again from the spreadsheet.")
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith(("\n", "\r")):
        text = text[:-1]
    if not text.strip():
        return ParsedBlock(problem="There is nothing to paste: copy some cells of a spreadsheet first.")
    lines = [line.split("\t") for line in re.split(r"\r\n|\r|\n", text)]
    widths = {len(line) for line in lines}
    if len(widths) > 1:
        short = next(i for i, line in enumerate(lines) if len(line) != len(lines[0]))
        return ParsedBlock(
            problem=f"Row {short + 1} of the pasted block has {len(lines[short])} value"
            f"{'s' if len(lines[short]) != 1 else ''} and row 1 has {len(lines[0])}: "
            "paste a rectangular block of cells."
        )
    block = ParsedBlock()
    for r, line in enumerate(lines):
        row = []
        for c, raw in enumerate(line):
            value = letters_parse(raw)
            if value is None:
                block.bad.append(BadValue(r, c, raw.strip()))
            row.append(value or "")
        block.values.append(row)
    return block


# ---------------------------------------------------------------------------- writing


# What makes a spreadsheet read a cell as a formula (OWASP "CSV injection"): "=" and "@"
# start one, "+" and "-" too ("-1+1", "+cmd|' /C calc'!A0), and tab or CR before them
# hide it from a quick look. LF as well, because XML (so XLSX) reads a CR back as LF: the
# apostrophe before it must still be recognised.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape_text(value: str) -> str:
    """A text cell as exported: a leading apostrophe when it would start a formula.

    Values that already start with apostrophes before such a character get one more, so
    that `unescape_text` gives every value back exactly: "'=x" is written "''=x".
    """
    return "'" + value if value.lstrip("'").startswith(FORMULA_STARTS) else value


def unescape_text(value: str) -> str:
    """A text cell as imported: the apostrophe before a formula character removed."""
    bare = value.lstrip("'")
    return value[1:] if len(bare) < len(value) and bare.startswith(FORMULA_STARTS) else value


def _export_records(table: ExportTable) -> Iterator[list[str]]:
    yield [*EXPORT_HEADER, *(escape_text(header) for header in table.role_headers)]
    for row in table.rows:
        # Letters are R, A, A/R, C, I or blank: never escaped, so "-" keeps meaning empty.
        yield [
            escape_text(row.name),
            escape_text(row.phase_label),
            escape_text(row.description),
            *(DISPLAY[value] for value in row.values),
        ]


def write_csv(table: ExportTable) -> bytes:
    """The table as CSV in the import layout: plain UTF-8 (no BOM), comma, minimal quoting.

    Text that would start a formula gets a leading apostrophe (`escape_text`): CSV has no
    way to mark a cell as text, and the import removes it again.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(_export_records(table))
    return buffer.getvalue().encode("utf-8")


def write_xlsx(table: ExportTable) -> bytes:
    """The table as an XLSX workbook: one sheet, the import layout, header in bold.

    Every cell is written with data type "s" (string), so a name such as "=HYPERLINK(...)"
    stays text in Excel instead of becoming a formula. It carries the same apostrophe as in
    CSV, so that editing the cell in Excel (which re-reads what is typed) keeps it text, and
    both formats read back the same.
    """
    return text_workbook(_export_records(table), title=_sheet_title(table.title), widths={"A": 40, "C": 40})


def text_workbook(records, *, title: str, widths: dict[str, int]) -> bytes:
    """Rows of text as a one-sheet workbook: header in bold and frozen with the first
    column, every cell of data type "s" so that no value becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    bold = Font(bold=True)
    for row_number, record in enumerate(records, start=1):
        for column_number, text in enumerate(record, start=1):
            if not text:
                continue
            cell = sheet.cell(row=row_number, column=column_number)
            # XLSX cannot hold control characters other than tab and newlines; dropping
            # them is the only way to export at all.
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
            cell.data_type = "s"  # after assigning: openpyxl infers "f" for "=..."
            if row_number == 1:
                cell.font = bold
    sheet.freeze_panes = "B2"
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip().strip("'")[:31]
    return cleaned or "RACI"


def export_table(
    *,
    role_headers: list[str],
    rows: Iterable[tuple[str, str, str, list[str]]],
    title: str = "RACI",
    phases: PhaseList | None = None,
) -> ExportTable:
    """Convenience: an ExportTable from (name, phase key, description, values) tuples; each
    phase is written by its name in `phases` (the workspace's)."""
    phases = phases or PhaseList.default()
    return ExportTable(
        role_headers=list(role_headers),
        rows=[
            ExportRow(name, phases.label(phase), description, list(values)) for name, phase, description, values in rows
        ],
        title=title,
    )
