"""Cursor pagination over (timestamp, pk), newest first: stable while rows are added, and every
page is one indexed range query however deep the caller goes (no OFFSET)."""

from __future__ import annotations

import base64
import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _


def encode(moment: dt.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.split("|")
        parsed = dt.datetime.fromisoformat(moment)
        if parsed.tzinfo is None:
            raise ValueError(moment)
        return parsed, int(pk)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError({"cursor": _("游标无效。")}, code="invalid_cursor") from exc


def page(queryset: QuerySet, field: str, cursor: str | None, limit: int) -> tuple[list, str | None]:
    queryset = queryset.order_by(f"-{field}", "-pk")
    if cursor:
        moment, pk = decode(cursor)
        queryset = queryset.filter(
            Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk})
        )
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode(getattr(last, field), last.pk)
