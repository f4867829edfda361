"""Django's Redis cache, with one Redis client per connection pool.

Django's client builds a new `redis.Redis` for every cache call, and building one fills
its table of response callbacks (some 170 entries): on the session read every signed-in
request makes, that costs more than the GET itself. A `redis.Redis` only borrows
connections from its pool, so one per pool serves every thread and request.

With a `KEY_PREFIX`, `clear()` deletes only the keys under that prefix: Django's own
flushes the whole Redis database, which other processes sharing it (the parallel test
workers, each with a prefix of its own) are still using.
"""

import re
from typing import cast

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def clear_prefixed(self, pattern: str) -> None:
        """Delete the keys matching a glob `pattern`, in batches, without blocking Redis."""
        client = self.get_client(write=True)
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientPerPool

    def clear(self) -> None:
        if not self.key_prefix:
            super().clear()
            return
        # Glob characters in the prefix are matched literally.
        cast(_ClientPerPool, self._cache).clear_prefixed(re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*")
