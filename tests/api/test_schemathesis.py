"""The API against its committed schema, fuzzed: every operation with a read and a write
token, a fixed seed and example count, rate limits lifted. No server error, and every
answer's status, content type, headers and body as the schema documents them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
SCHEMA = schemathesis.openapi.from_dict(json.loads(SCHEMA_FILE.read_text()))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 15
# API fuzzing: `make test` runs it, the daily `make check` does not.
pytestmark = pytest.mark.fuzz


@pytest.fixture
def world(shared_world):
    """Built once for the module: every test's writes are rolled back after it."""
    return shared_world


@pytest.fixture
def in_process_app(settings):
    settings.API_RATE_LIMITS = None
    # The test's transaction holds what `world` made: the in-process requests must not close it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_every_operation_conforms_to_the_committed_schema(world, in_process_app, operation):
    calls = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def fuzz(case):
        # Mostly the test's own workspace and matrix, so that operations get past 404.
        parameters = case.path_parameters or {}
        if "ws" in parameters:
            parameters["ws"] = world["ws"].slug
        if "m" in parameters and len(calls) % 3:
            parameters["m"] = world["matrix"].slug
            if "activity_id" in parameters and len(calls) % 2:
                parameters["activity_id"] = world["activity_ids"][len(calls) % len(world["activity_ids"])]
            if "role_id" in parameters and len(calls) % 4:
                parameters["role_id"] = world["role_ids"][len(calls) % len(world["role_ids"])]
        # Launches, cycles, items and quarters likewise: mostly the world's own.
        if len(calls) % 3:
            own = {
                "launch_id": world["launch"].pk,
                "cycle": world["cycle"].slug,
                "quarter": "2027-q1",
                "workshop_id": world["workshop"].pk,
                "import_id": world["import"].pk,
                "template": "pm-pmm-scaleup",
                "ritual_id": world["ritual"].pk,
                "day": world["meeting_day"].isoformat(),
                "notification_id": world["notification"].pk,
                "item": str(world["item_ids"][len(calls) % len(world["item_ids"])]),
            }
            parameters.update({k: v for k, v in own.items() if k in parameters})
        for scope in ("read", "write"):
            secret = world["tokens"][("editor", scope)]
            response = case.call_and_validate(
                app=in_process_app, headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS
            )
            calls.append(response.status_code)

    fuzz()
    assert calls
