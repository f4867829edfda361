import pytest
from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory, UserFactory, build_matrix

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy(client):
    member = MembershipFactory()
    matrix, _, _ = build_matrix(member.workspace, activities=2, roles=2)
    client.force_login(member.user)
    response = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client):
    member = MembershipFactory()
    matrix, _, _ = build_matrix(member.workspace, activities=2, roles=2)
    client.force_login(member.user)
    html = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html
    for chunk in html.split("<script")[1:]:
        assert chunk.lstrip().startswith("src=")


def test_htmx_is_configured_for_a_strict_policy_and_sends_csrf_in_headers(client):
    member = MembershipFactory()
    client.force_login(member.user)
    html = client.get(reverse("dashboard:workspace", args=[member.workspace.slug])).content.decode()
    assert '"includeIndicatorStyles":false' in html and '"allowEval":false' in html
    assert '"selfRequestsOnly":true' in html and '"allowScriptTags":false' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_csrf_is_enforced_on_writes():
    from django.test import Client

    member = MembershipFactory()
    matrix, acts, roles = build_matrix(member.workspace, activities=1, roles=1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    url = reverse("raci:cell", args=[matrix.workspace.slug, matrix.slug, acts[0].pk, roles[0].pk])
    assert client.post(url, {"value": "A", "version": "1"}, headers={"HX-Request": "true"}).status_code == 403


def test_sign_in_is_refused_for_a_while_after_repeated_failures(client, settings):
    user = UserFactory(username="sam")
    url = reverse("login")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = client.post(url, {"login": "sam", "password": "wrong"})
        assert "Too many failed" not in response.content.decode()
    response = client.post(url, {"login": "sam", "password": PASSWORD})
    assert response.status_code == 200 and "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The lock is the account's: another account signs in from the same address.
    UserFactory(username="pat")
    assert client.post(url, {"login": "pat", "password": PASSWORD}).status_code == 302
    del user


def test_a_successful_sign_in_clears_earlier_failures(client, settings):
    UserFactory(username="kim")
    url = reverse("login")
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        client.post(url, {"login": "kim", "password": "wrong"})
    assert client.post(url, {"login": "kim", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        client.post(url, {"login": "kim", "password": "wrong"})
    assert client.post(url, {"login": "kim", "password": PASSWORD}).status_code == 302


def test_user_text_is_escaped_in_pages_and_fragments(client):
    from raci import services

    member = MembershipFactory(access="admin")
    client.force_login(member.user)
    payload = "<img src=x onerror=alert(1)>"
    matrix = services.matrix_create(workspace=member.workspace, name=payload, actor=member.user)
    services.column_add(matrix=matrix, name=payload, code="X", actor=member.user)
    activity = services.activity_add(matrix=matrix, name=payload, actor=member.user)
    page = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    fragment = client.get(
        reverse("raci:activity_edit", args=[matrix.workspace.slug, matrix.slug, activity.pk]),
        headers={"HX-Request": "true"},
    ).content.decode()
    for html in (page, fragment):
        assert payload not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
