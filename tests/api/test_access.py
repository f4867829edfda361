"""Every operation × identity × scope × workspace: nothing read outside the workspace,
nothing written by a read token or a viewer, 401 for tokens that no longer stand."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from raci import selectors
from tests.api.conftest import Upload, token_for
from tests.api.openapi import code_schema

pytestmark = pytest.mark.django_db

WRITE_METHODS = {"post", "put", "patch", "delete"}
ADMIN_ONLY = {"/api/v1/w/{ws}/members", "/api/v1/w/{ws}/settings"}
# An import's preview shows the file's contents: its pages are an editor's, and so is reading it.
EDITOR_ONLY = {"/api/v1/w/{ws}/imports/{import_id}"}
# A proposal is not an edit of the matrix: an invited viewer proposes, with a write token.
# Nor is marking one's own notifications read.
VIEWER_MAY_WRITE = {
    "/api/v1/w/{ws}/matrices/{m}/workshops/{workshop_id}/proposals/{activity_id}/{role_id}",
    "/api/v1/w/{ws}/notifications/{notification_id}/read",
    "/api/v1/w/{ws}/notifications/read-all",
}


def _operations():
    schema = code_schema()
    return [(path, method) for path, ops in schema["paths"].items() for method in ops]


def _bodies(world, path, method):
    grid = selectors.matrix_grid(matrix=world["matrix"], check=False)
    activity, column = grid.activities[0], grid.columns[0]
    value, version = grid.cells.get((activity.id, column.role_id), ("", 0))
    values = {
        "ws": world["ws"].slug,
        "m": world["matrix"].slug,
        "activity_id": activity.id,
        "role_id": column.role_id,
        "group": world["matrix"].last_seq,
        "cycle": world["cycle"].slug,
        "launch_id": world["launch"].pk,
        "item": world["item_ids"][0],
        "dependency_id": world["dependency"].pk,
        "quarter": "2027-q1",
        "workshop_id": world["workshop"].pk,
        "import_id": world["import"].pk,
        "template": "pm-pmm-scaleup",
        "ritual_id": world["ritual"].pk,
        "day": world["meeting_day"].isoformat(),
        "notification_id": world["notification"].pk,
    }
    url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
    body = {
        ("post", "/matrices"): {"name": "A matrix made by a test"},
        ("patch", "/matrices/{m}"): {"description": "changed"},
        ("post", "/activities"): {"name": "Made by a test"},
        ("patch", "/activities/{activity_id}"): {"description": "changed"},
        ("post", "/move"): {"direction": "down"},
        ("post", "/columns"): {"code": "TST", "name": "Test role"},
        ("patch", "/columns/{role_id}"): {"description": "changed"},
        ("put", "/cells/{activity_id}/{role_id}"): {"value": "I" if value != "I" else "C", "version": version},
        ("post", "/fix"): {"rule": "idle-role", "role_id": column.role_id, "code": "remove", "since": 0},
        ("post", "/decisions"): {"what": "PMM owns pricing"},
        ("post", "/cycles"): {"quarter": "2031-Q2"},
        ("post", "/cycles/{cycle}/launches"): {"name": "Made by a test"},
        ("patch", "/launches/{launch_id}"): {"summary": "changed"},
        ("put", "/scores"): {"scores": [2, 2, 2, 2, 2, 2]},
        ("put", "/tier"): {"tier": 1, "reason": "Made by a test"},
        ("post", "/tier/confirm"): {"lead": "PM"},
        ("post", "/status"): {"status": "at_risk", "note": "Made by a test"},
        ("post", "/dependencies"): {"before_id": world["earlier"].pk},
        ("post", "/go"): {"decision": "no_go"},
        ("put", "/readout"): {"metric_name": "Accounts activated", "metric_target": "40"},
        ("patch", "/items/{item}"): {"status": "in_progress"},
        ("put", "/role"): {"role_id": None},
        ("post", "/workshops"): {"title": "Made by a test"},
        ("put", "/proposals/{activity_id}/{role_id}"): {"value": "R"},
        ("post", "/imports"): Upload({"name": "Imported by a test"}),
        ("post", "/reset"): {"since": 0},
        ("put", "/notes"): {"texts": ["Made by a test"] * len(world["ritual"].sections)},
        ("post", "/settle/{activity_id}"): {"letters": [{"role_id": column.role_id, "value": "R"}], "since": 0},
    }
    chosen = next((b for (m, end), b in body.items() if m == method and path.endswith(end)), None)
    if path.endswith("/who-owns"):
        url += "?q=pricing"
    return url, chosen


IDENTITIES = [
    ("viewer", "read"),
    ("viewer", "write"),
    ("editor", "read"),
    ("editor", "write"),
    ("admin", "read"),
    ("admin", "write"),
]


@pytest.fixture
def world(shared_world):
    """Built once for the module: every test's writes are rolled back after it."""
    return shared_world


@pytest.mark.parametrize("path,method", _operations())
def test_each_operation_answers_each_identity_as_its_access_allows(api, world, path, method):
    for access, scope in IDENTITIES:
        url, body = _bodies(world, path, method)
        answer = api.call(method, url, world["tokens"][(access, scope)], body)
        writes = method in WRITE_METHODS
        if writes and (scope == "read" or (access == "viewer" and path not in VIEWER_MAY_WRITE)):
            assert answer.status_code == 403, (access, scope, answer.content)
        elif path in ADMIN_ONLY and access != "admin" or path in EDITOR_ONLY and access == "viewer":
            assert answer.status_code == 403, (access, scope)
        else:
            assert answer.status_code < 500 and answer.status_code not in (401, 403), (access, scope, answer.content)
        assert answer.status_code < 500


@pytest.mark.parametrize("path,method", _operations())
def test_another_workspaces_token_reads_and_writes_nothing(api, world, path, method):
    url, body = _bodies(world, path, method)
    answer = api.call(method, url, world["outsider_token"], body)
    assert answer.status_code == 404
    assert world["ws"].name not in answer.content.decode()


@pytest.mark.parametrize("path,method", _operations())
def test_no_token_a_made_up_one_a_revoked_one_an_expired_one_and_a_removed_members_answer_401(
    api, world, client, path, method
):
    url, body = _bodies(world, path, method)
    revoked = token_for(world["editor"], "write")
    ApiToken.objects.filter(digest=tokens.digest_of(revoked)).update(revoked_at=timezone.now())
    expired = token_for(world["editor"], "write")
    ApiToken.objects.filter(digest=tokens.digest_of(expired)).update(expires_at=timezone.now() - timedelta(seconds=1))
    removed = token_for(world["viewer"], "read")
    world["viewer"].delete()
    for secret in (None, "lks_" + "x" * 43, "not-a-token", revoked, expired, removed):
        answer = api.call(method, url, secret, body)
        assert answer.status_code == 401, (secret, answer.content)
        assert answer["Content-Type"] == "application/problem+json"
        assert answer["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_session_is_not_accepted_under_the_api(client, world):
    client.force_login(world["admin"].user)
    assert client.get(f"/api/v1/w/{world['ws'].slug}").status_code == 401
    assert client.post(f"/api/v1/w/{world['ws'].slug}/matrices", {"name": "x"}).status_code == 401
