"""`/s/<secret>/slides.pptx`: what a share link shows, as slides, when the link allows
downloads; under the link's own rules (the same 404, rate limit and headers) and, when the
link hides names, with no member named anywhere in the deck."""

import io
import logging
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pptx import Presentation

from core.slides import CONTENT_TYPE
from sharing import services
from sharing.models import Kind, ShareLink
from tests.sharing.test_views_shared import make
from tests.world import fresh
from workspaces.models import Membership, ShareLinksBy

pytestmark = pytest.mark.django_db

DECK_KINDS = (Kind.MATRIX, Kind.QUARTER, Kind.PREREAD)


@pytest.fixture
def world(db, settings, world_rows):
    settings.SHARE_RATE_LIMITS = None
    return fresh(world_rows)


def _text(body: bytes) -> str:
    prs = Presentation(io.BytesIO(body))
    found = [prs.core_properties.title or "", prs.core_properties.author or ""]
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                found += [cell.text for row in shape.table.rows for cell in row.cells]
            elif shape.has_text_frame:
                found.append(shape.text_frame.text)
    return "\n".join(found)


def _names(world) -> list[str]:
    found = []
    for member in Membership.objects.filter(workspace=world.workspace).select_related("user"):
        found += [member.user.get_full_name(), member.user.username, member.user.email]
    return found


def _page(response) -> str:
    """The page without what differs on every answer (the CSP nonce, the CSRF token)."""
    return re.sub(r'"X-CSRFToken": "[^"]*"|nonce="[^"]*"', "", response.content.decode())


def _named(text: str, name: str) -> bool:
    return bool(re.search(rf"(?<![\w@.]){re.escape(name)}(?![\w@])", text, re.IGNORECASE))


@pytest.mark.parametrize(
    "kind, title, filename",
    [
        (Kind.MATRIX, "Product launch", "product-launch.pptx"),
        (Kind.QUARTER, "2027-Q1 launches", "2027-q1.pptx"),
        (Kind.PREREAD, "2027-Q1 launches", "2027-q1.pptx"),
    ],
)
def test_a_link_allowing_downloads_serves_its_deck_with_the_link_headers(world, kind, title, filename):
    _, secret = make(world, kind, allow_downloads=True)
    response = Client().get(f"/s/{secret}/slides.pptx")
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"
    prs = Presentation(io.BytesIO(response.content))
    assert len(prs.slides) >= 2 and prs.core_properties.title == title


@pytest.mark.parametrize("kind", DECK_KINDS)
def test_the_page_offers_the_deck_only_when_the_link_allows_downloads(world, kind):
    _, allowed = make(world, kind, allow_downloads=True)
    _, plain = make(world, kind)
    page = Client().get(f"/s/{allowed}/").content.decode()
    assert '<a class="btn small share-download no-print" href="slides.pptx" download>Download as PowerPoint</a>' in page
    assert "slides.pptx" not in Client().get(f"/s/{plain}/").content.decode()


def test_a_launch_link_has_no_deck_even_with_downloads_allowed(world):
    _, secret = make(world, Kind.LAUNCH, allow_downloads=True)
    assert "slides.pptx" not in Client().get(f"/s/{secret}/").content.decode()
    assert Client().get(f"/s/{secret}/slides.pptx").status_code == 404


def test_every_link_that_does_not_serve_a_deck_answers_the_same_404(world):
    made_up = Client().get(f"/s/{'A' * 43}/slides.pptx")
    assert made_up.status_code == 404
    _, no_downloads = make(world, Kind.MATRIX)
    expired, expired_secret = make(world, Kind.QUARTER, allow_downloads=True)
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_secret = make(world, Kind.MATRIX, allow_downloads=True)
    services.link_revoke(link_id=revoked.pk, workspace=world.workspace, actor=world.people["admin"].user)
    for secret in (no_downloads, expired_secret, revoked_secret, "short", "x" * 44):
        response = Client().get(f"/s/{secret}/slides.pptx")
        assert response.status_code == 404, secret
        assert _page(response) == _page(made_up)
    assert Client().post(f"/s/{no_downloads}/slides.pptx").status_code == 405


def test_turning_sharing_off_stops_the_deck(world):
    _, secret = make(world, Kind.MATRIX, allow_downloads=True)
    assert Client().get(f"/s/{secret}/slides.pptx").status_code == 200
    services.sharing_policy_set(workspace=world.workspace, who=ShareLinksBy.NOBODY, actor=world.people["admin"].user)
    assert Client().get(f"/s/{secret}/slides.pptx").status_code == 404


@pytest.mark.parametrize("kind", DECK_KINDS)
def test_with_names_hidden_no_member_is_named_on_any_slide(world, kind):
    _, secret = make(world, kind, allow_downloads=True, hide_names=True)
    # The link decides, not the address: asking for names changes nothing.
    text = _text(Client().get(f"/s/{secret}/slides.pptx?hide_names=0").content)
    for name in _names(world):
        assert not _named(text, name), (kind, name)


@pytest.mark.parametrize("kind", (Kind.MATRIX, Kind.QUARTER))
def test_with_names_shown_the_deck_names_people(world, kind):
    _, secret = make(world, kind, allow_downloads=True, hide_names=False)
    text = _text(Client().get(f"/s/{secret}/slides.pptx").content)
    assert any(_named(text, member.user.get_full_name()) for member in world.people.values())


def test_a_name_in_an_activity_is_hidden_by_the_last_guard(world):
    from raci import services as raci_services

    editor = world.people["editor"].user
    raci_services.activity_add(
        matrix=world.matrix, name=f"Review with {editor.get_full_name()}", actor=world.people["admin"].user
    )
    _, secret = make(world, Kind.MATRIX, allow_downloads=True, hide_names=True)
    text = _text(Client().get(f"/s/{secret}/slides.pptx").content)
    assert "Review with someone" in text and not _named(text, editor.get_full_name())


def test_guessing_runs_into_the_rate_limit_on_the_deck_too(world, settings):
    settings.SHARE_RATE_LIMITS = {"requests": 100, "misses": 3}
    _, secret = make(world, Kind.MATRIX, allow_downloads=True)
    client = Client()
    assert [client.get(f"/s/{'B' * 42}{n}/slides.pptx").status_code for n in range(3)] == [404, 404, 404]
    limited = client.get(f"/s/{secret}/slides.pptx")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert limited["Cache-Control"] == "no-store"


def test_a_download_counts_as_a_view(world):
    link, secret = make(world, Kind.QUARTER, allow_downloads=True)
    Client().get(f"/s/{secret}/slides.pptx")
    link.refresh_from_db()
    assert link.views == 1


def test_the_secret_of_a_deck_address_never_reaches_the_log(world, caplog):
    _, refused = make(world, Kind.MATRIX)
    _, allowed = make(world, Kind.MATRIX, allow_downloads=True)
    with caplog.at_level(logging.INFO):
        assert Client().get(f"/s/{refused}/slides.pptx").status_code == 404
        assert Client().post(f"/s/{allowed}/slides.pptx").status_code == 405
    logged = "\n".join(
        [r.getMessage() for r in caplog.records] + [str(getattr(r, "request", "")) for r in caplog.records]
    )
    assert "/s/[redacted]/slides.pptx" in logged
    assert refused not in logged and allowed not in logged
