"""The API's edge: bodies bounded before anything reads them, answers never cached, and the
token's allowance in `RateLimit-*` headers."""

from __future__ import annotations

from django.conf import settings

from api import problems

PREFIX = "/api/"


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
        response = get_response(request)
        response["Cache-Control"] = "no-store"
        allowance = getattr(request, "api_allowance", None)
        if allowance is not None:
            response["RateLimit-Limit"] = str(allowance.limit)
            response["RateLimit-Remaining"] = str(allowance.remaining)
            response["RateLimit-Reset"] = str(allowance.reset)
        return response

    return middleware
