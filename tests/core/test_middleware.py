"""Answers to a signed-in person are `Cache-Control: private, no-store`: pages, fragments and
form answers alike; the calendar feed, public pages and static files keep their own."""

import re

import pytest
from django.test import Client

from launches.models import CalendarFeed

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


def test_every_page_and_fragment_behind_sign_in_is_private_and_not_stored(world):
    client = Client()
    client.force_login(world.people["admin"].user)
    fragments, checked = set(), []
    for name, url in world.shared_urls().items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Cache-Control"] == PRIVATE, name
        checked.append(url)
        fragments.update(re.findall(r'hx-get="(/[^"]*)"', response.content.decode()))
    for url in sorted(fragments):
        response = client.get(url.replace("&amp;", "&"), headers={"HX-Request": "true"})
        if response.status_code == 200:
            assert response["Cache-Control"] == PRIVATE, url
            checked.append(url)
    assert len(checked) > len(world.shared_urls())  # fragments were checked too


def test_a_form_answer_and_a_refusal_behind_sign_in_are_private_too(world):
    client = Client()
    client.force_login(world.people["viewer"].user)
    ws = world.workspace.slug
    refused = client.post(f"/w/{ws}/members/", {}, headers={"HX-Request": "true"})
    assert refused.status_code in (403, 404, 405) and refused["Cache-Control"] == PRIVATE
    missing = client.get(f"/w/{ws}/launches/nope/")
    assert missing.status_code == 404 and missing["Cache-Control"] == PRIVATE


def test_public_pages_and_the_calendar_feed_keep_their_own(world, client):
    assert not client.get("/accounts/signup/sent/").has_header("Cache-Control")
    # The sign-in page keeps Django's own (never cached, whoever asks).
    assert client.get("/accounts/login/")["Cache-Control"] != PRIVATE
    feed = CalendarFeed.objects.get_or_create(workspace=world.workspace)[0]
    url = f"/w/{world.workspace.slug}/launches/feed/{feed.token}.ics"
    assert client.get(url)["Cache-Control"] == "private, max-age=300"
    client.force_login(world.people["admin"].user)  # opened in a signed-in browser: the same
    assert client.get(url)["Cache-Control"] == "private, max-age=300"
