"""The API's edge: bodies bounded before anything reads them, NUL refused wherever it hides,
answers never cached, and the token's allowance in `RateLimit-*` headers."""

from __future__ import annotations

import json

from django.conf import settings

from api import problems

PREFIX = "/api/"
NUL_MESSAGE = "The request holds a NUL character (\\0), which no field of Lockstep accepts. Nothing was saved."


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _nul_in(request) -> bool:
    """The path, the query, or the body (raw, or as JSON's \\u0000): PostgreSQL refuses NUL in text."""
    if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
        return True
    body = request.body
    if b"\x00" in body:
        return True
    if b"\\u0000" in body.lower():
        try:
            return _holds_nul(json.loads(body))
        except ValueError:
            return False  # not JSON: the operation refuses it as such
    return False


def api_edge(get_response):
    def middleware(request):
        if not request.path_info.startswith(PREFIX):
            return get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return problems.problem(400, "Content-Length is not a number.")
        if length > settings.API_MAX_BODY_BYTES:
            return problems.problem(
                413, f"The body has {length} bytes; the API takes at most {settings.API_MAX_BODY_BYTES}."
            )
        if _nul_in(request):
            return problems.problem(400, NUL_MESSAGE)
        response = get_response(request)
        response["Cache-Control"] = "no-store"
        allowance = getattr(request, "api_allowance", None)
        if allowance is not None:
            response["RateLimit-Limit"] = str(allowance.limit)
            response["RateLimit-Remaining"] = str(allowance.remaining)
            response["RateLimit-Reset"] = str(allowance.reset)
        return response

    return middleware
