"""An edit the page is told is saved survives a PostgreSQL crash.

The test starts a PostgreSQL cluster of its own (initdb in a temporary folder, its own
port, as the `postgres` user when the suite runs as root), with the WAL writer asleep for
10 s so that a commit that did not wait for the disk is reliably still in memory. An
editor process makes cell edits through `cell_set` and stops the database with
`pg_ctl stop -m immediate` the moment the last answer arrives; after a restart every
answered edit must be there. The same run with `CELL_EDIT_SYNCHRONOUS_COMMIT=false` (the
opt-in) loses some: the crash is real, so the check could fail.
"""

import glob
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
EDITS = 120


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found or shutil.which(name), f"PostgreSQL's {name} is needed for the crash test"
    return found[-1] if found else shutil.which(name)


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        options = (
            f"-p {self.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on "
            "-c wal_writer_delay=10000 -c checkpoint_timeout=3600 -c shared_buffers=16MB -c max_connections=20"
        )
        self.pg_ctl = [_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(folder / "log")]

    def run(self, *args: str) -> None:
        subprocess.run(_as_postgres([*args]), check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self.run(_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self.start()
        self.run(_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "lockstep")

    def start(self) -> None:
        self.run(*self.pg_ctl, "-w", "start")

    def command(self, *args: str) -> str:
        return shlex.join(_as_postgres([*self.pg_ctl, *args]))

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/lockstep"

    def stop(self) -> None:
        subprocess.run(_as_postgres([*self.pg_ctl, "-m", "immediate", "stop"]), capture_output=True, timeout=60)


@pytest.fixture
def cluster():
    folder = Path(tempfile.mkdtemp(prefix="lockstep-crash-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    found = Cluster(folder)
    try:
        found.init()
        yield found
    finally:
        found.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _edit_and_crash(cluster: Cluster) -> dict[str, dict[tuple[int, int], str]]:
    """The edits answered as saved, by commit mode: {mode: {(activity, role): value}}."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": cluster.url(),
        "CRASH_MODES": "asynchronous synchronous",
        "CRASH_EDITS": str(EDITS),
        "CRASH_COMMAND": cluster.command("-m", "immediate", "stop"),
        "START_COMMAND": cluster.command("-w", "start"),
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.raci.crash_editor"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.split("\n")
    assert "crashed asynchronous" in lines and "crashed synchronous" in lines
    matrices = {int(line.split()[2]): line.split()[1] for line in lines if line.startswith("matrix ")}
    saved: dict[str, dict[tuple[int, int], str]] = {mode: {} for mode in matrices.values()}
    for line in lines:
        if line.startswith("saved "):
            _, matrix, activity, role, value = line.split()
            saved[matrices[int(matrix)]][int(activity), int(role)] = value
    assert sum(line.startswith("saved ") for line in lines) == 2 * EDITS
    return saved


def _lost(cluster: Cluster, saved: dict[tuple[int, int], str]) -> list[tuple[int, int]]:
    with psycopg.connect(cluster.url()) as conn:
        stored = {(a, r): v for a, r, v in conn.execute("SELECT activity_id, role_id, value FROM raci_cell")}
    return [key for key, value in saved.items() if stored.get(key, "") != value]


def test_every_edit_answered_as_saved_is_there_after_the_database_crashes(cluster):
    saved = _edit_and_crash(cluster)  # the editor started the database again after each crash
    assert _lost(cluster, saved["asynchronous"]), (
        "the opt-in asynchronous commit lost nothing: the crash proves nothing"
    )
    assert _lost(cluster, saved["synchronous"]) == []
