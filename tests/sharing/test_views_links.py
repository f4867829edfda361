"""The workspace's side of share links: making one (its address shown once), the admins'
list with revoking and embedding, who may make links, and a leaving member's links."""

import re

import pytest
from django.test import Client

from sharing import services
from sharing.models import Kind, ShareLink
from tests.world import fresh
from workspaces import handover
from workspaces import services as workspace_services
from workspaces.models import ShareLinksBy

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings, world_rows):
    settings.SHARE_RATE_LIMITS = None
    return fresh(world_rows)


def signed_in(world, who) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.people[who].user)
    return client


def url(world, tail=""):
    return f"/w/{world.workspace.slug}/share/{tail}"


def test_an_admin_makes_a_link_and_sees_its_address_once(world):
    client = signed_in(world, "admin")
    response = client.post(url(world), {"kind": "matrix", "matrix": world.matrix.pk, "days": 7, "names": ""})
    assert response.status_code == 201
    address = re.search(r'value="(http://testserver/s/[A-Za-z0-9_-]{43}/)"', response.content.decode()).group(1)
    link = ShareLink.objects.get()
    assert (link.kind, link.matrix, link.hide_names) == ("matrix", world.matrix, False)
    assert 6 <= (link.expires_at - link.created_at).days <= 7
    assert address.split("/")[-2] not in client.get(url(world)).content.decode()
    assert Client().get(address.removeprefix("http://testserver")).status_code == 200


@pytest.mark.parametrize(
    "data,field",
    [
        ({"kind": "matrix", "days": 30}, "Pick the matrix"),
        ({"kind": "quarter", "days": 30}, "Name the quarter"),
        ({"kind": "preread", "quarter": "1999-Q1", "days": 30}, "between 2000 and 2100"),
        ({"kind": "launch", "launch": 999999, "days": 30}, "Select a valid choice"),
        ({"kind": "quarter", "quarter": "2027-Q1", "days": 366}, "From 1 to 365 days"),
        ({"kind": "quarter", "quarter": "2027-Q5", "days": 30}, "A quarter such as 2027-Q1"),
    ],
)
def test_a_wrong_link_form_saves_nothing_and_says_why(world, data, field):
    response = signed_in(world, "admin").post(url(world), data)
    assert response.status_code == 422
    assert field in response.content.decode()
    assert not ShareLink.objects.exists()


def test_who_may_make_links_follows_the_workspace_setting(world):
    assert signed_in(world, "editor").get(url(world)).status_code == 403
    assert signed_in(world, "viewer").get(url(world)).status_code == 403
    signed_in(world, "admin").post(url(world, "who/"), {"share_links_by": ShareLinksBy.EDITORS})
    editor = signed_in(world, "editor")
    assert editor.get(url(world)).status_code == 200
    assert editor.post(url(world), {"kind": "quarter", "quarter": "2027-q1", "days": 30}).status_code == 201
    assert signed_in(world, "viewer").get(url(world)).status_code == 403
    # An editor sees no setting; only an admin changes it.
    assert "Who may make links" not in editor.get(url(world)).content.decode()
    assert editor.post(url(world, "who/"), {"share_links_by": ShareLinksBy.NOBODY}).status_code == 403


def test_outsiders_and_strangers_never_reach_the_list(world):
    outsider = Client()
    outsider.force_login(workspace_services.workspace_create(name="Other", owner=_user("olga")).memberships.get().user)
    assert outsider.get(url(world)).status_code == 404
    assert Client().get(url(world)).status_code == 302


def _user(name):
    from tests.factories import UserFactory

    return UserFactory(username=name)


def test_admins_see_every_link_with_who_made_it_and_its_views(world):
    world.workspace.share_links_by = ShareLinksBy.EDITORS
    world.workspace.save()
    made = services.link_create(
        membership=world.people["editor"], target=services.Target(Kind.QUARTER, year=2027, quarter=1)
    )
    Client().get(f"/s/{made.secret}/")
    page = signed_in(world, "admin").get(url(world)).content.decode()
    assert "2027-Q1 at a glance" in page and "Eddie Lane" in page and "roles only" in page
    row = page[page.index(f'id="link-{made.link.pk}"') :]
    assert '<td data-label="Views" class="num">1</td>' in row[: row.index("</tr>")]


def test_an_editor_revokes_their_own_link_but_not_another(world):
    world.workspace.share_links_by = ShareLinksBy.EDITORS
    world.workspace.save()
    own = services.link_create(
        membership=world.people["editor"], target=services.Target(Kind.QUARTER, year=2027, quarter=1)
    )
    other = services.link_create(
        membership=world.people["admin"], target=services.Target(Kind.QUARTER, year=2027, quarter=1)
    )
    editor = signed_in(world, "editor")
    assert editor.post(url(world, f"{other.link.pk}/revoke/")).status_code == 403
    assert editor.post(url(world, f"{own.link.pk}/revoke/")).status_code == 302
    assert Client().get(f"/s/{own.secret}/").status_code == 404
    assert Client().get(f"/s/{other.secret}/").status_code == 200
    assert signed_in(world, "admin").post(url(world, f"{other.link.pk}/revoke/")).status_code == 302
    assert Client().get(f"/s/{other.secret}/").status_code == 404


def test_only_admins_say_which_sites_may_embed_a_link(world):
    made = services.link_create(
        membership=world.people["admin"], target=services.Target(Kind.QUARTER, year=2027, quarter=1)
    )
    target = url(world, f"{made.link.pk}/embedding/")
    admin = signed_in(world, "admin")
    admin.post(target, {"frame_origins": "https://acme.atlassian.net\nhttps://*.notion.site"})
    made.link.refresh_from_db()
    assert made.link.origins == ["https://acme.atlassian.net", "https://*.notion.site"]
    for wrong in ("http://wiki.example.com", "https://wiki.example.com/page", "*", "javascript:x", "https://a b"):
        admin.post(target, {"frame_origins": wrong})
        made.link.refresh_from_db()
        assert made.link.origins == ["https://acme.atlassian.net", "https://*.notion.site"], wrong
    world.workspace.share_links_by = ShareLinksBy.EDITORS
    world.workspace.save()
    assert signed_in(world, "editor").post(target, {"frame_origins": ""}).status_code == 403


def test_turning_sharing_off_revokes_every_link_and_says_how_many(world):
    made = [
        services.link_create(
            membership=world.people["admin"], target=services.Target(Kind.QUARTER, year=2027, quarter=1)
        )
    ]
    response = signed_in(world, "admin").post(url(world, "who/"), {"share_links_by": "nobody"}, follow=True)
    assert "Sharing is off: 1 link revoked." in response.content.decode()
    assert Client().get(f"/s/{made[0].secret}/").status_code == 404
    assert (
        signed_in(world, "admin").post(url(world), {"kind": "quarter", "quarter": "2027-q1", "days": 30}).status_code
        == 403
    )


@pytest.mark.parametrize("keep", [True, False])
def test_removing_a_member_revokes_or_keeps_their_links_in_the_same_step(world, keep):
    world.workspace.share_links_by = ShareLinksBy.EDITORS
    world.workspace.save()
    leaving = world.people["editor"]
    made = services.link_create(membership=leaving, target=services.Target(Kind.QUARTER, year=2027, quarter=1))
    holdings = {h.key: h for h in handover.holdings_of(membership=leaving)}
    assert holdings["share-links"].label == "1 live share link they made"
    form = signed_in(world, "admin").get(f"/w/{world.workspace.slug}/members/{leaving.pk}/remove/")
    assert "1 live share link they made" in form.content.decode()
    heir = world.people["pmm"]
    keys = dict.fromkeys(holdings, heir.pk)
    keys["share-links"] = heir.pk if keep else "nobody"
    response = signed_in(world, "admin").post(
        f"/w/{world.workspace.slug}/members/{leaving.pk}/remove/",
        {"everything_to": heir.pk, "to_share-links": keys["share-links"]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made.link.refresh_from_db()
    assert Client().get(f"/s/{made.secret}/").status_code == (200 if keep else 404)
    assert made.link.created_by == (heir.user if keep else leaving.user)


def test_the_top_bar_links_to_share_links_only_for_who_may_use_them(world):
    share = f'href="/w/{world.workspace.slug}/share/"'
    assert share in signed_in(world, "admin").get(f"/w/{world.workspace.slug}/").content.decode()
    for who in ("editor", "viewer"):
        assert share not in signed_in(world, who).get(f"/w/{world.workspace.slug}/").content.decode()
    world.workspace.share_links_by = ShareLinksBy.EDITORS
    world.workspace.save()
    assert share in signed_in(world, "editor").get(f"/w/{world.workspace.slug}/").content.decode()
    assert share not in signed_in(world, "viewer").get(f"/w/{world.workspace.slug}/").content.decode()
