"""`make load`: the workshop scenario against a local production-shaped server.

Prepares a 60 x 10 matrix and EDITORS signed-in editors (tests/load/world.py), serves the
application with gunicorn (3 sync workers, production settings, PostgreSQL and Redis),
runs the Locust scenario (tests/load/locustfile.py) headless for DURATION seconds, then
checks that every cell is its last accepted write, that the history holds exactly the
accepted edits and that the stored finding counts equal a full check.

With `--listeners N` (LISTENERS=N), pages stream instead of polling: a stream process
(uvicorn, config.asgi) serves N listening pages (tests/load/listen.py; one in twenty on the
edited matrix, the rest over nineteen others) and every editor's page. Before the editors
start, the open streams sit idle for `--idle` seconds: the stream processes' CPU and memory
and PostgreSQL's connections are reported. Afterwards, `seen by another (stream)` is the
time from an edit being sent to each other page's stream bringing it, and `lost` counts
pages on the edited matrix whose stream never brought a cell's last accepted version.
`--processes 2` runs two web processes (gunicorn) and two stream processes, editors and
pages spread over them.

Exits 1 on any failed request, refused or cut stream, lost update or any of those problems;
the latency goals (edit p95 <= 150 ms, seen by another editor p95 <= 1 s) are reported,
and enforced with --strict.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOALS = {("POST", "edit"): 150, ("LIVE", "seen by another editor"): 1000}
STREAM_GOAL_MS = 250
SETTLE_SECONDS = 10


def environment(port: int) -> dict:
    env = dict(os.environ)
    if not env.get("DATABASE_URL", "").startswith("postgres") or not env.get("REDIS_URL"):
        raise SystemExit(
            "make load needs PostgreSQL and Redis: set DATABASE_URL=postgres://... and REDIS_URL=redis://..."
        )
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "CONN_MAX_AGE": "600",
        }
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def percentile(times: dict, q: float) -> float:
    """The q-quantile of Locust's histogram of response times ({rounded ms: count})."""
    counts = sorted((float(ms), n) for ms, n in times.items())
    total = sum(n for _, n in counts)
    seen = 0
    for ms, n in counts:
        seen += n
        if seen >= q * total:
            return ms
    return float("nan")


def _wait_for(url: str, what: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not start")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _pg_connections(env: dict) -> int:
    url = env["DATABASE_URL"]
    found = subprocess.run(
        ["psql", url, "-tAc", "select count(*) from pg_stat_activity where datname = current_database()"],
        capture_output=True,
        text=True,
    )
    return int(found.stdout.strip() or -1)


def run(args) -> int:
    env = environment(args.port)
    work = Path(tempfile.mkdtemp(prefix="lockstep-load-"))
    world, accepted, stats, heard = work / "world.json", work / "accepted.json", work / "stats", work / "heard.json"
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    # Collected again only when a static file changed since (compressing them all takes a
    # minute on a busy machine: a series of runs would spend most of its time there).
    manifest = Path(env.get("STATIC_ROOT") or ROOT / "staticfiles") / "staticfiles.json"
    newest = max(path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    with open(world, "w") as out:
        subprocess.run(
            [sys.executable, "-m", "tests.load.world", "prepare", str(args.editors), str(args.listeners)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=out,
        )
    pushed = args.listeners > 0 or args.push
    hosts = [f"http://127.0.0.1:{args.port + i}" for i in range(args.processes)]
    stream_hosts = [f"http://127.0.0.1:{args.port + 3 + i}" for i in range(args.processes)] if pushed else []
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", str(args.workers)]
            + (
                ["--worker-class", "gthread", "--threads", str(args.threads)]
                if args.threads > 1
                else ["--worker-class", "sync"]
            )
            + ["--bind", host.removeprefix("http://"), "--log-level", "warning"],
            cwd=ROOT,
            env=env,
        )
        for host in hosts
    ]
    streams = [
        subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--no-access-log", "--log-level", "warning"]
            + ["--host", "127.0.0.1", "--port", host.rsplit(":", 1)[1]],
            cwd=ROOT,
            env=env,
        )
        for host in stream_hosts
    ]
    listener = None
    idle: dict = {}
    try:
        for host in hosts:
            _wait_for(host + "/accounts/login/", "gunicorn")
        for host in stream_hosts:
            _wait_for(host + "/accounts/login/", "uvicorn")
        if pushed:
            rss_before = sum(_rss_mb(p.pid) for p in streams)
            pg_before = _pg_connections(env)
            listener = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.load.listen",
                    str(world),
                    str(heard),
                    ",".join(stream_hosts),
                    "--editors",
                ],
                cwd=ROOT,
                env=env,
            )
            ready = work / "ready"
            for _ in range(900):
                if ready.exists() or listener.poll() is not None:
                    break
                time.sleep(0.1)
            time.sleep(2)  # the streams' first heartbeat and the processes settle
            cpu_start, wall_start = sum(_cpu_seconds(p.pid) for p in streams), time.monotonic()
            time.sleep(args.idle)
            cpu = sum(_cpu_seconds(p.pid) for p in streams) - cpu_start
            opened = int(ready.read_text()) if ready.exists() else 0
            rss_after = sum(_rss_mb(p.pid) for p in streams)
            idle = {
                "opened": opened,
                "cpu": cpu / (time.monotonic() - wall_start) * 100,
                "kb_per_stream": (rss_after - rss_before) * 1024 / max(opened, 1),
                "rss": rss_after,
                "pg_before": pg_before,
                "pg_open": _pg_connections(env),
            }
        ramp = max(1.0, args.editors / 5)  # everyone is on the page within about five seconds
        locust = subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "tests/load/locustfile.py"),
                "--headless",
                "--only-summary",
                "-u",
                str(args.editors),
                "-r",
                str(ramp),
                "--run-time",
                f"{args.duration}s",
                "--reset-stats",
                "--host",
                hosts[0],
                "--json-file",
                str(stats),
                "--stop-timeout",
                "30",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=dict(
                env,
                LOAD_WORLD=str(world),
                LOAD_ACCEPTED=str(accepted),
                LOAD_HOSTS=",".join(hosts),
                **({"LOAD_POLL_EVERY": "0"} if pushed else {}),
            ),
            stdout=subprocess.DEVNULL,
        )
        if listener is not None:
            time.sleep(1.5)  # the last edits' messages are on their way
            listener.terminate()
            listener.wait(timeout=60)
    finally:
        for process in [*servers, *streams]:
            process.terminate()
        for process in [*servers, *streams]:
            process.wait()
    found = next(work.glob("stats*"), None)
    entries = json.loads(found.read_text()) if found else []
    rows = {(e["method"] or "", e["name"]): e for e in entries}
    print(
        f"\nworkshop: {args.editors} editors for {args.duration} s on a 60 x 10 matrix, {args.processes} x gunicorn "
        f"{args.workers} "
        + (f"gthread workers x {args.threads} threads" if args.threads > 1 else "sync workers")
        + (f", {args.processes} x uvicorn, {args.listeners} listening pages" if pushed else "")
        + ", PostgreSQL + Redis, load generator on the same machine; times in ms"
    )
    if idle:
        print(
            f"idle, {idle['opened']} open streams (listeners and editors' pages), no edits: stream processes "
            f"{idle['cpu']:.1f}% of one core, {idle['kb_per_stream']:.0f} KB per stream ({idle['rss']:.0f} MB in all); "
            f"PostgreSQL connections {idle['pg_before']} before the streams, {idle['pg_open']} with them open"
        )
    print(f"{'':26} {'requests':>9} {'per s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>7}")
    seconds = (
        max(
            1.0, max((e["last_request_timestamp"] or 0) for e in entries) - min((e["start_time"] or 0) for e in entries)
        )
        if entries
        else 1.0
    )
    errors = sum(e["num_failures"] for e in entries)
    for key in [
        ("GET", "matrix page"),
        ("POST", "edit"),
        ("GET", "findings panel"),
        ("GET", "live update"),
        ("LIVE", "seen by another editor"),
        ("LOAD", "generator delay"),
    ]:
        row = rows.get(key)
        if row:
            p50, p95, p99 = (percentile(row["response_times"], q) for q in (0.5, 0.95, 0.99))
            print(
                f"{key[1]:26} {row['num_requests']:>9} {row['num_requests'] / seconds:7.1f} {p50:>6.0f} {p95:>6.0f} "
                f"{p99:>6.0f} {row['num_failures']:>7}"
            )
    missed = []
    lost = 0
    goals = dict(GOALS)
    if pushed:
        goals.pop(("LIVE", "seen by another editor"))
        lost, stream_errors, seen_p95 = _stream_report(heard, accepted)
        errors += stream_errors
        print(
            f"goal seen by another (stream) p95 <= {STREAM_GOAL_MS} ms: "
            f"{'met' if seen_p95 <= STREAM_GOAL_MS else 'MISSED'} ({seen_p95:.0f} ms)"
        )
        if seen_p95 > STREAM_GOAL_MS:
            missed.append("seen by another (stream)")
    print(f"errors: {errors}")
    for key, goal in goals.items():
        p95 = percentile(rows[key]["response_times"], 0.95) if key in rows else float("inf")
        print(f"goal {key[1]} p95 <= {goal} ms: {'met' if p95 <= goal else 'MISSED'} ({p95:.0f} ms)")
        if p95 > goal:
            missed.append(key[1])
    check = subprocess.run(
        [sys.executable, "-m", "tests.load.world", "check", str(world), str(accepted)], cwd=ROOT, env=env
    )
    if locust.returncode not in (0, 1):
        print(f"locust exited with {locust.returncode}")
        return 1
    return 1 if errors or lost or check.returncode or (args.strict and missed) else 0


def _stream_report(heard: Path, accepted: Path) -> tuple[int, int, float]:
    """Print what the streams brought; return (lost, stream errors, seen p95)."""
    if not heard.exists():
        print("the listening pages wrote nothing")
        return 1, 1, float("inf")
    got = json.loads(heard.read_text())
    done = json.loads(accepted.read_text()) if accepted.exists() else {"sent": {}, "last": {}}
    sent = done.get("sent", {})
    times = sorted((at - sent[f"{a}-{r}-{v}"]) * 1000 for a, r, v, at in got["arrivals"] if f"{a}-{r}-{v}" in sent)
    histogram: dict = {}
    for ms in times:
        histogram[round(ms)] = histogram.get(round(ms), 0) + 1
    p50, p95, p99 = (percentile(histogram, q) for q in (0.5, 0.95, 0.99)) if times else (float("inf"),) * 3
    print(f"{'seen by another (stream)':26} {len(times):>9} {'':>7} {p50:>6.0f} {p95:>6.0f} {p99:>6.0f} {'':>7}")
    # The same once every editor is on the page: the first seconds hold the editors' page
    # loads, which the web workers serve while the first edits wait behind them.
    if sent:
        settled = min(sent.values()) + SETTLE_SECONDS
        later = sorted(
            (at - sent[f"{a}-{r}-{v}"]) * 1000
            for a, r, v, at in got["arrivals"]
            if sent.get(f"{a}-{r}-{v}", 0) >= settled
        )
        if later:
            q = [later[min(len(later) - 1, int(len(later) * f))] for f in (0.5, 0.95, 0.99)]
            label = f"  after the first {SETTLE_SECONDS} s"
            print(f"{label:26} {len(later):>9} {'':>7} {q[0]:>6.0f} {q[1]:>6.0f} {q[2]:>6.0f} {'':>7}")
    delay = sorted(got["delay"]) or [0.0]
    print(
        f"{'listener delay':26} {len(delay):>9} {'':>7} {delay[len(delay) // 2]:>6.0f} "
        f"{delay[int(len(delay) * 0.95)]:>6.0f} {delay[int(len(delay) * 0.99)]:>6.0f}"
    )
    lost = sum(1 for last in got["last"] for key, (version, _) in done["last"].items() if last.get(key, 0) < version)
    errors = len(got["errors"])
    print(
        f"streams: {got['opened']} open, {errors} refused or cut{': ' + '; '.join(sorted(set(got['errors']))[:3]) if errors else ''}, "
        f"{got['fetches']} changes fetched the polling way; lost updates (a page on the edited matrix never "
        f"brought a cell's last accepted version): {lost}"
    )
    return lost, errors, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=int(os.environ.get("EDITORS", "50")))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", "60")))
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="threads per web worker (gthread); 1: sync workers")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8798")))
    parser.add_argument("--listeners", type=int, default=int(os.environ.get("LISTENERS", "0")))
    parser.add_argument("--push", action="store_true", help="pages stream even with no listeners")
    parser.add_argument("--processes", type=int, default=int(os.environ.get("PROCESSES", "1")))
    parser.add_argument("--idle", type=float, default=10.0, help="seconds the open streams sit idle, measured")
    parser.add_argument("--strict", action="store_true", help="also fail when a latency goal is missed")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
