"""Share addresses are rate-limited per client address, counted in the cache so the limit
holds across web processes: every request counts, and a made-up, expired or revoked link
counts again as a miss, so guessing runs out long before the requests do. Past either
limit the address is answered 429 until the minute ends."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from accounts.throttle import address_key
from core.proxies import request_client_ip

WINDOW = 60


def _used(kind: str, address: str, now: float) -> tuple[str, int]:
    start = int(now // WINDOW) * WINDOW
    return f"share-rate:{kind}:{address}:{start}", int(start + WINDOW - now) + 1


def _incr(bucket: str) -> int:
    try:
        return cache.incr(bucket)
    except ValueError:  # the window's first request
        if cache.add(bucket, 1, timeout=WINDOW + 5):
            return 1
        return cache.incr(bucket)


def _address(request) -> str:
    return address_key(request_client_ip(request))


def retry_after(request) -> int | None:
    """Count the request; the seconds to wait when the address is past a limit, else None."""
    limits = settings.SHARE_RATE_LIMITS
    if not limits:
        return None
    now, address = time.time(), _address(request)
    misses, wait = _used("miss", address, now)
    requests, _ = _used("req", address, now)
    if (cache.get(misses) or 0) >= limits["misses"] or _incr(requests) > limits["requests"]:
        return wait
    return None


def missed(request) -> None:
    """Count a request for a link that does not work."""
    if settings.SHARE_RATE_LIMITS:
        _incr(_used("miss", _address(request), time.time())[0])
