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

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

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


def _key(matrix_id: int, seq: int) -> str:
    return f"live-cell:{matrix_id}:{seq}"


def record(*, matrix_id: int, seq: int, edit: CellEdit) -> None:
    """Keep `edit` as change `seq`, once it is committed: a write rolled back gives its
    number back, and the next change must not be answered with this one."""
    transaction.on_commit(lambda: cache.set(_key(matrix_id, seq), edit, FEED_SECONDS))


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
