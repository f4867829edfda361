"""The workspace webhook's events, described in the OpenAPI document's `webhooks` section
(OpenAPI 3.1): one entry per event kind, each a signed JSON POST to the receiver an admin
sets on the webhook page. What is sent is `notifications.notify` and `notifications.webhooks`;
this module only describes it, from the same kinds, so a new kind is documented at once.
"""

from __future__ import annotations

from typing import Any

from notifications.models import NotificationKind

SCHEMA_NAME = "WebhookEvent"
PING = "ping"

SIGNATURE = (
    "Each request is signed: `X-Lockstep-Signature: sha256=<hex>` is the HMAC-SHA256, keyed with the "
    "webhook's secret, of `<X-Lockstep-Timestamp>.<raw body>` (the timestamp's digits, a full stop, the body's "
    "bytes as received). Recompute it and compare in constant time; refuse a timestamp more than five minutes "
    "old, and a delivery id (`X-Lockstep-Delivery`) you have seen: a retried delivery keeps its id. For a while "
    "after an admin makes a new secret, `X-Lockstep-Signature-Previous` carries the same HMAC with the previous "
    "secret: accept a request when either signature matches the secret you hold. Answer 2xx within 5 seconds; "
    "anything else is retried with backoff."
)

# What `data` carries for each kind (the names and links a message shows, and what routing needs).
DATA: dict[str, str] = {
    NotificationKind.LETTERS: "`matrix`, `activity`, `changes` (each change in words)",
    NotificationKind.LAUNCH_STATUS: "`launch`, `cycle`, `status`, `note`",
    NotificationKind.LAUNCH_TIER: "`launch`, `cycle`, `tier`, `tier_name`",
    NotificationKind.GO_DECISION: "`launch`, `cycle`, `decision` (`go` or `no_go`)",
    NotificationKind.ROLE_UNHELD: "`launch`, `cycle`, `role`, `items`",
    NotificationKind.WORKSHOP_INVITED: "`matrix`, `workshop`, `status`",
    NotificationKind.WORKSHOP_REVEALED: "`matrix`, `workshop`, `status`",
}


def event_schema() -> dict[str, Any]:
    kinds = [PING, *NotificationKind.values]
    return {
        "title": SCHEMA_NAME,
        "type": "object",
        "required": ["event", "id", "workspace", "title", "at"],
        "properties": {
            "event": {"type": "string", "enum": kinds, "description": "The kind of event (also `X-Lockstep-Event`)."},
            "id": {"type": "string", "description": "The event's key: the same event never comes under two ids."},
            "workspace": {"type": "string", "description": "The workspace's slug."},
            "title": {"type": "string"},
            "text": {"type": "string", "description": "The notification's text, as the bell and the e-mail say it."},
            "url": {"type": "string", "description": "Where in Lockstep it is; empty when nowhere in particular."},
            "actor": {"type": "string", "description": "Who caused it; empty for a scheduled reminder."},
            "at": {"type": "string", "format": "date-time"},
            "data": {
                "type": "object",
                "additionalProperties": True,
                "description": "What the event concerns, by kind (names, not ids): see each event.",
            },
        },
        "additionalProperties": False,
    }


def _header(name: str, description: str, *, required: bool = True, example: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }
    if example:
        found["example"] = example
    return found


HEADERS = [
    _header("X-Lockstep-Event", "The kind of event.", example="go_decision"),
    _header("X-Lockstep-Delivery", "The event's id: a retry keeps it, so a receiver can drop repeats."),
    _header("X-Lockstep-Timestamp", "Seconds since 1970 when this attempt was signed.", example="1796000000"),
    _header("X-Lockstep-Signature", "`sha256=` and the hex HMAC described above.", example="sha256=9f86d08…"),
    _header(
        "X-Lockstep-Signature-Previous",
        "During a secret's roll-over only: the same HMAC with the previous secret.",
        required=False,
    ),
]


def webhooks() -> dict[str, Any]:
    """The `webhooks` section: one signed POST per event kind."""
    found = {}
    for kind, label in [
        (PING, "A test event, sent when an admin asks for one on the webhook page"),
        *NotificationKind.choices,
    ]:
        data = DATA.get(kind)
        found[kind] = {
            "post": {
                "summary": label,
                "description": SIGNATURE + (f"\n\n`data`: {data}." if data else ""),
                "operationId": f"webhook_{kind}",
                "tags": ["Webhook"],
                "parameters": HEADERS,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{SCHEMA_NAME}"}}},
                },
                "responses": {
                    "2XX": {"description": "Received: no more attempts."},
                    "default": {"description": "Not received: tried again later, with backoff."},
                },
            }
        }
    return found
