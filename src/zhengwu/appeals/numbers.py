"""Public appeal numbers and the secrets citizens hold (query codes, evaluation tokens)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db.models import F
from django.utils import timezone

from zhengwu.appeals.models import DailyCounter

PREFIX = "ZW"


def next_number() -> str:
    """ZW + local date + a six-digit serial for that day; call inside the intake transaction."""
    today = timezone.localdate()
    counter, _ = DailyCounter.objects.select_for_update().get_or_create(day=today)
    DailyCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{PREFIX}{today:%Y%m%d}{counter.last:06d}"


def new_query_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def digest(number: str, secret: str) -> str:
    return hashlib.sha256(f"{number}:{secret.strip()}".encode()).hexdigest()


def matches(number: str, secret: str, stored: str) -> bool:
    return bool(stored) and hmac.compare_digest(digest(number, secret), stored)
