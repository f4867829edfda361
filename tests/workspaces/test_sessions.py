"""A workspace's sign-in rules at the door: pages, the API, the calendar feed, and the cap
on an SSO session's length (workspaces.sessions, workspaces.access, api.tokens)."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone

from api import tokens
from launches import services as launch_services
from tests.factories import MatrixFactory, MembershipFactory
from workspaces.models import Access, SsoSignIn
from workspaces.sessions import METHODS_KEY, METHODS_USER_KEY


def sso_session(client, user, *, hours_ago: float = 0, method: str = "socialaccount"):
    """Sign `client` in as `user` the way the sign-in library records an SSO sign-in."""
    client.force_login(user)
    session = client.session
    session[METHODS_USER_KEY] = str(user.pk)
    session[METHODS_KEY] = [{"method": method, "at": time.time() - hours_ago * 3600, "provider": "acme", "uid": "1"}]
    session.save()


@pytest.fixture
def strict(db):
    """A workspace that requires SSO, with an admin and an editor."""
    admin = MembershipFactory(access=Access.ADMIN)
    admin.workspace.require_sso = True
    admin.workspace.save()
    editor = MembershipFactory(workspace=admin.workspace, access=Access.EDITOR)
    return admin.workspace, admin, editor


def pages(workspace):
    matrix = MatrixFactory(workspace=workspace)
    return [
        reverse("dashboard:workspace", args=[workspace.slug]),
        reverse("workspaces:members", args=[workspace.slug]),
        reverse("raci:matrix", args=[workspace.slug, matrix.slug]),
    ]


# --- pages ---------------------------------------------------------------------------------


def test_require_sso_refuses_a_password_session_every_page_with_a_link_to_sso(client, strict):
    workspace, _, editor = strict
    client.force_login(editor.user)
    for url in pages(workspace):
        answer = client.get(url)
        assert answer.status_code == 403, url
        text = answer.content.decode()
        assert "requires single sign-on" in text and "Sign in with single sign-on" in text
        assert reverse("login") in text


def test_require_sso_lets_an_sso_session_in(client, strict):
    workspace, _, editor = strict
    sso_session(client, editor.user)
    for url in pages(workspace):
        assert client.get(url).status_code == 200, url


def test_a_site_admin_on_a_password_session_is_let_in(client, strict):
    workspace, admin, _ = strict
    admin.user.is_superuser = True
    admin.user.save()
    client.force_login(admin.user)
    assert client.get(reverse("workspaces:members", args=[workspace.slug])).status_code == 200


def test_a_session_record_of_another_user_does_not_count(client, strict):
    workspace, admin, editor = strict
    client.force_login(editor.user)
    session = client.session
    session[METHODS_USER_KEY] = str(admin.user.pk)
    session[METHODS_KEY] = [{"method": "socialaccount", "at": time.time()}]
    session.save()
    assert client.get(reverse("workspaces:members", args=[workspace.slug])).status_code == 403


def test_an_htmx_request_gets_the_refusal_as_a_toast(client, strict):
    workspace, _, editor = strict
    client.force_login(editor.user)
    answer = client.get(reverse("workspaces:members", args=[workspace.slug]), headers={"HX-Request": "true"})
    assert answer.status_code == 403 and "<html" not in answer.content.decode()


def test_require_two_factor_refuses_a_password_session_without_a_code(client, db):
    member = MembershipFactory(access=Access.EDITOR)
    member.workspace.require_two_factor = True
    member.workspace.save()
    client.force_login(member.user)
    url = reverse("workspaces:members", args=[member.workspace.slug])
    answer = client.get(url)
    assert answer.status_code == 403 and "two-factor" in answer.content.decode()
    sso_session(client, member.user, method="mfa")
    assert client.get(url).status_code == 200
    sso_session(client, member.user)  # an SSO sign-in is the provider's business
    assert client.get(url).status_code == 200


def test_a_suspended_member_reaches_no_page(client, db):
    member = MembershipFactory(access=Access.EDITOR, suspended_at=timezone.now())
    client.force_login(member.user)
    for url in pages(member.workspace):
        answer = client.get(url)
        assert answer.status_code == 403, url
        assert "suspended" in answer.content.decode()


# --- the session cap -----------------------------------------------------------------------


def test_an_sso_session_ends_after_the_cap_and_asks_to_sign_in_again(client, db, settings):
    member = MembershipFactory(access=Access.EDITOR)
    url = reverse("workspaces:members", args=[member.workspace.slug])
    sso_session(client, member.user, hours_ago=settings.SSO_SESSION_HOURS - 0.1)
    assert client.get(url).status_code == 200
    sso_session(client, member.user, hours_ago=settings.SSO_SESSION_HOURS + 0.1)
    answer = client.get(url)
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert client.get(url).status_code == 302  # signed out for good


def test_the_cap_follows_the_setting(client, db, settings):
    settings.SSO_SESSION_HOURS = 1
    member = MembershipFactory(access=Access.EDITOR)
    sso_session(client, member.user, hours_ago=2)
    assert client.get(reverse("workspaces:members", args=[member.workspace.slug])).status_code == 302


def test_a_password_session_is_not_capped(client, db):
    member = MembershipFactory(access=Access.EDITOR)
    sso_session(client, member.user, hours_ago=100, method="password")
    assert client.get(reverse("workspaces:members", args=[member.workspace.slug])).status_code == 200


def _reads_nothing(request):
    """A view that reads nothing, its answer marked as a stream's is (so the middleware after
    it has no reason to look at the user either): all a request to it costs is the chain's."""
    response = HttpResponse("ok")
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [path("reads-nothing/", _reads_nothing)]


@pytest.mark.parametrize("method", ["", "password", "socialaccount"])
def test_the_middleware_makes_no_query_for_a_session_in_the_cache(
    client, db, settings, method, django_assert_num_queries
):
    """Under ASGI the middleware runs in a thread, on a database connection, of the request's
    own: a query there would cost each stream a connection while it opens (a burst of pages
    would run PostgreSQL out of them). The session comes from the cache; the user is not
    loaded, SSO cap included."""
    member = MembershipFactory(access=Access.EDITOR)
    if method:
        sso_session(client, member.user, hours_ago=1, method=method)
    else:
        client.force_login(member.user)
    settings.ROOT_URLCONF = __name__
    with django_assert_num_queries(0):
        assert client.get("/reads-nothing/").status_code == 200


def test_a_stream_asked_for_with_an_sso_session_makes_no_query_in_the_request_s_thread(
    client, db, django_assert_num_queries
):
    """The stream's own access check reads the database in a pool thread whose connection it
    closes (raci.views.stream); the request's thread, where the middleware runs, reads none."""
    member = MembershipFactory(access=Access.EDITOR)
    matrix = MatrixFactory(workspace=member.workspace)
    sso_session(client, member.user, hours_ago=1)
    with django_assert_num_queries(0):
        client.get(reverse("raci:stream", args=[member.workspace.slug, matrix.slug]))


# --- API tokens and the feed ----------------------------------------------------------------


def test_tokens_work_within_the_window_and_are_refused_past_it(client, strict, settings):
    workspace, _, editor = strict
    secret = tokens.token_create(user=editor.user, workspace=workspace, name="ci", scope="read").secret
    url, auth = f"/api/v1/w/{workspace.slug}", {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    answer = client.get(url, **auth)
    assert answer.status_code == 403 and "single sign-on" in answer.json()["detail"]  # never signed in by SSO
    SsoSignIn.objects.create(user=editor.user, at=timezone.now())
    assert client.get(url, **auth).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=settings.SSO_REVALIDATE_DAYS, minutes=1)):
        assert client.get(url, **auth).status_code == 403


def test_tokens_outside_a_require_sso_workspace_need_no_sso(client, db):
    member = MembershipFactory(access=Access.EDITOR)
    secret = tokens.token_create(user=member.user, workspace=member.workspace, name="ci", scope="read").secret
    assert client.get(f"/api/v1/w/{member.workspace.slug}", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_a_suspended_members_tokens_are_refused(client, db):
    member = MembershipFactory(access=Access.EDITOR)
    secret = tokens.token_create(user=member.user, workspace=member.workspace, name="ci", scope="read").secret
    member.suspended_at = timezone.now()
    member.save()
    answer = client.get(f"/api/v1/w/{member.workspace.slug}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 403 and "suspended" in answer.json()["detail"]


def feed_url(feed):
    return reverse("rituals:feed", args=[feed.workspace.slug, feed.token])


def test_the_feed_works_within_its_makers_window_and_is_refused_past_it(client, strict, settings):
    workspace, admin, _ = strict
    feed = launch_services.feed_token_regenerate(workspace=workspace, actor=admin.user)
    assert client.get(feed_url(feed)).status_code == 403
    SsoSignIn.objects.create(user=admin.user, at=timezone.now())
    assert client.get(feed_url(feed)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=settings.SSO_REVALIDATE_DAYS, minutes=1)):
        answer = client.get(feed_url(feed))
    assert answer.status_code == 403 and "single sign-on" in answer.content.decode()


def test_a_feed_made_by_nobody_is_refused_where_sso_is_required(client, strict):
    workspace, _, _ = strict
    feed = launch_services.feed_token_regenerate(workspace=workspace)
    assert client.get(feed_url(feed)).status_code == 403


def test_a_feed_whose_maker_is_suspended_is_refused(client, db):
    admin = MembershipFactory(access=Access.ADMIN)
    feed = launch_services.feed_token_regenerate(workspace=admin.workspace, actor=admin.user)
    assert client.get(feed_url(feed)).status_code == 200
    admin.suspended_at = timezone.now()
    admin.save()
    assert client.get(feed_url(feed)).status_code == 403


def test_a_site_admins_token_needs_no_sso(client, strict):
    workspace, admin, _ = strict
    admin.user.is_superuser = True
    admin.user.save()
    secret = tokens.token_create(user=admin.user, workspace=workspace, name="ci", scope="read").secret
    assert client.get(f"/api/v1/w/{workspace.slug}", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
