"""The chat tests' world: the demo workspace with Slack and Teams set up, another workspace
set up with other secrets, and requests signed exactly as Slack and Teams sign them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.urls import reverse

from chat.models import ChatSetup
from dashboard import seeding
from raci import services as raci_services
from tests.factories import UserFactory
from tests.members import admin, anonymous, editor, members_workspace, outsider, viewer  # noqa: F401
from tests.module_rows import rows_for_the_module
from workspaces import services as workspace_services
from workspaces.models import Workspace

SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
OTHER_SLACK_SECRET = "0123456789abcdef0123456789abcdef"
TEAMS_TOKEN = base64.b64encode(b"teams-outgoing-webhook-key-32by").decode()
OTHER_TEAMS_TOKEN = base64.b64encode(b"another-workspace-key-of-32-byte").decode()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _acme():
    workspace = seeding.demo_seed()
    ChatSetup.objects.create(workspace=workspace, slack_signing_secret=SLACK_SECRET, teams_security_token=TEAMS_TOKEN)
    return workspace.pk


@pytest.fixture(scope="module")
def acme_rows(django_db_setup, django_db_blocker):
    """The demo workspace, built once for the module (each test's writes are rolled back)."""
    yield from rows_for_the_module(django_db_blocker, _acme)


@pytest.fixture
def acme(db, acme_rows):
    return Workspace.objects.get(pk=acme_rows)


@pytest.fixture
def elsewhere(db):
    """Another workspace, set up with its own secrets, whose matrix holds a row only it has."""
    owner = UserFactory()
    workspace = workspace_services.workspace_create(name="Elsewhere", owner=owner)
    matrix = raci_services.matrix_create(workspace=workspace, name="Hidden matrix", actor=owner)
    raci_services.activity_add(matrix=matrix, name="Pricing of the secret project", actor=owner)
    ChatSetup.objects.create(
        workspace=workspace, slack_signing_secret=OTHER_SLACK_SECRET, teams_security_token=OTHER_TEAMS_TOKEN
    )
    return workspace


def slack_headers(body: bytes, *, secret: str = SLACK_SECRET, timestamp: int | None = None) -> dict:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{ts}:".encode() + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def slack_body(text: str, *, channel_id: str = "C0LAUNCH", channel_name: str = "launches") -> bytes:
    """A slash command's form body, with the fields Slack sends."""
    return urlencode(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": "T0001",
            "team_domain": "example",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": "U2147483697",
            "user_name": "steve",
            "command": "/lockstep",
            "text": text,
            "response_url": "https://hooks.slack.com/commands/1234/5678",
            "trigger_id": f"13345224609.738474920.{uuid.uuid4().hex}",
        }
    ).encode()


def slack_ask(client, workspace, text: str, *, secret: str = SLACK_SECRET, headers: dict | None = None, **fields):
    body = slack_body(text, **fields)
    return client.post(
        reverse("chat:slack", args=[workspace.slug]),
        body,
        content_type="application/x-www-form-urlencoded",
        headers=slack_headers(body, secret=secret) if headers is None else headers,
    )


def teams_body(
    text: str, *, ident: str | None = None, when: datetime | None = None, channel: str = "19:launches@thread.tacv2"
) -> bytes:
    """An outgoing webhook's message, shaped as Teams sends it."""
    when = when or datetime.now(UTC)
    return json.dumps(
        {
            "type": "message",
            "id": ident or str(int(time.time() * 1000)) + uuid.uuid4().hex[:6],
            "timestamp": when.strftime("%Y-%m-%dT%H:%M:%S.%f0Z"),
            "localTimestamp": when.isoformat(),
            "serviceUrl": "https://smba.trafficmanager.net/emea/",
            "channelId": "msteams",
            "from": {"id": "29:1abc", "name": "Steve", "aadObjectId": "0000"},
            "conversation": {"isGroup": True, "id": f"{channel};messageid=1234", "name": None},
            "recipient": None,
            "textFormat": "plain",
            "attachmentLayout": None,
            "membersAdded": [],
            "membersRemoved": [],
            "topicName": None,
            "historyDisclosed": None,
            "locale": "en-US",
            "text": f"<at>Lockstep</at> {text}\n",
            "speak": None,
            "inputHint": None,
            "summary": None,
            "suggestedActions": None,
            "attachments": [{"contentType": "text/html", "content": f"<div><at>Lockstep</at> {text}</div>"}],
            "entities": [{"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web"}],
            "channelData": {
                "teamsChannelId": channel,
                "teamsTeamId": "19:team@thread.tacv2",
                "channel": {"id": channel},
                "team": {"id": "19:team@thread.tacv2"},
                "tenant": {"id": "72f988bf-0000-0000-0000-2d7cd011db47"},
            },
            "action": None,
            "replyToId": None,
            "value": None,
            "name": None,
            "relatesTo": None,
            "code": None,
        }
    ).encode()


def teams_authorization(body: bytes, token: str = TEAMS_TOKEN) -> str:
    digest = hmac.new(base64.b64decode(token), body, hashlib.sha256).digest()
    return "HMAC " + base64.b64encode(digest).decode()


def teams_ask(
    client,
    workspace,
    text: str = "",
    *,
    body: bytes | None = None,
    token: str = TEAMS_TOKEN,
    authorization: str | None = None,
    **fields,
):
    body = teams_body(text, **fields) if body is None else body
    headers = {"Authorization": teams_authorization(body, token) if authorization is None else authorization}
    if authorization == "":
        headers = {}
    return client.post(
        reverse("chat:teams", args=[workspace.slug]), body, content_type="application/json", headers=headers
    )
