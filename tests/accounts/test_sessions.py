"""A person's sessions: where and when each began, and "sign out everywhere else"."""

import pytest
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SignInEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user, address, agent) -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    assert client.post(reverse("login"), {"login": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_the_sessions_page_lists_each_session_with_where_and_when():
    lee = UserFactory(username="lee")
    laptop = signed_in(lee, "198.51.100.7", "Firefox on the laptop")
    signed_in(lee, "203.0.113.9", "Safari on the phone")
    signed_in(UserFactory(), "192.0.2.1", "Someone else's browser")
    html = laptop.get(reverse("usersessions_list")).content.decode()
    assert "198.51.100.7" in html and "203.0.113.9" in html and "192.0.2.1" not in html
    assert "Firefox on the laptop" in html and "Safari on the phone" in html
    assert html.count("This browser</span>") == 1 and "<time datetime=" in html
    assert "Sign out everywhere else" in html


def test_sign_out_everywhere_else_ends_the_other_sessions_and_keeps_this_one():
    lee = UserFactory(username="lee")
    laptop = signed_in(lee, "198.51.100.7", "Laptop")
    phone = signed_in(lee, "203.0.113.9", "Phone")
    other = signed_in(UserFactory(username="kim"), "192.0.2.1", "Kim's")
    response = laptop.post(reverse("usersessions_list"))
    assert response.status_code == 302
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302  # signed out
    assert other.get(reverse("home")).status_code == 200  # someone else's stays
    assert list(UserSession.objects.filter(user=lee).values_list("ip", flat=True)) == ["198.51.100.7"]
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.SIGNED_OUT_ELSEWHERE)
    assert (event.user, event.detail) == (lee, "1 other session")


def test_a_single_session_offers_nothing_to_end(client):
    lee = UserFactory(username="lee")
    laptop = signed_in(lee, "198.51.100.7", "Laptop")
    html = laptop.get(reverse("usersessions_list")).content.decode()
    assert "This browser is the only one signed in" in html and "Sign out everywhere else" not in html


def test_the_page_is_for_the_signed_in_only(client):
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_page_view_costs_no_session_query():
    """Session tracking is off: a signed-in page view does not write the session's last use."""
    lee = UserFactory(username="lee")
    laptop = signed_in(lee, "198.51.100.7", "Laptop")
    laptop.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        laptop.get(reverse("home"))
    assert not any("usersession" in q["sql"].lower() for q in queries.captured_queries)
