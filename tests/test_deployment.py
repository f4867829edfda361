"""The deployment files: docker-compose parses and its commands exist in the project;
production settings pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_web_worker_beat_postgres_and_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "import-worker", "beat", "db", "redis"}
    assert "gunicorn config.wsgi:application" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    for name in ("web", "worker", "import-worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")


def test_imports_have_a_worker_of_their_own_and_make_run_consumes_both_queues():
    from django.conf import settings

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    worker, imports = services["worker"]["command"], services["import-worker"]["command"]
    assert worker[worker.index("-Q") + 1] == settings.CELERY_TASK_DEFAULT_QUEUE == "lockstep"
    assert imports[imports.index("-Q") + 1] == settings.IMPORTS_QUEUE == "imports"
    run = (ROOT / "Makefile").read_text().split("\nrun:")[1].split("\n\n")[0]
    assert '-Q "$${CELERY_QUEUE:-lockstep},$${CELERY_IMPORTS_QUEUE:-imports}"' in run


def test_compose_commands_exist_in_the_project():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = " ".join(compose["services"]["web"]["command"])
    assert (ROOT / "config" / "wsgi.py").exists()
    for command in ("migrate", "seed_templates"):
        assert command in web
    assert (ROOT / "raci" / "management" / "commands" / "seed_templates.py").exists()
    from config.celery_app import app

    assert app.main == "lockstep"
    assert (ROOT / "Dockerfile").read_text().count("uv sync --frozen") == 1


def test_production_settings_pass_check_deploy():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY="kP3-vZ9_qW2xL8nR4tY6uJ1mB5cD7fG0hA2sE4wQ9zX3vN6bM8",
               ALLOWED_HOSTS="lockstep.example.com")
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests' setting, not production's
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.production")
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_a_bad_setting_names_its_variable():
    env = dict(os.environ, DEBUG="maybe")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "DEBUG must be true or false" in result.stderr


def test_migrations_are_up_to_date():
    result = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
