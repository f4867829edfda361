"""The live feed: each lone cell edit's answer, kept for the other open pages' next polls.

An edit's answer already holds everything another page needs to show it: the cell's value
and version, its row's and column's badges and the matrix's counts, as of that change.
Kept under the change's sequence number, a poll for k changes is one cache read of k
entries, whatever the matrix's size, and each change is worked out once, by the request
that made it, instead of once per range of changes that open pages ask for.

A range is answered from the feed only when every change in it is there. A change made any
other way (a paste, a fix, an undo, a structural change) has no entry, nor has one whose
entry expired or was not written yet: such a range is answered the full way, from the
matrix (`raci.views.live`). Within a range of lone cell edits, the newest entry
for a row, a column or a cell is its current state: a row's findings depend only on its
cells, a column's only on its letters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string

from core import push

# Long enough for a page that missed a few polls (a slow network, a busy server) to catch
# up from the feed; a page further behind is answered the full way.
FEED_SECONDS = 120


@dataclass(slots=True, frozen=True)
class CellEdit:
    activity_id: int
    role_id: int
    value: str
    version: int
    row_badge: str  # the row's badge as an out-of-band swap, as of this change
    column_badge: str  # the column's, likewise
    actor_id: int | None
    actor_name: str
    n_activities: int  # the matrix's size at this change: pages are cut by it
    n_columns: int
    counts: dict[str, int] | None = None  # the matrix's finding counts after this change
    findings_moved: bool = True  # whether the row's or the column's findings changed


def _key(matrix_id: int, seq: int) -> str:
    return f"live-cell:{matrix_id}:{seq}"


def record(*, matrix_id: int, seq: int, edit: CellEdit) -> None:
    """Keep `edit` as change `seq`, once it is committed: a write rolled back gives its
    number back, and the next change must not be answered with this one. Open streams get
    it at the same moment (`raci.stream`), worked out here once for every page."""

    def kept() -> None:
        cache.set(_key(matrix_id, seq), edit, FEED_SECONDS)
        push.publish(channel(matrix_id), pushed_cell(seq, edit))

    transaction.on_commit(kept)


# --- pushed to open streams ----------------------------------------------------------------

# Set while a request records its cell edit in the feed itself (the grid's htmx edit): the
# write then publishes nothing of its own, since the feed's entry says more.
_feeding: ContextVar[bool] = ContextVar("raci_live_feeding", default=False)


@contextmanager
def feeding() -> Iterator[None]:
    token = _feeding.set(True)
    try:
        yield
    finally:
        _feeding.reset(token)


def channel(matrix_id: int) -> str:
    return push.channel("matrix", matrix_id)


def changed(*, matrix) -> None:
    """Tell open streams that the matrix changed, once the write commits: its sequence
    number only. A stream asks the page to fetch such a change the polling way
    (`raci.views.live`, shared by everyone at the same range and access)."""
    if not _feeding.get():
        push.publish_on_commit(channel(matrix.pk), lambda: {"kind": "changed", "seq": matrix.last_seq})


def pushed_cell(seq: int, edit: CellEdit) -> dict:
    """A cell edit as open streams get it: the same for every access level and view (the
    grid's apply-a-change changes a cell's letter and version in place, whatever its markup)."""
    counts = ""
    if edit.counts is not None:
        counts = render_to_string("raci/matrix.html#counts", {"counts": edit.counts})
    return {
        "kind": "cell",
        "seq": seq,
        "a": edit.activity_id,
        "r": edit.role_id,
        "v": edit.value,
        "ver": edit.version,
        "rb": edit.row_badge,
        "cb": edit.column_badge,
        "counts": counts,
        "actor": edit.actor_id,
        "n": [edit.n_activities, edit.n_columns],
        "moved": edit.findings_moved,
    }


def edits_between(*, matrix_id: int, since: int, upto: int, limit: int = 100) -> list[CellEdit] | None:
    """The cell edits after `since` up to `upto`, oldest first; None when any change of
    the range is not in the feed (or the range is longer than `limit`)."""
    if upto <= since or upto - since > limit:
        return None
    keys = [_key(matrix_id, seq) for seq in range(since + 1, upto + 1)]
    found = cache.get_many(keys)
    if len(found) != len(keys):
        return None
    return [found[key] for key in keys]
