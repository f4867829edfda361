"""An answer as Slack shows it: Block Kit built with slack_sdk's models, private to the
asker (`response_type: ephemeral`), every text clipped to Slack's limits and checked as the
channel messages are (`notifications.chat_formats`)."""

from __future__ import annotations

import logging

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from chat.answers import Answer
from notifications import chat_formats as formats
from notifications.chat_formats import clip, slack_link
from notifications.chat_formats import slack_escape as escape

log = logging.getLogger(__name__)

PARTS_MAX = 40
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_MAX = 25


def _lines(lines: list[str], limit: int) -> str:
    """Lines joined until `limit`; what does not fit is counted, not cut mid-line."""
    shown, size = [], 0
    for n, line in enumerate(lines):
        rest = len(lines) - n
        if size + len(line) + 1 > limit - 40:
            shown.append(f"… and {rest} more")
            break
        shown.append(line)
        size += len(line) + 1
    return clip("\n".join(shown), limit)


def blocks_of(answer: Answer) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=clip(answer.title, formats.SLACK_MAX_HEADER)))]
    if answer.context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(escape(answer.context), 2000))]))
    for part in answer.parts[:PARTS_MAX]:
        if part.links:
            lines = [f"• {slack_link(link.url, clip(link.label, 300))}" for link in part.links]
        else:
            lines = [f"• {escape(clip(line, 1000))}" for line in part.lines]
        heading = f"*{escape(clip(part.heading, 200))}*\n" if part.heading else ""
        text = heading + _lines(lines, formats.SLACK_MAX_TEXT_OBJECT - len(heading))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    if answer.notes:
        notes = [MarkdownTextObject(text=clip(escape(n), 2000)) for n in answer.notes]
        blocks.append(ContextBlock(elements=notes[:CONTEXT_ELEMENTS_MAX]))
    if answer.links:
        buttons = [
            ButtonElement(text=clip(link.label, formats.SLACK_MAX_BUTTON_TEXT), url=link.url, action_id=f"open-{n}")
            for n, link in enumerate(answer.links[:ACTIONS_MAX])
            if len(link.url) <= formats.SLACK_MAX_URL
        ]
        if buttons:
            blocks.append(ActionsBlock(elements=buttons))
    return blocks


def message_of(answer: Answer) -> dict:
    """The slash command's answer: ephemeral, seen by the asker alone. Checked before it
    goes as the channel messages are; should a check ever fail, the asker still gets the
    answer's title and a log line says why, instead of Slack refusing the whole answer."""
    message = {
        "response_type": "ephemeral",
        "text": clip(escape(answer.text), formats.SLACK_MAX_FALLBACK),
        "blocks": [block.to_dict() for block in blocks_of(answer)],
    }
    problems = formats.slack_problems(message)
    if problems:
        log.error("A chat answer broke Slack's limits: %s", "; ".join(problems))
        title = clip(escape(answer.title), formats.SLACK_MAX_TEXT_OBJECT)
        return {"response_type": "ephemeral", "text": title}
    return message
