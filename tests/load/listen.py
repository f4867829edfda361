"""Open pages that only listen, for `make load --listeners N`: each holds the stream of its
matrix (as the page's EventSource does) and notes when each cell edit arrives.

    python -m tests.load.listen world.json out.json HOST[,HOST...] [--editors]

Reads `world.json` (tests/load/world.py), opens one stream per listener (and, with
`--editors`, one per editor on the edited matrix: their pages listen too), spread over the
stream processes given, round robin; writes `ready` next to `out.json` once every stream
is open, and runs until SIGTERM, then writes what it saw to `out.json`:

- `arrivals`: [activity, role, version, seconds since the epoch] of each cell edit another
  person made, as each stream on the edited matrix got it (seen by another, from the stream);
- `last`: per stream on the edited matrix that never asked its page to fetch, the newest
  version it got of each cell, and `fetches`: how many `structure` events all streams got
  (a page fetches those by polling, so what it shows is whole either way);
- `errors`: streams refused or cut, with why; `opened`: how many streams were open.

One asyncio process: reading a thousand streams costs it little, and its own lateness is
reported (`delay`, as the editors' generator does), so a busy generator shows.
"""

import asyncio
import json
import signal
import sys
import time
from pathlib import Path


class Listener:
    def __init__(self, host: str, path: str, cookie: str, edited: bool):
        self.host, self.path, self.cookie, self.edited = host, path, cookie, edited
        self.last: dict[str, int] = {}
        self.fetches = 0

    async def run(self, out: dict, opened: list) -> None:
        host, port = self.host.removeprefix("http://").split(":")
        try:
            reader, writer = await asyncio.open_connection(host, int(port), limit=2**22)
            writer.write(
                (
                    f"GET {self.path}stream/?page=1 HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    f"Accept: text/event-stream\r\nCookie: {self.cookie}\r\n\r\n"
                ).encode()
            )
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            if status != 200:
                out["errors"].append(f"stream refused: {status}")
                return
            opened.append(self)
            body = b""
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    out["errors"].append("stream ended")
                    return
                body += (await reader.readexactly(size + 2))[:-2]
                while b"\n\n" in body:
                    block, _, body = body.partition(b"\n\n")
                    self.event(block.decode(), out)
        except asyncio.CancelledError:
            raise
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            out["errors"].append(f"stream cut: {exc!r}")

    def event(self, block: str, out: dict) -> None:
        fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line and not line.startswith(":"))
        kind = fields.get("event")
        if not self.edited:
            return
        if kind == "structure":
            self.fetches += 1
        elif kind == "cells":
            now = time.time()
            for cell in json.loads(fields["data"])["cells"]:
                key = f"{cell['activity']}-{cell['role']}"
                self.last[key] = max(self.last.get(key, 0), cell["version"])
                if cell["remote"]:
                    out["arrivals"].append([cell["activity"], cell["role"], cell["version"], now])


async def main(world_path: str, out_path: str, hosts: list[str], editors: bool) -> None:
    world = json.loads(Path(world_path).read_text())
    name = world["session_cookie"]
    pages = [(entry["path"], entry["session"]) for entry in world["listeners"]]
    if editors:
        pages += [(world["path"], session) for session in world["sessions"]]
    listeners = [
        Listener(hosts[i % len(hosts)], path, f"{name}={session}", path == world["path"])
        for i, (path, session) in enumerate(pages)
    ]
    out: dict = {"arrivals": [], "errors": [], "delay": []}
    opened: list = []
    tasks = []
    for n, listener in enumerate(listeners):
        tasks.append(asyncio.create_task(listener.run(out, opened)))
        if n % 50 == 49:
            await asyncio.sleep(0.05)  # pages open over a moment, not in one instant
    deadline = time.monotonic() + 60
    while len(opened) + len(out["errors"]) < len(listeners) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    Path(out_path).with_name("ready").write_text(str(len(opened)))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    while not stop.is_set():
        start = time.monotonic()
        await asyncio.sleep(0.01)
        out["delay"].append((time.monotonic() - start - 0.01) * 1000)
    for task in tasks:
        task.cancel()
    out["opened"] = len(opened)
    # A page that got a `structure` event fetches what changed the polling way: only the
    # others show what their stream alone brought.
    out["last"] = [
        listener.last for listener in listeners if listener.edited and listener in opened and not listener.fetches
    ]
    out["fetches"] = sum(listener.fetches for listener in listeners)
    Path(out_path).write_text(json.dumps(out))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    asyncio.run(main(args[0], args[1], args[2].split(","), "--editors" in sys.argv))
