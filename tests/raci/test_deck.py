"""The matrix as slides, opened again with python-pptx: each slide's text, the letters'
colours as on the page, the stated minimum sizes, a 200 × 15 matrix split into readable
slides, names hidden when asked, no ids and no rule codes."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pptx import Presentation

from core import slides
from raci import rules
from raci.deck import LETTER_COLOURS, MAX_ROLES, matrix_deck, matrix_deck_of, roles_per_slide
from raci.grid import ActivityRow, Grid, RoleColumn
from raci.models import Matrix
from tests.factories import MembershipFactory, build_matrix, hold

DAY = date(2026, 12, 7)
ROLE_NAMES = ["Product Manager", "Product Marketing Manager", "Engineering Lead", "UX Researcher", "Support"]


def _grid(n_activities: int, n_roles: int, *, letters=None, people=None, holders=None) -> Grid:
    """A grid as the matrix page reads it, without the database (ids far from 1 so that a
    leaked id would show)."""
    phases = ["discovery", "strategy", "build", "launch", "post_launch"]
    activities = [
        ActivityRow(7001 + n, f"Activity {n + 1}", phases[n * len(phases) // n_activities], "", n)
        for n in range(n_activities)
    ]
    columns = [
        RoleColumn(9001 + k, f"R{k + 1}", f"{ROLE_NAMES[k % 5]} {k + 1}", "", k, (holders or {}).get(k, []))
        for k in range(n_roles)
    ]
    cycle = ["AR", "C", "I", "R", "A", ""]
    cells = {}
    for n, activity in enumerate(activities):
        for k, column in enumerate(columns):
            value = letters.get((n, k), "") if letters is not None else cycle[(n + k) % len(cycle)]
            cells[(activity.id, column.role_id)] = (value, 1)
    grid = Grid(Matrix(name="Launch matrix", slug="launch-matrix"), activities, columns, cells, people or {})
    grid.recheck()
    return grid


def _open(body: bytes):
    return Presentation(io.BytesIO(body))


def _texts(slide) -> list[str]:
    found = []
    for shape in slide.shapes:
        if shape.has_table:
            found += [cell.text for row in shape.table.rows for cell in row.cells]
        elif shape.has_text_frame:
            found.append(shape.text_frame.text)
    return found


def _all_text(prs) -> str:
    return "\n".join(t for slide in prs.slides for t in _texts(slide))


def _tables(prs):
    return [(slide, shape.table) for slide in prs.slides for shape in slide.shapes if shape.has_table]


def _title(slide) -> str:
    return next(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def _deck(grid, **kwargs):
    return _open(matrix_deck(grid, workspace_name="Acme Product", today=DAY, **kwargs))


def test_the_deck_opens_with_the_matrix_its_size_and_its_findings():
    grid = _grid(10, 4)
    prs = _deck(grid)
    cover = _texts(prs.slides[0])
    assert cover[0] == "Launch matrix"
    assert "Who does what: 10 activities across 4 roles." in cover
    counts = grid.counts
    assert f"Open findings: {counts['error']} error" in " ".join(cover)
    assert _title(prs.slides[1]) == "How to read the letters"
    assert _title(prs.slides[2]) == "The roles"


def test_each_phase_has_its_slide_with_role_names_in_full_and_every_letter_in_its_cell():
    grid = _grid(10, 4)
    prs = _deck(grid)
    phase_titles = [label for _, label, _ in grid.phases()]
    shown = {}
    for slide, table in _tables(prs)[2:]:  # after the key and the roles
        assert _title(slide) in phase_titles
        header = [c.text for c in table.rows[0].cells]
        assert header[0] == "Activity" and header[1:] == [c.name for c in grid.columns]
        for row in list(table.rows)[1:]:
            shown[row.cells[0].text] = [c.text for c in row.cells][1:]
    for activity in grid.activities:
        expected = [rules.DISPLAY[grid.cells[(activity.id, c.role_id)][0]] for c in grid.columns]
        assert shown[activity.name] == expected


def test_the_letters_have_the_pages_colours_and_are_printed_in_their_cells():
    grid = _grid(6, 5)
    prs = _deck(grid)
    seen = set()
    for _, table in _tables(prs)[2:]:
        for row in list(table.rows)[1:]:
            for cell in list(row.cells)[1:]:
                run = cell.text_frame.paragraphs[0].runs[0]
                value = {"A/R": "AR"}.get(cell.text, cell.text)
                if not value:
                    continue
                fill, ink = LETTER_COLOURS[value]
                assert str(cell.fill.fore_color.rgb) == fill
                assert str(run.font.color.rgb) == ink
                assert run.font.bold  # read in grey scale by the letter itself
                seen.add(value)
    assert seen == {"R", "A", "AR", "C", "I"}


def test_the_letters_stay_readable_in_grey_scale():
    def grey(hex_colour):
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for fill, ink in LETTER_COLOURS.values():
        assert abs(grey(fill) - grey(ink)) > 0.5  # the letter stands out of its cell


def test_no_text_is_smaller_than_the_stated_minimum():
    prs = _deck(_grid(30, 8))
    for slide in prs.slides:
        for shape in slide.shapes:
            frames = (
                [c.text_frame for r in shape.table.rows for c in r.cells]
                if shape.has_table
                else [shape.text_frame]
                if shape.has_text_frame
                else []
            )
            least = slides.MIN_TABLE_PT if shape.has_table or shape.name == slides.FOOTER_NAME else slides.MIN_BODY_PT
            for frame in frames:
                for paragraph in frame.paragraphs:
                    for run in paragraph.runs:
                        assert run.font.size is not None and run.font.size.pt >= least, (run.text, least)


def test_a_200_by_15_matrix_continues_on_readable_slides_and_shows_every_cell_once():
    grid = _grid(200, 15)
    prs = _deck(grid)
    cells = {}
    for slide, table in _tables(prs)[3:]:  # after the key and the two slides of roles
        header = [c.text for c in table.rows[0].cells]
        assert header[0] == "Activity"
        assert 1 <= len(header) - 1 <= MAX_ROLES
        assert 1 <= len(table.rows) - 1 <= slides.MAX_TABLE_ROWS
        texts = _texts(slide)
        assert any(t.startswith("Activities ") for t in texts)  # says which part of the phase it is
        for row in list(table.rows)[1:]:
            for name, cell in zip(header[1:], list(row.cells)[1:], strict=True):
                key = (row.cells[0].text, name)
                assert key not in cells
                cells[key] = cell.text
                run = cell.text_frame.paragraphs[0].runs[0]
                assert run.font.size.pt >= slides.MIN_TABLE_PT
    assert len(cells) == 200 * 15
    by_name = {c.role_id: c.name for c in grid.columns}
    for (activity_id, role_id), (value, _) in grid.cells.items():
        name = next(a.name for a in grid.activities if a.id == activity_id)
        assert cells[(name, by_name[role_id])] == rules.DISPLAY[value]


def test_the_open_findings_are_listed_by_severity_in_words_without_rule_codes():
    grid = _grid(4, 3, letters={(0, 0): "C", (1, 0): "A", (1, 1): "A", (2, 0): "AR", (3, 1): "AR"})
    prs = _deck(grid)
    last = _texts(prs.slides[-1])
    assert last[0] == "Open findings"
    body = last[1]
    assert "Errors (2)" in body and "Nobody is accountable for “Activity 1”." in body
    for finding in grid.findings:
        assert finding.message in body
    text = _all_text(prs)
    assert not any(code in text for code in ("no-accountable", "multiple-accountable", "idle-role"))
    assert not re.search(r"\b(7\d{3}|9\d{3})\b", text)  # no activity or role ids


def test_a_matrix_without_findings_says_so():
    grid = _grid(3, 2, letters={(n, 0): "AR" for n in range(3)} | {(n, 1): "R" for n in range(3)})
    assert not grid.findings
    assert "No open findings" in _texts(_deck(grid).slides[-1])[1]


def test_every_slide_names_the_workspace_and_the_date():
    prs = _deck(_grid(30, 8))
    for slide in prs.slides:
        footers = [s.text_frame.text for s in slide.shapes if s.name == slides.FOOTER_NAME]
        assert footers[0] == "Acme Product · 7 Dec 2026"


def test_names_are_shown_by_default_and_hidden_when_asked():
    people = {501: "Sam Lee", 502: "Ana Ruiz"}
    grid = _grid(4, 3, people=people, holders={0: [501], 1: [501], 2: [502]})
    assert any(f.rule == "shared-hats" for f in grid.findings)
    shown = _all_text(_deck(grid))
    assert "Sam Lee" in shown and "Ana Ruiz" in shown
    hidden = _deck(grid, hide_names=True)
    text = _all_text(hidden)
    assert "Sam Lee" not in text and "Ana Ruiz" not in text
    assert "Names are hidden: roles only." in text
    assert "One person holds" in text
    assert "Product Manager 1" in text  # the roles stay


@pytest.mark.django_db
def test_the_deck_of_a_saved_matrix_reads_it_as_the_page_does(django_assert_max_num_queries):
    member = MembershipFactory()
    matrix, _, roles = build_matrix(member.workspace, activities=12, roles=4, name="Pricing grid")
    hold(roles[0], member)
    matrix.refresh_from_db()
    with django_assert_max_num_queries(6):
        prs = _open(matrix_deck_of(matrix=matrix))
    text = _all_text(prs)
    assert "Pricing grid" in text and member.display_name in text and "Activity 11" in text
    assert member.workspace.name in text
    assert member.display_name not in _all_text(_open(matrix_deck_of(matrix=matrix, hide_names=True)))


def test_seven_roles_share_a_slide_and_a_long_word_in_a_role_name_makes_room_for_itself():
    assert roles_per_slide(ROLE_NAMES + ["Sales", "Customer Success & Support"]) == MAX_ROLES == 7
    assert roles_per_slide(["Research-and-Development/Design Lead"]) == MAX_ROLES  # breaks at - and /
    assert roles_per_slide(["Internationalisation Lead"]) < MAX_ROLES
    prs = _deck(_grid(5, 7))
    phase_tables = _tables(prs)[2:]
    assert all(len(table.columns) == 8 for _, table in phase_tables)


def test_a_matrix_without_columns_or_without_rows_still_makes_a_deck():
    for grid in (_grid(3, 0), Grid(Matrix(name="Empty"), [], [], {}, {})):
        prs = _deck(grid)
        assert _texts(prs.slides[0])[0] == grid.matrix.name
        assert _texts(prs.slides[-1])[0] == "Open findings"
