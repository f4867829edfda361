"""Slack's limits checked for the whole message; Teams' envelope and card subset."""

import pytest
from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, PlainTextObject, SectionBlock

from notifications.chat_formats import (
    SLACK_MAX_BLOCKS,
    ChatFormatError,
    adaptive_card,
    adaptive_card_envelope,
    check_slack_message,
    check_teams_message,
    clip,
    slack_escape,
    slack_link,
    slack_problems,
    teams_problems,
)
from tests.adaptive_cards import assert_valid_envelopes, node_problems, schema_problems


def section(text):
    return SectionBlock(text=MarkdownTextObject(text=text)).to_dict()


def test_a_message_within_every_limit_passes():
    payload = {"text": "Hello", "blocks": [HeaderBlock(text=PlainTextObject(text="Hi")).to_dict(), section("x" * 3000)]}
    assert check_slack_message(payload) is payload


def test_more_blocks_than_a_message_takes_is_refused_though_each_block_is_fine():
    payload = {"text": "Hello", "blocks": [section("a")] * (SLACK_MAX_BLOCKS + 1)}
    with pytest.raises(ChatFormatError, match="51 blocks, over 50"):
        check_slack_message(payload)


def test_a_long_context_element_is_caught_where_slack_sdk_lets_it_through():
    block = ContextBlock(elements=[MarkdownTextObject(text="y" * 3001)])
    block.validate_json()  # slack_sdk's own check is silent
    assert any("3001 characters, over 3000" in p for p in slack_problems({"text": "t", "blocks": [block.to_dict()]}))


def test_a_header_over_150_characters_and_a_missing_fallback_are_both_reported():
    problems = slack_problems({"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]})
    assert any("fallback" in p for p in problems)
    assert any("150" in p for p in problems)


def test_a_fallback_text_over_4000_characters_is_refused():
    assert any("over 4000" in p for p in slack_problems({"text": "z" * 4001, "blocks": []}))


def test_an_attribute_slack_sdk_does_not_build_is_refused():
    raw = section("a") | {"colour": "red"}
    assert any("colour" in p for p in slack_problems({"text": "t", "blocks": [raw]}))


def test_an_unknown_block_type_is_refused():
    assert slack_problems({"text": "t", "blocks": [{"type": "hologram"}]})


def test_user_text_cannot_ping_the_channel_or_make_a_link():
    assert slack_escape("<!channel> & <https://x|y>") == "&lt;!channel&gt; &amp; &lt;https://x|y&gt;"
    assert slack_link("https://a.example/m/1", "Pricing | <b>") == "<https://a.example/m/1|Pricing ¦ &lt;b&gt;>"


def test_clip_marks_the_cut():
    assert clip("abcdef", 4) == "abc…"
    assert clip("abc", 4) == "abc"


def card():
    return adaptive_card(
        [
            {"type": "TextBlock", "text": "Launch **Atlas** is go", "wrap": True, "weight": "Bolder"},
            {"type": "FactSet", "facts": [{"title": "Tier", "value": "Tier 1"}]},
            {"type": "Container", "items": [{"type": "TextBlock", "text": "More", "wrap": True}]},
        ],
        [{"type": "Action.OpenUrl", "title": "Open", "url": "https://lockstep.example/l/1"}],
    )


def test_an_envelope_of_our_subset_passes_our_check_the_schema_and_the_adaptivecards_parser():
    envelope = adaptive_card_envelope(card())
    assert check_teams_message(envelope) is envelope
    assert_valid_envelopes([envelope])


def test_the_parser_and_the_schema_catch_an_element_teams_does_not_know():
    bad = card()
    bad["body"].append({"type": "Hologram", "text": "x"})
    assert node_problems([bad]) != [[]]
    assert schema_problems(adaptive_card_envelope(bad))


def test_the_schema_catches_a_misspelt_property():
    bad = card()
    bad["body"][0]["wieght"] = "Bolder"
    assert schema_problems(adaptive_card_envelope(bad))


def test_an_oversized_card_or_a_wrong_version_is_refused():
    big = adaptive_card([{"type": "TextBlock", "text": "w" * 4000, "wrap": True}] * 8)
    assert any("bytes" in p for p in teams_problems(adaptive_card_envelope(big)))
    old = card() | {"version": "1.0"}
    assert any("version" in p for p in teams_problems(adaptive_card_envelope(old)))
    with pytest.raises(ChatFormatError):
        check_teams_message({"type": "message", "attachments": []})
