"""The bounded reader every CSV and XLSX upload goes through: each bound refuses a file
while it is read, with a sentence naming the bound, and a workbook's shared strings are
counted before openpyxl opens it."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from core import sheets
from core.sheets import Bounds, ErrorList, Refused

SMALL = Bounds(file_bytes=100_000, rows=10, columns=5, cells=20, header_chars=100, row_chars=200, what="a test")


def read(data: bytes, bounds: Bounds = SMALL, **kwargs) -> list[tuple[int, list[str]]]:
    records, _ = sheets.records(data, bounds=bounds, **kwargs)
    return list(records)


def refusal(data: bytes, bounds: Bounds = SMALL, **kwargs) -> Refused:
    with pytest.raises(Refused) as caught:
        read(data, bounds, **kwargs)
    return caught.value


def workbook(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_shared_strings(data: bytes, table: str) -> bytes:
    """The workbook with `table` as its shared string table (named in [Content_Types].xml,
    where openpyxl looks for it), compressed at the fastest level, which keeps a table of
    empty entries under the ratio check."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sheets.SHARED_STRINGS_TYPE}" /></Types>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for member in source.infolist():
            if member.filename == "[Content_Types].xml":
                target.writestr(member.filename, source.read(member).decode().replace("</Types>", override))
            elif member.filename != "xl/sharedStrings.xml":
                target.writestr(member.filename, source.read(member))
        target.writestr("xl/sharedStrings.xml", table)
    return out.getvalue()


def string_table(entries: str, count: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}">{entries}</sst>'
    )


@pytest.fixture
def openpyxl_opens(monkeypatch):
    """Counts the workbooks openpyxl is asked to open."""
    import openpyxl

    opened = {"count": 0}
    original = openpyxl.load_workbook

    def load_workbook(*args, **kwargs):
        opened["count"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)
    return opened


def test_a_small_csv_reads_as_records_by_spreadsheet_row():
    assert read(b"Name;Summary\n\nAlpha;One, two\n", key="name") == [
        (1, ["Name", "Summary"]),
        (2, []),
        (3, ["Alpha", "One, two"]),
    ]


def test_a_header_of_490_000_columns_is_refused_before_csv_splits_it(monkeypatch):
    data = ("Name," + ",".join("x" for _ in range(489_999)) + "\r\nBilling\r\n").encode()
    assert len(data) > 900_000
    split = {"records": 0}
    original = sheets.csv.reader

    def reader(*args, **kwargs):
        for record in original(*args, **kwargs):
            split["records"] += 1
            yield record

    monkeypatch.setattr(sheets.csv, "reader", reader)
    bounds = Bounds(file_bytes=sheets.MB, rows=600, columns=100, cells=60_000, header_chars=4_096, row_chars=16_384)
    refused = refusal(data, bounds)
    assert refused.message.startswith("The header row is longer than 4,096 characters")
    assert refused.row == 1 and split["records"] == 0


def test_a_long_row_after_the_header_is_refused_at_its_row():
    refused = refusal(b"Name\n" + b"x" * 300 + b"\n")
    assert refused.row == 2 and "longer than 200 characters" in refused.message


def test_a_quoted_cell_spanning_lines_counts_all_its_lines():
    refused = refusal(b'Name\n"' + b"x\n" * 150 + b'"\n')
    assert refused.row == 2 and "longer than 200 characters" in refused.message


def test_too_many_columns_lines_and_cells_are_each_refused_naming_the_bound():
    assert "at most 5" in refusal(b"a,b,c,d,e,f\n").message
    lines = refusal(b"Name\n" + b"\n" * 20)
    assert "more than 10 lines" in lines.message and lines.row == 11
    cells = refusal(b"a,b,c,d,e\n" * 5)
    assert "more than 20 cells" in cells.message and cells.row == 5


def test_a_file_over_its_size_is_refused_unread():
    assert refusal(b"x" * 100_001).message == "The file is larger than 0.1 MB, the most a test takes."


def test_text_that_is_not_utf_8_is_refused_as_csv_only_when_xlsx_is_not_taken():
    assert refusal(b"\x89PNG\x00", xlsx=False).message == "The file is not a CSV file (UTF-8 text)."
    assert "nor an XLSX" in refusal(b"\x89PNG\x00").message
    assert "UTF-16" in refusal("Name\n".encode("utf-16"), xlsx=False).message


def test_a_workbook_reads_its_first_sheet_without_trailing_empty_cells():
    data = workbook([["Activity", "PM", None, None], ["Naming", "A"]])
    assert read(data) == [(1, ["Activity", "PM"]), (2, ["Naming", "A"])]


def test_a_workbook_of_millions_of_empty_shared_strings_is_refused_before_it_is_opened(openpyxl_opens):
    bounds = Bounds(file_bytes=10 * sheets.MB, rows=10, columns=5, cells=20, header_chars=100, row_chars=200)
    data = with_shared_strings(workbook([["Activity"], ["Naming"]]), string_table("<si/>" * 2_000_000, 2_000_000))
    refused = refusal(data, bounds)
    assert "more than 250,000 entries" in refused.message
    assert openpyxl_opens["count"] == 0


def test_the_shared_strings_text_is_counted_too(openpyxl_opens):
    bounds = Bounds(
        file_bytes=10 * sheets.MB,
        rows=10,
        columns=5,
        cells=20,
        header_chars=100,
        row_chars=200,
        shared_string_chars=1_000,
    )
    data = with_shared_strings(
        workbook([["Activity"], ["Naming"]]), string_table("<si><t>abcdefghij</t></si>" * 101, 101)
    )
    assert "more than 1,000 characters" in refusal(data, bounds).message
    assert openpyxl_opens["count"] == 0


def test_shared_strings_within_bounds_are_read(openpyxl_opens):
    data = workbook([["Activity", "PM"], ["Naming", "A"]])
    assert read(data)[1] == (2, ["Naming", "A"]) and openpyxl_opens["count"] == 1


def test_a_shared_string_table_declaring_entities_is_refused(openpyxl_opens):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>'
    )
    data = with_shared_strings(workbook([["Activity"], ["Naming"]]), laughs)
    assert "entities" in refusal(data).message and openpyxl_opens["count"] == 0


def test_an_error_list_keeps_the_first_five_hundred_and_counts_the_rest():
    errors: ErrorList[int] = ErrorList()
    for n in range(1_200):
        errors.add(n)
    errors.first(-1)
    assert len(errors) == 500 and errors.total == 1_201
    assert errors[0] == -1 and errors[-1] == 498 and errors.unlisted == 701
