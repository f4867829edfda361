"""The calendar feed's secret token never reaches a log: not Django's request log (404, 405,
500, CSRF refusal), not the development server's log, and not the request attached to
a record."""

import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

from config.log_redaction import REDACTED, RedactSecrets, redact
from launches import services
from rituals import selectors as rituals_selectors
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed():
    workspace = WorkspaceFactory()
    token = services.feed_token_regenerate(workspace=workspace).token
    return reverse("rituals:feed", args=[workspace.slug, token]), token


def logged(caplog) -> str:
    """Everything a handler could write: messages, and the paths of attached requests."""
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        request = getattr(record, "request", None)
        if hasattr(request, "get_full_path"):
            parts += [request.get_full_path(), request.path_info, repr(request), *map(str, request.META.values())]
    return "\n".join(parts)


def test_a_wrong_token_404_is_logged_without_the_token(client, caplog, feed):
    url, token = feed
    wrong = url.replace(token, token[::-1])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(wrong).status_code == 404
    assert any(record.name == "django.request" and record.status_code == 404 for record in caplog.records)
    assert token[::-1] not in logged(caplog)
    assert f"/feed/{REDACTED}" in logged(caplog)


def test_a_405_on_the_feed_is_logged_without_the_token(client, caplog, feed):
    url, token = feed
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.put(url).status_code == 405
    assert any(record.name == "django.request" and record.status_code == 405 for record in caplog.records)
    assert token not in logged(caplog)
    assert f"/feed/{REDACTED}" in logged(caplog)


def test_a_500_on_the_feed_is_logged_without_the_token(caplog, feed, monkeypatch):
    url, token = feed

    def broken(**kwargs):
        raise RuntimeError("the calendar broke")

    monkeypatch.setattr(rituals_selectors, "feed_events_of", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert Client(raise_request_exception=False).get(url).status_code == 500
    assert any(record.name == "django.request" and record.status_code == 500 for record in caplog.records)
    assert token not in logged(caplog)


def test_a_refused_post_to_the_feed_is_logged_without_the_token(caplog, feed):
    url, token = feed
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        assert Client(enforce_csrf_checks=True).post(url).status_code == 403
    assert caplog.records
    assert token not in logged(caplog)


def test_the_request_being_answered_keeps_its_real_path(client, caplog, feed):
    url, token = feed
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.put(url)
    assert response.wsgi_request.path == url
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.request is not response.wsgi_request and token not in record.request.path


@pytest.fixture
def server_log(caplog):
    """The development server's logger, which does not propagate, seen by caplog too."""
    logger = logging.getLogger("django.server")
    logger.addHandler(caplog.handler)
    yield logger
    logger.removeHandler(caplog.handler)


def test_a_development_server_record_is_logged_without_the_token(server_log, caplog, feed):
    url, token = feed
    # As runserver's request handler logs each request (django.core.servers.basehttp).
    server_log.info(
        '"%s" %s %s',
        f"GET {url} HTTP/1.1",
        "200",
        "512",
        extra={"request": object(), "status_code": 200, "server_time": "01/Dec/2026 10:00:00"},
    )
    [record] = caplog.records
    assert token not in record.getMessage()
    assert record.getMessage() == f'"GET {url.replace(f"{token}.ics", REDACTED)} HTTP/1.1" 200 512'


def test_the_development_server_writes_its_format_without_the_token(feed):
    url, token = feed
    handler = next(h for h in logging.getLogger("django.server").handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    original = handler.setStream(stream)
    try:
        logging.getLogger("django.server").warning(
            '"%s" %s %s',
            f"GET {url}?x=1 HTTP/1.1",
            "404",
            "179",
            extra={"status_code": 404, "server_time": "01/Dec/2026 10:00:00"},
        )
    finally:
        handler.setStream(original)
    assert token not in stream.getvalue()
    assert "[01/Dec/2026 10:00:00]" in stream.getvalue() and "/feed/[redacted]?x=1 HTTP/1.1" in stream.getvalue()


@pytest.mark.parametrize(
    "line, expected",
    [
        ("GET /w/acme/launches/feed/AbC-12_xyz.ics HTTP/1.1", "GET /w/acme/launches/feed/[redacted] HTTP/1.1"),
        (
            "GET /w/acme/launches%2Ffeed%2FAbC-12_xyz%2Eics HTTP/1.1",
            "GET /w/acme/launches%2Ffeed%2F[redacted] HTTP/1.1",
        ),
        ("Not Found: /w/acme/launches/feed/AbC.ics/more", "Not Found: /w/acme/launches/feed/[redacted]/more"),
        ("POST /w/acme/launches/feed/regenerate/ HTTP/1.1", "POST /w/acme/launches/feed/regenerate/ HTTP/1.1"),
        ("GET /w/acme/launches/2027-q1/calendar/ HTTP/1.1", "GET /w/acme/launches/2027-q1/calendar/ HTTP/1.1"),
    ],
)
def test_redaction_hides_the_token_segment_only(line, expected):
    assert redact(line) == expected


def test_the_filter_redacts_message_and_arguments_of_any_record():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "seen %s then /feed/Sekret.ics", None, None)
    record.args = ("/w/a/launches/feed/Sekret.ics",)
    assert RedactSecrets().filter(record) is True
    assert "Sekret" not in record.msg and "Sekret" not in record.args[0]


# A share link's secret (/s/<secret>/…) is kept out of the logs the same way.


@pytest.fixture
def share_link():
    from raci.seeding import templates_seed
    from sharing import services as sharing_services
    from sharing.models import Kind
    from tests.factories import MembershipFactory
    from workspaces.models import Access

    templates_seed()
    admin = MembershipFactory(access=Access.ADMIN)
    made = sharing_services.link_create(
        membership=admin, target=sharing_services.Target(Kind.QUARTER, year=2027, quarter=1)
    )
    return f"/s/{made.secret}/", made.secret


def test_a_share_link_404_and_405_are_logged_without_the_secret(client, caplog, share_link, settings):
    settings.SHARE_RATE_LIMITS = None
    url, secret = share_link
    wrong = url.replace(secret, secret[::-1])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(wrong).status_code == 404
        assert client.post(url).status_code == 405
        assert client.get(url + "changes/?since=x").status_code == 200
        # The link does not allow downloads: its deck's address is a 404, logged like the rest.
        assert client.get(url + "slides.pptx").status_code == 404
    assert secret not in logged(caplog) and secret[::-1] not in logged(caplog)
    assert "/s/[redacted]/" in logged(caplog)


def test_a_500_on_a_share_page_is_logged_without_the_secret(caplog, share_link, monkeypatch):
    from sharing import selectors as sharing_selectors

    url, secret = share_link

    def broken(**kwargs):
        raise RuntimeError("the quarter broke")

    monkeypatch.setattr(sharing_selectors, "quarter_view", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert Client(raise_request_exception=False).get(url).status_code == 500
    assert any(record.name == "django.request" and record.status_code == 500 for record in caplog.records)
    assert secret not in logged(caplog)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("GET /s/AbC-12_xyz/ HTTP/1.1", "GET /s/[redacted]/ HTTP/1.1"),
        ("GET /s/AbC-12_xyz/changes/?since=3 HTTP/1.1", "GET /s/[redacted]/changes/?since=3 HTTP/1.1"),
        ("GET /s%2FAbC-12_xyz HTTP/1.1", "GET /s%2F[redacted] HTTP/1.1"),
        ("GET /s/AbC-12_xyz/slides.pptx HTTP/1.1", "GET /s/[redacted]/slides.pptx HTTP/1.1"),
        ("Not Found: /s/AbC-12_xyz/slides.pptx", "Not Found: /s/[redacted]/slides.pptx"),
        ("Not Found: /s/AbC", "Not Found: /s/[redacted]"),
        ("/s/AbC-12_xyz/", "/s/[redacted]/"),
        ("https://lockstep.example/s/AbC-12_xyz/", "https://lockstep.example/s/[redacted]/"),
        ("GET /w/acme/matrices/s/cells/ HTTP/1.1", "GET /w/acme/matrices/s/cells/ HTTP/1.1"),
        ("GET /w/acme/share/ HTTP/1.1", "GET /w/acme/share/ HTTP/1.1"),
    ],
)
def test_redaction_hides_the_share_secret_segment_only(line, expected):
    assert redact(line) == expected
