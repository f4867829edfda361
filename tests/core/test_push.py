"""core.push: what a stream process does when Redis cannot be reached."""

import asyncio

import pytest

from core import push


def test_a_stream_opened_while_redis_cannot_be_reached_is_refused_not_failed(settings):
    # Port 9 (discard) has no Redis: the page is told to poll instead of getting a server error.
    settings.PUSH_REDIS_URL = "redis://127.0.0.1:9/0"

    async def open_one():
        return await push.stream_open(person_id=1, cap=5)

    with pytest.raises(push.Unavailable):
        asyncio.run(open_one())
