"""What the chat door adds to pages of the apps below it."""

from __future__ import annotations

from chat import selectors
from raci.grid import Grid
from raci.models import Matrix
from raci.views.page import row_href

SHOWN = 5


def most_asked(matrix: Matrix, grid: Grid) -> dict | None:
    """The matrix's most asked activities that are still in it, from the cache alone: the
    page's query count does not move. None when nobody asked yet (or the cache lost it)."""
    names = {a.id: a.name for a in grid.activities}
    rows = [
        (names[activity_id], count, row_href(grid, activity_id))
        for activity_id, count in selectors.most_asked_cached(matrix_id=matrix.pk)
        if activity_id in names
    ][:SHOWN]
    return {"rows": rows} if rows else None


def settings_link(membership, errors=None) -> dict:
    return {}
