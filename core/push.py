"""Pushed changes: Redis pub/sub between the processes that write and the stream processes.

A write publishes a small JSON message on a channel once its transaction commits
(`publish_on_commit`); each stream process (uvicorn, `config.asgi`) holds one Redis
subscription per channel that any of its open streams listens to (`Hub`), and hands each
message to those streams in memory. Nothing a process keeps is needed by another: a stream
that reconnects to another process resumes from the sequence number it last saw.

Knows nothing of the product: channel names and what messages mean belong to the apps.
Without `PUSH_REDIS_URL` (by default `REDIS_URL`) nothing is published and no stream opens:
pages poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)

Listener = Callable[[dict[str, Any]], None]

_client: redis.Redis | None = None
_client_url = ""


def redis_url() -> str:
    return getattr(settings, "PUSH_REDIS_URL", "") or ""


def enabled() -> bool:
    return bool(redis_url())


def channel(*parts: object) -> str:
    """A channel's name: `PUSH_CHANNEL_PREFIX` keeps apart deployments (or test workers)
    that share one Redis."""
    return getattr(settings, "PUSH_CHANNEL_PREFIX", "") + "push:" + ":".join(str(part) for part in parts)


def _sync_client() -> redis.Redis:
    global _client, _client_url
    url = redis_url()
    if _client is None or _client_url != url:
        _client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        _client_url = url
    return _client


def publish(channel: str, message: dict[str, Any]) -> None:
    """Publish now. A Redis that cannot be reached loses the message, never the write:
    pages find the change by the sequence number of the next one, or by polling."""
    if not enabled():
        return
    try:
        _sync_client().publish(channel, json.dumps(message, separators=(",", ":")))
    except redis.RedisError:
        log.warning("push: could not publish on %s", channel, exc_info=True)


def publish_on_commit(channel: str, build: Callable[[], dict[str, Any]]) -> None:
    """Publish what `build()` returns once the current transaction commits (at once outside
    one): a rolled-back write publishes nothing. `build` runs at commit, so it may read
    values the rest of the transaction settles (a sequence number bumped twice)."""
    if enabled():
        transaction.on_commit(lambda: publish(channel, build()))


# --- the stream side (async, in the stream process) ----------------------------------------


POOL_SIZE = 32


class Hub:
    """One Redis connection and one subscription per channel for the whole process: a
    thousand streams on one matrix cost Redis one subscriber, and a message is parsed once,
    then handed to each stream's listener (which only queues it)."""

    def __init__(self, url: str):
        self.url = url
        self.listeners: dict[str, set[Listener]] = {}
        self._redis: aioredis.Redis | None = None
        self._pubsub: Any = None
        self._reader: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    async def _ensure(self) -> None:
        if self._pubsub is None:
            # A burst of pages opening streams waits its turn for a connection instead of
            # failing past the pool's size (the subscription keeps one for itself). A
            # thousand pages opening at once keep this loop busy for seconds: a connection
            # is given that long to open (Redis itself answers in well under a millisecond).
            pool = aioredis.BlockingConnectionPool.from_url(
                self.url, max_connections=POOL_SIZE, timeout=10, socket_connect_timeout=10
            )
            self._redis = aioredis.Redis(connection_pool=pool)
            self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)

    async def listen(self, channels: list[str], listener: Listener) -> None:
        async with self._lock:
            await self._ensure()
            new = [c for c in channels if not self.listeners.get(c)]
            for channel in channels:
                self.listeners.setdefault(channel, set()).add(listener)
            if new:
                await self._pubsub.subscribe(*new)
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read())

    async def leave(self, channels: list[str], listener: Listener) -> None:
        async with self._lock:
            gone = []
            for channel in channels:
                listeners = self.listeners.get(channel)
                if listeners is None:
                    continue
                listeners.discard(listener)
                if not listeners:
                    del self.listeners[channel]
                    gone.append(channel)
            if gone and self._pubsub is not None:
                with contextlib.suppress(aioredis.RedisError, ConnectionError, OSError):
                    await self._pubsub.unsubscribe(*gone)

    async def _read(self) -> None:
        """Hand every message to its channel's listeners. A lost connection drops every
        listener's stream (each gets a `None`), so pages reconnect and resume by sequence."""
        try:
            while True:
                message = await self._pubsub.get_message(timeout=1.0)
                if message is None:
                    if not self.listeners:
                        return
                    continue
                channel = message["channel"].decode() if isinstance(message["channel"], bytes) else message["channel"]
                try:
                    data = json.loads(message["data"])
                except (TypeError, ValueError):
                    continue
                for listener in list(self.listeners.get(channel, ())):
                    listener(data)
        except (aioredis.RedisError, ConnectionError, OSError):
            log.warning("push: the subscription failed; open streams close and reconnect", exc_info=True)
            async with self._lock:
                everyone = {listener for listeners in self.listeners.values() for listener in listeners}
                self.listeners.clear()
                pubsub, self._pubsub = self._pubsub, None
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        await pubsub.aclose()
            for listener in everyone:
                listener({"kind": "lost"})

    async def redis(self) -> aioredis.Redis:
        async with self._lock:
            await self._ensure()
        assert self._redis is not None
        return self._redis


_hubs: dict[tuple[int, str], Hub] = {}


def hub() -> Hub:
    """The process's hub (one per event loop: a test may run several loops in turn)."""
    loop = asyncio.get_running_loop()
    key = (id(loop), redis_url())
    if key not in _hubs:
        _hubs.clear()
        _hubs[key] = Hub(redis_url())
    return _hubs[key]


# --- one person's open streams, counted across processes -----------------------------------

# A stream refreshes its mark at every heartbeat; a process that died leaves marks that stop
# counting after this long.
MARK_SECONDS = 60


class Unavailable(Exception):
    """Redis cannot be reached now: the stream is refused and the page polls."""


async def stream_open(person_id: int, cap: int) -> str | None:
    """Count a new stream of `person_id`, or None when they already have `cap` open."""
    key, stream_id, now = channel("open", person_id), uuid.uuid4().hex, time.time()
    try:
        client = await hub().redis()
        async with client.pipeline(transaction=True) as pipe:  # one round trip
            pipe.zremrangebyscore(key, 0, now - MARK_SECONDS)
            pipe.zadd(key, {stream_id: now})
            pipe.zcard(key)
            pipe.expire(key, MARK_SECONDS)
            _, _, count, _ = await pipe.execute()
        if count > cap:
            await client.zrem(key, stream_id)
            return None
    except (aioredis.RedisError, ConnectionError, OSError) as error:
        # Redis lost at any step, the refusal of one too many included: the page polls.
        raise Unavailable from error
    return stream_id


async def stream_alive(person_id: int, stream_id: str) -> None:
    client = await hub().redis()
    key = channel("open", person_id)
    async with client.pipeline(transaction=False) as pipe:
        pipe.zadd(key, {stream_id: time.time()})
        pipe.expire(key, MARK_SECONDS)
        await pipe.execute()


async def stream_closed(person_id: int, stream_id: str) -> None:
    with contextlib.suppress(aioredis.RedisError, ConnectionError, OSError, RuntimeError):
        client = await hub().redis()
        await client.zrem(channel("open", person_id), stream_id)


def sse(*, event: str, data: Any, id: int | None = None) -> str:
    """One server-sent event. `data` is JSON on one line (JSON never holds a raw newline)."""
    head = f"id: {id}\n" if id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def person_channel(person_id: int) -> str:
    return channel("person", person_id)


def access_changed(*, person_id: int, workspace_id: int | None = None) -> None:
    """Tell that person's open streams (in every process) that their access changed: they
    close, and the pages reconnect under the access they have now, or stop."""
    publish_on_commit(person_channel(person_id), lambda: {"kind": "access", "workspace": workspace_id})
