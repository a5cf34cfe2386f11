"""The period's most frequent matters: a catalogue item in a county, with how many citizens
raised it and how much of it is already answered. (Text clustering of hot spots belongs to the
dispatch app; this is the count-based view the weekly report always has.)"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from zhengwu.appeals.models import Appeal
from zhengwu.dispatch.models import Category
from zhengwu.org.models import Division
from zhengwu.reports.periods import Period
from zhengwu.reports.rollups import appeals_in

LIMIT = 15


def hot_items(period: Period, limit: int = LIMIT) -> list[dict]:
    rows = (
        Appeal.objects.filter(appeals_in(period.start, period.end), category__isnull=False)
        .values("category_id", "division__code")
        .annotate(
            n=Count("pk"),
            citizens=Count("contact_phone", distinct=True),
            answered=Count("pk", filter=Q(closed_at__isnull=False)),
        )
        .order_by("-n")[:500]
    )
    items = _fold_counties(rows)[:limit]
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


def _fold_counties(rows: Iterable[dict]) -> list[dict]:
    items: dict[tuple, dict] = {}
    for row in rows:
        key = (row["category_id"], (row["division__code"] or "")[:6])
        item = items.setdefault(key, {"n": 0, "citizens": 0, "answered": 0})
        for name in ("n", "citizens", "answered"):
            item[name] += row[name]
    ranked = sorted(items.items(), key=lambda kv: (-kv[1]["n"], kv[0][0], kv[0][1]))
    return [{"category": k[0], "county": k[1], **v} for k, v in ranked]


def previous_count(previous: Period, category: int, county: str) -> int:
    query = Appeal.objects.filter(appeals_in(previous.start, previous.end), category=category)
    if county:
        query = query.filter(division__code__startswith=county)
    return query.count()
