"""The bell, the notifications list, the preferences page and the webhook page."""

import re

import pytest
from django.urls import reverse

from notifications.models import (
    Notification,
    NotificationPreference,
    Webhook,
    WebhookDelivery,
)
from notifications.webhooks import REFUSED
from tests.factories import MembershipFactory
from tests.queries import assert_same_queries
from workspaces.models import Access

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def me(client):
    member = MembershipFactory(access=Access.EDITOR)
    client.force_login(member.user)
    return member


def note(member, n=0, **fields):
    return Notification.objects.create(
        user=member.user,
        workspace=member.workspace,
        kind="item_due",
        key=f"k{n}",
        url="/w/x/launches/",
        **{"title": f"Pricing for Billing is due <b>{n}</b>"} | fields,
    )


def test_the_bell_on_every_page_shows_the_unread_count(client, me):
    note(me, 1)
    note(me, 2)
    note(me, 3, read_at="2026-11-20T10:00Z")
    note(me, 4, in_app=False)
    page = client.get(reverse("dashboard:workspace", args=[me.workspace.slug])).content.decode()
    assert 'data-testid="bell-count">2<' in page and 'aria-label="Notifications: 2 unread"' in page
    assert f'hx-get="{reverse("notifications:notification_badge")}"' in page


def test_the_badge_fragment_is_just_the_bell(client, me):
    note(me)
    response = client.get(reverse("notifications:notification_badge"), headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith('<a id="bell"') and "<html" not in body
    assert 'data-testid="bell-count">1<' in body


def test_the_list_shows_unread_first_and_escapes_titles(client, me):
    note(me, 1)
    note(me, 2, read_at="2026-11-20T10:00Z")
    response = client.get(reverse("notifications:notifications"))
    body = response.content.decode()
    assert "due &lt;b&gt;1&lt;/b&gt;" in body and "due &lt;b&gt;2" not in body
    assert response["Cache-Control"] == "private, no-store"
    body = client.get(reverse("notifications:notifications") + "?show=all").content.decode()
    assert "due &lt;b&gt;2&lt;/b&gt;" in body


def test_marking_read_with_htmx_swaps_the_row_and_the_bell(client, me):
    n = note(me)
    response = client.post(reverse("notifications:notification_read", args=[n.pk]), headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and f'id="n-{n.pk}"' in body and 'class="note unread"' not in body
    assert 'hx-swap-oob="outerHTML:#bell"' in body and "bell-count" not in body
    assert 'hx-swap-oob="outerHTML:#unread-tab"' in body and ">Unread</a>" in body
    assert Notification.objects.get(pk=n.pk).read_at is not None


def test_marking_read_without_htmx_goes_back_to_the_list(client, me):
    n = note(me)
    response = client.post(
        reverse("notifications:notification_read", args=[n.pk]), {"next": "/notifications/?show=all"}
    )
    assert response.status_code == 302 and response["Location"] == "/notifications/?show=all"
    offsite = client.post(
        reverse("notifications:notification_read", args=[note(me, 2).pk]), {"next": "https://evil.example/"}
    )
    assert offsite["Location"] == reverse("notifications:notifications")


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, me):
    n = note(me)
    response = client.post(reverse("notifications:notification_open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/w/x/launches/"
    assert Notification.objects.get(pk=n.pk).read_at is not None


def test_someone_elses_notification_is_404(client, me):
    theirs = note(MembershipFactory(workspace=me.workspace))
    for name in ("notification_read", "notification_open"):
        assert client.post(reverse(f"notifications:{name}", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_clears_the_bell(client, me):
    for n in range(3):
        note(me, n)
    response = client.post(reverse("notifications:notifications_read_all"), follow=True)
    assert "Marked 3 notifications read." in response.content.decode()
    assert not Notification.objects.filter(user=me.user, read_at__isnull=True).exists()


def test_preferences_are_saved_per_kind_with_the_digest(client, me):
    from notifications.models import NotificationKind

    data = {"digest": "weekly"}
    for kind in NotificationKind.values:
        data[f"{kind}-in_app"] = "on"
        data[f"{kind}-email"] = "now"
    data.pop("go_decision-in_app")
    data["go_decision-email"] = "off"
    response = client.post(reverse("notifications:notification_settings"), data)
    assert response.status_code == 302
    prefs = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=me.user)}
    # Letters default to the digest; asking for them at once is a choice worth keeping.
    assert prefs == {"go_decision": (False, "off"), "letters": (True, "now")}
    page = client.get(reverse("notifications:notification_settings")).content.decode()
    assert re.search(r'value="weekly"[^>]*checked', page) and not re.search(r'value="daily"[^>]*checked', page)


def test_a_bad_preference_is_refused_with_the_page_kept(client, me):
    response = client.post(reverse("notifications:notification_settings"), {"digest": "hourly"})
    assert response.status_code == 422 and "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_an_admin_adds_a_webhook_and_sees_its_secret_and_deliveries(client, admin):
    url = reverse("notifications:webhook", args=[admin.workspace.slug])
    assert client.post(url, {"url": "https://hooks.example.com/x", "active": "on"}).status_code == 302
    hook = Webhook.objects.get(workspace=admin.workspace)
    WebhookDelivery.objects.create(
        webhook=hook,
        key="k",
        kind="item_due",
        payload={"title": "Pricing due"},
        status="failed",
        attempts=6,
        last_error="The receiver answered 500 Oops.",
    )
    page = client.get(url).content.decode()
    assert hook.secret in page and "Pricing due" in page and "The receiver answered 500 Oops." in page
    assert "Failed" in page and "Send again" in page


def test_a_webhook_to_a_bad_address_is_refused_where_it_was_typed(client, admin, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = client.post(
        reverse("notifications:webhook", args=[admin.workspace.slug]), {"url": "http://127.0.0.1:6379/"}
    )
    assert response.status_code == 422 and REFUSED in response.content.decode()
    assert not Webhook.objects.exists()


def test_a_new_secret_replaces_the_old_one(client, admin):
    hook = Webhook.objects.create(workspace=admin.workspace, url="https://hooks.example.com/x")
    client.post(reverse("notifications:webhook_action", args=[admin.workspace.slug, "secret"]))
    hook.refresh_from_db()
    assert hook.secret != Webhook(workspace=admin.workspace).secret and len(hook.secret) > 30
    old = hook.secret
    client.post(reverse("notifications:webhook_action", args=[admin.workspace.slug, "secret"]))
    hook.refresh_from_db()
    assert hook.secret != old


def test_sending_a_failed_delivery_again_resets_it(client, admin, django_capture_on_commit_callbacks):
    hook = Webhook.objects.create(workspace=admin.workspace, url="https://hooks.example.com/x", active=True)
    delivery = WebhookDelivery.objects.create(
        webhook=hook, key="k", kind="ping", payload={}, status="failed", attempts=6
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(reverse("notifications:webhook_redeliver", args=[admin.workspace.slug, delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0) and len(queued) == 1


def test_editors_cannot_see_the_webhook(client, me):
    assert client.get(reverse("notifications:webhook", args=[me.workspace.slug])).status_code == 403


def test_the_list_and_the_badge_read_a_fixed_number_of_queries(client, me):
    other = MembershipFactory(user=me.user)  # a second workspace, for the filter tabs
    made = []

    def build(size):
        for n in range(len(made), size):
            made.append(note(me if n % 2 else other, n))

    def check(response, _):
        assert response.status_code == 200

    # The user (the session is cached), memberships, the page count, the unread count, the page.
    assert_same_queries(
        build,
        lambda _: client.get(reverse("notifications:notifications") + "?show=all"),
        sizes=(3, 30),
        at_most=5,
        check=check,
    )
    assert_same_queries(
        build,
        lambda _: client.get(reverse("notifications:notification_badge"), headers=HX),
        sizes=(30, 40),
        at_most=2,
        check=check,
    )


def test_removing_the_webhook_is_asked_once_more(client, admin):
    Webhook.objects.create(workspace=admin.workspace, url="https://hooks.example.com/x")
    url = reverse("notifications:webhook_action", args=[admin.workspace.slug, "remove"])
    first = client.post(url)
    assert first.status_code == 302 and first["Location"].endswith("?confirm=remove")
    assert Webhook.objects.exists()
    page = client.get(first["Location"]).content.decode()
    assert "Remove the webhook?" in page and 'name="confirm" value="remove"' in page
    assert client.post(url, {"confirm": "remove"}).status_code == 302
    assert not Webhook.objects.exists()


# --- workspaces whose sign-in rules refuse the session -------------------------------------


@pytest.fixture
def strict_too(me):
    """`me` is also a member of a workspace that requires two-factor sign-in and of one that
    requires SSO; `me` signed in with a password only. One unread notification in each."""
    two_factor = MembershipFactory(user=me.user)
    two_factor.workspace.require_two_factor = True
    two_factor.workspace.save()
    sso = MembershipFactory(user=me.user)
    sso.workspace.require_sso = True
    sso.workspace.save()
    return (
        note(me, 1, title="Open to me"),
        note(two_factor, 2, title="Behind two-factor"),
        note(sso, 3, title="Behind SSO"),
    )


def test_a_refused_session_sees_nothing_of_the_workspaces_that_refuse_it(client, me, strict_too):
    _, behind_two_factor, behind_sso = strict_too
    for url in (reverse("notifications:notifications"), reverse("notifications:notifications") + "?show=all"):
        page = client.get(url).content.decode()
        assert "Open to me" in page and "Behind two-factor" not in page and "Behind SSO" not in page
    badge = client.get(reverse("notifications:notification_badge"), headers=HX).content.decode()
    assert 'data-testid="bell-count">1<' in badge
    page = client.get(reverse("dashboard:workspace", args=[me.workspace.slug])).content.decode()
    assert 'data-testid="bell-count">1<' in page
    for hidden in (behind_two_factor, behind_sso):
        assert client.post(reverse("notifications:notification_open", args=[hidden.pk])).status_code == 404
        assert client.post(reverse("notifications:notification_read", args=[hidden.pk])).status_code == 404
    client.post(reverse("notifications:notifications_read_all"))
    assert set(Notification.objects.filter(read_at__isnull=True)) == {behind_two_factor, behind_sso}


def test_a_session_the_rules_let_in_sees_those_workspaces_notifications_again(client, me, strict_too):
    from tests.workspaces.test_sessions import sso_session

    sso_session(client, me.user)
    page = client.get(reverse("notifications:notifications")).content.decode()
    assert "Open to me" in page and "Behind two-factor" in page and "Behind SSO" in page
    badge = client.get(reverse("notifications:notification_badge"), headers=HX).content.decode()
    assert 'data-testid="bell-count">3<' in badge
    opened = client.post(reverse("notifications:notification_open", args=[strict_too[2].pk]))
    assert opened.status_code == 302


def test_the_bell_of_a_refused_session_costs_no_query_more(client, me, strict_too):
    # The user (the session is cached) and the count, however many it leaves out: as for anyone.
    hidden = MembershipFactory.build(user=me.user, workspace=strict_too[1].workspace)  # unsaved: for `note`
    made: list[Notification] = []

    def build(size):
        made.extend(note(hidden, 10 + n) for n in range(len(made), size))

    assert_same_queries(
        build,
        lambda _: client.get(reverse("notifications:notification_badge"), headers=HX),
        sizes=(3, 30),
        at_most=2,
        check=lambda response, _: assert_badge_shows(response, "1"),
    )


def assert_badge_shows(response, count: str) -> None:
    assert response.status_code == 200 and f'data-testid="bell-count">{count}<' in response.content.decode()
