"""Slides of what a share link shows ("Download as PowerPoint" on its page), drawn by the
workspace's own deck builders: the matrix's deck for a matrix link, the quarter's deck for a
quarter or a pre-read link (the pre-read summarises that same quarter). A launch has no deck.

With names hidden, the deck is asked for roles only and then, as the page is, passed through
the last guard: any member's name, username or e-mail address left in a slide's text (a
user's note, an activity named after someone) becomes "someone"."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from launches.deck import quarter_deck_of
from raci.deck import matrix_deck_of
from sharing.models import Kind, ShareLink
from sharing.selectors import names_of, names_pattern
from workspaces.workload import Quarter

KINDS = frozenset({Kind.MATRIX, Kind.QUARTER, Kind.PREREAD})


def offers_deck(link: ShareLink) -> bool:
    """Whether the link's page offers its slides: downloads allowed, and a kind with a deck."""
    return link.allow_downloads and link.kind in KINDS


def deck_of(link: ShareLink) -> tuple[bytes, str]:
    """The deck's bytes and its file name (ASCII); only for a link that `offers_deck`."""
    assert offers_deck(link)
    hide = link.hide_names
    if link.kind == Kind.MATRIX:
        assert link.matrix is not None
        body, filename = matrix_deck_of(matrix=link.matrix, hide_names=hide), f"{link.matrix.slug}.pptx"
    else:
        assert link.year is not None and link.quarter is not None
        quarter = Quarter(link.year, link.quarter)
        body = quarter_deck_of(workspace=link.workspace, quarter=quarter, hide_names=hide)
        filename = f"{link.year}-q{link.quarter}.pptx"
    if hide:
        body = hide_names_in_deck(body, names_of(workspace=link.workspace))
    return body, filename


def hide_names_in_deck(body: bytes, names: list[str]) -> bytes:
    """The deck with every whole-word name in its text (titles, lists, table cells, grouped
    shapes, the file's own author and title) replaced by "someone"."""
    if not names:
        return body
    pattern = names_pattern(names, escaped=False)
    prs = Presentation(io.BytesIO(body))
    for slide in prs.slides:
        for frame in _frames(slide.shapes):
            for paragraph in frame.paragraphs:
                runs = list(paragraph.runs)
                for run in runs:
                    run.text = pattern.sub("someone", run.text)
                whole = "".join(run.text for run in runs)
                if runs and pattern.search(whole):
                    # A name split across runs: one run keeps the whole line, without it.
                    runs[0].text = pattern.sub("someone", whole)
                    for run in runs[1:]:
                        run.text = ""
    props = prs.core_properties
    props.title = pattern.sub("someone", props.title or "")
    props.author = pattern.sub("someone", props.author or "")
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _frames(shapes):
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _frames(shape.shapes)
        elif shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    yield cell.text_frame
        elif shape.has_text_frame:
            yield shape.text_frame
