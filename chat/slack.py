"""An answer as Slack shows it: Block Kit built with slack_sdk's models, private to the
asker (`response_type: ephemeral`), every text clipped to Slack's limits (`chat.formats`)."""

from __future__ import annotations

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

from chat import formats
from chat.answers import Answer

PARTS_MAX = 40


def escape(text: str) -> str:
    """User text in mrkdwn: no link, mention or @channel can be made from it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=clip(answer.title, formats.SLACK_HEADER_TEXT_MAX)))]
    if answer.context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(escape(answer.context), 2000))]))
    for part in answer.parts[:PARTS_MAX]:
        if part.links:
            lines = [f"• <{link.url}|{escape(clip(link.label, 300))}>" for link in part.links]
        else:
            lines = [f"• {escape(clip(line, 1000))}" for line in part.lines]
        heading = f"*{escape(clip(part.heading, 200))}*\n" if part.heading else ""
        text = heading + _lines(lines, formats.SLACK_SECTION_TEXT_MAX - len(heading))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    if answer.notes:
        notes = [MarkdownTextObject(text=clip(escape(n), 2000)) for n in answer.notes]
        blocks.append(ContextBlock(elements=notes[: formats.SLACK_CONTEXT_ELEMENTS_MAX]))
    if answer.links:
        buttons = [
            ButtonElement(text=clip(link.label, formats.SLACK_BUTTON_TEXT_MAX), url=link.url, action_id=f"open-{n}")
            for n, link in enumerate(answer.links[: formats.SLACK_ACTIONS_MAX])
            if len(link.url) <= formats.SLACK_URL_MAX
        ]
        if buttons:
            blocks.append(ActionsBlock(elements=buttons))
    return blocks


def message_of(answer: Answer) -> dict:
    """The slash command's answer: ephemeral, seen by the asker alone."""
    return {
        "response_type": "ephemeral",
        "text": clip(escape(answer.text), 3000),
        "blocks": [block.to_dict() for block in blocks_of(answer)],
    }
