"""The matrix page's stream of changes (`text/event-stream`), served by the stream process.

An async view: under uvicorn (`config.asgi`) the response is sent as it is produced. Under
WSGI (runserver, gunicorn's sync workers, the test live server) Django would collect the
whole stream into a list before sending any of it, so the view refuses there (409, with
`X-Lockstep-Push: off`) and the page keeps polling. It refuses likewise without Redis, and
once a person has `PUSH_STREAMS_PER_PERSON` streams open (429).

The access check reads the database once, in a pool thread whose connection is closed
before the first byte is sent: an open stream holds no database connection.
"""

from __future__ import annotations

import asyncio
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from core import push
from core.bounds import query_int
from raci import live_feed, stream
from raci.matrix_access import matrix_for
from raci.views.page import view_of
from workspaces.access import can_edit


def refused(status: int, why: str) -> HttpResponse:
    response = HttpResponse(why, status=status, content_type="text/plain; charset=utf-8")
    response["X-Lockstep-Push"] = "off"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
async def matrix_stream(request, ws, m):
    user = request.user = await request.auser()
    if not user.is_authenticated:
        return refused(403, "Sign in again.")
    try:
        opened = await sync_to_async(_open, thread_sensitive=False)(request, ws, m)
    except Http404:
        return refused(404, "No such matrix.")
    if not isinstance(request, ASGIRequest):
        return refused(409, "Changes are not pushed by this server: the page polls.")
    if not push.enabled():
        return refused(409, "Changes are not pushed without Redis: the page polls.")
    mark = await push.stream_open(user.pk, settings.PUSH_STREAMS_PER_PERSON)
    if mark is None:
        return refused(429, "Too many open pages: this one polls.")
    one = opened["stream"]
    response = StreamingHttpResponse(_events(one, opened["last"], mark), content_type="text/event-stream")
    response["Cache-Control"] = "no-store"
    # nginx and others buffer a response unless told not to; Caddy flushes event streams.
    response["X-Accel-Buffering"] = "no"
    return response


def _open(request, ws, m) -> dict:
    """Who may see what, and where the page is: one query, then the connection closed."""
    try:
        matrix = matrix_for(request, ws, m)
        since = _since(request, matrix.last_seq)
        page, only = view_of(request)
        return {
            "stream": stream.Stream(
                matrix_id=matrix.pk,
                person_id=request.user.pk,
                editable=can_edit(matrix.access),  # type: ignore[attr-defined]  # set by matrix_for
                sent=since,
                cells_shown=not only and (page or 1) == 1,
            ),
            "last": matrix.last_seq,
        }
    finally:
        stream.close_connections()


def _since(request, last: int) -> int:
    """Where the page is: the last event it got (`Last-Event-ID`, sent by the browser when it
    reconnects), else the sequence number it was drawn at; never past the matrix."""
    since = query_int(request.headers.get("Last-Event-ID"))
    if since is None:
        since = query_int(request.GET.get("since"), default=last)
    return min(since if since is not None else last, last)


def _missed(matrix_id: int, since: int, last: int) -> list[dict]:
    """What a page that reconnects missed: the lone cell edits from the feed, else (a change
    of another kind, or further back than the feed keeps) one change announced by number,
    which the page fetches from the change log (or as the whole grid after a change to rows
    or columns)."""
    if last <= since:
        return []
    try:
        edits = live_feed.edits_between(matrix_id=matrix_id, since=since, upto=last)
        if edits:
            return [live_feed.pushed_cell(seq, edit) for seq, edit in enumerate(edits, start=since + 1)]
        return [{"kind": "changed", "seq": last}]
    finally:
        stream.close_connections()


async def _events(one: stream.Stream, last: int, mark: str):
    heartbeat = settings.PUSH_HEARTBEAT_SECONDS
    room = None
    try:
        # Middleware may have read the session after the view: close what it opened too.
        await sync_to_async(stream.close_connections)()
        room = await stream.join(one)
        missed = await sync_to_async(_missed, thread_sensitive=False)(one.matrix_id, one.sent, last)
        for data in missed:
            one.take(data)
        one.pending_since -= stream.GRACE_SECONDS  # nothing more is coming for what was missed
        resumed = one.flush(time.monotonic()) if missed else ""
        # `retry`: how long the browser waits before reconnecting after a lost stream.
        # (A proxy that buffers never lets `open` through: the page then keeps polling.)
        yield f"retry: {settings.PUSH_RETRY_MS}\n" + push.sse(event="open", data={"heartbeat": heartbeat}) + resumed
        while True:
            try:
                await asyncio.wait_for(one.wake.wait(), heartbeat)
            except TimeoutError:
                # Keeps proxies from closing a quiet stream, and tells the page it still works.
                yield push.sse(event="ping", data={})
                await push.stream_alive(one.person_id, mark)
                continue
            wait = one.due_in(time.monotonic())
            while wait > 0:
                await asyncio.sleep(wait)
                wait = one.due_in(time.monotonic())
            one.wake.clear()
            message = one.flush(time.monotonic())
            if message:
                yield message
            if one.closing:
                return
    finally:
        if room is not None:
            await stream.leave(one)
        await push.stream_closed(one.person_id, mark)
