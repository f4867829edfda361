"""Signed requests with hostile words and shapes: never a 5xx, always an answer that fits
the service's limits. (The fuzz of every URL sends them unsigned; these get past the
signature.)"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chat.models import ChatSetup
from notifications import chat_formats as formats
from tests.chat.conftest import slack_ask, teams_ask, teams_body
from tests.test_fuzz import HOSTILE

WORDS = [
    *HOSTILE,
    "who owns " + "x" * 5000,
    "who owns in for in for",
    "for for",
    "in",
    "who owns pricing for",
    "<at>",
    "&amp;&lt;",
]


def test_hostile_words_from_slack_get_an_answer_that_fits(client, acme, settings):
    settings.CHAT_QUESTIONS_PER_MINUTE = 0
    for text in WORDS:
        response = slack_ask(client, acme, text)
        assert response.status_code in (200, 400), (text, response.status_code)  # 400: a NUL, refused at the edge
        if response.status_code == 200:
            assert not formats.slack_problems(response.json()), text


def test_hostile_words_from_teams_get_an_answer_that_fits(client, acme, settings):
    settings.CHAT_QUESTIONS_PER_MINUTE = 0
    for text in WORDS:
        response = teams_ask(client, acme, text)
        assert response.status_code == 200, (text, response.content)
        assert not formats.teams_problems(response.json()), text


@pytest.mark.django_db
@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(text=st.text(max_size=400))
def test_any_text_is_answered_from_slack(client, acme, text):
    cache.clear()  # the rate's count: one workspace asks all the examples
    response = slack_ask(client, acme, text)
    assert response.status_code < 500


@pytest.mark.parametrize(
    "change",
    [
        {"id": 12},
        {"id": ""},
        {"id": "x" * 201},
        {"timestamp": ["2026"]},
        {"timestamp": None},
        {"text": {"a": 1}},
        {"channelData": "x"},
        {"channelData": {"channel": "x", "teamsChannelId": 5}},
        {"conversation": []},
    ],
)
def test_odd_shapes_of_a_signed_teams_message_are_refused_or_answered_never_5xx(client, acme, change):
    ChatSetup.objects.filter(workspace=acme).update(channels="19:launches@thread.tacv2")
    message = json.loads(teams_body("naming")) | change
    response = teams_ask(client, acme, body=json.dumps(message).encode())
    assert response.status_code in (200, 400, 401), response.content


def test_a_signed_body_nested_past_the_parsers_depth_is_refused(client, acme):
    response = teams_ask(client, acme, body=b"[" * 30_000 + b"]" * 30_000)
    assert response.status_code == 400
