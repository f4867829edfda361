"""A server process for a test: started on a free port of 127.0.0.1 against the test
database, waited for until it accepts connections, stopped after. The production server's
tests start gunicorn with it, the stream tests uvicorn."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_env() -> dict:
    """The test database (migrated by pytest-django) for the server's process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": settings["NAME"]}
    user = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return {
        "DATABASE_URL": f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    }


@contextlib.contextmanager
def server_process(
    command: Callable[[int], list[str]], *, env: dict, log_path: Path
) -> Iterator[tuple[int, subprocess.Popen]]:
    """Run `command(port)`; yield (port, process) once the port accepts connections. A
    process that exits first fails the test with its log."""
    port = free_port()
    log = log_path.open("w+")
    server = subprocess.Popen(command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                log.seek(0)
                pytest.fail(f"{command(port)[2]} exited with {server.returncode}:\n{log.read()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield port, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
