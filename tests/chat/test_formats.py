"""Every kind of answer fits Slack's and Teams' limits, however long the names; and the
checks themselves catch what breaks those limits."""

from __future__ import annotations

from chat import formats, slack, teams
from chat.answers import HELP, Answer, Link, Part

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
            "ambiguous", LONG, "", [Part("Which one?", [LONG] * 8, [Link(LONG, URL)] * 8)], [Link("Open", URL)] * 30
        ),
        Answer("none", "x", parts=[Part("", ["only a line"])]),
        Answer("refused", "Lockstep does not answer in this channel."),
    ]


def test_every_answer_passes_slacks_whole_message_limits():
    for answer in _answers():
        message = slack.message_of(answer)
        assert not formats.slack_problems(message), (answer.kind, formats.slack_problems(message))


def test_every_answer_is_an_adaptive_card_teams_draws():
    for answer in _answers():
        message = teams.message_of(answer)
        assert not formats.teams_problems(message), (answer.kind, formats.teams_problems(message))


def test_user_text_makes_no_slack_link_or_mention():
    message = slack.message_of(Answer("found", "t", "<!channel> <https://evil.example|click>", []))
    assert "<!channel>" not in str(message) and "&lt;!channel&gt;" in str(message)


def test_the_checks_catch_what_slack_would_refuse():
    too_many = {"blocks": [{"type": "divider"}] * 51}
    long_section = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]}
    long_header = {"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]}
    odd = {"blocks": [{"type": "video"}]}
    for message in (too_many, long_section, long_header, odd):
        assert formats.slack_problems(message)


def test_the_checks_catch_a_card_teams_would_not_draw():
    card = teams.card_of(HELP)
    assert not formats.card_problems(card)
    assert formats.card_problems(card | {"version": "2.0"})
    assert formats.card_problems(card | {"body": []})
    assert formats.card_problems(card | {"body": [{"type": "TextBlock", "text": ""}]})
    assert formats.card_problems(card | {"actions": [{"type": "Action.Submit", "title": "x"}]})
    big = teams.message_of(HELP) | {"text": "x" * 30_000}
    assert formats.teams_problems(big)
