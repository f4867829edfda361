"""Forwarded headers are believed only from the proxies in TRUSTED_PROXIES."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from core.proxies import client_ip
from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_the_middleware_runs_before_all_others():
    assert django_settings.MIDDLEWARE[0] == "core.proxies.TrustedProxyMiddleware"


def test_forwarded_for_from_an_untrusted_peer_is_ignored():
    meta = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert client_ip(meta, ["10.0.0.0/8"]) == "203.0.113.5"
    assert "HTTP_X_FORWARDED_FOR" not in meta


def test_forwarded_for_from_a_trusted_proxy_is_believed():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert client_ip(meta, ["10.0.0.0/8"]) == "198.51.100.1"
    assert meta["HTTP_X_FORWARDED_FOR"] == "198.51.100.1"


def test_the_client_is_the_right_most_address_that_is_not_a_trusted_proxy():
    # The left-most entries are whatever the client wrote; each proxy appends its peer.
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.1, 10.0.0.3"}
    assert client_ip(meta, ["10.0.0.0/8"]) == "198.51.100.1"
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-ip, 10.0.0.3"}
    assert client_ip(meta, ["10.0.0.0/8"]) == "10.0.0.3"
    assert client_ip({"REMOTE_ADDR": "10.0.0.2"}, ["10.0.0.0/8"]) == "10.0.0.2"
    assert client_ip({"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "2001:db8::7"}, ["::1"]) == "2001:db8::7"


def test_with_no_trusted_proxies_nothing_forwarded_is_believed():
    meta = {
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": "198.51.100.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_HOST": "evil.example",
    }
    assert client_ip(meta, []) == "127.0.0.1"
    assert meta == {"REMOTE_ADDR": "127.0.0.1"}


@pytest.mark.django_db
def test_forwarded_proto_from_an_untrusted_peer_does_not_make_the_request_secure(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    url = reverse("login")
    response = client.get(url, headers={"X-Forwarded-Proto": "https"}, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    response = client.get(url, headers={"X-Forwarded-Proto": "https"}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 200


@pytest.mark.django_db
def test_rotating_forwarded_for_does_not_escape_the_address_limit(client, settings):
    url = reverse("login")
    for n in range(settings.LOGIN_MAX_FAILURES_PER_ADDRESS):
        client.post(
            url,
            {"login": f"victim{n}", "password": "wrong"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
            REMOTE_ADDR="203.0.113.5",
        )
    response = client.post(
        url,
        {"login": "victim-last", "password": "wrong"},
        headers={"X-Forwarded-For": "198.51.100.250"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert "from your network" in response.content.decode()


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_address_limit(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    url = reverse("login")
    for n in range(settings.LOGIN_MAX_FAILURES_PER_ADDRESS):
        client.post(
            url,
            {"login": f"victim{n}", "password": "wrong"},
            headers={"X-Forwarded-For": "198.51.100.1"},
            REMOTE_ADDR="10.0.0.2",
        )
    response = client.post(
        url,
        {"login": "victim-last", "password": "wrong"},
        headers={"X-Forwarded-For": "198.51.100.1"},
        REMOTE_ADDR="10.0.0.2",
    )
    assert "from your network" in response.content.decode()
    UserFactory(username="neighbour")
    response = client.post(
        url,
        {"login": "neighbour", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.2"},
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.status_code == 302


@pytest.mark.parametrize("value", ["caddy", "10.0.0.0/33", "10.0.0.1,,nope"])
def test_a_bad_trusted_proxies_value_stops_start_up_naming_it(value):
    env = dict(os.environ, TRUSTED_PROXIES=value)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "TRUSTED_PROXIES must list IP addresses or networks" in result.stderr


def test_trusted_proxies_accepts_addresses_and_networks():
    env = dict(os.environ, TRUSTED_PROXIES="10.0.0.2, 172.16.0.0/12,::1")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.TRUSTED_PROXIES)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "['10.0.0.2/32', '172.16.0.0/12', '::1/128']" in result.stdout
