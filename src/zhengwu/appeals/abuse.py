"""Anti-abuse at intake: a blocklist and rate limits per address and per phone.

Counters live in the shared cache (Redis in production), so limits hold across app servers.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.appeals.models import BlockedContact
from zhengwu.lib.cache import cached, count_many, drop_on_change

# Per source address: 10 appeals an hour; per phone: 5 a day (a citizen with more calls 12345).
LIMITS = {"ip": (10, 3600), "phone": (5, 86400)}


# Every submission asks the blocklist; the list is short and rarely changes, so it is kept in
# the shared cache (and for a few seconds in each process) and dropped whenever an entry is
# saved or deleted (`watch_blocklist`). A list too long to keep there is asked of the database
# each time instead.
BLOCKLIST_KEY = "appeals:blocklist"
BLOCKLIST_SECONDS = 300
BLOCKLIST_CACHED_MAX = 10_000
_ASK_DATABASE = "database"


def _blocklist() -> dict | None:
    """{(kind, value): expires_at}, or None when the list is too long to keep in the cache."""
    cached_list = cached(BLOCKLIST_KEY, _read_blocklist, BLOCKLIST_SECONDS)
    return None if cached_list == _ASK_DATABASE else cached_list


def _read_blocklist() -> dict | str:
    rows = BlockedContact.objects.values_list("kind", "value", "expires_at")
    entries = list(rows[: BLOCKLIST_CACHED_MAX + 1])
    if len(entries) > BLOCKLIST_CACHED_MAX:
        return _ASK_DATABASE
    return {(kind, value): expires for kind, value, expires in entries}


def watch_blocklist() -> None:
    drop_on_change(BlockedContact, _blocklist_key)


def _blocklist_key(_entry: BlockedContact) -> str:
    return BLOCKLIST_KEY


def _is_blocked(values: list[tuple[str, str]], now: dt.datetime) -> bool:
    blocklist = _blocklist()
    if blocklist is None:
        query = Q()
        for kind, value in values:
            query |= Q(kind=kind, value=value)
        active = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        return BlockedContact.objects.filter(query).filter(active).exists()
    for entry in values:
        if entry in blocklist:
            expires = blocklist[entry]
            if expires is None or expires > now:
                return True
    return False


def check_blocked(*, phone: str = "", email: str = "", ip: str | None = None) -> None:
    values = [
        (BlockedContact.Kind.PHONE, phone),
        (BlockedContact.Kind.EMAIL, email.lower()),
        (BlockedContact.Kind.IP, ip or ""),
    ]
    values = [(str(kind), value) for kind, value in values if value]
    if values and _is_blocked(values, timezone.now()):
        raise ValidationError(
            _("提交未成功：该联系方式已被限制提交。如有紧急情况请拨打12345热线。"), code="blocked"
        )


def hit(values: dict[str, str], now: dt.datetime | None = None) -> None:
    """Count one submission against the limit of each kind ("ip", "phone") that has a value,
    all in one round trip; refuse when a window's limit is exceeded."""
    now = now or timezone.now()
    kinds = [kind for kind, value in values.items() if value]
    counters = []
    for kind in kinds:
        window = LIMITS[kind][1]
        counters.append(
            (f"appeals:rate:{kind}:{values[kind]}:{int(now.timestamp()) // window}", window)
        )
    if any(n > LIMITS[kind][0] for kind, n in zip(kinds, count_many(counters), strict=True)):
        raise ValidationError(
            _("提交过于频繁，请稍后再试。如有紧急情况请拨打12345热线。"), code="rate_limited"
        )
