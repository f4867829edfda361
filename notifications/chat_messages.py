"""The messages people read in Slack and Teams, built from what events carry.

A delivery to a chat destination stores the events it carries (`items`: kind, title, body,
absolute link, who, and the event's names in `data`), one or a burst of edits to one
matrix; the message is built when it is sent. Messages show names and absolute links,
never ids. Slack's is Block Kit made with `slack_sdk`'s models and checked whole against
Slack's limits (`chat_formats.check_slack_message`); Teams' is an Adaptive Card in the
Workflows envelope, checked by `chat_formats.check_teams_message`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from notifications.chat_formats import (
    SLACK_MAX_BLOCKS,
    SLACK_MAX_FALLBACK,
    SLACK_MAX_HEADER,
    SLACK_MAX_TEXT_OBJECT,
    adaptive_card,
    adaptive_card_envelope,
    check_slack_message,
    check_teams_message,
    clip,
    slack_escape,
    teams_problems,
)
from notifications.models import Notification

# A burst lists this many changes at most; the rest are counted ("and 12 more").
BURST_SHOWN = 20


@dataclass
class Part:
    """One event as a message shows it, whatever the service: a heading, a lead line, lines
    of text, labelled facts, notes (the findings a change caused or cleared) and a link.
    Texts are plain: each service escapes them its own way."""

    heading: str
    lead: str = ""
    lines: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, list[str]]] = field(default_factory=list)  # ("Findings it caused", [...])
    url: str = ""


def _label(kind: str) -> str:
    return Notification.SHORT.get(kind, "Lockstep")


def part_of(item: dict) -> Part:
    """What one event says, by kind: the names and the change, never ids."""
    kind, data = item.get("kind", ""), item.get("data") or {}
    actor = item.get("actor") or ""
    part = Part(heading=item.get("title") or _label(kind), url=item.get("url", ""))
    body = item.get("body") or ""
    if kind == "letters":
        part.heading = f"{data.get('activity', '')} in {data.get('matrix', '')}".strip()
        part.lead = f"{actor or 'Someone'} changed who does “{data.get('activity', '')}”"
        part.lines = list(data.get("changes") or [])
        if data.get("findings_caused"):
            part.notes.append(("Findings it caused", list(data["findings_caused"])))
        if data.get("findings_cleared"):
            part.notes.append(("Findings it cleared", list(data["findings_cleared"])))
    elif kind == "go_decision":
        part.facts = [
            ("Decision", data.get("decision_label") or data.get("decision", "")),
            ("Readiness", data.get("readiness") or "Not recorded"),
            ("Decided by", actor or "Someone"),
            ("Launch", data.get("launch", "")),
            ("Cycle", data.get("cycle", "")),
        ]
        if body:
            part.lines = [f"Notes: {body}"]
    elif kind == "launch_tier":
        part.facts = [
            ("Tier", data.get("tier_name", "")),
            ("Launch", data.get("launch", "")),
            ("Changed by", actor or "Someone"),
        ]
        part.lines = [f"Reason: {data.get('reason') or 'none given'}"]
    else:
        part.lines = [line for line in body.splitlines() if line.strip()]
        facts = [("Matrix", data.get("matrix")), ("Launch", data.get("launch")), ("Cycle", data.get("cycle"))]
        part.facts = [(k, str(v)) for k, v in facts if v]
        if actor:
            part.facts.append(("By", actor))
    part.facts = [(k, v) for k, v in part.facts if v]
    return part


@dataclass
class Message:
    """What a delivery shows: a heading over one part or a burst of parts."""

    heading: str
    parts: list[Part]
    more: int = 0  # parts not shown
    url: str = ""
    footer: str = ""


def message_of(items: list[dict], *, workspace: str, more: int = 0) -> Message:
    if len(items) == 1 and not more:
        part = part_of(items[0])
        return Message(part.heading, [part], url=part.url, footer=f"{workspace} · {_label(items[0].get('kind', ''))}")
    parts = [part_of(item) for item in items[:BURST_SHOWN]]
    hidden = more + max(len(items) - BURST_SHOWN, 0)
    matrix = (items[0].get("data") or {}).get("matrix", "")
    total = len(items) + more
    url = (items[0].get("url") or "").split("#", 1)[0]
    heading = f"{total} ownership changes in {matrix}" if matrix else f"{total} changes"
    return Message(heading, parts, more=hidden, url=url, footer=f"{workspace} · {_label(items[0].get('kind', ''))}")


# --- Slack ------------------------------------------------------------------------------


def _slack_part(part: Part, *, with_heading: bool) -> list:
    text = []
    if with_heading and part.heading:
        text.append(f"*{slack_escape(part.heading)}*")
    if part.lead:
        text.append(slack_escape(part.lead))
    text += [f"• {slack_escape(line)}" for line in part.lines]
    blocks: list = []
    if text:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip("\n".join(text), SLACK_MAX_TEXT_OBJECT))))
    if part.facts:
        blocks.append(
            SectionBlock(
                fields=[
                    MarkdownTextObject(text=clip(f"*{slack_escape(k)}*\n{slack_escape(v)}", 2000))
                    for k, v in part.facts[:10]
                ]
            )
        )
    for title, lines in part.notes:
        note = f"*{slack_escape(title)}:* " + "; ".join(slack_escape(line) for line in lines)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(note, SLACK_MAX_TEXT_OBJECT))]))
    return blocks


def slack_payload(message: Message) -> dict:
    """Block Kit for the message, within Slack's limits for the whole message: a burst
    shows as many of its parts as fit and counts the rest."""
    head = [HeaderBlock(text=PlainTextObject(text=clip(message.heading, SLACK_MAX_HEADER)))]
    tail: list = []
    if message.url:
        tail.append(
            ActionsBlock(elements=[ButtonElement(text=PlainTextObject(text="Open in Lockstep"), url=message.url)])
        )
    tail.append(ContextBlock(elements=[MarkdownTextObject(text=clip(slack_escape(message.footer), 3000))]))
    body: list = []
    burst = len(message.parts) > 1 or message.more
    hidden = message.more
    room = SLACK_MAX_BLOCKS - len(head) - len(tail) - 1  # one for the "more" line
    for i, part in enumerate(message.parts):
        blocks = ([DividerBlock()] if burst and body else []) + _slack_part(part, with_heading=bool(burst))
        if len(body) + len(blocks) > room:
            hidden += len(message.parts) - i
            break
        body += blocks
    if hidden:
        body.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"… and {hidden} more: open Lockstep to see them all.")])
        )
    fallback = message.heading
    if message.parts and message.parts[0].lead and not burst:
        fallback = f"{message.heading}: {message.parts[0].lead}"
    payload = {
        "text": clip(slack_escape(fallback), SLACK_MAX_FALLBACK),
        "blocks": [block.to_dict() for block in head + body + tail],
        "unfurl_links": False,
    }
    return check_slack_message(payload)


# --- Microsoft Teams --------------------------------------------------------------------


def _teams_part(part: Part, *, with_heading: bool) -> list[dict]:
    items: list[dict] = []
    if with_heading and part.heading:
        items.append({"type": "TextBlock", "text": clip(part.heading, 300), "wrap": True, "weight": "Bolder"})
    if part.lead:
        items.append({"type": "TextBlock", "text": clip(part.lead, 2000), "wrap": True})
    for line in part.lines:
        items.append({"type": "TextBlock", "text": clip(f"- {line}", 2000), "wrap": True, "spacing": "Small"})
    if part.facts:
        items.append({"type": "FactSet", "facts": [{"title": k, "value": clip(v, 1000)} for k, v in part.facts]})
    for title, lines in part.notes:
        text = f"{title}: " + "; ".join(lines)
        items.append({"type": "TextBlock", "text": clip(text, 2000), "wrap": True, "isSubtle": True})
    return items


def teams_payload(message: Message) -> dict:
    """The card for the message; a burst too big for one Teams message shows fewer parts
    and counts the rest."""
    while True:
        envelope = _teams_envelope(message)
        if len(message.parts) <= 1 or not any("bytes" in p for p in teams_problems(envelope)):
            return check_teams_message(envelope)
        message = Message(message.heading, message.parts[:-1], message.more + 1, message.url, message.footer)


def _teams_envelope(message: Message) -> dict:
    body: list[dict] = [
        {"type": "TextBlock", "text": clip(message.heading, 300), "wrap": True, "weight": "Bolder", "size": "Medium"}
    ]
    burst = len(message.parts) > 1 or message.more
    for part in message.parts:
        items = _teams_part(part, with_heading=bool(burst))
        if not items:
            continue
        if burst:
            body.append({"type": "Container", "items": items, "separator": True})
        else:
            body += items
    if message.more:
        body.append(
            {"type": "TextBlock", "text": f"… and {message.more} more: open Lockstep to see them all.", "wrap": True}
        )
    body.append(
        {"type": "TextBlock", "text": clip(message.footer, 300), "wrap": True, "isSubtle": True, "size": "Small"}
    )
    actions = [{"type": "Action.OpenUrl", "title": "Open in Lockstep", "url": message.url}] if message.url else None
    return adaptive_card_envelope(adaptive_card(body, actions))


def payload_for(kind: str, message: Message) -> dict:
    return slack_payload(message) if kind == "slack" else teams_payload(message)
