"""The Teams outgoing webhook: the body's HMAC with the workspace's token, the message's own
timestamp, and each message id answered once; the answer is an Adaptive Card."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chat.models import ChatSetup
from chat.views import NOT_SIGNED
from tests.adaptive_cards import assert_valid_envelopes
from tests.chat.conftest import OTHER_TEAMS_TOKEN, teams_ask, teams_body


def _card(response) -> str:
    assert response.status_code == 200, response.content
    message = response.json()
    assert_valid_envelopes([message])
    assert message["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    return str(message["attachments"][0]["content"])


def _refused(response, status=401):
    assert response.status_code == status and response.content.decode() == NOT_SIGNED


def test_a_signed_mention_is_answered_with_an_adaptive_card(client, acme):
    shown = _card(teams_ask(client, acme, "who owns pricing & packaging?"))
    assert "Pricing & Packaging" in shown and "Accountable (A)" in shown and "Action.OpenUrl" in shown


def test_a_misspelled_activity_is_found(client, acme):
    assert "Positioning & Messaging" in _card(teams_ask(client, acme, "who owns positoning"))


def test_a_named_launch_answers_with_its_readiness_owners(client, acme):
    assert "Usage-based billing: readiness owners" in _card(
        teams_ask(client, acme, "who owns pricing for usage based billing")
    )


def test_a_wrong_signature_is_refused(client, acme):
    _refused(teams_ask(client, acme, "naming", authorization="HMAC AAAA"))


def test_a_missing_signature_is_refused(client, acme):
    _refused(teams_ask(client, acme, "naming", authorization=""))


def test_another_workspaces_token_is_refused(client, acme, elsewhere):
    _refused(teams_ask(client, acme, "who owns pricing", token=OTHER_TEAMS_TOKEN))


def test_a_message_older_than_five_minutes_is_refused_though_signed(client, acme):
    _refused(teams_ask(client, acme, "naming", when=datetime.now(UTC) - timedelta(minutes=6)))


def test_a_replayed_message_id_is_refused(client, acme):
    body = teams_body("naming", ident="1481567603816")
    assert teams_ask(client, acme, body=body).status_code == 200
    _refused(teams_ask(client, acme, body=body))


def test_a_channel_not_listed_gets_no_answer(client, acme):
    ChatSetup.objects.filter(workspace=acme).update(channels="19:pricing@thread.tacv2")
    shown = _card(teams_ask(client, acme, "naming", channel="19:random@thread.tacv2"))
    assert "does not answer in this channel" in shown and "Accountable" not in shown
    assert "Accountable" in _card(teams_ask(client, acme, "naming", channel="19:pricing@thread.tacv2"))


def test_a_signed_body_that_is_not_a_message_is_refused(client, acme):
    _refused(teams_ask(client, acme, body=b"[1, 2]"), status=400)
    _refused(teams_ask(client, acme, body=b"{not json"), status=400)
