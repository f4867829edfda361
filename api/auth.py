"""Who is calling: a bearer token, its workspace checked against the URL's, and its limits.

No session cookie is accepted under /api/: a browser's cookies never act through it, so no
CSRF check applies. A token of another workspace answers 404, as the pages do for a
workspace the person is not a member of.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from ninja.security import HttpBearer

from api.tokens import Caller, caller_for
from core.errors import NotFound

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__("rate limited")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Allowance:
    limit: int
    remaining: int
    reset: int  # seconds until the window starts again


def _count(key: str, limit: int, window: int, now: float) -> Allowance | None:
    """Count one request in this window's bucket; None when it is past the limit."""
    start = int(now // window) * window
    bucket = f"api-rate:{key}:{start}"
    try:
        used = cache.incr(bucket)
    except ValueError:  # the window's first request
        if cache.add(bucket, 1, timeout=window + 5):
            used = 1
        else:
            used = cache.incr(bucket)
    if used > limit:
        return None
    return Allowance(limit, max(limit - used, 0), max(int(start + window - now), 1))


def rate_check(request, caller: Caller) -> Allowance | None:
    """Count the request against the token's allowance for this minute (writes have their
    own, smaller one); raises RateLimited past it. Counted in the cache, so the limit holds
    across every web process."""
    limits = settings.API_RATE_LIMITS
    if not limits:
        return None
    window, now = 60, time.time()
    allowance = _count(f"{caller.token.pk}", limits["requests"], window, now)
    if allowance is None:
        raise RateLimited(int(window - now % window) + 1)
    if request.method in WRITE_METHODS:
        writes = _count(f"{caller.token.pk}:w", limits["writes"], window, now)
        if writes is None:
            raise RateLimited(int(window - now % window) + 1)
        allowance = writes if writes.remaining < allowance.remaining else allowance
    return allowance


class TokenAuth(HttpBearer):
    openapi_description = "A token made on your account page: `Authorization: Bearer lks_…`."

    def authenticate(self, request, token: str) -> Caller | None:
        caller = caller_for(token)
        if caller is None:
            return None
        match = request.resolver_match
        workspace = match.kwargs.get("ws") if match else None
        if workspace is not None and workspace != caller.workspace.slug:
            raise NotFound("No such workspace.")
        request.api_allowance = rate_check(request, caller)
        request.user = caller.user
        return caller
