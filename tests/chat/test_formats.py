"""Every kind of answer passes the checks the channel messages pass (Slack's whole-message
limits; Teams' card subset, its schema and Microsoft's parser), however long the names."""

from __future__ import annotations

import pytest

from chat import slack, teams
from chat.answers import HELP, Answer, Link, Part
from notifications.chat_formats import slack_problems
from tests.adaptive_cards import assert_valid_envelopes

LONG = "Pricing & <Packaging> " * 40  # longer than any name may be
URL = "https://lockstep.example/w/acme/matrices/core/#row-1"


def _answers() -> list[Answer]:
    return [
        HELP,
        Answer(
            "found",
            LONG,
            LONG,
            [Part(LONG, [LONG] * 60), Part("Findings", [LONG] * 60)],
            [Link(LONG, URL)],
            [LONG] * 12,
        ),
        Answer(
            "ambiguous",
            LONG,
            "",
            [Part("Which one?", [LONG] * 8, [Link(LONG + "|x", URL)] * 8)],
            [Link("Open", URL)] * 30,
        ),
        Answer("none", "x", parts=[Part("", ["only a line"])]),
        Answer("refused", "Lockstep does not answer in this channel."),
        Answer("launch", "Atlas: readiness owners", parts=[Part("Checklist", [])]),
    ]


def test_every_answer_passes_slacks_whole_message_limits():
    for answer in _answers():
        message = slack.message_of(answer)
        assert message.get("blocks") and not slack_problems(message), (answer.kind, slack_problems(message))


def test_every_answer_is_a_card_teams_draws():
    assert_valid_envelopes([teams.message_of(answer) for answer in _answers()])


def test_user_text_makes_no_slack_link_or_mention():
    message = slack.message_of(Answer("found", "t", "<!channel> <https://evil.example|click>", []))
    assert "<!channel>" not in str(message) and "&lt;!channel&gt;" in str(message)


@pytest.mark.parametrize("service", [slack, teams])
def test_an_answer_that_would_break_a_limit_shrinks_to_its_title(service, monkeypatch, caplog):
    name = "slack_problems" if service is slack else "teams_problems"
    real = getattr(service.formats, name)
    calls = []

    def failing_once(message):
        calls.append(message)
        return ["too big"] if len(calls) == 1 else real(message)

    monkeypatch.setattr(service.formats, name, failing_once)
    message = service.message_of(HELP)
    assert "Ask Lockstep who owns what" in str(message) and "who owns pricing" not in str(message)
    assert "broke" in caplog.text
