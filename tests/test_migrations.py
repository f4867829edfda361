"""The migrations build, on an empty database of the suite's own engine, every table and
column the models describe.

The test databases are made from the models directly (`--nomigrations` in the pytest
options: running 48 migrations cost each worker most of its set-up), so this is where the
migrations themselves run. `makemigrations --check` (tests/test_deployment.py) says the
models and the migrations agree; this says the migrations apply.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]

# Run after `migrate`, in the same process: every model's table and concrete columns exist.
CHECK = """
from django.apps import apps
from django.db import connection
missing = []
with connection.cursor() as cursor:
    tables = set(connection.introspection.table_names(cursor))
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        table = model._meta.db_table
        if table not in tables:
            missing.append(table)
            continue
        columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
        missing += [f"{table}.{f.column}" for f in model._meta.local_concrete_fields if f.column not in columns]
print("MISSING", sorted(missing))
"""
MIGRATE_THEN_CHECK = (
    "import django\n"
    "django.setup()\n"
    "from django.core.management import call_command\n"
    "call_command('migrate', interactive=False, verbosity=0)\n" + CHECK
)


def _postgres_url(name: str) -> str:
    settings = connection.settings_dict
    user = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"


def _postgres(sql: str) -> None:
    import psycopg

    with psycopg.connect(_postgres_url("postgres"), autocommit=True) as admin:
        admin.execute(sql)


def test_the_migrations_apply_to_an_empty_database_and_build_every_model(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    name = f"lockstep_migrations_{uuid.uuid4().hex[:12]}"
    if connection.vendor == "postgresql":
        _postgres(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = _postgres_url(name)
    else:
        env["SQLITE_PATH"] = str(tmp_path / f"{name}.sqlite3")
    try:
        # One process for both steps: each start of Django costs seconds.
        result = subprocess.run(
            [sys.executable, "-c", MIGRATE_THEN_CHECK], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "MISSING []" in result.stdout, result.stdout
    finally:
        if connection.vendor == "postgresql":
            _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
