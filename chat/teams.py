"""An answer as Teams shows it: a message with one Adaptive Card (version 1.4), the reply
to the outgoing webhook. Teams has no private reply to an outgoing webhook: the answer is
posted in the thread where the question was asked."""

from __future__ import annotations

from chat.answers import Answer

CARD_VERSION = "1.4"
TEXT_MAX = 2000
LINES_MAX = 40
# The text a card may hold, well inside Teams' 28 KB for the whole message with its markup.
BUDGET = 16_000


def clip(text: str, limit: int = TEXT_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def card_of(answer: Answer) -> dict:
    left = BUDGET

    def spend(text: str) -> bool:
        nonlocal left
        left -= len(text.encode("utf-8")) + 80  # the block's own markup
        return left > 0

    body: list[dict] = [
        {"type": "TextBlock", "text": clip(answer.title, 300), "size": "Medium", "weight": "Bolder", "wrap": True}
    ]
    if answer.context:
        body.append(
            {"type": "TextBlock", "text": clip(answer.context), "isSubtle": True, "spacing": "None", "wrap": True}
        )
    for part in answer.parts:
        items: list[dict] = []
        if part.heading:
            items.append({"type": "TextBlock", "text": clip(part.heading, 200), "weight": "Bolder", "wrap": True})
        lines = [clip(line, 500) for line in part.lines if line]
        # One block per line: a line is never read as markdown list syntax of another.
        for n, line in enumerate(lines):
            if n == LINES_MAX or not spend(line):
                items.append({"type": "TextBlock", "text": f"… and {len(lines) - n} more", "wrap": True})
                break
            items.append({"type": "TextBlock", "text": line, "wrap": True, "spacing": "Small"})
        if items:
            body.append({"type": "Container", "items": items})
    body += [
        {"type": "TextBlock", "text": clip(note, 500), "isSubtle": True, "size": "Small", "wrap": True}
        for note in answer.notes[:5]
        if spend(note)
    ]
    card: dict = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
    }
    if answer.links:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": clip(link.label, 100), "url": link.url} for link in answer.links[:5]
        ]
    return card


def message_of(answer: Answer) -> dict:
    return {
        "type": "message",
        "text": clip(answer.title, 300),
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card_of(answer)}],
    }
