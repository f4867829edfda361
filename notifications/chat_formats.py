"""What a chat service accepts: Slack's limits for a whole message, Teams' Adaptive Card.

Anything Lockstep posts to Slack or Teams (a channel's notification, the weekly digest, the
answer to a chat command) goes through these checks before it leaves, so that a message
too long for the service is cut by us, readably, instead of being refused by it.

Slack: blocks are built with `slack_sdk.models.blocks` only. `slack_sdk` checks each block
on its own (a section's 3,000 characters, a header's 150) but not the message: how many
blocks, the fallback `text`, the text inside a context block. `slack_problems(payload)`
checks all of it; `check_slack_message(payload)` raises `ChatFormatError` on the first
problems. `slack_escape` makes user text inert in mrkdwn (no `<!channel>`, no links), and
`clip` cuts text to a limit with an ellipsis.

Teams: a Workflows webhook takes a message whose one attachment is an Adaptive Card
(`adaptive_card_envelope(card)`). `ADAPTIVE_CARD_SCHEMA` is the JSON schema of the subset
we send (TextBlock, FactSet, Container, Action.OpenUrl, version 1.4); `teams_problems(envelope)`
checks the envelope's shape and size without a schema library; the tests also validate the
cards with the schema and parse them with the `adaptivecards` package in Node.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

# Slack's limits (api.slack.com/reference/block-kit and chat.postMessage).
SLACK_MAX_BLOCKS = 50  # blocks in one message
SLACK_MAX_TEXT_OBJECT = 3000  # characters in one text object (section, context element, field: 2,000)
SLACK_MAX_FIELD = 2000
SLACK_MAX_HEADER = 150
SLACK_MAX_BUTTON_TEXT = 75
SLACK_MAX_URL = 3000
# The fallback `text` shown in notifications: Slack truncates past 40,000 characters and
# advises staying under 4,000, which is the line we keep.
SLACK_MAX_FALLBACK = 4000
# Slack refuses a markdown block payload past 12,000 characters in all.
SLACK_MAX_MARKDOWN_TOTAL = 12000

TEAMS_CARD_VERSION = "1.4"  # what Teams renders in channels for cards posted by Workflows
TEAMS_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# Teams refuses a message over about 28 KB; the card is kept under it with room to spare.
TEAMS_MAX_BYTES = 27_000


class ChatFormatError(ValueError):
    """A message the service would refuse or cut; the text lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _passed(message: dict, problems: list[str]) -> dict:
    """The message when its service's check found nothing; else every problem, raised."""
    if problems:
        raise ChatFormatError(problems)
    return message


def clip(text: str, limit: int) -> str:
    """The text cut to `limit` characters, an ellipsis marking the cut."""
    text = text or ""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def slack_escape(text: str) -> str:
    """User text made inert in mrkdwn: `&`, `<`, `>` escaped as Slack asks, so a name like
    `<!channel>` or `<https://x|click>` is shown, not acted on."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link(url: str, label: str) -> str:
    """A mrkdwn link whose label is user text (escaped; `|` would end the URL part)."""
    return f"<{url}|{slack_escape(label).replace('|', '¦')}>"


def _text_objects(node: Any, path: str):
    """Every text object (a dict with type plain_text/mrkdwn and a text) under a block."""
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and "text" in node:
            yield path, node
        for key, value in node.items():
            yield from _text_objects(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _text_objects(value, f"{path}[{i}]")


def slack_problems(payload: dict) -> list[str]:
    """Everything in the message Slack would refuse or cut (an empty list when none)."""
    problems: list[str] = []
    if not isinstance(payload, dict):
        return ["The message is not a JSON object."]
    text = payload.get("text")
    blocks = payload.get("blocks") or []
    if not isinstance(text, str) or not text.strip():
        problems.append("The message has no fallback text (shown in notifications and by screen readers).")
    elif len(text) > SLACK_MAX_FALLBACK:
        problems.append(f"The fallback text has {len(text)} characters, over {SLACK_MAX_FALLBACK}.")
    if not isinstance(blocks, list):
        return [*problems, "blocks is not a list."]
    if len(blocks) > SLACK_MAX_BLOCKS:
        problems.append(f"The message has {len(blocks)} blocks, over {SLACK_MAX_BLOCKS}.")
    markdown_total = 0
    for i, raw in enumerate(blocks):
        where = f"blocks[{i}]"
        try:
            block = Block.parse(raw)
        except (SlackObjectFormationError, TypeError, AttributeError, KeyError) as error:
            problems.append(f"{where}: {error}")
            continue
        if block is None or type(block) is Block:
            problems.append(
                f"{where}: not a block slack_sdk knows ({raw.get('type') if isinstance(raw, dict) else raw!r})."
            )
            continue
        try:
            built = block.to_dict()  # validates the block as slack_sdk does
        except SlackObjectFormationError as error:
            problems.append(f"{where}: {error}")
        else:
            if built != raw:
                problems.append(f"{where}: has attributes slack_sdk does not build: {sorted(set(raw) - set(built))}.")
        if raw.get("type") == "markdown":
            markdown_total += len(raw.get("text", ""))
        for path, obj in _text_objects(raw, where):
            limit = (
                SLACK_MAX_HEADER
                if raw.get("type") == "header"
                else SLACK_MAX_FIELD
                if ".fields[" in path
                else SLACK_MAX_BUTTON_TEXT
                if obj.get("type") == "plain_text" and ".elements[" in path and raw.get("type") == "actions"
                else SLACK_MAX_TEXT_OBJECT
            )
            if not isinstance(obj["text"], str) or not obj["text"]:
                problems.append(f"{path}: empty text.")
            elif len(obj["text"]) > limit:
                problems.append(f"{path}: {len(obj['text'])} characters, over {limit}.")
        for element in raw.get("elements", []) if isinstance(raw.get("elements"), list) else []:
            if isinstance(element, dict) and len(str(element.get("url", ""))) > SLACK_MAX_URL:
                problems.append(f"{where}: a link longer than {SLACK_MAX_URL} characters.")
    if markdown_total > SLACK_MAX_MARKDOWN_TOTAL:
        problems.append(f"The markdown blocks hold {markdown_total} characters, over {SLACK_MAX_MARKDOWN_TOTAL}.")
    return problems


def check_slack_message(payload: dict) -> dict:
    """The payload itself when Slack takes it whole; else `ChatFormatError`."""
    return _passed(payload, slack_problems(payload))


# --- Microsoft Teams -------------------------------------------------------------------


def adaptive_card(body: list[dict], actions: list[dict] | None = None) -> dict:
    """An Adaptive Card of our subset, full width in Teams."""
    card: dict = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": TEAMS_CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        card["actions"] = actions
    return card


def adaptive_card_envelope(card: dict) -> dict:
    """The message a Teams Workflows webhook ("Post to a channel when a webhook request is
    received") expects: one attachment holding the card."""
    return {
        "type": "message",
        "attachments": [{"contentType": TEAMS_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }


def teams_problems(envelope: dict) -> list[str]:
    """What Teams would refuse in the envelope: its shape, the card's type and version, size."""
    problems: list[str] = []
    if not isinstance(envelope, dict) or envelope.get("type") != "message":
        return ['The envelope is not {"type": "message", ...}.']
    attachments = envelope.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        return ["The envelope must hold exactly one attachment."]
    attachment = attachments[0]
    if not isinstance(attachment, dict) or attachment.get("contentType") != TEAMS_CONTENT_TYPE:
        problems.append(f"The attachment's contentType is not {TEAMS_CONTENT_TYPE}.")
    card = attachment.get("content") if isinstance(attachment, dict) else None
    if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
        return [*problems, "The attachment holds no AdaptiveCard."]
    if card.get("version") != TEAMS_CARD_VERSION:
        problems.append(f"The card's version is not {TEAMS_CARD_VERSION}.")
    if not isinstance(card.get("body"), list) or not card["body"]:
        problems.append("The card has no body.")
    size = len(json.dumps(envelope, separators=(",", ":")).encode())
    if size > TEAMS_MAX_BYTES:
        problems.append(f"The message is {size} bytes, over {TEAMS_MAX_BYTES}.")
    return problems


def check_teams_message(envelope: dict) -> dict:
    return _passed(envelope, teams_problems(envelope))


_TEXT = {"type": "string", "minLength": 1, "maxLength": 5000}
_SPACING = {"enum": ["None", "Small", "Default", "Medium", "Large", "ExtraLarge", "Padding"]}
_TEXT_BLOCK = {
    "type": "object",
    "required": ["type", "text"],
    "additionalProperties": False,
    "properties": {
        "type": {"const": "TextBlock"},
        "text": _TEXT,
        "wrap": {"type": "boolean"},
        "weight": {"enum": ["Default", "Lighter", "Bolder"]},
        "size": {"enum": ["Default", "Small", "Medium", "Large", "ExtraLarge"]},
        "color": {"enum": ["Default", "Dark", "Light", "Accent", "Good", "Warning", "Attention"]},
        "isSubtle": {"type": "boolean"},
        "spacing": _SPACING,
        "separator": {"type": "boolean"},
        "style": {"enum": ["default", "heading"]},
    },
}
_FACT_SET = {
    "type": "object",
    "required": ["type", "facts"],
    "additionalProperties": False,
    "properties": {
        "type": {"const": "FactSet"},
        "facts": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
                "type": "object",
                "required": ["title", "value"],
                "additionalProperties": False,
                "properties": {"title": _TEXT, "value": _TEXT},
            },
        },
        "spacing": _SPACING,
        "separator": {"type": "boolean"},
    },
}
_CONTAINER = {
    "type": "object",
    "required": ["type", "items"],
    "additionalProperties": False,
    "properties": {
        "type": {"const": "Container"},
        "items": {"type": "array", "minItems": 1, "items": {"anyOf": [_TEXT_BLOCK, _FACT_SET]}},
        "spacing": _SPACING,
        "separator": {"type": "boolean"},
        "style": {"enum": ["default", "emphasis", "good", "attention", "warning", "accent"]},
    },
}
_OPEN_URL = {
    "type": "object",
    "required": ["type", "title", "url"],
    "additionalProperties": False,
    "properties": {
        "type": {"const": "Action.OpenUrl"},
        "title": {"type": "string", "minLength": 1, "maxLength": 100},
        "url": {"type": "string", "pattern": "^https?://", "maxLength": 2000},
    },
}
ADAPTIVE_CARD_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "The Adaptive Card subset Lockstep sends to Teams",
    "type": "object",
    "required": ["type", "version", "body"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"const": "http://adaptivecards.io/schemas/adaptive-card.json"},
        "type": {"const": "AdaptiveCard"},
        "version": {"const": TEAMS_CARD_VERSION},
        "body": {
            "type": "array",
            "minItems": 1,
            "maxItems": 60,
            "items": {"anyOf": [_TEXT_BLOCK, _FACT_SET, _CONTAINER]},
        },
        "actions": {"type": "array", "maxItems": 5, "items": _OPEN_URL},
        "msteams": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"width": {"const": "Full"}},
        },
    },
}
TEAMS_ENVELOPE_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["type", "attachments"],
    "additionalProperties": False,
    "properties": {
        "type": {"const": "message"},
        "attachments": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1,
            "items": {
                "type": "object",
                "required": ["contentType", "content"],
                "additionalProperties": False,
                "properties": {
                    "contentType": {"const": TEAMS_CONTENT_TYPE},
                    "contentUrl": {"type": "null"},
                    "content": ADAPTIVE_CARD_SCHEMA,
                },
            },
        },
    },
}
