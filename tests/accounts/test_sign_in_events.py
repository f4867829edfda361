"""Sign-in events, readable by the site's admins."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import SignInEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_sign_in_and_a_failure_are_recorded_with_where_from():
    lee = UserFactory(username="lee")
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Firefox")
    client.post(reverse("login"), {"login": "lee", "password": "wrong"})
    client.post(reverse("login"), {"login": "nobody\x7f", "password": "wrong"})
    client.post(reverse("login"), {"login": "lee", "password": PASSWORD})
    events = list(SignInEvent.objects.order_by("pk"))
    assert [(e.kind, e.user, e.username, e.ip, e.user_agent) for e in events] == [
        (SignInEvent.Kind.FAILURE, lee, "lee", "198.51.100.7", "Firefox"),
        (SignInEvent.Kind.FAILURE, None, "nobody", "198.51.100.7", "Firefox"),
        (SignInEvent.Kind.SUCCESS, lee, "lee", "198.51.100.7", "Firefox"),
    ]


def test_a_throttled_attempt_is_recorded_as_a_failure(client, settings):
    UserFactory(username="lee")
    for _ in range(settings.LOGIN_MAX_FAILURES + 1):
        client.post(reverse("login"), {"login": "lee", "password": "wrong"})
    assert SignInEvent.objects.filter(detail="throttled").count() == 1


def test_site_admins_read_the_list_and_nobody_edits_it(client):
    UserFactory(username="lee")
    client.post(reverse("login"), {"login": "lee", "password": "wrong"})
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:accounts_signinevent_changelist"))
    assert page.status_code == 200 and "Sign-in failed" in page.content.decode()
    event = SignInEvent.objects.get(username="lee")
    assert (
        client.post(reverse("admin:accounts_signinevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    assert SignInEvent.objects.filter(pk=event.pk).exists()


def test_people_who_are_not_site_admins_cannot_read_it(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(reverse("admin:accounts_signinevent_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert client.get(response["Location"]).status_code == 403


def test_old_events_are_dropped(settings):
    settings.SIGN_IN_EVENT_DAYS = 90
    old = SignInEvent.objects.create(
        kind=SignInEvent.Kind.SUCCESS, username="x", at=timezone.now() - timedelta(days=91)
    )
    recent = SignInEvent.objects.create(kind=SignInEvent.Kind.SUCCESS, username="x")
    assert services.sign_in_events_prune() == 1
    assert list(SignInEvent.objects.values_list("pk", flat=True)) == [recent.pk] and old.pk != recent.pk
