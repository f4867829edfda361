"""The API's edge: bodies bounded before anything reads them, NUL refused wherever it hides,
answers never cached, and the token's allowance in `RateLimit-*` headers."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.http.multipartparser import MultiPartParserError

from api import problems
from raci.limits import LIMITS

PREFIX = "/api/"
# Room for an upload's form fields and multipart boundaries beside its file.
UPLOAD_FORM_BYTES = 65536
NUL_MESSAGE = "The request holds a NUL character (\\0), which no field of Lockstep accepts. Nothing was saved."


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _nul_in(request, upload: bool = False) -> bool:
    """The path, the query, or the body (raw, or as JSON's \\u0000): PostgreSQL refuses NUL in text.
    An upload's form fields are checked, its file is the spreadsheet reader's."""
    if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
        return True
    if upload:
        return any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.POST.lists())
    body = request.body
    if b"\x00" in body:
        return True
    if b"\\u0000" in body.lower():
        try:
            return _holds_nul(json.loads(body))
        except ValueError:
            return False  # not JSON: the operation refuses it as such
    return False


def _is_upload(request) -> bool:
    """The import upload: a spreadsheet file, up to the import's own limit; an XLSX is a zip,
    whose bytes hold NULs, so its body is left to the spreadsheet reader (which bounds it)."""
    return request.method == "POST" and _UPLOAD.match(request.path_info) is not None


_UPLOAD = re.compile(r"^/api/v1/w/[^/]+/imports/?$")


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
        upload = _is_upload(request)
        most = LIMITS.file_bytes + UPLOAD_FORM_BYTES if upload else settings.API_MAX_BODY_BYTES
        if length > most:
            return problems.problem(413, f"The body has {length} bytes; the API takes at most {most} here.")
        try:
            nul = _nul_in(request, upload)
        except (MultiPartParserError, TooManyFilesSent) as error:
            return problems.problem(400, f"The form could not be read: {error}")
        if nul:
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
