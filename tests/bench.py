"""`make bench`: a cell edit and the 200 x 15 matrix page against a bare Django view.

Everything is served by one gunicorn (sync workers) with production settings, the same
middleware and a persistent database connection, and timed over HTTP in the same run:
sequential requests from one signed-in client, median of N after a warm-up.
"""

import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("BENCH_N", "250"))
WARMUP = 30
PORT = int(os.environ.get("BENCH_PORT", "8799"))


def environment() -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "BENCH_FLOOR": "true",
            "CONN_MAX_AGE": "600",
            # The API's limits are counted as usual, but high enough for the bench's own
            # pace: one token's 250 writes can come within a minute when the page is fast.
            "API_RATE_REQUESTS": "100000",
            "API_RATE_WRITES": "100000",
        }
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    return env


def prepare(env: dict) -> tuple[str, str, tuple[int, int], tuple[int, int], tuple[str, int, int]]:
    """Migrate and create the bench user, workspace and a 200 x 15 matrix (in a child
    process, so this one stays free of Django)."""
    code = r"""
import django; django.setup()
from django.contrib.auth import get_user_model
from raci.models import Activity, Cell, Column, Matrix
from workspaces.models import Role, Workspace
from workspaces import services
User = get_user_model()
Workspace.objects.filter(slug="bench").delete(); User.objects.filter(username="bench").delete()
user = User.objects.create_user("bench", "bench@example.com", "bench-password-1")
from allauth.account.models import EmailAddress
EmailAddress.objects.create(user=user, email="bench@example.com", verified=True, primary=True)
ws = services.workspace_create(name="Bench", owner=user)
m = Matrix.objects.create(workspace=ws, name="Big", slug="big")
roles = [Role.objects.create(workspace=ws, code=f"R{i}", name=f"Role {i}") for i in range(15)]
Column.objects.bulk_create([Column(matrix=m, role=r, order=i) for i, r in enumerate(roles)])
acts = Activity.objects.bulk_create([Activity(matrix=m, name=f"Activity {i}", phase=["insight","strategy","build","launch","post_launch"][i % 5], order=i) for i in range(200)])
Cell.objects.bulk_create([Cell(activity=a, role=r, value=("AR" if j == i % 15 else "CIRC"[j % 4] if j % 4 != 3 else "I"), version=1)
                          for i, a in enumerate(acts) for j, r in enumerate(roles)])
from django.db import connection
if connection.vendor == "postgresql":
    # What autovacuum does in a running deployment: earlier runs' rows are gone and the
    # planner knows the tables' sizes (autovacuum may be off, or not have come round yet).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
from api.tokens import token_create
print(ws.slug, m.slug, acts[7].pk, roles[3].pk, acts[8].pk, roles[5].pk)
print(token_create(user=user, workspace=ws, name="bench", scope="write").secret, acts[9].pk, roles[4].pk)
"""
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    ws, m, a, r, a2, r2, token, a3, r3 = out.stdout.split()
    return ws, m, (int(a), int(r)), (int(a2), int(r2)), (token, int(a3), int(r3))


class Client:
    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        # Bytes go out with the headers in one packet (as a browser sends a small form); a
        # str body is a second packet, which Nagle and delayed ACKs hold back ~40 ms.
        body = body.encode() if isinstance(body, str) else body
        all_headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        all_headers.update(headers or {})
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        conn.close()
        return response.status, data


def query_counts(env, ws, m, a, r) -> tuple[int, int]:
    code = rf"""
import django; django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.contrib.auth import get_user_model
from raci.models import Cell
c = Client(); c.force_login(get_user_model().objects.get(username="bench"))
url = "/w/{ws}/matrices/{m}/"
c.get(url)
with CaptureQueriesContext(connection) as page: c.get(url)
v = Cell.objects.get(activity_id={a}, role_id={r}).version
with CaptureQueriesContext(connection) as edit:
    c.post(url + "cells/{a}/{r}/", {{"value": "I" if v % 2 else "C", "version": v}}, headers={{"HX-Request": "true"}})
print(len(page.captured_queries), len(edit.captured_queries))
"""
    env = dict(env, ALLOWED_HOSTS="testserver")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    page, edit = out.stdout.split()
    return int(page), int(edit)


def rule_engine_ms() -> float:
    """The rule engine on a 2,000 x 30 matrix (pure Python, in this process)."""
    sys.path.insert(0, str(ROOT))
    from raci import rules

    activities = [rules.ActivityData(i, f"Activity {i}", "strategy") for i in range(2000)]
    roles = [rules.RoleData(j, f"R{j}") for j in range(30)]
    cells = {
        (i, j): ("AR" if j == i % 30 else "CRI"[(i + j) % 3]) for i in range(2000) for j in range(30) if (i + j) % 4
    }
    data = rules.MatrixData(activities, roles, cells)
    rules.check(data)
    samples = []
    for _ in range(7):
        start = time.perf_counter()
        rules.check(data)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def import_seconds(env: dict) -> float:
    """Parse, preview and save a 2,000 x 30 CSV through the import services (the work the
    background task does), on the configured database."""
    code = r"""
import time, django; django.setup()
from django.contrib.auth import get_user_model
from raci.models import Matrix
from raci import importing
from workspaces.models import Workspace
roles = [f"Role {j}" for j in range(30)]
lines = ["Activity,Phase," + ",".join(roles)]
for i in range(2000):
    lines.append(f"Activity {i},Strategy," + ",".join("A/R" if j == i % 30 else "CRI"[(i + j) % 3] for j in range(30)))
data = "\n".join(lines).encode()
user = get_user_model().objects.get(username="bench")
ws = Workspace.objects.get(slug="bench")
Matrix.objects.filter(workspace=ws, name="Imported").delete()
start = time.perf_counter()
job = importing.import_create(workspace=ws, actor=user, filename="big.csv", data=data, new_name="Imported")
job.refresh_from_db()
importing.import_parse(job) if job.status == "parsing" else None
job.refresh_from_db(); assert job.status == "preview", job.summary.get("errors")
importing.import_confirm(job=job)
job.refresh_from_db()
if job.status == "saving":
    importing.import_apply(job)
job.refresh_from_db(); assert job.status == "done"
print(time.perf_counter() - start)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"the import bench failed:\n{out.stderr[-2000:]}")
    return float(out.stdout.split()[-1])


def main():
    env = environment()
    ws, m, (a, r), column_cell, (token, *api_cell) = prepare(env)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        client = Client()
        for _ in range(100):
            try:
                status, body = client.request("GET", "/accounts/login/")
                assert status == 200, (status, body[:300])
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        status, _ = client.request(
            "POST",
            "/accounts/login/",
            urlencode(
                {
                    "login": "bench",
                    "password": "bench-password-1",
                    "csrfmiddlewaretoken": client.cookies["csrftoken"],
                }
            ),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{PORT}/accounts/login/",
            },
        )
        assert status == 302 and "sessionid" in client.cookies, f"sign-in failed: {status}"
        page_path = f"/w/{ws}/matrices/{m}/"
        status, html = client.request("GET", page_path)
        assert status == 200 and html.count(b'<a id="c-') == 3000, "the matrix page is not 200 x 15"

        def floor():
            status, body = client.request("GET", "/bench/floor/")
            assert status == 200 and body == b"ok"

        def page():
            status, _ = client.request("GET", page_path)
            assert status == 200

        def editing(cell, values):
            state = {"v": 1, "i": 0}

            def edit():
                state["i"] += 1
                body = urlencode({"value": values[state["i"] % 2], "version": state["v"]})
                status, answer = client.request(
                    "POST",
                    f"{page_path}cells/{cell[0]}/{cell[1]}/",
                    body,
                    {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "HX-Request": "true",
                        "X-CSRFToken": client.cookies["csrftoken"],
                    },
                )
                assert status == 200 and b"hx-swap-oob" in answer, status
                state["v"] = int(re.search(rb'data-v="(\d+)"', answer).group(1))

            return edit

        # A cell going between C and I, which no column rule counts (its column is not
        # read), and one going between R and A, whose column is read and re-checked.
        edit, edit_column = editing((a, r), ("C", "I")), editing(column_cell, ("A", "R"))

        def api_editing():
            """The same C <-> I edit through the API, with a token and the cell's ETag."""
            state = {"etag": '"v1"', "i": 0}
            path = f"/api/v1/w/{ws}/matrices/{m}/cells/{api_cell[0]}/{api_cell[1]}"

            def api_edit():
                state["i"] += 1
                status, answer = client.request(
                    "PUT",
                    path,
                    f'{{"value": "{("C", "I")[state["i"] % 2]}"}}',
                    {"Authorization": f"Bearer {token}", "If-Match": state["etag"], "Content-Type": "application/json"},
                )
                assert status == 200, (status, answer[:300])
                state["etag"] = f'"v{re.search(rb'"version": ?(\d+)', answer).group(1).decode()}"'

            return api_edit

        api_edit = api_editing()

        # Runs of each in turn, ten rounds: each is timed warm among its own kind, and
        # whatever else the machine does weighs on all of them alike.
        kinds = (floor, edit, edit_column, page, api_edit)
        for fn in kinds:
            for _ in range(WARMUP):
                fn()
        samples = {fn: [] for fn in kinds}
        rounds = 10
        for _ in range(rounds):
            for fn in kinds:
                for _ in range(N // rounds):
                    start = time.perf_counter()
                    fn()
                    samples[fn].append(time.perf_counter() - start)
        t_floor, t_edit, t_edit_column, t_page, t_api_edit = (statistics.median(samples[fn]) for fn in kinds)
    finally:
        server.terminate()
        server.wait()
    floor_ms = t_floor * 1000
    page_q, edit_q = query_counts(env, ws, m, a, r)
    db = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"stack: gunicorn sync x2, production settings, {db}, median of >= 200 sequential requests")
    print(f"floor (bare view):       {floor_ms:8.2f} ms")
    print(f"cell edit (htmx + oob):  {t_edit * 1000:8.2f} ms   queries: {edit_q}   (C <-> I)")
    print(f"cell edit, column read:  {t_edit_column * 1000:8.2f} ms   (R <-> A: the column's findings re-checked)")
    print(f"matrix page 200 x 15:    {t_page * 1000:8.2f} ms   queries: {page_q}")
    print(f"API cell write:          {t_api_edit * 1000:8.2f} ms   (C <-> I, bearer token and If-Match)")
    print(f"rule engine 2000 x 30:   {rule_engine_ms():8.2f} ms   (budget 100 ms)")
    print(f"import 2000 x 30 CSV:    {import_seconds(env):8.2f} s    (parse, preview and save, in the task)")
    print(f"ratio cell_edit/floor: {t_edit * 1000 / floor_ms:.1f}")
    print(f"ratio cell_edit_column/floor: {t_edit_column * 1000 / floor_ms:.1f}")
    print(f"ratio matrix_200x15/floor: {t_page * 1000 / floor_ms:.1f}")
    print(f"ratio api_cell_write/floor: {t_api_edit * 1000 / floor_ms:.1f}")
    print(f"ratio api_cell_write/cell_edit: {t_api_edit / t_edit:.2f}")


if __name__ == "__main__":
    main()
