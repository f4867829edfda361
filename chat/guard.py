"""What the chat door counts in the cache: requests seen (so a captured request cannot be
sent again) and questions per workspace per minute (so no workspace's chat can keep the
server busy)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from chat.signing import WINDOW_SECONDS

# A request is remembered a little longer than it can be fresh.
SEEN_SECONDS = WINDOW_SECONDS * 2


def first_time(kind: str, ident: str) -> bool:
    """True the first time `ident` (a signature, a message id) is offered; False after."""
    digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()
    return cache.add(f"chat:seen:{kind}:{digest}", 1, SEEN_SECONDS)


def within_rate(workspace_id: int) -> bool:
    """Counts one question of the workspace in this minute; False once past the limit."""
    limit = settings.CHAT_QUESTIONS_PER_MINUTE
    if limit <= 0:
        return True
    key = f"chat:rate:{workspace_id}:{int(time.time() // 60)}"
    if cache.add(key, 1, 120):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr: this one starts the minute
        cache.add(key, 1, 120)
        return True
