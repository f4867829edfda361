"""The deployment files: docker-compose parses and its commands exist in the project;
production settings pass `check --deploy`."""

import ipaddress
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured

from tests.settings_of import settings_of

ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY = "kP3-vZ9_qW2xL8nR4tY6uJ1mB5cD7fG0hA2sE4wQ9zX3vN6bM8"


def test_compose_runs_a_proxy_web_worker_beat_postgres_and_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"proxy", "web", "streams", "worker", "import-worker", "beat", "db", "redis"}
    assert "gunicorn config.wsgi:application" in " ".join(services["web"]["command"])
    # The streams are uvicorn's own process, not gunicorn's deprecated uvicorn worker class.
    streams = " ".join(services["streams"]["command"])
    assert "uvicorn config.asgi:application" in streams and "uvicorn.workers" not in streams
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    for name in ("web", "streams", "worker", "import-worker", "beat"):
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


def test_the_image_collects_static_files_under_the_production_settings():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in dockerfile
    assert "manage.py collectstatic --no-input" in dockerfile
    # A checkout's own environment must not replace the one the image installs.
    assert ".venv" in (ROOT / ".dockerignore").read_text().split()


def test_production_serves_static_files_hashed_and_compressed_after_the_security_middleware():
    production = settings_of("config.settings.production", SECRET_KEY=SECRET_KEY)
    middleware, storage = production["MIDDLEWARE"], production["STORAGES"]["staticfiles"]["BACKEND"]
    security = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_settings_pass_check_deploy():
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="lockstep.example.com",
    )
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests' setting, not production's
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        settings_of("config.settings.production", drop=("SECRET_KEY",))


def test_a_bad_setting_names_its_variable():
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        settings_of(DEBUG="maybe")


def test_migrations_are_up_to_date():
    # A process of its own: the test run's settings leave the migrations out.
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def make_run_commands(**env) -> str:
    """What `make run` would execute, with this environment, without running it."""
    base = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "PORT", "MAKEFLAGS")}
    result = subprocess.run(
        ["make", "-n", "run", *(f"{key}={value}" for key, value in env.pop("args", {}).items())],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_gives_the_server_and_the_ticks_the_site_url_of_its_port():
    commands = make_run_commands(args={"PORT": "8101"})
    assert "SITE_URL='http://127.0.0.1:8101'" in commands
    # Exported before the side process (ticks or Celery) and the server start, so both have it.
    assert commands.index("SITE_URL=") < commands.index("run_ticks") < commands.index("runserver 127.0.0.1:8101")
    assert ":8000" not in commands


def test_make_run_keeps_a_site_url_that_is_set():
    commands = make_run_commands(SITE_URL="https://lockstep.example.com", args={"PORT": "8101"})
    assert "SITE_URL='https://lockstep.example.com'" in commands
    assert "127.0.0.1:8101'" not in commands


def local_site_url(monkeypatch, **env) -> str:
    """SITE_URL as the local settings module computes it under this environment."""
    import importlib

    import config.settings.local

    for key in ("SITE_URL", "PORT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return importlib.reload(config.settings.local).SITE_URL


def test_local_settings_make_links_to_the_port_served_when_site_url_is_unset(monkeypatch):
    assert local_site_url(monkeypatch, PORT="8101") == "http://127.0.0.1:8101"
    assert local_site_url(monkeypatch, PORT="8101", SITE_URL="") == "http://127.0.0.1:8101"
    assert local_site_url(monkeypatch) == "http://127.0.0.1:8000"
    assert (
        local_site_url(monkeypatch, PORT="8101", SITE_URL="https://lockstep.example.com")
        == "https://lockstep.example.com"
    )


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def interpolate(value: str, env: dict) -> str:
    """Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}`, innermost first."""
    pattern = re.compile(r"\$\{(\w+)(?:(:-|:\?)([^${}]*))?\}")

    def one(match):
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        assert kind != ":?", f"compose would refuse to start without {name}: {rest}"
        return rest or ""

    while pattern.search(value):
        value = pattern.sub(one, value)
    return value


def test_compose_puts_caddy_on_ports_80_and_443_and_web_behind_it():
    services = compose()["services"]
    proxy = services["proxy"]
    assert proxy["image"] == "caddy:2"
    published = {str(port).split(":")[-1].split("/")[0] for port in proxy["ports"]}
    assert {"80", "443"} <= published
    assert "ports" not in services["web"]
    assert [str(port) for port in services["web"]["expose"]] == ["8000"]
    for name in ("worker", "beat", "db", "redis"):
        assert "ports" not in services[name], f"{name} is published"


def test_the_caddyfile_compose_mounts_is_in_the_repository_and_proxies_to_web():
    mounts = [volume.split(":") for volume in compose()["services"]["proxy"]["volumes"]]
    caddyfiles = [source for source, target, *_ in mounts if target == "/etc/caddy/Caddyfile"]
    assert len(caddyfiles) == 1
    caddyfile = (ROOT / caddyfiles[0]).resolve()
    assert caddyfile.is_relative_to(ROOT) and caddyfile.is_file()
    lines = [line.split("#")[0].strip() for line in caddyfile.read_text().splitlines()]
    assert "{$SITE_ADDRESS:localhost} {" in lines
    assert "reverse_proxy web:8000" in lines


def test_the_proxy_sends_streams_to_uvicorn_unbuffered_and_the_rest_to_gunicorn():
    from django.urls import reverse

    services = compose()["services"]
    assert [str(port) for port in services["streams"]["expose"]] == ["8001"]
    assert "ports" not in services["streams"]
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    matcher = next(line for line in lines if line.startswith("@stream "))
    pattern = re.compile(matcher.split()[-1])
    assert pattern.match(reverse("raci:stream", args=["acme", "core"]))
    assert pattern.match(reverse("workshops:stream", args=["acme", "core", 7]))
    assert pattern.match(reverse("launches:stream", args=["acme", "2027-q1"]))
    assert not pattern.match(reverse("raci:changes", args=["acme", "core"]))
    assert not pattern.match(reverse("launches:live", args=["acme", "2027-q1"]))
    stream_block = text[text.index("handle @stream {") : text.index("handle {")]
    assert "reverse_proxy streams:8001" in stream_block and "flush_interval -1" in stream_block
    assert "encode" not in stream_block.split("#")[0] and "encode zstd gzip" in text[text.index("handle {") :]


def test_web_worker_and_beat_trust_forwarded_headers_from_the_proxys_fixed_address_only():
    spec = compose()
    subnets = [ipaddress.ip_network(pool["subnet"]) for pool in spec["networks"]["default"]["ipam"]["config"]]
    dynamic = [ipaddress.ip_network(pool["ip_range"]) for pool in spec["networks"]["default"]["ipam"]["config"]]
    proxy_address = ipaddress.ip_address(spec["services"]["proxy"]["networks"]["default"]["ipv4_address"])
    assert any(proxy_address in subnet for subnet in subnets)
    # Docker hands out addresses from ip_range only: none of them can be the proxy's.
    assert not any(proxy_address in pool for pool in dynamic)
    for name in ("web", "worker", "beat"):
        service = spec["services"][name]
        assert service["environment"]["TRUSTED_PROXIES"] == str(proxy_address)
        assert "networks" not in service  # on the default network, where the proxy is


@pytest.mark.parametrize("site_address, host", [(None, "localhost"), ("lockstep.example.com", "lockstep.example.com")])
def test_site_address_names_the_site_for_links_hosts_and_csrf(site_address, host):
    env = {"SECRET_KEY": "x" * 60, **({"SITE_ADDRESS": site_address} if site_address else {})}
    app = {key: interpolate(str(value), env) for key, value in compose()["services"]["web"]["environment"].items()}
    proxy = {key: interpolate(str(value), env) for key, value in compose()["services"]["proxy"]["environment"].items()}
    assert proxy["SITE_ADDRESS"] == host
    assert app["SITE_URL"] == f"https://{host}"
    assert app["ALLOWED_HOSTS"] == host
    assert app["CSRF_TRUSTED_ORIGINS"] == f"https://{host}"
    assert app["SECURE_SSL_REDIRECT"] == "true"


def test_an_explicit_site_url_wins_over_the_site_address():
    env = {"SECRET_KEY": "x" * 60, "SITE_ADDRESS": "lockstep.example.com", "SITE_URL": "https://plan.example.com"}
    assert interpolate(compose()["services"]["web"]["environment"]["SITE_URL"], env) == "https://plan.example.com"


def test_compose_refuses_to_start_without_a_secret_key():
    with pytest.raises(AssertionError, match="SECRET_KEY"):
        interpolate(compose()["services"]["web"]["environment"]["SECRET_KEY"], {})


def test_readme_gives_the_one_command_that_brings_the_deploy_up():
    readme = (ROOT / "README.md").read_text()
    commands = [line for line in readme.splitlines() if line.rstrip().endswith("docker compose up -d")]
    assert len(commands) == 1 and "SECRET_KEY=" in commands[0] and "SITE_ADDRESS=" in commands[0]
    assert "`SITE_ADDRESS`" in readme


def test_readme_serves_production_outside_compose_step_by_step():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Production without compose")[1].split("\n## ")[0]
    steps = [line for line in section.splitlines() if line.startswith("uv run")]
    order = [
        next(i for i, line in enumerate(steps) if word in line) for word in ("collectstatic", "migrate", "gunicorn")
    ]
    assert order == sorted(order)
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in section
    for header in ("Host", "X-Forwarded-Proto", "X-Forwarded-For"):
        assert f"proxy_set_header {header} " in section
    assert "TRUSTED_PROXIES" in section and "CSRF_TRUSTED_ORIGINS" in section


def _settings_of(**env) -> dict:
    read = settings_of(**env)
    return {"db": read["DATABASES"]["default"].get("OPTIONS", {}), "cache": read["CACHES"]["default"]["BACKEND"]}


def test_on_postgresql_repeated_statements_are_prepared_unless_a_pooler_needs_them_not():
    url = "postgres://app@db.example.com:5432/lockstep"
    assert _settings_of(DATABASE_URL=url)["db"] == {"server_side_binding": True, "prepare_threshold": 2}
    assert _settings_of(DATABASE_URL=url, DATABASE_PREPARE_THRESHOLD="0")["db"]["prepare_threshold"] is None


def test_with_redis_the_cache_keeps_one_client_per_connection_pool():
    assert _settings_of(REDIS_URL="redis://127.0.0.1:6379/0")["cache"] == "core.cache.RedisCache"


def test_each_parallel_test_worker_keeps_its_cache_keys_apart():
    """pytest-xdist's workers share one Redis: a live-feed key such as `live-cell:3:7` of one
    worker must not be another's, nor cleared by another's `cache.clear()`."""

    def prefix(worker: str) -> str:
        test = settings_of("config.settings.test", REDIS_URL="redis://127.0.0.1:6379/0", PYTEST_XDIST_WORKER=worker)
        return test["CACHES"]["default"]["KEY_PREFIX"]

    assert prefix("gw0") != prefix("gw1")
    assert prefix("gw0").startswith("lockstep-test")
