"""Who is calling: a partner program (by its API key), a staff member's program (by a personal
token), a signed-in browser session, or nobody. And how often they may call."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone

from zhengwu.api import keys
from zhengwu.api.models import ApiKey, Partner
from zhengwu.lib.cache import cached, drop, tally

# last_used_at is informative; writing it on every request would add a write to every read.
TOUCH_EVERY = dt.timedelta(minutes=5)
WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Caller:
    user: Any
    partner: Partner | None = None
    key: ApiKey | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.partner is None and not self.user.is_authenticated

    def may(self, operation: str) -> bool:
        return self.partner is not None and self.partner.may(operation)


ANONYMOUS = Caller(user=AnonymousUser())


# A partner's key is looked up on every call; the answer is cached (in Redis in production, so
# all servers share it, and for a few seconds in each process) and dropped when the key or its
# partner changes (`forget_keys`): a revoked key stops working on every server within seconds.
# Staff members' personal tokens are not cached: their accounts change outside the API's use
# cases.
KEY_CACHE_SECONDS = 60


def _key_cache(digest: str) -> str:
    return f"api:key:{digest}"


def _lookup(digest: str) -> ApiKey | None:
    return cached(
        _key_cache(digest),
        lambda: (
            ApiKey.objects.select_related("partner__service_user", "user")
            .filter(key_hash=digest)
            .first()
        ),
        KEY_CACHE_SECONDS,
        keep=lambda key: key is not None and key.partner_id is not None,
    )


def forget_keys(*digests: str) -> None:
    """Call inside the transaction that revokes, rotates or changes keys or their partner."""
    drop(*(_key_cache(d) for d in digests))


def caller_for_key(raw: str) -> Caller | None:
    """The caller a key belongs to, or None for an unknown, revoked or expired key."""
    if not keys.looks_like_key(raw):
        return None
    key = _lookup(keys.digest(raw))
    if key is None or not key.is_usable():
        return None
    if (key.partner and not key.partner.is_active) or (key.user and not key.user.is_active):
        return None
    _touch(key)
    return Caller(user=key.user or AnonymousUser(), partner=key.partner, key=key)


def _touch(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        if key.partner_id is not None:  # the cached copy too, or every call would write
            key.last_used_at = now
            cache.set(_key_cache(key.key_hash), key, KEY_CACHE_SECONDS)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _bucket(caller: Caller, ip: str | None) -> tuple[str, int]:
    if caller.partner is not None:
        return f"p{caller.partner.pk}", caller.partner.rate_limit
    if caller.user.is_authenticated:
        return f"u{caller.user.pk}", settings.API_TOKEN_RATE_LIMIT
    return f"ip{ip or '-'}", settings.API_ANON_RATE_LIMIT


def check_rate(caller: Caller, ip: str | None) -> None:
    """A fixed one-minute window per caller, counted in the shared cache (Redis in production),
    so the limit holds across app servers. Each process sends its count once per one per cent
    of the limit (`tally`; every call under a limit below 200): a window may let through up to
    that much more per process, never fewer than the limit."""
    bucket, limit = _bucket(caller, ip)
    now = time.time()
    key = f"api:rate:{bucket}:{int(now) // WINDOW_SECONDS}"
    if tally(key, WINDOW_SECONDS + 10, batch=max(1, limit // 100)) > limit:
        raise RateLimited(WINDOW_SECONDS - int(now) % WINDOW_SECONDS)
