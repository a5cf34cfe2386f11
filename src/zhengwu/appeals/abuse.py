"""Anti-abuse at intake: a blocklist and rate limits per address and per phone.

Counters live in the shared cache (Redis in production), so limits hold across app servers.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.appeals.models import BlockedContact

# Per source address: 10 appeals an hour; per phone: 5 a day (a citizen with more calls 12345).
LIMITS = {"ip": (10, 3600), "phone": (5, 86400)}


def check_blocked(*, phone: str = "", email: str = "", ip: str | None = None) -> None:
    values = [
        (BlockedContact.Kind.PHONE, phone),
        (BlockedContact.Kind.EMAIL, email.lower()),
        (BlockedContact.Kind.IP, ip or ""),
    ]
    query = Q()
    for kind, value in values:
        if value:
            query |= Q(kind=kind, value=value)
    if not query:
        return
    now = timezone.now()
    active = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    if BlockedContact.objects.filter(query).filter(active).exists():
        raise ValidationError(
            _("提交未成功：该联系方式已被限制提交。如有紧急情况请拨打12345热线。"), code="blocked"
        )


def hit(kind: str, value: str, now: dt.datetime | None = None) -> None:
    """Count one submission; refuse when the window's limit is exceeded."""
    if not value:
        return
    limit, window = LIMITS[kind]
    now = now or timezone.now()
    key = f"appeals:rate:{kind}:{value}:{int(now.timestamp()) // window}"
    cache.add(key, 0, timeout=window)
    if cache.incr(key) > limit:
        raise ValidationError(
            _("提交过于频繁，请稍后再试。如有紧急情况请拨打12345热线。"), code="rate_limited"
        )
