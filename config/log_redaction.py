"""Secrets out of the logs: the calendar feed's token is the only key to a workspace's feed
(calendar apps cannot sign in), and a share link's secret the only key to what it shows
(`/s/<secret>/…`, read by people who do not sign in); their URLs reach request logs on a
404, a 405 or a 500 and the development server's log on every request.

`RedactSecrets` is a logging filter (wired in `config/settings/base.py` LOGGING). It
rewrites the record in place, so every handler after it, Django's own included, sees the
redacted text: the message, its arguments and the request attached to it.
"""

from __future__ import annotations

import copy
import logging
import re

from django.http import HttpRequest

REDACTED = "[redacted]"

# The token segment of launches:feed (`.../feed/<token>.ics`), as Django logs the decoded
# path and as the development server logs the raw request line (where "/" may be "%2F").
# "feed/regenerate/" carries no secret.
FEED_TOKEN = re.compile(
    r"((?:/|%2f)feed(?:/|%2f))(?!regenerate(?:/|%2f|[\s?#]|$))(?:%(?!2f)|[^/%\s?#\"'])+", re.IGNORECASE
)

# The secret segment of a share link (`/s/<secret>/…`), at the start of a path: the path
# itself, a request line ("GET /s/…"), or a full address (a Referer).
SHARE_TOKEN = re.compile(r"((?:^|[\s\"'=]|//[^/\s\"']+)(?:/|%2f)s(?:/|%2f))(?:%(?!2f)|[^/%\s?#\"'])+", re.IGNORECASE)


def redact(text: str) -> str:
    return SHARE_TOKEN.sub(rf"\1{REDACTED}", FEED_TOKEN.sub(rf"\1{REDACTED}", text))


def _has_secret(text: str) -> bool:
    return bool(FEED_TOKEN.search(text) or SHARE_TOKEN.search(text))


def _redact_value(value):
    return redact(value) if isinstance(value, str) else value


def _redact_request(request: HttpRequest) -> HttpRequest:
    # A copy: the request is still being answered, and its real path must stay as it is.
    if not (_has_secret(request.path) or _has_secret(request.META.get("RAW_URI", "") or "")):
        return request
    safe = copy.copy(request)
    safe.path = redact(request.path)
    safe.path_info = redact(request.path_info)
    safe.META = {key: _redact_value(value) for key, value in request.META.items()}
    return safe


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redact_value(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _redact_value(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_redact_value(arg) for arg in record.args)
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            record.request = _redact_request(request)
        return True
