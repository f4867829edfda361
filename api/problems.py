"""Errors as RFC 9457 problem details (`application/problem+json`).

Every refusal of the API has the same shape: `type` (a URI naming the kind of problem),
`title` (the kind in words), `status`, `detail` (this occurrence, for a person) and, for
input that does not fit, `errors` (each field's problem). Stale writes add the current
state (`current`) and who changed it (`changed_by`).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from ninja import Schema

CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Changed since you read it",
    413: "Too large",
    422: "Invalid input",
    428: "Version needed",
    429: "Too many requests",
    500: "Server error",
}
SLUGS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    412: "stale",
    413: "too-large",
    422: "invalid",
    428: "version-required",
    429: "rate-limited",
    500: "server-error",
}


class FieldError(Schema):
    field: str
    message: str


class Blocker(Schema):
    text: str
    url: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
    current: dict[str, Any] | None = None
    changed_by: str | None = None
    blockers: list[Blocker] | None = None


def problem(
    status: int,
    detail: str,
    *,
    errors: list[dict] | None = None,
    headers: dict[str, str] | None = None,
    **extra,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"tag:lockstep,2026:problem/{SLUGS.get(status, 'error')}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# The refusals every operation may answer, documented in the schema with their content type.
COMMON = (400, 401, 404, 413, 429)
READ = COMMON + (403, 422)
WRITE = COMMON + (403, 409, 412, 422, 428)
