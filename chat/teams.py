"""An answer as Teams shows it: a message with one Adaptive Card of the subset the channel
messages use (`notifications.chat_formats`), the reply to the outgoing webhook. Teams has
no private reply to an outgoing webhook: the answer is posted in the thread where the
question was asked."""

from __future__ import annotations

import logging

from chat.answers import Answer
from notifications import chat_formats as formats
from notifications.chat_formats import clip

log = logging.getLogger(__name__)

TEXT_MAX = 2000
LINES_MAX = 40
NOTES_MAX = 5
ACTIONS_MAX = 5
# The text a card may hold, well inside Teams' limit for the whole message with its markup.
BUDGET = 16_000


def _block(text: str, **style) -> dict:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def card_of(answer: Answer) -> dict:
    left = BUDGET

    def spend(text: str) -> bool:
        nonlocal left
        left -= len(text.encode("utf-8")) + 80  # the block's own markup
        return left > 0

    body: list[dict] = [_block(clip(answer.title, 300), size="Medium", weight="Bolder")]
    if answer.context:
        body.append(_block(clip(answer.context, TEXT_MAX), isSubtle=True, spacing="None"))
    for part in answer.parts:
        items: list[dict] = []
        if part.heading:
            items.append(_block(clip(part.heading, 200), weight="Bolder"))
        lines = [clip(line, 500) for line in part.lines if line]
        # One block per line: a line is never read as markdown list syntax of another.
        for n, line in enumerate(lines):
            if n == LINES_MAX or not spend(line):
                items.append(_block(f"… and {len(lines) - n} more"))
                break
            items.append(_block(line, spacing="Small"))
        if items:
            body.append({"type": "Container", "items": items})
    body += [_block(clip(note, 500), isSubtle=True, size="Small") for note in answer.notes[:NOTES_MAX] if spend(note)]
    actions = [
        {"type": "Action.OpenUrl", "title": clip(link.label, 100), "url": link.url}
        for link in answer.links[:ACTIONS_MAX]
    ]
    return formats.adaptive_card(body, actions)


def message_of(answer: Answer) -> dict:
    """The reply: checked as the channel messages are; should a check ever fail, the card
    shrinks to the answer's title and a log line says why."""
    message = formats.adaptive_card_envelope(card_of(answer))
    problems = formats.teams_problems(message)
    if problems:
        log.error("A chat answer broke Teams' limits: %s", "; ".join(problems))
        return formats.adaptive_card_envelope(formats.adaptive_card([_block(clip(answer.title, 300))]))
    return message
