"""The webhook's events in the schema's `webhooks` section: every kind described, and what a
real delivery sends fits the description, signed as it says."""

import hashlib
import hmac
import json

import jsonschema_rs
import pytest

from notifications import webhooks
from notifications.models import NotificationKind, Webhook, WebhookDelivery
from tests.api.openapi import code_schema


@pytest.fixture
def world(shared_world):
    """Built once for the module: every test's writes are rolled back after it."""
    return shared_world


pytestmark = pytest.mark.django_db


def _schema():
    return code_schema()


def test_every_event_kind_is_a_signed_post_in_the_webhooks_section():
    schema = _schema()
    assert set(schema["webhooks"]) == {"ping", *NotificationKind.values}
    for kind, item in schema["webhooks"].items():
        post = item["post"]
        headers = {p["name"]: p["required"] for p in post["parameters"] if p["in"] == "header"}
        assert headers["X-Lockstep-Signature"] and headers["X-Lockstep-Timestamp"] and headers["X-Lockstep-Delivery"]
        assert headers["X-Lockstep-Signature-Previous"] is False
        assert "HMAC-SHA256" in post["description"]
        body = post["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/WebhookEvent"}, kind
    assert schema["components"]["schemas"]["WebhookEvent"]["properties"]["event"]["enum"][0] == "ping"


class _Answer:
    status = 200

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_go_recorded_through_the_api_is_delivered_as_the_schema_and_its_signature_say(
    api, world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    hook = Webhook.objects.create(workspace=world["ws"], url="https://hooks.example.com/lockstep")
    sent = []

    class Opener:
        def open(self, request, timeout):
            sent.append(request)
            return _Answer()

    monkeypatch.setattr(webhooks, "_OPENER", Opener())
    launch = world["launch"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.call(
            "post",
            f"/api/v1/w/{world['ws'].slug}/launches/{launch.pk}/go",
            world["tokens"][("editor", "write")],
            {"decision": "no_go", "notes": "Docs are late"},
        )
    assert answer.status_code == 201
    delivery = WebhookDelivery.objects.get(webhook=hook, kind=NotificationKind.GO_DECISION)
    if not sent:  # no worker in this process: the tick sends it
        webhooks.attempt(delivery.pk)
    request = sent[-1]
    body = request.data
    payload = json.loads(body)
    schema = _schema()
    event = dict(schema["components"]["schemas"]["WebhookEvent"])
    jsonschema_rs.validate(event, payload)
    assert payload["event"] == "go_decision" and payload["data"]["decision"] == "no_go"
    assert payload["data"]["launch"] == launch.name and payload["data"]["cycle"] == "2027-Q1"
    headers = {k.lower(): v for k, v in request.header_items()}
    assert headers["x-lockstep-event"] == "go_decision" and headers["x-lockstep-delivery"] == payload["id"]
    expected = hmac.new(
        hook.secret.encode(), headers["x-lockstep-timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["x-lockstep-signature"] == f"sha256={expected}"
