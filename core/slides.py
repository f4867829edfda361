"""Slide decks for a projector, over python-pptx: 16:9 slides, each with its title and a
footer naming the workspace, the date and the slide's number; text never smaller than a
stated size; tables and lists that continue on further slides instead of shrinking.

Nothing here knows the product: callers hand in titles, lines and cells (plain text and
colours) and get the file's bytes back. How much fits on a slide is estimated from the
text's length at its size (python-pptx cannot measure text), on the generous side, so a
slide runs short rather than spilling over its footer.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from xml.sax.saxutils import escape

from django.http import HttpResponse
from pptx import Presentation
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls
from pptx.util import Inches

# The sizes a projector needs, stated once and checked by the tests: nothing below
# MIN_TABLE_PT (tables and the footer), other text at MIN_BODY_PT or more.
MIN_TABLE_PT = 14
MIN_BODY_PT = 18
TABLE_PT = 14
BODY_PT = 20
SUBTITLE_PT = 18
TITLE_PT = 30
COVER_PT = 40
FOOTER_PT = 14
# Bounds for one slide's table, whatever fits: a table that is longer or wider continues
# on further slides.
MAX_TABLE_ROWS = 12

FONT = "Arial"  # on every machine that opens a deck (LibreOffice reads it as Liberation Sans)
INK = "1C2430"
MUTED = "4A5563"
HEADER_FILL = "E4E9F2"
BAND_FILL = "F4F6FA"
WHITE = "FFFFFF"
BRAND = "2F4EA8"

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches
MARGIN = 0.5
CONTENT_W = SLIDE_W - 2 * MARGIN
TITLE_TOP = 0.35
FOOTER_TOP = 6.95
BODY_BOTTOM = 6.8
CELL_MARGIN_X, CELL_MARGIN_Y = 0.08, 0.05

FOOTER_NAME = "Footer"  # the footer's shape name: tests tell it from the slide's own text
LINE = 1.2  # a line's height, in multiples of its font size

# Characters an XML document cannot hold (python-pptx would refuse them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """One line of text as a slide can hold it: control characters dropped, line breaks as spaces."""
    return _NOT_XML.sub("", str(text)).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def day_text(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def short_day(day: date | None) -> str:
    return f"{day.day} {day:%b}" if day else ""


def text_lines(text: str, *, width: float, pt: float, bold: bool = False) -> int:
    """How many lines `text` takes at `pt` points in a box `width` inches wide, word-wrapped.
    An average character is taken as wide as 0.5 of the size (0.56 in bold): Arial's run
    about 0.47 in English text, so the estimate errs towards more lines."""
    per_line = max(1, int(width * 72 / (pt * (0.56 if bold else 0.5))))
    lines, used = 1, 0
    for word in clean(text).split(" "):
        size = len(word)
        while size > per_line:  # a word longer than the line breaks inside it
            if used:
                lines, used = lines + 1, 0
            lines, size = lines + 1, size - per_line
        if used and used + 1 + size > per_line:
            lines, used = lines + 1, size
        else:
            used += size + (1 if used else 0)
    return lines


def text_height(text: str, *, width: float, pt: float, bold: bool = False) -> float:
    """Inches."""
    return text_lines(text, width=width, pt=pt, bold=bold) * pt * LINE / 72


def chunks(n: int, per: int) -> list[range]:
    """`n` things in the fewest runs of at most `per`, as even as can be (15 by 6: 5, 5, 5)."""
    if n <= 0:
        return []
    count = math.ceil(n / max(per, 1))
    size, extra = divmod(n, count)
    runs, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        runs.append(range(start, end))
        start = end
    return runs


def split_by_height(heights: Sequence[float], *, room: float, max_items: int) -> list[range]:
    """Consecutive runs whose heights add up to at most `room` and that hold at most
    `max_items` each; an item taller than the room still gets a run of its own."""
    runs, start, used = [], 0, 0.0
    for i, height in enumerate(heights):
        if i > start and (used + height > room or i - start >= max_items):
            runs.append(range(start, i))
            start, used = i, 0.0
        used += height
    if start < len(heights):
        runs.append(range(start, len(heights)))
    return runs


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: its text, and optionally its own fill and ink (hex RRGGBB)."""

    text: str
    fill: str = ""
    ink: str = ""
    bold: bool = False
    center: bool = False
    pt: int = TABLE_PT
    detail: str = ""  # a second line under the text, in the cell's size, not bold


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a list: a bullet, or a heading that groups the bullets after it."""

    text: str
    heading: bool = False
    indent: int = 0


def _cell(value: Cell | str) -> Cell:
    return value if isinstance(value, Cell) else Cell(str(value))


class Deck:
    """A deck being built: add slides in order, then `bytes()`."""

    def __init__(self, *, title: str, workspace: str, day: date):
        self.title = clean(title)
        self.footer = clean(f"{workspace} · {day_text(day)}")
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
        self.prs.core_properties.title = self.title
        self.prs.core_properties.author = clean(workspace)
        self._blank = self.prs.slide_layouts[6]
        self._numbers: list = []  # each slide's "3 of 12", written when the count is known
        self._footers: list = []  # (slide's shape tree, footer box): moved last when done

    # --- text ------------------------------------------------------------------------

    def _box(self, slide, paragraphs: str, *, top: float, height: float, left=MARGIN, width=CONTENT_W, name=""):
        """A text box holding `paragraphs` (`a:p` elements as XML), no inner margins."""
        shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        if name:
            shape.name = name
        body = shape.text_frame._txBody
        for paragraph in body.p_lst:
            body.remove(paragraph)
        body.bodyPr.set("wrap", "square")
        for side in ("lIns", "tIns", "rIns", "bIns"):
            body.bodyPr.set(side, "0")
        for paragraph in parse_xml(f"<a:txBody {nsdecls('a')}>{paragraphs}</a:txBody>"):
            body.append(paragraph)

    def _text(self, slide, text: str, *, top: float, pt: int, bold=False, ink=INK, width=CONTENT_W, left=MARGIN):
        """A block of text; returns where the next block may start."""
        height = text_height(text, width=width, pt=pt, bold=bold)
        self._box(
            slide, _paragraph_xml(text, pt=pt, bold=bold, ink=ink), top=top, height=height, left=left, width=width
        )
        return top + height

    def _new_slide(self):
        """A blank slide with its footer. The footer comes first: python-pptx reads every
        shape of a slide to number a new one, which is cheap while the slide is empty."""
        slide = self.prs.slides.add_slide(self._blank)
        footer = _paragraph_xml(self.footer, pt=FOOTER_PT, ink=MUTED)
        self._box(slide, footer, top=FOOTER_TOP, height=0.3, width=CONTENT_W - 1.6, name=FOOTER_NAME)
        number = _paragraph_xml("", pt=FOOTER_PT, ink=MUTED, align="r")
        self._box(slide, number, top=FOOTER_TOP, height=0.3, left=SLIDE_W - MARGIN - 1.5, width=1.5, name=FOOTER_NAME)
        shapes = list(slide.shapes)
        self._numbers.append(shapes[-1].text_frame._txBody.xpath(".//a:t")[0])
        self._footers += [(slide.shapes._spTree, shape._element) for shape in shapes[-2:]]
        return slide

    def slide(self, title: str, subtitle: str = ""):
        """A new slide with its title (and a line under it); returns (slide, where the body starts)."""
        slide = self._new_slide()
        top = self._text(slide, title, top=TITLE_TOP, pt=TITLE_PT, bold=True)
        if subtitle:
            top = self._text(slide, subtitle, top=top + 0.08, pt=SUBTITLE_PT, ink=MUTED)
        return slide, top + 0.25

    def body_room(self, title: str, subtitle: str = "") -> float:
        """The height left for the body under this title, in inches (as `slide` lays it out)."""
        top = TITLE_TOP + text_height(title, width=CONTENT_W, pt=TITLE_PT, bold=True)
        if subtitle:
            top += 0.08 + text_height(subtitle, width=CONTENT_W, pt=SUBTITLE_PT)
        return BODY_BOTTOM - (top + 0.25)

    def cover(self, *, title: str, lines: Sequence[str] = ()) -> None:
        slide = self._new_slide()
        top = self._text(slide, title, top=1.6, pt=COVER_PT, bold=True, ink=BRAND)
        top += 0.3
        for line in lines:
            top = self._text(slide, line, top=top, pt=BODY_PT, ink=INK) + 0.12

    # --- lists -------------------------------------------------------------------------

    def _line_height(self, line: Line) -> float:
        width = CONTENT_W - 0.35 * (line.indent + (0 if line.heading else 1))
        gap = 10 if line.heading else 6
        return text_height(line.text, width=width, pt=BODY_PT, bold=line.heading) + gap / 72

    def lines(self, *, title: str, lines: Sequence[Line], subtitle: str = "", empty: str = "") -> int:
        """A list on as many slides as it needs (titled "… (continued)" after the first);
        `empty` is said when there is nothing to list. Returns the number of slides."""
        if not lines:
            slide, top = self.slide(title, subtitle)
            self._text(slide, empty, top=top, pt=BODY_PT, ink=MUTED)
            return 1
        heights = [self._line_height(line) for line in lines]
        room = min(self.body_room(title, subtitle), self.body_room(continued(title)))
        # A heading never ends a slide: it is kept with the line after it.
        starts = [i for i in range(len(lines)) if i == 0 or not lines[i - 1].heading]
        units = [range(a, b) for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]
        unit_runs = split_by_height(
            [sum(heights[i] for i in unit) for unit in units], room=room, max_items=MAX_TABLE_ROWS
        )
        runs = [range(units[r.start].start, units[r.stop - 1].stop) for r in unit_runs]
        for n, run in enumerate(runs):
            slide, top = self.slide(continued(title) if n else title, "" if n else subtitle)
            paragraphs = "".join(_line_xml(lines[i]) for i in run)
            self._box(slide, paragraphs, top=top, height=sum(heights[i] for i in run))
        return len(runs)

    # --- tables ------------------------------------------------------------------------

    def row_height(self, row: Sequence[Cell | str], widths: Sequence[float]) -> float:
        tallest = max(
            text_height(c.text, width=w - 2 * CELL_MARGIN_X, pt=c.pt, bold=c.bold)
            + (text_height(c.detail, width=w - 2 * CELL_MARGIN_X, pt=c.pt) if c.detail else 0)
            for c, w in zip(map(_cell, row), widths, strict=True)
        )
        return tallest + 2 * CELL_MARGIN_Y + 0.02

    def table(
        self,
        *,
        title: str,
        header: Sequence[Cell | str],
        rows: Sequence[Sequence[Cell | str]],
        widths: Sequence[float],
        subtitle: str | Callable[[range], str] = "",
        intro: Sequence[str] = (),
        max_rows: int = MAX_TABLE_ROWS,
        band: bool = True,
    ) -> int:
        """A table on as many slides as its rows need, the header repeated on each; `widths`
        in inches. `subtitle` may say which rows a slide holds (it is given their range);
        `intro` lines go above the table on the first slide. Returns the number of slides."""
        header_cells = [replace(c, fill=c.fill or HEADER_FILL, bold=True) for c in map(_cell, header)]
        head = self.row_height(header_cells, widths)
        heights = [self.row_height(row, widths) for row in rows]
        intro_height = sum(text_height(t, width=CONTENT_W, pt=SUBTITLE_PT) + 0.1 for t in intro)
        sample = subtitle(range(0, max(len(rows), 1))) if callable(subtitle) else subtitle
        room = min(self.body_room(title, sample), self.body_room(continued(title), sample)) - head
        first_room = room - intro_height
        runs: list[range] = []
        if rows:
            first = split_by_height(heights, room=first_room, max_items=max_rows)[0]
            if intro and first_room < max(heights[0], 0.6):
                first = range(0, 0)  # the intro alone, the table from the next slide
            runs = [first] if len(first) else []
            rest = split_by_height(heights[len(first) :], room=room, max_items=max_rows)
            runs += [range(r.start + len(first), r.stop + len(first)) for r in rest]
        if not runs:
            runs = [range(0, 0)]
        for n, run in enumerate(runs):
            text = subtitle(run) if callable(subtitle) else subtitle
            slide, top = self.slide(continued(title) if n else title, text)
            if n == 0:
                for line in intro:
                    top = self._text(slide, line, top=top, pt=SUBTITLE_PT) + 0.1
            if len(run):
                self._table(slide, top, [header_cells, *(rows[i] for i in run)], widths, band=band)
        return len(runs)

    def _table(self, slide, top: float, rows, widths, *, band: bool) -> None:
        heights = [self.row_height(row, widths) for row in rows]
        # One row is made through python-pptx, then the columns' widths and the rows are
        # written as XML in one go: through its objects, cell by cell, a deck of fifty
        # launches took seconds.
        shape = slide.shapes.add_table(
            1, len(widths), Inches(MARGIN), Inches(top), Inches(sum(widths)), Inches(sum(heights))
        )
        table = shape.table
        table.first_row = True
        table.horz_banding = False
        grid = table._tbl
        for column, width in zip(grid.tblGrid.gridCol_lst, widths, strict=True):
            column.set("w", str(Inches(width)))
        for tr in grid.tr_lst:
            grid.remove(tr)
        body = "".join(
            f'<a:tr h="{Inches(height)}">'
            + "".join(_cell_xml(_cell(value), band and r % 2 == 0) for value in row)
            + "</a:tr>"
            for r, (row, height) in enumerate(zip(rows, heights, strict=True))
        )
        for tr in parse_xml(f"<a:tbl {nsdecls('a')}>{body}</a:tbl>"):
            grid.append(tr)

    # --- the file ----------------------------------------------------------------------

    def bytes(self) -> bytes:
        """The deck with every slide's footer: the workspace and date, and "3 of 12"."""
        for n, number in enumerate(self._numbers, start=1):
            number.text = f"{n} of {len(self._numbers)}"
        # The footer goes last in each slide's order, which is the order a screen reader
        # reads: the title first.
        for tree, footer in self._footers:
            tree.append(footer)
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


def _run_xml(text: str, *, pt: int, bold: bool, ink: str) -> str:
    return (
        f'<a:r><a:rPr lang="en-GB" sz="{pt * 100}" b="{int(bold)}"><a:solidFill><a:srgbClr val="{ink}"/>'
        f'</a:solidFill><a:latin typeface="{FONT}"/></a:rPr><a:t>{escape(clean(text))}</a:t></a:r>'
    )


def _cell_xml(cell: Cell, banded: bool) -> str:
    align = "ctr" if cell.center else "l"
    paragraphs = (
        f'<a:p><a:pPr algn="{align}"/>{_run_xml(cell.text, pt=cell.pt, bold=cell.bold, ink=cell.ink or INK)}</a:p>'
    )
    if cell.detail:
        detail = _run_xml(cell.detail, pt=cell.pt, bold=False, ink=cell.ink or MUTED)
        paragraphs += f'<a:p><a:pPr algn="{align}"/>{detail}</a:p>'
    fill = cell.fill or (BAND_FILL if banded else WHITE)
    x, y = Inches(CELL_MARGIN_X), Inches(CELL_MARGIN_Y)
    return (
        f'<a:tc><a:txBody><a:bodyPr wrap="square"/><a:lstStyle/>{paragraphs}</a:txBody>'
        f'<a:tcPr marL="{x}" marR="{x}" marT="{y}" marB="{y}" anchor="ctr">'
        f'<a:solidFill><a:srgbClr val="{fill}"/></a:solidFill></a:tcPr></a:tc>'
    )


def continued(title: str) -> str:
    return f"{title} (continued)"


def _paragraph_xml(text: str, *, pt: int, bold: bool = False, ink: str = INK, align: str = "l") -> str:
    return f'<a:p><a:pPr algn="{align}"/>{_run_xml(text, pt=pt, bold=bold, ink=ink)}</a:p>'


def _line_xml(line: Line) -> str:
    """A list's line; a bullet hangs, so that wrapped lines start under the text, not the dot."""
    indent = Inches(0.35 * line.indent)
    after = 1000 if line.heading else 600  # hundredths of a point
    spacing = f'<a:spcAft><a:spcPts val="{after}"/></a:spcAft>'
    if line.heading:
        properties = f'<a:pPr marL="{indent}">{spacing}<a:buNone/></a:pPr>'
    else:
        properties = (
            f'<a:pPr marL="{indent + Inches(0.35)}" indent="{-Inches(0.3)}">{spacing}<a:buChar char="•"/></a:pPr>'
        )
    return f"<a:p>{properties}{_run_xml(line.text, pt=BODY_PT, bold=line.heading, ink=INK)}</a:p>"


# --- as a download --------------------------------------------------------------------

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_YES = frozenset({"1", "on", "true", "yes"})


def names_hidden(value: str | None) -> bool:
    """A `hide_names` query value as the pages' links and the API send it; anything else
    (missing, empty, unknown) shows names."""
    return (value or "").strip().lower() in _YES


def download(body: bytes, *, filename: str):
    """The deck as a file to save (`filename` is ASCII: a slug and `.pptx`)."""
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
