"""Reading and writing the CSV contract (and XLSX in the same layout): raci/tabular.py."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from raci import rules
from raci.tabular import (
    ColumnSpec,
    ExportRow,
    ExportTable,
    TableError,
    export_table,
    parse_csv,
    parse_upload,
    parse_xlsx,
    write_csv,
    write_xlsx,
)
from tests.fixtures import EXAMPLES

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def csv_of(text: str):
    return parse_csv(text.encode("utf-8"))


def xlsx_of(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def findings_of(table) -> list[tuple[str, str | None, str | None]]:
    matrix = table.to_matrix_data()
    names = {a.key: a.name for a in matrix.activities}
    codes = {r.key: r.code for r in matrix.roles}
    return [(f.rule, names.get(f.activity), codes.get(f.role)) for f in rules.check(matrix)]


def only_error(table) -> TableError:
    assert len(table.errors) == 1, table.errors
    return table.errors[0]


# ------------------------------------------------------------------ the example files


def test_team_spreadsheet_has_no_errors_and_one_finding():
    table = parse_upload((EXAMPLES / "team-spreadsheet.csv").read_bytes(), "team-spreadsheet.csv")
    assert table.ok, table.errors
    assert [c.header for c in table.columns] == ["Product Manager", "Product Marketing", "Engineering Lead", "Sales"]
    assert len(table.activities) == 7
    first = table.activities[0]
    assert (first.name, first.phase, first.description) == (
        "Customer interviews",
        "insight",
        "Both interview; PM asks how they use it",
    )
    assert first.letters == {0: "AR", 1: "R", 2: "I", 3: "C"}
    assert table.activities[5].description == "Pitch, demo storyline, battlecards"
    assert table.activities[6].phase == "post_launch"
    # PMM is accountable for 5 of 7: under 75%, and under the 8 activities the rule needs.
    assert sorted(findings_of(table)) == [
        ("idle-role", None, "Engineering Lead"),
    ]


def test_two_owners_is_semicolon_separated_and_flags_naming():
    table = parse_upload((EXAMPLES / "two-owners.csv").read_bytes(), "two-owners.csv")
    assert table.ok, table.errors
    assert [c.header for c in table.columns] == ["PM", "PMM"]
    assert [(a.name, a.phase) for a in table.activities] == [
        ("Naming", "launch"),
        ("Roadmap & prioritization", "strategy"),
        ("Product analytics & experiments", "build"),
    ]
    # And the relay: PMM drives half of Strategy (split) but holds only a C there.
    assert findings_of(table) == [("multiple-accountable", "Naming", None), ("idle-driver", None, "PMM")]


def test_broken_reports_both_invalid_cells_with_row_column_and_value():
    table = parse_upload((EXAMPLES / "broken.csv").read_bytes(), "broken.csv")
    assert not table.ok
    assert [(e.row, e.column, e.value) for e in table.errors] == [(2, "PM", "Consulted"), (3, "PMM", "A/R/C")]
    for error in table.errors:
        assert "R, A, A/R, C or I" in error.message
    assert str(table.errors[0]).startswith("Row 2, column “PM”: “Consulted”")


# ------------------------------------------------------------------ encodings and delimiters


def test_utf8_bom_is_accepted():
    table = parse_csv("\ufeffActivity,PM\nNaming,A/R\n".encode("utf-8"))
    assert table.ok, table.errors
    assert [c.header for c in table.columns] == ["PM"]
    assert table.activities[0].letters == {0: "AR"}


def test_tab_delimiter_is_sniffed():
    table = csv_of("Activity\tPhase\tPM\tPMM\nNaming, final\tLaunch\tC\tA/R\n")
    assert table.ok, table.errors
    assert [c.header for c in table.columns] == ["PM", "PMM"]
    assert table.activities[0].name == "Naming, final"
    assert table.activities[0].letters == {0: "C", 1: "AR"}


def test_semicolon_delimiter_with_commas_in_cells():
    table = csv_of("Activity;Description;PM;PMM\nPricing;Tiers, add-ons, discounts;C;A, R\n")
    assert table.ok, table.errors
    assert table.activities[0].description == "Tiers, add-ons, discounts"
    assert table.activities[0].letters == {0: "C", 1: "AR"}


def test_comma_delimiter_with_semicolons_in_cells():
    table = csv_of('Activity,Description,PM\nPricing,"a; b; c; d; e",A/R\n')
    assert table.ok, table.errors
    assert table.activities[0].description == "a; b; c; d; e"


def test_crlf_line_endings():
    table = csv_of("Activity,PM\r\nNaming,A\r\nPricing,R\r\n")
    assert table.ok, table.errors
    assert [a.name for a in table.activities] == ["Naming", "Pricing"]


def test_png_bytes_give_one_clear_error():
    table = parse_upload(PNG, "logo.csv")
    error = only_error(table)
    assert (error.row, error.column) == (None, None)
    assert "logo.csv" in error.message
    assert "neither" in error.message and "XLSX" in error.message


def test_binary_that_happens_to_be_utf8_is_refused():
    assert not parse_csv(b"Activity,PM\x00\x00\x01\nNaming,A\n").ok


def test_utf16_gets_a_hint_to_save_as_utf8():
    error = only_error(parse_csv("Activity\tPM\nNaming\tA\n".encode("utf-16")))
    assert "UTF-8" in error.message


def test_zip_that_is_not_a_workbook_gives_one_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    error = only_error(parse_upload(buffer.getvalue(), "matrix.xlsx"))
    assert "XLSX" in error.message


def test_truncated_xlsx_gives_one_error():
    data = write_xlsx(export_table(role_headers=["PM"], rows=[("Naming", "launch", "", ["A"])]))
    assert len(parse_upload(data[: len(data) // 2], "matrix.xlsx").errors) == 1


# ------------------------------------------------------------------ cell values


# Every spelling, accepted and refused, is in test_letters.py (one reader for all).


def test_blank_and_dash_cells_hold_no_letters():
    table = csv_of("Activity,PM,PMM,ENG\nNaming,A,-,\nPricing, - ,R,\n")
    assert table.ok, table.errors
    assert [a.letters for a in table.activities] == [{0: "A"}, {1: "R"}]


def test_every_invalid_cell_in_the_file_is_reported():
    table = csv_of("Activity,PM,PMM\nOne,X,Y\nTwo,A,R\nThree,Z,\n")
    assert [(e.row, e.column, e.value) for e in table.errors] == [
        (2, "PM", "X"),
        (2, "PMM", "Y"),
        (4, "PM", "Z"),
    ]


def test_errors_of_different_kinds_are_all_collected():
    table = csv_of("Activity,Phase,PM,pm\nOne,Someday,X,A\nOne,Someday,A,\n,,R,\n")
    kinds = [(e.row, e.column, e.value) for e in table.errors]
    assert (1, "pm", "pm") in kinds  # duplicate role column
    assert (2, "PM", "X") in kinds
    assert (3, "Activity", "One") in kinds  # duplicate within the same (team's own) phase
    assert (4, "Activity", "") in kinds  # letters without a name
    assert len(table.errors) == 4


# ------------------------------------------------------------------ header


def test_headers_are_case_insensitive_in_any_order():
    table = csv_of("pm,DESCRIPTION,pmm,activity,PHASE\nA,Why,R,Naming,launch\n")
    assert table.ok, table.errors
    assert [c.header for c in table.columns] == ["pm", "pmm"]
    assert [c.position for c in table.columns] == [0, 2]
    (activity,) = table.activities
    assert (activity.name, activity.phase, activity.description, activity.letters) == (
        "Naming",
        "launch",
        "Why",
        {0: "A", 1: "R"},
    )


def test_headers_are_trimmed():
    table = csv_of(" Activity , PM \nNaming,A\n")
    assert table.ok, table.errors
    assert [c.header for c in table.columns] == ["PM"]


def test_phase_and_description_are_optional():
    table = csv_of("Activity,PM\nNaming,A\n")
    assert table.ok, table.errors
    assert (table.activities[0].phase, table.activities[0].description) == ("", "")


def test_missing_activity_column():
    error = only_error(csv_of("Task,PM\nNaming,A\n"))
    assert error.row == 1
    assert "Activity" in error.message and "“Task”" in error.message


def test_duplicate_role_columns_case_insensitive():
    error = only_error(csv_of("Activity,PM,PMM,pm\nNaming,A,R,C\n"))
    assert (error.row, error.column, error.value) == (1, "pm", "pm")
    assert "twice" in error.message


def test_duplicate_activity_column():
    error = only_error(csv_of("Activity,PM,activity\nNaming,A,Other\n"))
    assert error.row == 1


def test_role_names_over_200_characters():
    long = "R" * 201
    error = only_error(csv_of(f"Activity,{long}\nNaming,A\n"))
    assert error.column == long and "200" in error.message
    assert csv_of(f"Activity,{'R' * 200}\nNaming,A\n").ok


def test_a_table_without_role_columns_is_valid():
    table = csv_of("Activity,Phase\nNaming,Launch\n")
    assert table.ok and table.columns == []
    assert findings_of(table) == [("empty-activity", "Naming", None)]


def test_nameless_trailing_columns_are_ignored_while_empty():
    table = csv_of("Activity,PM,,\nNaming,A,,\n")
    assert table.ok, table.errors
    assert [c.header for c in table.columns] == ["PM"]


def test_values_outside_any_named_column_are_errors():
    table = csv_of("Activity,PM\nNaming,A,R\n")
    error = only_error(table)
    assert (error.row, error.column, error.value) == (2, None, "R")
    assert "column C" in error.message


# ------------------------------------------------------------------ rows


def test_empty_file():
    for data in (b"", b"\xef\xbb\xbf", b"\n\n  \n", b",,\n,,\n"):
        error = only_error(parse_csv(data))
        assert "empty" in error.message


def test_header_only_file():
    error = only_error(csv_of("Activity,Phase,PM,PMM\n"))
    assert "no activities" in error.message
    assert not csv_of("Activity,Phase,PM,PMM\n\n,,,\n").ok


def test_fully_blank_lines_are_ignored_but_keep_row_numbers():
    table = csv_of("Activity,PM\n\nNaming,A\n,\nPricing,Bad\n")
    assert [a.name for a in table.activities] == ["Naming", "Pricing"]
    assert [a.row for a in table.activities] == [3, 5]
    assert only_error(table).row == 5


def test_row_numbers_count_a_multiline_cell_as_one_row():
    table = csv_of('Activity,Description,PM\nNaming,"line one\nline two",A\nPricing,,Bad\n')
    assert table.activities[0].description == "line one\nline two"
    assert only_error(table).row == 3


def test_line_breaks_in_cells_read_as_newlines():
    table = csv_of('Activity,Description,PM\r\nNaming,"one\r\ntwo\rthree\nfour",A\r\n')
    assert table.activities[0].description == "one\ntwo\nthree\nfour"


def test_short_rows_are_padded_with_empty_cells():
    table = csv_of("Activity,PM,PMM\nNaming,A\n")
    assert table.ok, table.errors
    assert table.activities[0].letters == {0: "A"}


def test_a_row_with_letters_but_no_name():
    error = only_error(csv_of("Activity,PM\nNaming,A\n  ,R\n"))
    assert (error.row, error.column) == (3, "Activity")
    assert "no activity name" in error.message


def test_a_row_with_only_a_description_but_no_name():
    error = only_error(csv_of("Activity,Description,PM\nNaming,,A\n,Forgot the name,\n"))
    assert error.row == 3


def test_activity_names_over_200_characters():
    error = only_error(csv_of(f"Activity,PM\n{'x' * 201},A\n"))
    assert (error.row, error.column) == (2, "Activity")
    assert "200" in error.message
    assert csv_of(f"Activity,PM\n{'x' * 200},A\n").ok


def test_names_and_descriptions_are_trimmed():
    table = csv_of("Activity,Description,PM\n  Naming  ,  Why  ,A\n")
    assert (table.activities[0].name, table.activities[0].description) == ("Naming", "Why")


def test_duplicate_activity_within_a_phase_case_insensitive():
    table = csv_of("Activity,Phase,PM\nNaming,Launch,A\nnaming ,GTM,A\n")
    error = only_error(table)
    assert (error.row, error.column, error.value) == (3, "Activity", "naming")
    assert "row 2" in error.message


def test_duplicate_activity_without_phases():
    assert only_error(csv_of("Activity,PM\nNaming,A\nNAMING,R\n")).row == 3


def test_same_activity_name_in_different_phases_is_fine():
    table = csv_of("Activity,Phase,PM\nInterviews,Discovery,A\nInterviews,Post-Launch,A\nInterviews,,A\n")
    assert table.ok, table.errors
    assert [a.phase for a in table.activities] == ["insight", "post_launch", ""]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Insight/Discovery", "insight"),
        ("discovery", "insight"),
        ("STRATEGY", "strategy"),
        ("Build & Validate", "build"),
        ("Launch", "launch"),
        ("post-launch", "post_launch"),
        ("Unphased", ""),
        ("", ""),
        ("GTM", "launch"),
        ("Go-to-market", "launch"),
        ("Development", "build"),
        ("Phase 0", "insight"),
        ("Post launch", "post_launch"),
    ],
)
def test_phases(text, key):
    table = csv_of(f"Activity,Phase,PM\nNaming,{text},A\n")
    assert table.ok, table.errors
    assert table.activities[0].phase == key


def test_a_phase_outside_the_lifecycle_is_the_teams_own():
    table = csv_of("Activity,Phase,PM\nNaming,Someday,A\nPricing,  someday ,A\nBeta  test,Alpha   Cohort,A\n")
    assert table.ok, table.errors
    assert [(a.phase, a.team_phase) for a in table.activities] == [
        ("", "Someday"),
        ("", "someday"),
        ("", "Alpha Cohort"),
    ]
    assert table.team_phases() == ["Someday", "Alpha Cohort"]


def test_aliases_are_not_team_phases():
    table = csv_of("Activity,Phase,PM\nNaming,GTM,A\nPricing,Discovery,A\n")
    assert table.team_phases() == [] and [a.phase_text for a in table.activities] == ["GTM", "Discovery"]


def test_a_phase_name_over_the_limit_is_an_error():
    error = only_error(csv_of(f"Activity,Phase,PM\nNaming,{'x' * 61},A\n"))
    assert (error.row, error.column) == (2, "Phase") and "at most 60 characters" in error.message


def test_a_phase_name_with_control_characters_is_an_error():
    error = only_error(csv_of("Activity,Phase,PM\nNaming,Beta\x01,A\n"))
    assert (error.row, error.column) == (2, "Phase") and "control characters" in error.message


def test_more_than_30_team_phases_is_an_error():
    rows = "".join(f"Activity {i},Stage {i},A\n" for i in range(31))
    error = only_error(csv_of("Activity,Phase,PM\n" + rows))
    assert "31 phases of its own" in error.message and "at most 30" in error.message


def test_errors_serialise_for_json():
    error = only_error(csv_of("Activity,PM\nNaming,Q\n"))
    assert error.as_dict() == {"row": 2, "column": "PM", "value": "Q", "message": error.message}


# ------------------------------------------------------------------ matrix data


def test_to_matrix_data_uses_positions_as_keys():
    table = csv_of("Activity,Phase,PM,PMM\nNaming,Launch,A,R\nPricing,Strategy,,AR\n")
    matrix = table.to_matrix_data()
    assert [(a.key, a.name, a.phase) for a in matrix.activities] == [
        (0, "Naming", "launch"),
        (1, "Pricing", "strategy"),
    ]
    assert [(r.key, r.code) for r in matrix.roles] == [(0, "PM"), (1, "PMM")]
    assert matrix.cells == {(0, 0): "A", (0, 1): "R", (1, 1): "AR"}
    assert matrix.holders == {} and matrix.people == {}


# ------------------------------------------------------------------ XLSX


def test_xlsx_first_sheet_same_layout():
    data = xlsx_of(
        [
            ["Phase", "Activity", "PM", "PMM"],
            ["Launch", "Naming", "a / r", None],
            [None, None, None, None],
            ["Strategy", 2027, "C", "Consulted"],
        ]
    )
    table = parse_upload(data, "matrix.xlsx")
    assert [(a.name, a.phase, a.letters, a.row) for a in table.activities] == [
        ("Naming", "launch", {0: "AR"}, 2),
        ("2027", "strategy", {0: "C"}, 4),
    ]
    assert [(e.row, e.column, e.value) for e in table.errors] == [(4, "PMM", "Consulted")]


def test_xlsx_reads_only_the_first_sheet():
    workbook = Workbook()
    workbook.active.append(["Activity", "PM"])
    workbook.active.append(["Naming", "A"])
    other = workbook.create_sheet("Notes")
    other.append(["nothing", "here"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = parse_xlsx(buffer.getvalue())
    assert table.ok and [c.header for c in table.columns] == ["PM"]


def test_xlsx_chosen_by_content_not_name():
    data = xlsx_of([["Activity", "PM"], ["Naming", "A"]])
    assert parse_upload(data, "matrix.csv").ok
    assert parse_upload(b"Activity,PM\nNaming,A\n", "matrix.xlsx").ok


def test_empty_xlsx():
    assert "empty" in only_error(parse_xlsx(xlsx_of([]))).message


# ------------------------------------------------------------------ export and round trip

TRICKY = [
    ("Préparation — 東京", "insight", 'Café, “quotes” and "straight" quotes', ["AR", "C", "", "I"]),
    ('Say "hi", then leave', "strategy", "line one\nline two\n\nline four", ["R", "A", "C", ""]),
    ('=HYPERLINK("http://evil")', "build", "+1 -2 @sum", ["A", "R", "R", "C"]),
    ("Plain", "", "", ["", "", "", ""]),
    ("Semi; colon\ttab", "post_launch", "'quoted'", ["I", "I", "AR", "C"]),
    ("-", "launch", "-", ["C", "C", "C", "AR"]),
]
HEADERS = ["PM", "Product Marketing", "Ingénierie", "Sales, EMEA"]


def tricky_table() -> ExportTable:
    return export_table(role_headers=HEADERS, rows=TRICKY, title="Q1: launch/plan")


def as_rows(table) -> list[tuple[str, str, str, dict[int, str]]]:
    return [(a.name, a.phase, a.description, a.letters) for a in table.activities]


EXPECTED = [
    (name, phase, description, {i: v for i, v in enumerate(values) if v}) for name, phase, description, values in TRICKY
]


def test_write_csv_layout():
    data = write_csv(ExportTable(["PM", "PMM"], [ExportRow("Naming", "Launch", "Why, and how", ["C", "AR"])]))
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8") == 'Activity,Phase,Description,PM,PMM\r\nNaming,Launch,"Why, and how",C,A/R\r\n'


def test_csv_round_trip():
    data = write_csv(tricky_table())
    table = parse_upload(data, "export.csv")
    assert table.ok, table.errors
    assert [c.header for c in table.columns] == HEADERS
    assert as_rows(table) == EXPECTED


def test_xlsx_round_trip():
    data = write_xlsx(tricky_table())
    assert data.startswith(b"PK")
    table = parse_upload(data, "export.xlsx")
    assert table.ok, table.errors
    assert [c.header for c in table.columns] == HEADERS
    assert as_rows(table) == EXPECTED


def test_xlsx_writes_formula_like_text_as_text():
    sheet = load_workbook(io.BytesIO(write_xlsx(tricky_table()))).worksheets[0]
    assert [cell.value for cell in sheet[1]] == ["Activity", "Phase", "Description", *HEADERS]
    formula_like = sheet.cell(row=4, column=1)
    assert formula_like.value == '\'=HYPERLINK("http://evil")'
    assert formula_like.data_type == "s"
    assert sheet.title == "Q1  launch plan"


def test_round_trip_of_the_examples_through_both_formats():
    examples = sorted(EXAMPLES.glob("*.csv"))
    assert [path.name for path in examples] == ["broken.csv", "team-spreadsheet.csv", "two-owners.csv"]
    for path in examples:
        original = parse_upload(path.read_bytes(), path.name)
        if not original.ok:
            continue
        table = export_table(
            role_headers=[c.header for c in original.columns],
            rows=[
                (a.name, a.phase, a.description, [a.letters.get(i, "") for i in range(len(original.columns))])
                for a in original.activities
            ],
        )
        for writer in (write_csv, write_xlsx):
            again = parse_upload(writer(table), path.name)
            assert again.ok, again.errors
            assert again.columns == [ColumnSpec(c.header, i + 3) for i, c in enumerate(original.columns)]
            assert as_rows(again) == as_rows(original)


def test_export_drops_characters_xlsx_cannot_hold():
    table = export_table(role_headers=["PM"], rows=[("Bell\x07 name", "", "", ["A"])])
    assert parse_xlsx(write_xlsx(table)).activities[0].name == "Bell name"
    assert parse_csv(write_csv(table)).activities[0].name == "Bell\x07 name"


def test_duplicates_under_a_teams_own_phase_are_found_in_any_case():
    table = csv_of("Activity,Phase,PM\nOne,Someday,A\none,someday,A\nOne,Later,A\n")
    assert [(e.row, e.column) for e in table.errors] == [(3, "Activity")]
    assert "“someday”" in table.errors[0].message
