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
from workspaces.sessions import sso_session_ends_at


def refused(status: int, why: str) -> HttpResponse:
    response = HttpResponse(why, status=status, content_type="text/plain; charset=utf-8")
    response["X-Lockstep-Push"] = "off"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
async def matrix_stream(request, ws, m):
    return await open_stream(request, lambda: _open(request, ws, m), missed=_missed)


async def open_stream(request, check, *, missed) -> HttpResponse | StreamingHttpResponse:
    """The stream of the page `check()` allows, or a refusal. `check` runs in a pool thread
    (it reads the database: who is signed in, what they may see), raises Http404 for someone
    it does not allow, and its connections are closed before it returns: however many pages
    open streams at once, the process holds at most its pool's few connections, and only
    for the check. `missed(stream, last)` gives what a page that reconnects missed."""
    try:
        opened = await sync_to_async(_checked, thread_sensitive=False)(request, check)
    except Http404:
        return refused(404, "Not found.")
    if opened is None:
        return refused(403, "Sign in again.")
    if not isinstance(request, ASGIRequest):
        return refused(409, "Changes are not pushed by this server: the page polls.")
    if not push.enabled():
        return refused(409, "Changes are not pushed without Redis: the page polls.")
    one = opened["stream"]
    try:
        mark = await push.stream_open(one.person_id, settings.PUSH_STREAMS_PER_PERSON)
    except push.Unavailable:
        # Redis is away or too slow to answer now: the page polls and tries again later.
        return refused(503, "Changes cannot be pushed just now: the page polls.")
    if mark is None:
        return refused(429, "Too many open pages: this one polls.")
    response = StreamingHttpResponse(_events(one, opened["last"], mark, missed), content_type="text/event-stream")
    response["Cache-Control"] = "no-store"
    # nginx and others buffer a response unless told not to; Caddy flushes event streams.
    response["X-Accel-Buffering"] = "no"
    return response


def _checked(request, check) -> dict | None:
    """`check()` for a signed-in person (None for anyone else), with when the session's single
    sign-on cap ends (read from the session, no query). Reading `request.user` here keeps
    the session's user, so the middleware after the view reads no database either."""
    try:
        if not request.user.is_authenticated:
            return None
        opened = check()
        opened["stream"].ends_at = sso_session_ends_at(request)
        return opened
    finally:
        stream.close_connections()


def _open(request, ws, m) -> dict:
    """Who may see what, and where the page is: one query, then the connection closed."""
    try:
        matrix = matrix_for(request, ws, m)
        since = since_of(request, matrix.last_seq)
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


def since_of(request, last: int) -> int:
    """Where the page is: the last event it got (`Last-Event-ID`, sent by the browser when it
    reconnects), else the sequence number it was drawn at; never past the matrix."""
    since = query_int(request.headers.get("Last-Event-ID"))
    if since is None:
        since = query_int(request.GET.get("since"), default=last)
    return min(since if since is not None else last, last)


def _missed(one: stream.Stream, last: int) -> list[dict]:
    """What a page that reconnects missed: the lone cell edits from the feed, else (a change
    of another kind, or further back than the feed keeps) one change announced by number,
    which the page fetches from the change log (or as the whole grid after a change to rows
    or columns)."""
    if last <= one.sent:
        return []
    try:
        edits = live_feed.edits_between(matrix_id=one.matrix_id, since=one.sent, upto=last)
        if edits:
            return [live_feed.pushed_cell(seq, edit) for seq, edit in enumerate(edits, start=one.sent + 1)]
        return [{"kind": "changed", "seq": last}]
    finally:
        stream.close_connections()


def missed_by_number(one: stream.Stream, last: int) -> list[dict]:
    """For a page whose changes are fetched, not sent: the newest change, by its number."""
    return [{"kind": "changed", "seq": last}] if last > one.sent else []


def _until_due(one: stream.Stream, heartbeat: float) -> float:
    """How long a quiet stream waits: until its next heartbeat, or the session's SSO cap if
    that comes first (a short wait past it, so a change arriving at the cap still goes out)."""
    if one.ends_at is None:
        return heartbeat
    return min(heartbeat, max(one.ends_at - time.time(), 0.01))


async def _events(one: stream.Stream, last: int, mark: str, missed_of):
    heartbeat = settings.PUSH_HEARTBEAT_SECONDS
    room = None
    try:
        # Middleware may have read the session after the view: close what it opened too.
        await sync_to_async(stream.close_connections)()
        room = await stream.join(one)
        missed = await sync_to_async(missed_of, thread_sensitive=False)(one, last)
        for data in missed:
            one.take(data)
        one.pending_since -= stream.GRACE_SECONDS  # nothing more is coming for what was missed
        resumed = one.flush(time.monotonic()) if missed else ""
        # `retry`: how long the browser waits before reconnecting after a lost stream.
        # (A proxy that buffers never lets `open` through: the page then keeps polling.)
        yield f"retry: {settings.PUSH_RETRY_MS}\n" + push.sse(event="open", data={"heartbeat": heartbeat}) + resumed
        while True:
            try:
                await asyncio.wait_for(one.wake.wait(), _until_due(one, heartbeat))
            except TimeoutError:
                if one.ends_at is not None and time.time() >= one.ends_at:
                    # The session's SSO cap ended: the page reloads, and the cap signs it out.
                    yield push.sse(event="reload", data={})
                    return
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
