"""Laying out a deck: runs that split evenly, lists and tables that continue instead of
shrinking, every text at its stated size, and a footer on every slide."""

from __future__ import annotations

import io
from datetime import date

from pptx import Presentation

from core import slides
from core.slides import Cell, Line


def _open(body: bytes):
    return Presentation(io.BytesIO(body))


def _runs(slide):
    for shape in slide.shapes:
        if shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    for paragraph in cell.text_frame.paragraphs:
                        for run in paragraph.runs:
                            yield shape, run
        elif shape.has_text_frame:
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    yield shape, run


def _deck() -> slides.Deck:
    return slides.Deck(title="A deck", workspace="Acme Product", day=date(2026, 12, 7))


def test_columns_split_into_even_runs_of_at_most_the_bound():
    assert [len(r) for r in slides.chunks(15, 6)] == [5, 5, 5]
    assert [len(r) for r in slides.chunks(7, 6)] == [4, 3]
    assert [len(r) for r in slides.chunks(6, 6)] == [6]
    assert slides.chunks(0, 6) == []
    runs = slides.chunks(200, 12)
    assert sum(len(r) for r in runs) == 200 and max(len(r) for r in runs) <= 12
    assert [r.start for r in runs[1:]] == [r.stop for r in runs[:-1]]


def test_rows_split_where_the_room_or_the_count_runs_out():
    assert slides.split_by_height([1, 1, 1, 1, 1], room=2.5, max_items=10) == [range(0, 2), range(2, 4), range(4, 5)]
    assert slides.split_by_height([0.1] * 5, room=10, max_items=2) == [range(0, 2), range(2, 4), range(4, 5)]
    # A row taller than the room still gets a slide of its own instead of being lost.
    assert slides.split_by_height([5, 1], room=2, max_items=10) == [range(0, 1), range(1, 2)]
    assert slides.split_by_height([], room=2, max_items=10) == []


def test_longer_text_takes_more_lines_and_a_word_longer_than_a_line_breaks():
    assert slides.text_lines("Pricing", width=3, pt=14) == 1
    assert slides.text_lines("word " * 40, width=3, pt=14) > slides.text_lines("word " * 10, width=3, pt=14)
    assert slides.text_lines("x" * 200, width=1, pt=14) >= 200 * 14 * 0.5 // 72


def test_text_a_slide_cannot_hold_is_cleaned_not_refused():
    assert slides.clean("a\x00b\x0bc\nd\te") == "abc d e"
    deck = _deck()
    deck.lines(title="Odd\x00 text\x1f", lines=[Line("line\x08 one\nand two")])
    text = [run.text for _, run in _runs(_open(deck.bytes()).slides[0])]
    assert "Odd text" in text and "line one and two" in text


def test_hide_names_reads_only_plain_yes_values():
    assert all(slides.names_hidden(v) for v in ("1", "on", "true", "yes", " TRUE "))
    assert not any(slides.names_hidden(v) for v in (None, "", "0", "false", "no", "\x00", "hide" * 100))


def test_a_long_table_continues_on_further_slides_with_its_header_on_each():
    deck = _deck()
    rows = [[f"Row {n}", "x"] for n in range(40)]
    made = deck.table(title="Rows", header=["Name", "Value"], rows=rows, widths=[6, 6])
    prs = _open(deck.bytes())
    assert made == len(prs.slides) >= 4
    seen = []
    for n, slide in enumerate(prs.slides):
        table = next(s.table for s in slide.shapes if s.has_table)
        assert [c.text for c in table.rows[0].cells] == ["Name", "Value"]
        assert len(table.rows) - 1 <= slides.MAX_TABLE_ROWS
        seen += [row.cells[0].text for row in list(table.rows)[1:]]
        titles = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert ("Rows (continued)" if n else "Rows") in titles
    assert seen == [f"Row {n}" for n in range(40)]


def test_a_long_list_continues_and_a_heading_stays_with_the_line_it_heads():
    deck = _deck()
    lines = []
    for n in range(12):
        lines += [Line(f"Heading {n}", heading=True), Line(f"First {n} " * 12), Line(f"Second {n} " * 12)]
    made = deck.lines(title="A list", lines=lines)
    prs = _open(deck.bytes())
    assert made == len(prs.slides) > 1
    shown = []
    for slide in prs.slides:
        body = [s for s in slide.shapes if s.has_text_frame and s.name != slides.FOOTER_NAME][1]
        paragraphs = [p.text for p in body.text_frame.paragraphs]
        assert not paragraphs[-1].startswith("Heading")
        shown += paragraphs
    assert shown == [line.text for line in lines]


def test_every_slide_names_the_workspace_and_the_date_and_counts_the_slides():
    deck = _deck()
    deck.cover(title="A deck", lines=["One line"])
    deck.lines(title="Nothing", lines=[], empty="Nothing to say.")
    prs = _open(deck.bytes())
    for n, slide in enumerate(prs.slides, start=1):
        footer = [s.text_frame.text for s in slide.shapes if s.name == slides.FOOTER_NAME]
        assert footer == ["Acme Product · 7 Dec 2026", f"{n} of 2"]


def test_no_text_is_below_the_stated_sizes():
    deck = _deck()
    deck.cover(title="A deck", lines=["One line"])
    deck.table(
        title="T", header=["A", "B"], rows=[[Cell("x", detail="more"), "y"]], widths=[3, 3], intro=["An intro line"]
    )
    deck.lines(title="L", lines=[Line("H", heading=True), Line("b")])
    for slide in _open(deck.bytes()).slides:
        for shape, run in _runs(slide):
            size = run.font.size.pt
            if shape.has_table or shape.name == slides.FOOTER_NAME:
                assert size >= slides.MIN_TABLE_PT, run.text
            else:
                assert size >= slides.MIN_BODY_PT, run.text
