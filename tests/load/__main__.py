"""`make load`: the workshop scenario against a local production-shaped server.

Prepares a 60 x 10 matrix and EDITORS signed-in editors (tests/load/world.py), serves the
application with gunicorn (3 sync workers, production settings, PostgreSQL and Redis),
runs the Locust scenario (tests/load/locustfile.py) headless for DURATION seconds, then
checks that every cell is its last accepted write, that the history holds exactly the
accepted edits and that the stored finding counts equal a full check.

Exits 1 on any failed request or any of those problems; the latency goals (edit p95 <=
150 ms, seen by another editor p95 <= 1 s) are reported, and enforced with --strict.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOALS = {("POST", "edit"): 150, ("LIVE", "seen by another editor"): 1000}


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


def run(args) -> int:
    env = environment(args.port)
    work = Path(tempfile.mkdtemp(prefix="lockstep-load-"))
    world, accepted, stats = work / "world.json", work / "accepted.json", work / "stats"
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    with open(world, "w") as out:
        subprocess.run(
            [sys.executable, "-m", "tests.load.world", "prepare", str(args.editors)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=out,
        )
    host = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(host + "/accounts/login/", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
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
                host,
                "--json-file",
                str(stats),
                "--stop-timeout",
                "30",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=dict(env, LOAD_WORLD=str(world), LOAD_ACCEPTED=str(accepted)),
            stdout=subprocess.DEVNULL,
        )
    finally:
        server.terminate()
        server.wait()
    found = next(work.glob("stats*"), None)
    entries = json.loads(found.read_text()) if found else []
    rows = {(e["method"] or "", e["name"]): e for e in entries}
    print(
        f"\nworkshop: {args.editors} editors for {args.duration} s on a 60 x 10 matrix, gunicorn {args.workers} sync "
        f"workers, PostgreSQL + Redis, load generator on the same machine; times in ms"
    )
    print(f"{'':24} {'requests':>9} {'per s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>7}")
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
                f"{key[1]:24} {row['num_requests']:>9} {row['num_requests'] / seconds:7.1f} {p50:>6.0f} {p95:>6.0f} "
                f"{p99:>6.0f} {row['num_failures']:>7}"
            )
    print(f"errors: {errors}")
    missed = []
    for key, goal in GOALS.items():
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
    return 1 if errors or check.returncode or (args.strict and missed) else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=int(os.environ.get("EDITORS", "50")))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", "60")))
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8798")))
    parser.add_argument("--strict", action="store_true", help="also fail when a latency goal is missed")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
