"""The shared cache: a Redis backend that keeps its client, and fixed-window counters.

Counters live in the shared cache (Redis in production), so a limit holds across app servers.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends import redis
from django.db import transaction


class _RedisClient(redis.RedisCacheClient):
    """Django builds a new `redis.Redis` object for every cache call (≈ 0.1–0.2 ms of Python:
    it registers its response callbacks each time). The object is thread-safe and holds only
    its connection pool, so one per pool is kept."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server: Any, params: dict) -> None:
        super().__init__(server, params)
        self._class = _RedisClient


def drop(*keys: str) -> None:
    """Drop cached entries a change makes stale: now, and again once the change commits (a
    request served in between may have cached the old value again). Call inside the change's
    transaction."""
    names = list(keys)
    cache.delete_many(names)
    transaction.on_commit(lambda: cache.delete_many(names), robust=True)


def count(key: str, window: int) -> int:
    """Add one to the counter `key`, which lives `window` seconds from its first count; returns
    the new value. One round trip, except for a window's first count."""
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet (or it just expired)
        return 1 if cache.add(key, 1, timeout=window) else cache.incr(key)


# INCR, and start the window on the first count: atomic, and on any Redis version.
_COUNT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


def count_many(counters: list[tuple[str, int]]) -> list[int]:
    """`count` for several (key, window) counters; in one round trip on Redis."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return [count(key, window) for key, window in counters]
    client = backend._cache.get_client(write=True)
    script = client.register_script(_COUNT)
    pipe = client.pipeline(transaction=False)
    for key, window in counters:
        script(keys=[backend.make_and_validate_key(key)], args=[window], client=pipe)
    return [int(n) for n in pipe.execute()]
