"""What the chat door adds to pages of the apps below it."""

from __future__ import annotations

from django.urls import reverse

from chat import selectors
from raci.grid import Grid
from raci.models import Matrix
from raci.views.page import row_href

SHOWN = 5


def rows_of(grid: Grid, most: list[tuple[int, int]]) -> list[tuple[str, int, str]]:
    """(name, count, link) of the most asked activities still in the grid."""
    names = {a.id: a.name for a in grid.activities}
    return [(names[a], count, row_href(grid, a)) for a, count in most if a in names][:SHOWN]


def most_asked(matrix: Matrix, grid: Grid) -> dict | None:
    """The matrix's most asked activities that are still in it, from the cache alone: the
    page's query count does not move. When the cache does not know, the page asks for the
    list once it is shown (`chat:most_asked`), which fills the cache; None when nobody asked."""
    most = selectors.most_asked_cached(matrix_id=matrix.pk)
    if most is None:
        return {"later": reverse("chat:most_asked", args=[matrix.workspace.slug, matrix.slug])}
    rows = rows_of(grid, most)
    return {"rows": rows} if rows else None


def settings_link(membership, errors=None) -> dict:
    return {}
