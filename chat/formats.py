"""The limits Slack and Teams put on a whole message, checked before an answer goes out
(and by the tests on every kind of answer).

Slack (Block Kit reference): at most 50 blocks; a section's text at most 3,000
characters; a header's plain text at most 150; a context block at most 10 elements; an
actions block at most 25; a button's text at most 75 and its link at most 3,000; the
message's `text` at most 40,000. Teams: an Adaptive Card (version 1.0 to 1.5, what Teams
draws) made of the elements used here, every text block a string, every action a link with
a title, and the whole message under Teams' 28 KB.
"""

from __future__ import annotations

import json

SLACK_BLOCKS_MAX = 50
SLACK_SECTION_TEXT_MAX = 3000
SLACK_HEADER_TEXT_MAX = 150
SLACK_CONTEXT_ELEMENTS_MAX = 10
SLACK_ACTIONS_MAX = 25
SLACK_BUTTON_TEXT_MAX = 75
SLACK_URL_MAX = 3000
SLACK_MESSAGE_TEXT_MAX = 40_000
TEAMS_MESSAGE_BYTES_MAX = 28_000
CARD_VERSIONS = {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5"}
CARD_ELEMENTS = {"TextBlock", "FactSet", "Container", "ColumnSet", "Column", "RichTextBlock"}


def _text_of(obj: object) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else ""


def slack_problems(message: dict) -> list[str]:
    """What in a Slack message breaks Slack's limits; [] when it may be sent."""
    problems = []
    blocks = message.get("blocks", [])
    if len(blocks) > SLACK_BLOCKS_MAX:
        problems.append(f"{len(blocks)} blocks, over {SLACK_BLOCKS_MAX}")
    if len(message.get("text", "")) > SLACK_MESSAGE_TEXT_MAX:
        problems.append("text over 40,000 characters")
    if message.get("response_type") not in (None, "ephemeral", "in_channel"):
        problems.append("unknown response_type")
    for n, block in enumerate(blocks):
        kind = block.get("type")
        if kind == "section":
            if len(_text_of(block.get("text"))) > SLACK_SECTION_TEXT_MAX:
                problems.append(f"block {n}: section text over {SLACK_SECTION_TEXT_MAX}")
            if not _text_of(block.get("text")) and not block.get("fields"):
                problems.append(f"block {n}: section without text")
        elif kind == "header":
            text = block.get("text", {})
            if text.get("type") != "plain_text" or not 0 < len(text.get("text", "")) <= SLACK_HEADER_TEXT_MAX:
                problems.append(f"block {n}: header text must be plain text of 1 to {SLACK_HEADER_TEXT_MAX}")
        elif kind == "context":
            elements = block.get("elements", [])
            if not 0 < len(elements) <= SLACK_CONTEXT_ELEMENTS_MAX:
                problems.append(f"block {n}: context needs 1 to {SLACK_CONTEXT_ELEMENTS_MAX} elements")
            if any(len(_text_of(e)) > SLACK_SECTION_TEXT_MAX for e in elements):
                problems.append(f"block {n}: context text over {SLACK_SECTION_TEXT_MAX}")
        elif kind == "actions":
            elements = block.get("elements", [])
            if not 0 < len(elements) <= SLACK_ACTIONS_MAX:
                problems.append(f"block {n}: actions needs 1 to {SLACK_ACTIONS_MAX} elements")
            for element in elements:
                if len(_text_of(element.get("text"))) > SLACK_BUTTON_TEXT_MAX:
                    problems.append(f"block {n}: button text over {SLACK_BUTTON_TEXT_MAX}")
                if len(element.get("url", "")) > SLACK_URL_MAX:
                    problems.append(f"block {n}: button link over {SLACK_URL_MAX}")
        elif kind != "divider":
            problems.append(f"block {n}: unexpected type {kind!r}")
    return problems


def _card_element_problems(element: dict, where: str) -> list[str]:
    kind = element.get("type")
    if kind not in CARD_ELEMENTS:
        return [f"{where}: unknown element {kind!r}"]
    if kind == "TextBlock" and (not isinstance(element.get("text"), str) or not element["text"]):
        return [f"{where}: a TextBlock needs text"]
    if kind == "FactSet" and not all(
        isinstance(f.get("title"), str) and isinstance(f.get("value"), str) for f in element.get("facts", [])
    ):
        return [f"{where}: a fact needs a title and a value"]
    problems = []
    for n, inner in enumerate(element.get("items", []) + element.get("columns", [])):
        problems += _card_element_problems(inner, f"{where}.{n}")
    return problems


def card_problems(card: dict) -> list[str]:
    """What in an Adaptive Card Teams would not draw; [] when it may be sent."""
    problems = []
    if card.get("type") != "AdaptiveCard":
        problems.append("not an AdaptiveCard")
    if card.get("version") not in CARD_VERSIONS:
        problems.append(f"version {card.get('version')!r} is not one Teams draws")
    body = card.get("body")
    if not isinstance(body, list) or not body:
        problems.append("a card needs a body")
        body = []
    for n, element in enumerate(body):
        problems += _card_element_problems(element, f"body.{n}")
    for n, action in enumerate(card.get("actions", [])):
        if action.get("type") != "Action.OpenUrl" or not action.get("title") or not action.get("url"):
            problems.append(f"actions.{n}: an action is a link with a title")
    return problems


def teams_problems(message: dict) -> list[str]:
    """What in a Teams answer (a message with Adaptive Card attachments) breaks its limits."""
    problems = []
    if message.get("type") != "message":
        problems.append("not a message")
    if len(json.dumps(message).encode("utf-8")) > TEAMS_MESSAGE_BYTES_MAX:
        problems.append(f"over {TEAMS_MESSAGE_BYTES_MAX} bytes")
    for attachment in message.get("attachments", []):
        if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
            problems.append("an attachment that is not an Adaptive Card")
        else:
            problems += card_problems(attachment.get("content", {}))
    return problems
