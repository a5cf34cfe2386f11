"""The shared cache: a Redis backend that keeps its client, and fixed-window counters.

Counters live in the shared cache (Redis in production), so a limit holds across app servers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends import redis
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save


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


def drop_on_change(model: type[models.Model], key_of: Callable[[models.Model], str]) -> None:
    """Drop the entry `key_of(row)` whenever a row of `model` is saved or deleted."""

    def receiver(sender: Any, instance: models.Model, **_signal: Any) -> None:
        drop(key_of(instance))

    uid = f"zhengwu.drop:{model._meta.label}:{key_of.__module__}.{key_of.__qualname__}"
    for signal in (post_save, post_delete):
        signal.connect(receiver, sender=model, weak=False, dispatch_uid=uid)


def count(key: str, window: int) -> int:
    """Add one to the counter `key`, which lives `window` seconds from its first count; returns
    the new value."""
    return count_many([(key, window)])[0]


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
        return [_count_in(cache, key, window) for key, window in counters]
    client = backend._cache.get_client(write=True)
    script = client.register_script(_COUNT)
    pipe = client.pipeline(transaction=False)
    for key, window in counters:
        script(keys=[backend.make_and_validate_key(key)], args=[window], client=pipe)
    return [int(n) for n in pipe.execute()]


def _count_in(backend: Any, key: str, window: int) -> int:
    """A counter through the cache API alone (the per-process cache of development and tests)."""
    try:
        return backend.incr(key)
    except ValueError:  # no counter yet (or it just expired)
        return 1 if backend.add(key, 1, timeout=window) else backend.incr(key)
