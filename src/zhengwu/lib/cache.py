"""The shared cache: a Redis backend that keeps its client, entries read on every request and
kept a few seconds in each process too, and fixed-window counters.

Counters live in the shared cache (Redis in production), so a limit holds across app servers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic
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


# A few entries are read by every request and change rarely (partner keys, the blocklist,
# webhook subscribers, reference rows): `cached` keeps each process's copy for LOCAL_SECONDS,
# so most requests make no round trip to Redis for them. The price: a change reaches the other
# processes up to that long after the shared entry is dropped (the process that made it drops
# its copy at once). Copies are shared by the requests of a process: treat them as read-only.
LOCAL_SECONDS = 5.0
_local: dict[str, tuple[float, Any]] = {}
_MISSING = object()


def cached(
    key: str,
    compute: Callable[[], Any],
    timeout: int,
    *,
    keep: Callable[[Any], bool] = lambda value: True,
) -> Any:
    """The value under `key`: this process's recent copy, else the shared cache's, else
    `compute()` (stored in both when `keep(value)`, for `timeout` seconds in the shared cache).
    Drop it with `drop(key)` inside the change that makes it stale."""
    now = monotonic()
    copy = _local.get(key)
    if copy is not None and copy[0] > now:
        return copy[1]
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        if not keep(value):
            return value
        cache.set(key, value, timeout)
    _local[key] = (now + LOCAL_SECONDS, value)
    return value


def forget_local() -> None:
    """Drop this process's copies and unsent tallies (tests start from none)."""
    _local.clear()
    _tallies.clear()


def drop(*keys: str) -> None:
    """Drop cached entries a change makes stale: now, and again once the change commits (a
    request served in between may have cached the old value again). Call inside the change's
    transaction. Other processes' copies (`cached`) expire within LOCAL_SECONDS."""
    names = list(keys)

    def delete() -> None:
        cache.delete_many(names)
        for name in names:
            _local.pop(name, None)

    delete()
    transaction.on_commit(delete, robust=True)


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


def count_many(counters: list[tuple[str, int]], by: int = 1) -> list[int]:
    """`count` (adding `by`) for several (key, window) counters; in one round trip on Redis."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return [_count_in(cache, key, window, by) for key, window in counters]
    # Per counter: create it with its window if it does not exist, then add. MULTI/EXEC keeps
    # the pair together (the counter cannot expire between them and live on without a window);
    # no script, so no SCRIPT EXISTS round trip before each call, on any Redis.
    pipe = backend._cache.get_client(write=True).pipeline(transaction=True)
    for key, window in counters:
        name = backend.make_and_validate_key(key)
        pipe.set(name, 0, ex=window, nx=True)
        pipe.incrby(name, by)
    return [int(n) for n in pipe.execute()[1::2]]


# A counter asked hundreds of times a second (a busy partner's rate limit) would cost a round trip
# to Redis each time, about a tenth of a submission's CPU. `tally` counts in the process and adds
# to the shared counter once every `batch` calls. What it returns is the shared counter as this
# process last read it plus what it has not sent yet: never more than the calls really made. A
# limit checked against it never refuses a call before the limit is reached, and lets through at
# most batch − 1 calls too many per process: each learns the shared count at its next send.
@dataclass(slots=True)
class _Tally:
    until: float  # when the counter's window is over
    unsent: int = 0
    shared: int = 0  # the shared counter when this process last sent


_tallies: dict[str, _Tally] = {}
_tallies_lock = threading.Lock()


def tally(key: str, window: int, batch: int) -> int:
    """`count`, sent to the shared counter once every `batch` calls from this process."""
    with _tallies_lock:
        entry = _tallies.get(key)
        if entry is None:
            now = monotonic()
            if len(_tallies) >= 1000:  # forget the windows that are over
                for old in [k for k, t in _tallies.items() if t.until < now]:
                    del _tallies[old]
            entry = _tallies[key] = _Tally(until=now + window)
        entry.unsent += 1
        if entry.unsent < batch:
            return entry.shared + entry.unsent
        unsent, entry.unsent = entry.unsent, 0
    shared = count_many([(key, window)], by=unsent)[0]
    with _tallies_lock:
        entry.shared = max(entry.shared, shared)
        return entry.shared + entry.unsent


def _count_in(backend: Any, key: str, window: int, by: int = 1) -> int:
    """A counter through the cache API alone (the per-process cache of development and tests)."""
    try:
        return backend.incr(key, by)
    except ValueError:  # no counter yet (or it just expired)
        return by if backend.add(key, by, timeout=window) else backend.incr(key, by)
