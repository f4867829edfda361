"""Small parts that the apps above raci add beside a matrix's grid on its page.

The matrix page belongs to raci, yet some of what it may show comes from apps built on it
(the chat's "most asked" activities). Such an app registers an `Aside` in its
`AppConfig.ready()`; the page includes its template with what `context` returns, or leaves
it out when that is None. The page is held to a fixed number of queries, so `context` must
read no table: it works from the grid the page already read and from the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from raci.grid import Grid
from raci.models import Matrix


@dataclass(frozen=True)
class Aside:
    key: str
    template: str
    # context(matrix, grid) -> what the template needs, or None to show nothing.
    context: Callable[[Matrix, Grid], dict | None]


_asides: list[Aside] = []


def register(aside: Aside) -> None:
    if all(a.key != aside.key for a in _asides):
        _asides.append(aside)


def asides_for(matrix: Matrix, grid: Grid) -> list[tuple[str, dict]]:
    """(template, context) of every registered aside that has something to show."""
    shown = []
    for aside in _asides:
        context = aside.context(matrix, grid)
        if context is not None:
            shown.append((aside.template, context))
    return shown
