"""A matrix as slides: a cover with the letters' key, who holds each role, a slide per
phase with the letters coloured as on the matrix page, and the open findings.

`matrix_deck` takes plain data (the `Grid` the matrix page reads, with its findings
checked) and gives the file's bytes, with no query; `matrix_deck_of` reads the grid first,
for the page, the API and any other door that offers the download. A phase too long or too wide for one slide continues on further
slides (`MAX_ROLES` role columns and at most `core.slides.MAX_TABLE_ROWS` activities a
slide) rather than shrinking its text. With `hide_names` no person is named: roles only.
"""

from __future__ import annotations

import re
from datetime import date

from core import slides
from core.slides import Cell, Line
from raci import rules, selectors
from raci.grid import Grid
from raci.models import Matrix

# The letters' fill and ink, as the matrix page draws them (static/css/app.css). The letter
# itself is printed in the cell, so the slide reads in grey scale too, and A and A/R (dark
# fills) differ from R, C and I (light ones) by more than their hue.
LETTER_COLOURS = {
    "R": ("D6E4FF", "173A8C"),
    "A": ("1F3B8F", "FFFFFF"),
    "AR": ("4A2D8C", "FFFFFF"),
    "C": ("FFF2CC", "6B4B00"),
    "I": ("FFFFFF", "4A5563"),
}
LETTER_WORDS = (
    ("R", "Responsible: does the work"),
    ("A", "Accountable: owns the outcome and signs it off (one role per activity)"),
    ("AR", "Accountable and responsible: owns it and does it"),
    ("C", "Consulted: asked before the work is done"),
    ("I", "Informed: told once it is done"),
)
SEVERITY_HEADINGS = {rules.ERROR: "Errors", rules.WARNING: "Warnings", rules.INFO: "Worth a look"}

MAX_ROLES = 7  # role columns on one slide, fewer when a word of a role's name needs more room
ACTIVITY_W = 3.2  # inches
ROLE_W_MAX = 2.1
LETTER_PT = 16


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _counts_line(grid: Grid) -> str:
    counts = grid.counts
    parts = [
        _plural(counts[rules.ERROR], "error"),
        _plural(counts[rules.WARNING], "warning"),
        f"{counts[rules.INFO]} worth a look",
    ]
    return "Open findings: " + ", ".join(parts) + "."


def letter_cell(value: str) -> Cell:
    if not value:
        return Cell("")
    fill, ink = LETTER_COLOURS[value]
    return Cell(rules.DISPLAY[value], fill=fill, ink=ink, bold=True, center=True, pt=LETTER_PT)


def finding_text(finding: rules.Finding, grid: Grid, *, hide_names: bool) -> str:
    """The finding's message as the page shows it; a finding about a person says "one
    person" instead of their name when names are hidden."""
    if finding.person is None or not hide_names:
        return finding.message
    name = grid.people.get(finding.person, "")
    if name and finding.message.startswith(name):
        return "One person" + finding.message[len(name) :]
    return "One person holds several roles in this matrix."


def _roles_slide(deck: slides.Deck, grid: Grid, *, hide_names: bool) -> None:
    if hide_names:
        header = ["Role", "Short name", "What it does"]
        widths = [4.2, 2.0, slides.CONTENT_W - 6.2]
        rows = [[c.name, c.code, c.description] for c in grid.columns]
    else:
        header = ["Role", "Short name", "Held by"]
        widths = [4.2, 2.0, slides.CONTENT_W - 6.2]
        rows = [
            [c.name, c.code, ", ".join(grid.people[m] for m in c.holder_ids if m in grid.people) or "Nobody yet"]
            for c in grid.columns
        ]
    deck.table(title="The roles", header=header, rows=rows, widths=widths)


def roles_per_slide(names: list[str]) -> int:
    """As many role columns as fit beside the activities, up to `MAX_ROLES`, so that no
    word of a role's name is broken across lines in its header."""
    words = [word for name in names for word in re.split(r"[\s/-]+", name) if word]
    longest = max((len(word) for word in words), default=1)
    need = longest * slides.TABLE_PT * 0.5 / 72 + 2 * slides.CELL_MARGIN_X
    return max(1, min(MAX_ROLES, int((slides.CONTENT_W - ACTIVITY_W) // need)))


def _phase_slides(deck: slides.Deck, grid: Grid, label: str, activities) -> None:
    columns = grid.columns
    column_runs = slides.chunks(len(columns), roles_per_slide([c.name for c in columns])) or [range(0, 0)]
    role_room = slides.CONTENT_W - ACTIVITY_W
    # Rows are split once, by the tallest row any of the column runs makes, so that every
    # slide of a run of activities shows the same activities.
    header_rows, body_rows = [], []
    for run in column_runs:
        width = min(role_room / max(len(run), 1), ROLE_W_MAX)
        widths = [ACTIVITY_W] + [width] * len(run)
        header_rows.append((widths, [Cell("Activity")] + [Cell(columns[i].name, center=True) for i in run]))
        body_rows.append(
            [
                [Cell(a.name)] + [letter_cell(grid.cells.get((a.id, columns[i].role_id), ("", 0))[0]) for i in run]
                for a in activities
            ]
        )
    heights = [
        max(deck.row_height(rows[k], widths) for (widths, _), rows in zip(header_rows, body_rows, strict=True))
        for k in range(len(activities))
    ]
    head = max(deck.row_height(h, w) for w, h in header_rows)
    sample = _where(range(0, len(activities)), len(activities), column_runs[0], len(columns), split=True)
    room = min(deck.body_room(label, sample), deck.body_room(slides.continued(label), sample)) - head
    row_runs = slides.split_by_height(heights, room=room, max_items=slides.MAX_TABLE_ROWS) or [range(0, 0)]
    split = len(row_runs) > 1 or len(column_runs) > 1
    first = True
    for rows in row_runs:
        for run, (widths, header), body in zip(column_runs, header_rows, body_rows, strict=True):
            deck.table(
                title=label if first else slides.continued(label),
                header=header,
                rows=[body[k] for k in rows],
                widths=widths,
                subtitle=_where(rows, len(activities), run, len(columns), split=split),
                max_rows=len(rows) or 1,
                band=True,
            )
            first = False


def _where(rows: range, n_rows: int, run: range, n_columns: int, *, split: bool) -> str:
    """Which activities and roles a slide of a split phase holds, in words."""
    if not split:
        return ""
    parts = []
    if len(rows) < n_rows:
        parts.append(f"Activities {rows.start + 1}–{rows.stop} of {n_rows}")
    if len(run) < n_columns:
        parts.append(f"roles {run.start + 1}–{run.stop} of {n_columns}")
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def matrix_deck(grid: Grid, *, workspace_name: str, today: date, hide_names: bool = False) -> bytes:
    """The matrix as a .pptx file: `grid` as `raci.selectors.matrix_grid` reads it (with
    its findings), the workspace's name and the day for every slide's footer."""
    matrix = grid.matrix
    deck = slides.Deck(title=matrix.name, workspace=workspace_name, day=today)
    cover = [
        f"Who does what: {len(grid.activities)} {'activity' if len(grid.activities) == 1 else 'activities'} "
        f"across {_plural(len(grid.columns), 'role')}.",
        _counts_line(grid),
    ]
    if hide_names:
        cover.append("Names are hidden: roles only.")
    deck.cover(title=matrix.name, lines=cover)
    deck.table(
        title="How to read the letters",
        header=[Cell("Letter", center=True), "What the role does on the activity"],
        rows=[[letter_cell(letter), words] for letter, words in LETTER_WORDS],
        widths=[1.4, 8.6],
        subtitle="An empty cell: the role has no part in the activity.",
    )
    if grid.columns:
        _roles_slide(deck, grid, hide_names=hide_names)
    for _phase, label, activities in grid.phases():
        _phase_slides(deck, grid, label or "No phase", activities)
    lines: list[Line] = []
    for severity in (rules.ERROR, rules.WARNING, rules.INFO):
        found = [f for f in grid.findings if f.severity == severity]
        if found:
            lines.append(Line(f"{SEVERITY_HEADINGS[severity]} ({len(found)})", heading=True))
            lines += [Line(finding_text(f, grid, hide_names=hide_names)) for f in found]
    deck.lines(title="Open findings", lines=lines, empty="No open findings: every activity has its owner.")
    return deck.bytes()


def matrix_deck_of(*, matrix: Matrix, hide_names: bool = False) -> bytes:
    """The matrix's deck as its page reads it now; `matrix.workspace` names every slide."""
    workspace = matrix.workspace
    grid = selectors.matrix_grid(matrix=matrix)
    return matrix_deck(grid, workspace_name=workspace.name, today=workspace.today(), hide_names=hide_names)
