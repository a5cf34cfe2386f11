"""Public appeal numbers and the secrets citizens hold (query codes, evaluation tokens)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import connection
from django.utils import timezone

from zhengwu.appeals.models import DailyCounter

PREFIX = "ZW"


def next_number() -> str:
    """ZW + local date + a six-digit serial for that day. Outside a transaction it commits at
    once: the day's counter row is locked for this one statement, not for the caller's whole
    change (inside one, the caller's transaction holds it). Serials never repeat; one taken by
    a change that then fails is not reused."""
    today = timezone.localdate()
    table = connection.ops.quote_name(DailyCounter._meta.db_table)
    # One statement (PostgreSQL and SQLite): create the day's row or increment it, locked; in
    # autocommit it is its own transaction (no BEGIN and COMMIT round trips around it).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) ON CONFLICT (day)"  # noqa: S608
            f" DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [today.isoformat()],
        )
        (serial,) = cursor.fetchone()
    return f"{PREFIX}{today:%Y%m%d}{serial:06d}"


def new_query_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def digest(number: str, secret: str) -> str:
    return hashlib.sha256(f"{number}:{secret.strip()}".encode()).hexdigest()


def matches(number: str, secret: str, stored: str) -> bool:
    return bool(stored) and hmac.compare_digest(digest(number, secret), stored)
