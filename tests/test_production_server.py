"""The production shape serves its own static files: gunicorn under the production settings,
after the Dockerfile's collectstatic, answers every asset the sign-in page links with a
hashed name, a long cache lifetime and a compressed copy."""

import os
import re
import secrets
import string
import subprocess
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from tests.server_process import database_env, free_port, server_process

ROOT = Path(__file__).resolve().parents[1]
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
YEAR = 365 * 24 * 60 * 60
# What a `<link rel=...>` loads; other links (canonical, next...) are not assets.
ASSET_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "mask-icon", "manifest", "preload", "modulepreload"}
# Formats that are compressed already: whitenoise rightly keeps no gzip copy of them.
PRECOMPRESSED = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2", ".gz", ".br")


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and ASSET_RELS & set((attrs.get("rel") or "").lower().split()) and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag in ("script", "img", "source") and attrs.get("src"):
            self.urls.append(attrs["src"])


def production_env(static_root: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SQLITE_PATH")
    }
    alphabet = string.ascii_letters + string.digits + "-_"
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(static_root),
        # No TLS in front of this server: the proxy's redirect is another test's concern.
        SECURE_SSL_REDIRECT="false",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return env


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@pytest.fixture
def production_server(db, tmp_path):
    static_root = tmp_path / "static"
    env = {**production_env(static_root), **database_env()}
    # The admin's and the API documentation's own files (about 1,100 of the 1,120 written,
    # a minute of compressing) are left out: the sign-in page uses none of them.
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-i", "admin", "-i", "ninja"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1", "--bind"]
    with server_process(lambda port: [*gunicorn, f"127.0.0.1:{port}"], env=env, log_path=tmp_path / "gunicorn.log") as (
        port,
        _,
    ):
        yield f"http://127.0.0.1:{port}", static_root


def test_every_asset_of_the_sign_in_page_is_served_hashed_cached_and_compressed(production_server):
    base, static_root = production_server
    status, headers, body = get(base + reverse("login"))
    assert status == 200, body[:2000]
    assert b'name="password"' in body
    # The production settings' own mark: cookies for HTTPS only.
    assert "secure" in headers.get("set-cookie", "").lower(), headers
    page = Assets()
    page.feed(body.decode())
    assert len(page.urls) >= 3, page.urls  # the stylesheet, htmx and the icon at least
    for url in page.urls:
        assert url.startswith("/static/"), f"{url} is not served by the app itself"
        assert HASHED.search(url), f"{url} has no content hash in its name"
        status, headers, plain = get(base + url)
        assert status == 200, url
        assert "immutable" in headers.get("cache-control", ""), (url, headers.get("cache-control"))
        max_age = re.search(r"max-age=(\d+)", headers["cache-control"])
        assert max_age and int(max_age.group(1)) >= YEAR, (url, headers["cache-control"])
        assert plain == (static_root / url.removeprefix("/static/")).read_bytes()
        if not url.endswith(PRECOMPRESSED):
            status, headers, squeezed = get(base + url, **{"Accept-Encoding": "gzip"})
            assert status == 200 and headers.get("content-encoding") == "gzip", (url, headers)
            assert len(squeezed) < len(plain), url
            assert "accept-encoding" in headers.get("vary", "").lower(), url


def test_without_collected_static_files_the_server_refuses_to_start_and_says_what_to_run(db, tmp_path):
    env = {**production_env(tmp_path / "never-collected"), **database_env()}
    server = subprocess.run(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{free_port()}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert server.returncode != 0
    assert "manifest" in server.stderr and "collectstatic --no-input" in server.stderr
