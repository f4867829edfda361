"""Stream processes for tests: uvicorn serving `config.asgi` (the test live server is WSGI,
where the stream refuses), on the test database and a Redis, and a small reader of
server-sent events.

The Redis is `PUSH_REDIS_URL`, else `REDIS_URL`, else the local one's database 15.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.server_process import database_env, server_process

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("PUSH_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def redis_ready() -> str:
    """The tests' Redis, which must answer: the stream tests fail without one, never skip."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"The stream tests need Redis at {REDIS_URL}: {exc}", pytrace=False)
    return REDIS_URL


class Server(str):
    """A server's base URL, knowing its process id."""

    pid: int


@contextlib.contextmanager
def stream_process(log_path: Path, *, app: str = "config.asgi:application", **env_extra: str) -> Iterator[Server]:
    """A uvicorn process on a free port, on the test database; yields its base URL."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(database_env())
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        STREAM_PROCESS_REDIS_URL=redis_ready(),
        PYTHONPATH=str(ROOT),
        **env_extra,
    )
    uvicorn = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--no-access-log", "--port"]
    with server_process(lambda port: [*uvicorn, str(port)], env=env, log_path=log_path) as (port, server):
        base = Server(f"http://127.0.0.1:{port}")
        base.pid = server.pid
        yield base


@dataclass
class Event:
    id: str | None
    event: str
    data: str


class EventReader:
    """A blocking reader of one `text/event-stream` answer, over a plain socket."""

    def __init__(self, base: str, path: str, *, cookie: str = "", last_event_id: str | None = None):
        host, port = base.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        headers = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
        if cookie:
            headers.append(f"Cookie: {cookie}")
        if last_event_id is not None:
            headers.append(f"Last-Event-ID: {last_event_id}")
        self.sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        self.buffer = b""
        head = self._until(b"\r\n\r\n", 10)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        self.chunked = self.headers.get("transfer-encoding", "").lower() == "chunked"
        self.body = b""
        self.closed = False

    def _until(self, marker: bytes, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while marker not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(marker)
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        found, _, self.buffer = self.buffer.partition(marker)
        return found

    def _fill(self, timeout: float) -> None:
        """Move at least one chunk of the body from the socket into `self.body`."""
        if not self.chunked:
            deadline = time.monotonic() + timeout
            if not self.buffer:
                self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
                chunk = self.sock.recv(65536)
                if not chunk:
                    self.closed = True
                    raise ConnectionError("closed")
                self.buffer += chunk
            self.body, self.buffer = self.body + self.buffer, b""
            return
        size = int(self._until(b"\r\n", timeout).split(b";")[0], 16)
        if size == 0:
            self.closed = True
            raise ConnectionError("closed")
        while len(self.buffer) < size + 2:
            self.sock.settimeout(timeout)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        self.body += self.buffer[:size]
        self.buffer = self.buffer[size + 2 :]

    def next(self, timeout: float = 5.0, *, skip: tuple[str, ...] = ("ping",)) -> Event:
        deadline = time.monotonic() + timeout
        while True:
            while b"\n\n" not in self.body:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no event")
                self._fill(left)
            block, _, self.body = self.body.partition(b"\n\n")
            fields: dict[str, str] = {}
            for line in block.decode().split("\n"):
                if line.startswith(":") or not line:
                    continue
                name, _, value = line.partition(": ")
                fields[name] = value
            if "event" not in fields or fields["event"] in skip:
                continue
            return Event(fields.get("id"), fields["event"], fields.get("data", ""))

    def ended(self, timeout: float = 5.0) -> bool:
        """Whether the server ends the stream within `timeout` (events before are dropped)."""
        try:
            while True:
                self.next(timeout)
        except ConnectionError:
            return True
        except TimeoutError:
            return False

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def session_cookie(client, user) -> str:
    """A session of `user`, as the browser would send it."""
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"
