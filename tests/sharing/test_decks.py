"""The last guard on a shared deck: every whole-word name in any slide's text, wherever it
sits (a list, a table cell, a line split over several runs, the file's properties), becomes
"someone"; the rest of the text is left as it was."""

import io
from datetime import date

from pptx import Presentation

from core.slides import Cell, Deck, Line
from sharing.decks import hide_names_in_deck

NAMES = ["Sam Lee", "sam.lee@acme.test", "slee"]


def _deck() -> bytes:
    deck = Deck(title="Plan for Sam Lee", workspace="Acme", day=date(2027, 1, 4))
    deck.cover(title="Launch plan", lines=["Owned by Sam Lee", "Ask slee or sam.lee@acme.test"])
    deck.table(
        title="Owners", header=["What", "Who"], rows=[[Cell("Pricing page"), Cell("PMM · Sam Lee")]], widths=[5, 7]
    )
    deck.lines(title="Notes", lines=[Line("Sam Leeway is a place, not a person"), Line("slees and sleet")])
    return deck.bytes()


def _texts(body: bytes) -> list[str]:
    prs = Presentation(io.BytesIO(body))
    found = [prs.core_properties.title]
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                found += [cell.text for row in shape.table.rows for cell in row.cells]
            elif shape.has_text_frame:
                found += [p.text for p in shape.text_frame.paragraphs]
    return found


def test_names_in_lists_tables_and_properties_become_someone():
    texts = _texts(hide_names_in_deck(_deck(), NAMES))
    assert "Plan for someone" in texts
    assert "Owned by someone" in texts
    assert "Ask someone or someone" in texts
    assert "PMM · someone" in texts
    assert not any("Sam Lee" in t and "Leeway" not in t for t in texts)


def test_longer_words_that_start_with_a_name_are_left_alone():
    texts = _texts(hide_names_in_deck(_deck(), NAMES))
    assert "Sam Leeway is a place, not a person" in texts
    assert "slees and sleet" in texts


def test_a_name_split_over_two_runs_is_still_found():
    prs = Presentation(io.BytesIO(_deck()))
    paragraph = next(
        p
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        if p.text == "Owned by Sam Lee"
    )
    paragraph.runs[0].text = "Owned by Sam"
    paragraph.add_run().text = " Lee"
    buffer = io.BytesIO()
    prs.save(buffer)
    texts = _texts(hide_names_in_deck(buffer.getvalue(), NAMES))
    assert "Owned by someone" in texts


def test_without_names_the_deck_is_unchanged():
    body = _deck()
    assert hide_names_in_deck(body, []) is body
