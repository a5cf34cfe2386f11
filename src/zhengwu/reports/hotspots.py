"""The period's most frequent matters: a catalogue item in a county, with how many citizens
raised it and how much of it is already answered. (Text clustering of hot spots belongs to the
dispatch app; this is the count-based view the weekly report always has.)

Counted in the database, grouped by category and county (the first six digits of the division
code; appeals with no place form the county ""), in one pass over the period's appeals."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Substr

from zhengwu.appeals.models import Appeal
from zhengwu.dispatch.models import Category
from zhengwu.org.models import Division
from zhengwu.reports.periods import Period
from zhengwu.reports.rollups import appeals_in

LIMIT = 15


def _by_item(period: Period) -> QuerySet:
    return (
        Appeal.objects.filter(appeals_in(period.start, period.end), category__isnull=False)
        .annotate(county=Coalesce(Substr("division__code", 1, 6), Value("")))
        .values("category_id", "county")
    )


def hot_items(period: Period, limit: int = LIMIT) -> list[dict]:
    rows = _by_item(period).annotate(
        n=Count("pk"),
        citizens=Count("contact_phone", distinct=True),
        answered=Count("pk", filter=Q(closed_at__isnull=False)),
    )
    rows = rows.order_by("-n", "category_id", "county")[:limit]
    items = [
        {
            "category": row["category_id"],
            "county": row["county"] or "",
            "n": row["n"],
            "citizens": row["citizens"],
            "answered": row["answered"],
        }
        for row in rows
    ]
    categories = dict(
        Category.objects.filter(pk__in=[i["category"] for i in items]).values_list("pk", "path")
    )
    counties = dict(
        Division.objects.filter(level=Division.Level.COUNTY).values_list("code", "name")
    )
    for item in items:
        item["category_name"] = categories.get(item["category"], "—")
        item["county_name"] = counties.get(item["county"].ljust(12, "0"), "全市")
    return items


def previous_counts(previous: Period, items: list[dict]) -> dict[tuple[int, str], int]:
    """How many appeals each item had in the previous period: {(category, county): n}."""
    if not items:
        return {}
    rows = (
        _by_item(previous)
        .filter(category__in={item["category"] for item in items})
        .annotate(n=Count("pk"))
    )
    return {(row["category_id"], row["county"] or ""): row["n"] for row in rows}
