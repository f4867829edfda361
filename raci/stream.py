"""Open matrix pages' streams, in the stream process: what each is sent, and when.

Each process has one `Room` per matrix that any of its streams shows: one Redis
subscription (`core.push.Hub`), whose messages (published by the write path once it
commits: `raci.live_feed`) are handed to every `Stream` of the room. A stream only queues
them; its own loop sends at most one message per `COALESCE_SECONDS`, folding what arrived
meanwhile into one event whose id is the last sequence number:

- `cells`: every change since the last message was a lone cell edit the feed carried, on a
  view that shows cells as they are (the newest state of each cell, row and column wins,
  as in `raci.views.live`); the page applies them with the grid's apply-a-change.
- `structure`: anything else (a paste, an undo, rows or columns, a change whose message was
  lost); the page fetches it the polling way, shared by everyone at the same range and access.
- `panel`: the findings panel, only when a change moved findings; built once per room and
  access level, at most once per `PANEL_SECONDS`, never once per page.
- `reload`: the person's access changed (`core.push.access_changed`), or the session's
  single sign-on cap ended (`ends_at`): the page reloads, under the access it has now, or
  not at all.

Nothing here touches the database except the panel's build (a pool thread, whose
connection is closed before it returns).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connections

from core import push
from raci import live_feed, paging

COALESCE_SECONDS = 0.1
# A change announced by its number alone is waited for this long for the feed's own message
# (the grid's edit publishes both), and a gap in the numbers for the change that fills it.
GRACE_SECONDS = 0.05
PANEL_SECONDS = 1.0


def close_connections() -> None:
    """Close this thread's database connections: a stream waits for minutes, and holding one
    per stream would run PostgreSQL out of them (100 by default)."""
    for connection in connections.all(initialized_only=True):
        connection.close()


@dataclass(eq=False)
class Stream:
    """One open page's stream: what it was last sent and what waits to be sent."""

    matrix_id: int
    person_id: int
    editable: bool
    sent: int  # the sequence number the page is known to have
    cells_shown: bool = True  # false on a page of a paged matrix or the findings-only view
    # Another page's channel (a workshop's): its changes are numbered, announced, fetched.
    channel: str = ""
    # When the session's single sign-on cap ends (a Unix time; workspaces.sessions), read
    # from the session as the stream opens: the stream ends there with `reload`, and the
    # page's reload meets the cap, which signs the person out.
    ends_at: float | None = None
    pending: dict[int, dict | None] = field(default_factory=dict)
    pending_since: float = 0.0
    last_sent_at: float = 0.0
    panel: tuple[int, str] | None = None
    panel_sent: int = -1
    closing: str = ""
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def take(self, data: dict[str, Any]) -> None:
        kind = data.get("kind")
        if kind in ("access", "lost"):
            self.closing = kind
            self.wake.set()
            return
        seq = data.get("seq")
        if not isinstance(seq, int) or seq <= self.sent:
            return
        if not self.pending:
            self.pending_since = time.monotonic()
        if kind == "cell":
            self.pending[seq] = data
        else:
            self.pending.setdefault(seq, None)
        self.wake.set()

    def take_panel(self, seq: int, html: str) -> None:
        if seq > self.panel_sent:
            self.panel = (seq, html)
            self.wake.set()

    def _complete(self) -> bool:
        """Whether the pending changes follow the last sent one without a gap, each with
        the feed's message."""
        top = max(self.pending)
        return len(self.pending) == top - self.sent and all(self.pending.values())

    def due_in(self, now: float) -> float:
        """Seconds until the next message may go out (0: now)."""
        if self.closing or not (self.pending or self.panel):
            return 0.0
        wait = self.last_sent_at + COALESCE_SECONDS - now
        if self.pending and not self._complete():
            wait = max(wait, self.pending_since + GRACE_SECONDS - now)
        return max(wait, 0.0)

    def flush(self, now: float) -> str:
        """The message for everything pending, as server-sent events ("" when nothing)."""
        if self.closing == "access":
            return push.sse(event="reload", data={})
        if self.closing:
            return ""
        parts = []
        if self.pending:
            top = max(self.pending)
            edits = [self.pending[seq] for seq in sorted(self.pending)]
            if self.cells_shown and self._complete() and not any(_paged(e) for e in edits if e):
                parts.append(push.sse(event="cells", data=self._cells(edits, top), id=top))
            else:
                parts.append(push.sse(event="structure", data={"seq": top}))
            self.sent = top
            self.pending = {}
        if self.panel is not None:
            seq, html = self.panel
            parts.append(push.sse(event="panel", data={"seq": seq, "html": html}))
            self.panel_sent, self.panel = seq, None
        self.last_sent_at = now
        return "".join(parts)

    def _cells(self, edits: list[dict | None], top: int) -> dict:
        cells: dict[tuple[int, int], dict] = {}
        badges: dict[str, str] = {}
        for edit in edits:  # oldest first: the newest state of each cell, row and column wins
            assert edit is not None
            cells[(edit["a"], edit["r"])] = {
                "activity": edit["a"],
                "role": edit["r"],
                "value": edit["v"],
                "version": edit["ver"],
                "remote": edit["actor"] != self.person_id,
            }
            badges[f"rb-{edit['a']}"] = edit["rb"]
            if edit["cb"]:  # an edit that could not change its column's findings has none
                badges[f"cb-{edit['r']}"] = edit["cb"]
            if edit["counts"]:
                badges["finding-counts"] = edit["counts"]
        return {
            "seq": top,
            "cells": list(cells.values()),
            "badges": [{"id": key, "html": html} for key, html in badges.items()],
        }


def _paged(edit: dict) -> bool:
    n_activities, n_columns = edit["n"]
    return paging.page_for(total=n_activities, n_columns=n_columns, requested=None).paged


class Room:
    """A channel's open streams in this process and, for a matrix, its findings panel as
    last built here."""

    def __init__(self, channel: str, matrix_id: int | None):
        self.channel = channel
        self.matrix_id = matrix_id
        self.streams: set[Stream] = set()
        self.panel_wanted = 0
        self.panel_task: asyncio.Task | None = None
        self.panel_built_at = 0.0

    def deliver(self, data: dict[str, Any]) -> None:
        for stream in list(self.streams):
            stream.take(data)
        kind = data.get("kind")
        if kind == "lost":
            self.streams.clear()
            _rooms.pop(self.channel, None)
            return
        seq = data.get("seq")
        if self.matrix_id is None:
            return
        if isinstance(seq, int) and (kind == "changed" or (kind == "cell" and data.get("moved"))):
            self.panel_wanted = max(self.panel_wanted, seq)
            if self.panel_task is None or self.panel_task.done():
                self.panel_task = asyncio.create_task(self._build_panels())

    async def _build_panels(self) -> None:
        """Build the findings panel for each access level with an open stream, once for all
        of them, and hand it out; at most once per PANEL_SECONDS."""
        assert self.matrix_id is not None
        while self.streams:
            wait = self.panel_built_at + PANEL_SECONDS - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            wanted = self.panel_wanted
            levels = sorted({stream.editable for stream in self.streams})
            self.panel_built_at = time.monotonic()
            try:
                built = await sync_to_async(_panels, thread_sensitive=False)(self.matrix_id, levels)
            except Exception:  # a panel that cannot be built now comes with the next change
                push.log.warning("push: the findings panel of matrix %s was not built", self.matrix_id, exc_info=True)
                return
            for stream in list(self.streams):
                if stream.editable in built:
                    stream.take_panel(*built[stream.editable])
            if self.panel_wanted <= wanted:
                return


def _panels(matrix_id: int, levels: list[bool]) -> dict[bool, tuple[int, str]]:
    from raci.models import Matrix
    from raci.views.live import panel_shared

    try:
        matrix = Matrix.objects.select_related("workspace").filter(pk=matrix_id).first()
        if matrix is None:
            return {}
        built = {}
        for editable in levels:
            panel = panel_shared(matrix, editable=editable)
            built[editable] = (panel["seq"], panel["html"])
        return built
    finally:
        close_connections()


_rooms: dict[str, Room] = {}


def _channel_of(stream: Stream) -> str:
    return stream.channel or live_feed.channel(stream.matrix_id)


async def join(stream: Stream) -> Room:
    """Add `stream` to its channel's room (subscribing the process on the first) and to its
    person's channel (access changes)."""
    channel = _channel_of(stream)
    room = _rooms.get(channel)
    if room is None:
        room = _rooms[channel] = Room(channel, None if stream.channel else stream.matrix_id)
    room.streams.add(stream)
    hub = push.hub()
    await hub.listen([channel], room.deliver)
    await hub.listen([push.person_channel(stream.person_id)], stream.take)
    return room


async def leave(stream: Stream) -> None:
    channel = _channel_of(stream)
    room = _rooms.get(channel)
    hub = push.hub()
    with contextlib.suppress(Exception):
        await hub.leave([push.person_channel(stream.person_id)], stream.take)
    if room is not None:
        room.streams.discard(stream)
        if not room.streams:
            _rooms.pop(channel, None)
            with contextlib.suppress(Exception):
                await hub.leave([channel], room.deliver)
