"""Which activities one matrix page shows.

A page of the grid holds at most CELL_BUDGET cells (the grid's renderer is measured by
`make bench` at about 3,000 cells). A matrix within the budget is one page; a
bigger one is cut into pages of whole activities, `CELL_BUDGET // columns` each, in the
grid's own order (lifecycle phase, then position), so every activity is on exactly one
page and a phase may run over a page break. Plain Python: views, redirects and the live
refresh all ask it the same question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TypeVar

CELL_BUDGET = 3000

T = TypeVar("T")


def page_size(n_columns: int) -> int:
    """Activities per page: as many whole rows as fit the cell budget (at least one)."""
    return max(1, CELL_BUDGET // max(1, n_columns))


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # 1-based, within 1..count
    count: int
    size: int
    total: int

    @property
    def paged(self) -> bool:
        return self.count > 1

    @property
    def first(self) -> int:
        """The 1-based position of the page's first activity (0 on an empty matrix)."""
        return min((self.number - 1) * self.size + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)

    def rows(self, items: Sequence[T]) -> Sequence[T]:
        return items[(self.number - 1) * self.size : self.number * self.size]

    def nearby(self, around: int = 2) -> list[int | None]:
        """Page numbers for the pager: the first, the last and a few around this one;
        None where numbers are left out."""
        keep = {1, self.count, *range(self.number - around, self.number + around + 1)}
        numbers: list[int | None] = []
        for n in range(1, self.count + 1):
            if n in keep:
                numbers.append(n)
            elif numbers and numbers[-1] is not None:
                numbers.append(None)
        return numbers


def page_for(*, total: int, n_columns: int, requested: int | None) -> Page:
    """The page to show: the requested one, kept within the pages that exist."""
    size = page_size(n_columns) if total * n_columns > CELL_BUDGET else max(1, total)
    count = max(1, -(-total // size))
    number = min(max(requested or 1, 1), count)
    return Page(number, count, size, total)


def page_of(*, index: int, total: int, n_columns: int) -> int:
    """The page that shows the activity at 0-based `index` of the grid's order."""
    return index // page_for(total=total, n_columns=n_columns, requested=None).size + 1


def phase_starts(phases: Sequence[str], page: Page) -> list[tuple[str, int]]:
    """For each phase (in the order given, one entry per activity), the page its first
    activity is on."""
    starts, index = [], 0
    for phase, run in groupby(phases):
        starts.append((phase, index // page.size + 1))
        index += sum(1 for _ in run)
    return starts


def spill(page: Page, *, start: int, rows: int) -> range:
    """The 0-based positions, in the grid's order, where a block of `rows` rows pasted at
    0-based `start` would land past the page's last row: on rows the person cannot see.
    Empty when the block stays on the page or the matrix is one page (the matrix's own
    edge is the paste's own check)."""
    if not page.paged or start + rows <= page.last:
        return range(0)
    return range(max(page.last, start), min(start + rows, page.total))
