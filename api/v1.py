"""Version 1 of the API: the NinjaAPI object, its refusals and its OpenAPI document.

Every operation lives under `/api/v1/w/<workspace>/…` and resolves the workspace from the
path, as the pages do. Operations are in `api.endpoints`; they call the same services and
selectors as the pages, never a copy of a rule.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api import imports, inbox, launches, problems, rituals, templates, webhook_schema, workshops
from api.auth import RateLimited, TokenAuth
from api.decks import router as decks_router
from api.endpoints import router
from api.versions import PreconditionRequired, Stale
from core import errors


class LockstepAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Refusals are `application/problem+json`, and documented as such."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for url, path in schema.get("paths", {}).items():
            for operation in path.values():
                operation["tags"] = [_tag(url)]
                for status, response in operation.get("responses", {}).items():
                    if str(status).startswith(("4", "5")):
                        content = response.get("content") or {}
                        if "application/json" in content:
                            response["content"] = {problems.CONTENT_TYPE: content["application/json"]}
                        response["description"] = problems.TITLES.get(int(status), response.get("description", ""))
        # What the workspace's webhook sends: one signed POST per event kind (OpenAPI 3.1).
        schema["webhooks"] = webhook_schema.webhooks()
        schema.setdefault("components", {}).setdefault("schemas", {})[webhook_schema.SCHEMA_NAME] = (
            webhook_schema.event_schema()
        )
        return schema


_TAGS = {
    "activities": "Activities",
    "columns": "Role columns",
    "cells": "Cells",
    "findings": "Findings",
    "history": "History",
    "decisions": "Decisions",
    "who-owns": "Who owns",
    "people": "Workspace",
    "cycles": "Launch cycles",
    "launches": "Launches",
    "items": "Readiness",
    "go": "Go / no go",
    "readout": "Launches",
    "quarters": "Quarters",
    "workshops": "Workshops",
    "imports": "Import and export",
    "export": "Import and export",
    "templates": "Templates",
    "template": "Templates",
    "rituals": "Rituals and meetings",
    "notifications": "Notifications",
}


def _tag(url: str) -> str:
    """Operations grouped in the reference by what they are about."""
    parts = [p for p in url.split("/") if p and not p.startswith("{")][3:]
    for part in reversed(parts):
        if part in _TAGS:
            return _TAGS[part]
    return "Matrices" if "matrices" in parts else "Workspace"


api = LockstepAPI(
    title="Lockstep API",
    version="1",
    description="Who owns what between PM and PMM: matrices, cells, findings and history, from a script. "
    "Authenticate with a token from your account page: `Authorization: Bearer lks_…`.",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", router)
api.add_router("/", decks_router)
api.add_router("/", launches.router)
api.add_router("/", workshops.router)
api.add_router("/", imports.router)
api.add_router("/", templates.router)
api.add_router("/", rituals.router)
api.add_router("/", inbox.router)


def _field(location) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header")]
    return ".".join(parts[1:] if parts and parts[0] in ("payload", "body") else parts) or "body"


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    found = [{"field": _field(e.get("loc", ())), "message": str(e.get("msg", "is not valid"))} for e in exc.errors]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in found[:5]) or "The request does not fit the schema."
    return problems.problem(422, detail, errors=found[:500])


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problems.problem(
        401,
        "Send a live token as `Authorization: Bearer lks_…`: this one is missing, unknown, revoked or expired, "
        "or its owner is no longer a member.",
        headers={"WWW-Authenticate": 'Bearer realm="lockstep"'},
    )


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    return problems.problem(
        429,
        f"This token made too many requests this minute; try again in {exc.retry_after} s.",
        headers={"Retry-After": str(exc.retry_after)},
    )


@api.exception_handler(Stale)
def _stale(request, exc: Stale):
    return problems.problem(412, exc.detail, current=exc.current, changed_by=exc.changed_by)


@api.exception_handler(PreconditionRequired)
def _precondition(request, exc: PreconditionRequired):
    return problems.problem(428, str(exc))


@api.exception_handler(errors.StaleChanges)
def _stale_changes(request, exc: errors.StaleChanges):
    return problems.problem(409, " ".join([exc.message, *exc.changes]))


@api.exception_handler(errors.Conflict)
def _conflict(request, exc: errors.Conflict):
    return problems.problem(409, exc.message)


@api.exception_handler(launches.GoBlocked)
def _go_blocked(request, exc: launches.GoBlocked):
    return problems.problem(
        422, exc.message, errors=[{"field": "decision", "message": exc.message}], blockers=exc.blockers
    )


@api.exception_handler(errors.InvalidInput)
def _invalid_input(request, exc: errors.InvalidInput):
    return problems.problem(422, exc.message, errors=[{"field": exc.field or "body", "message": exc.message}])


@api.exception_handler(errors.Forbidden)
def _forbidden(request, exc: errors.Forbidden):
    return problems.problem(403, exc.message)


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc):
    return problems.problem(403, str(exc) or "Your access to this workspace does not allow that.")


@api.exception_handler(errors.NotFound)
def _domain_not_found(request, exc):
    return problems.problem(404, str(exc) or "Not found.")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problems.problem(404, "Not found.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problems.problem(exc.status_code, str(exc))
