"""The share pages (`/s/<secret>/…`): every shape of address, as every identity, with a live,
a wrong, an expired and a revoked secret. A live link shows its one thing, read only, with
nothing of another workspace; every other answers 404; no answer is a 5xx; the secret never
reaches the request log."""

import logging
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from raci import services as raci_services
from sharing import services
from sharing.models import Kind, ShareLink
from tests.factories import MembershipFactory, UserFactory
from tests.world import fresh
from workspaces import services as workspace_services
from workspaces.models import Access, Membership, ShareLinksBy

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "viewer", "editor", "admin")


@pytest.fixture
def world(db, settings, world_rows):
    settings.SHARE_RATE_LIMITS = None
    return fresh(world_rows)


@pytest.fixture
def elsewhere(db):
    """Another workspace, with a matrix whose name must never show on the first one's links."""
    owner = UserFactory(username="otto", first_name="Otto", last_name="Other")
    workspace = workspace_services.workspace_create(name="Globex", owner=owner)
    raci_services.matrix_create(workspace=workspace, name="Globex secret plan", actor=owner)
    return workspace


def _targets(world) -> dict[str, services.Target]:
    return {
        Kind.MATRIX: services.Target(Kind.MATRIX, matrix=world.matrix),
        Kind.QUARTER: services.Target(Kind.QUARTER, year=2027, quarter=1),
        Kind.LAUNCH: services.Target(Kind.LAUNCH, launch=world.launch),
        Kind.PREREAD: services.Target(Kind.PREREAD, year=2027, quarter=1),
    }


def make(world, kind, **options) -> tuple[ShareLink, str]:
    made = services.link_create(membership=world.people["admin"], target=_targets(world)[kind], **options)
    return made.link, made.secret


def _client(world, persona, elsewhere) -> Client:
    client = Client(raise_request_exception=False)
    if persona == "outsider":
        client.force_login(Membership.objects.filter(workspace=elsewhere).first().user)
    elif persona != "anonymous":
        client.force_login(world.people[persona].user)
    return client


EXPECTED = {
    Kind.MATRIX: "Product launch",
    Kind.QUARTER: "2027-Q1 at a glance",
    Kind.LAUNCH: "Usage-based billing",
    Kind.PREREAD: "2027-Q1 pre-read",
}


def _controls(html: str) -> list[str]:
    """Anything a visitor could act with, or that leads into the workspace."""
    found = re.findall(r"<(?:form|button|input|select|textarea)\b[^>]*>", html)
    found += re.findall(r"\bhx-(?:get|post|put|patch|delete)=", html)
    found += re.findall(r'href="/(?:w|accounts|notifications|api)/[^"]*"', html)
    return found


def test_every_share_address_as_every_identity(world, elsewhere, caplog):
    links = {kind: make(world, kind) for kind in Kind.values}
    expired, expired_secret = make(world, Kind.MATRIX)
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_secret = make(world, Kind.QUARTER)
    services.link_revoke(link_id=revoked.pk, workspace=world.workspace, actor=world.people["admin"].user)
    dead = {
        "made up": "A" * 43,
        "expired": expired_secret,
        "revoked": revoked_secret,
        "short": "abc",
        "long": "x" * 400,
    }
    secrets_used = [s for _, s in links.values()] + list(dead.values())
    caplog.set_level(logging.INFO)
    for persona in PERSONAS:
        client = _client(world, persona, elsewhere)
        for kind, (_link, secret) in links.items():
            for suffix in ("", "changes/", "changes/?since=0", "?page=2", "?page=%C2%B2"):
                response = client.get(f"/s/{secret}/{suffix}")
                assert response.status_code in (200, 204), (persona, kind, suffix, response.status_code)
                body = response.content.decode()
                assert "Globex" not in body and "Otto" not in body
                if suffix in ("", "?page=2"):
                    assert EXPECTED[kind] in body
                    assert not _controls(body), (kind, _controls(body))
                    assert "@" not in re.sub(r"@media|@page", "", body), "no e-mail address"
            assert client.post(f"/s/{secret}/").status_code == 405
        for why, secret in dead.items():
            for suffix in ("", "changes/", "changes/?since=1"):
                response = client.get(f"/s/{secret}/{suffix}")
                assert response.status_code == 404, (persona, why, suffix)
    logged = "\n".join(
        [r.getMessage() for r in caplog.records]
        + [str(getattr(r, "request", "")) for r in caplog.records]
        + [getattr(getattr(r, "request", None), "path", "") or "" for r in caplog.records]
    )
    assert caplog.records, "404s and 405s were logged"
    for secret in secrets_used:
        if len(secret) >= 43:
            assert secret not in logged


def test_share_pages_carry_their_headers_and_are_unframable_by_default(world):
    _, secret = make(world, Kind.MATRIX)
    response = Client().get(f"/s/{secret}/")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert b'<meta name="robots" content="noindex, nofollow">' in response.content


def test_allowed_origins_may_frame_that_link_and_no_other_page(world):
    link, secret = make(world, Kind.QUARTER)
    services.link_origins_set(link_id=link.pk, workspace=world.workspace, origins="https://acme.atlassian.net\n")
    response = Client().get(f"/s/{secret}/")
    assert "frame-ancestors https://acme.atlassian.net" in response["Content-Security-Policy"]
    assert not response.has_header("X-Frame-Options")
    _, other = make(world, Kind.QUARTER)
    assert Client().get(f"/s/{other}/")["X-Frame-Options"] == "DENY"
    client = Client()
    client.force_login(world.people["admin"].user)
    assert client.get(f"/w/{world.workspace.slug}/")["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("kind", [Kind.QUARTER, Kind.PREREAD, Kind.LAUNCH, Kind.MATRIX])
def test_with_names_hidden_no_name_is_in_the_page(world, kind):
    _, secret = make(world, kind, hide_names=True)
    body = Client().get(f"/s/{secret}/").content.decode()
    for member in Membership.objects.filter(workspace=world.workspace).select_related("user"):
        for name in (member.user.get_full_name(), member.user.username, member.user.email):
            assert not re.search(rf"(?<![\w@.]){re.escape(name)}(?![\w@])", body), (kind, name)


def test_names_are_hidden_by_default_on_the_quarter_and_the_pre_read_only(world):
    hidden = {kind: make(world, kind)[0].hide_names for kind in Kind.values}
    assert hidden == {Kind.MATRIX: False, Kind.QUARTER: True, Kind.LAUNCH: False, Kind.PREREAD: True}


def test_with_names_shown_the_launch_owners_are_named(world):
    _, secret = make(world, Kind.LAUNCH)
    assert "Mira Lane" in Client().get(f"/s/{secret}/").content.decode()


def test_changes_answers_204_until_what_the_link_shows_changes(world):
    from launches import services as launch_services

    for kind in (Kind.MATRIX, Kind.LAUNCH, Kind.QUARTER):
        _, secret = make(world, kind)
        version = Client().get(f"/s/{secret}/changes/?since=-1").json()["version"]
        assert Client().get(f"/s/{secret}/changes/?since={version}").status_code == 204
        if kind == Kind.MATRIX:
            raci_services.activity_add(matrix=world.matrix, name="Added since", actor=world.people["admin"].user)
        else:
            launch_services.launch_set_tier(
                launch=world.launch,
                tier=2 if kind == Kind.LAUNCH else 3,
                reason="Smaller than it looked",
                actor=world.people["admin"],
            )
        changed = Client().get(f"/s/{secret}/changes/?since={version}")
        assert changed.status_code == 200 and changed.json()["version"] != version


def test_turning_sharing_off_stops_every_link(world):
    links = [make(world, kind) for kind in Kind.values]
    revoked = services.sharing_policy_set(
        workspace=world.workspace, who=ShareLinksBy.NOBODY, actor=world.people["admin"].user
    )
    assert revoked == len(links)
    for _, secret in links:
        assert Client().get(f"/s/{secret}/").status_code == 404


def test_a_view_is_counted_once_a_minute(world):
    link, secret = make(world, Kind.MATRIX)
    for _ in range(3):
        Client().get(f"/s/{secret}/")
    link.refresh_from_db()
    assert link.views == 1 and link.last_viewed_at is not None


def test_guessing_runs_into_the_rate_limit(world, settings):
    settings.SHARE_RATE_LIMITS = {"requests": 100, "misses": 3}
    _, secret = make(world, Kind.MATRIX)
    client = Client()
    assert [client.get(f"/s/{'B' * 42}{n}/").status_code for n in range(3)] == [404, 404, 404]
    limited = client.get(f"/s/{secret}/")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1


def test_a_busy_address_is_rate_limited(world, settings):
    settings.SHARE_RATE_LIMITS = {"requests": 3, "misses": 100}
    _, secret = make(world, Kind.MATRIX)
    client = Client()
    assert [client.get(f"/s/{secret}/changes/").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_a_link_never_shows_another_workspace_matrix(world, elsewhere):
    from raci.models import Matrix

    foreign = Matrix.objects.get(workspace=elsewhere)
    with pytest.raises(services.NotFound):
        services.link_create(membership=world.people["admin"], target=services.Target(Kind.MATRIX, matrix=foreign))


def test_a_member_of_no_access_to_sharing_cannot_make_a_link(world):
    MembershipFactory(workspace=world.workspace, access=Access.VIEWER)
    with pytest.raises(services.Forbidden):
        services.link_create(membership=world.people["editor"], target=_targets(world)[Kind.MATRIX])
