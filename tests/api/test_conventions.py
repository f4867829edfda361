"""The API's conventions: problem details, bounded bodies, idempotent creates, rate limits,
and a committed schema."""

import json
from pathlib import Path

import pytest
from django.test import override_settings

from raci.models import Activity, Decision
from tests.api.openapi import code_schema


@pytest.fixture
def world(shared_world):
    """Built once for the module: every test's writes are rolled back after it."""
    return shared_world


pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def _base(world):
    return f"/api/v1/w/{world['ws'].slug}/matrices/{world['matrix'].slug}"


def test_the_committed_schema_is_the_codes_schema():
    """Like `makemigrations --check`: change the API, then run `make openapi` and commit docs/openapi.json."""
    committed = json.loads(SCHEMA.read_text())
    assert committed == code_schema(), "run `make openapi` and commit it"


def test_the_schema_is_openapi_3_1_and_documents_refusals_as_problem_details():
    schema = code_schema()
    assert schema["openapi"].startswith("3.1")
    put = schema["paths"]["/api/v1/w/{ws}/matrices/{m}/cells/{activity_id}/{role_id}"]["put"]
    for status in ("401", "403", "404", "412", "422", "428", "429"):
        assert list(put["responses"][status]["content"]) == ["application/problem+json"]


def test_invalid_input_lists_each_field(api, world):
    answer = api.call(
        "post", f"{_base(world)}/activities", world["tokens"][("editor", "write")], {"name": "", "phase": "x" * 100}
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert {e["field"] for e in problem["errors"]} >= {"name", "phase"}


def test_a_body_over_the_limit_is_refused_before_it_is_read(api, world):
    with override_settings(API_MAX_BODY_BYTES=1000):
        answer = api.call(
            "post", f"{_base(world)}/activities", world["tokens"][("editor", "write")], {"name": "x" * 2000}
        )
    assert answer.status_code == 413
    assert answer["Content-Type"] == "application/problem+json"


def test_malformed_json_is_a_problem_not_a_server_error(client, world):
    answer = client.post(
        f"{_base(world)}/activities",
        data=b"{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world['tokens'][('editor', 'write')]}",
    )
    assert 400 <= answer.status_code < 500
    assert answer["Content-Type"] == "application/problem+json"


def test_a_retried_create_with_the_same_idempotency_key_makes_one_object(api, world):
    secret = world["tokens"][("editor", "write")]
    first = api.call("post", f"{_base(world)}/activities", secret, {"name": "Only once"}, idempotency_key="abc-1")
    second = api.call("post", f"{_base(world)}/activities", secret, {"name": "Only once"}, idempotency_key="abc-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    assert Activity.objects.filter(matrix=world["matrix"], name="Only once").count() == 1


def test_an_idempotency_key_reused_for_another_request_is_refused(api, world):
    secret = world["tokens"][("editor", "write")]
    api.call("post", f"{_base(world)}/activities", secret, {"name": "One"}, idempotency_key="k")
    answer = api.call("post", f"{_base(world)}/decisions", secret, {"what": "Two"}, idempotency_key="k")
    assert answer.status_code == 422
    assert not Decision.objects.filter(what="Two").exists()


def test_a_refused_create_keeps_no_answer_so_the_key_can_be_used_again(api, world):
    secret = world["tokens"][("editor", "write")]
    refused = api.call(
        "post", f"{_base(world)}/decisions", secret, {"what": "x", "review_on": "2000-01-01"}, idempotency_key="d"
    )
    assert refused.status_code == 422
    fixed = api.call("post", f"{_base(world)}/decisions", secret, {"what": "x"}, idempotency_key="d")
    assert fixed.status_code == 201


@override_settings(API_RATE_LIMITS={"requests": 3, "writes": 1})
def test_rate_limits_count_per_token_and_say_when_to_come_back(api, world):
    secret = world["tokens"][("editor", "write")]
    url = f"/api/v1/w/{world['ws'].slug}"
    answers = [api.call("get", url, secret) for _ in range(3)]
    assert [a["RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert all(a["RateLimit-Limit"] == "3" for a in answers)
    refused = api.call("get", url, secret)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert api.call("get", url, world["tokens"][("editor", "read")]).status_code == 200  # another token's own count


@override_settings(API_RATE_LIMITS={"requests": 100, "writes": 1})
def test_writes_have_a_smaller_allowance(api, world):
    secret = world["tokens"][("editor", "write")]
    assert api.call("post", f"{_base(world)}/activities", secret, {"name": "w1"}).status_code == 201
    assert api.call("post", f"{_base(world)}/activities", secret, {"name": "w2"}).status_code == 429
    assert api.call("get", _base(world), secret).status_code == 200


def test_answers_are_never_cached(api, world):
    assert api.call("get", _base(world), world["tokens"][("viewer", "read")])["Cache-Control"] == "no-store"


def test_the_docs_page_serves_its_assets_locally(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page and "//cdn" not in page and "unpkg" not in page


@pytest.mark.parametrize(
    "body", [{"name": "x", "description": "a\u0000b"}, {"name": "nul\u0000name"}, {"name": "ok", "phase": "\u0000"}]
)
def test_a_nul_anywhere_in_a_json_body_is_refused_as_a_problem(api, world, body):
    answer = api.call("post", f"{_base(world)}/activities", world["tokens"][("editor", "write")], body)
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    assert not Activity.objects.filter(matrix=world["matrix"], name__in=["x", "ok"]).exists()


def test_a_nul_in_the_query_is_refused_as_a_problem(api, world):
    answer = api.call("get", f"/api/v1/w/{world['ws'].slug}/who-owns?q=a%00b", world["tokens"][("viewer", "read")])
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("number", ["0", "2147483648", "99999999999999999999999999"])
def test_an_id_no_row_could_have_is_invalid_input(api, world, number):
    answer = api.call("get", f"{_base(world)}/cells/{number}/1", world["tokens"][("viewer", "read")])
    assert answer.status_code == 422 and answer["Content-Type"] == "application/problem+json"
