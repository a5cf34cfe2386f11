"""The leaders' dashboard: everything from the rollups except two small live counts, and the
week's hot items, counted from the appeals and kept for a few minutes (HOT_CACHE_SECONDS)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from zhengwu.appeals.models import Appeal
from zhengwu.appeals.workflow import HANDLING
from zhengwu.reports import hotspots, metrics, queries
from zhengwu.reports.models import Dimension
from zhengwu.reports.periods import Period, custom
from zhengwu.reports.rollups import freshness, rollups

RANGES = [("7", "近7天"), ("30", "近30天"), ("90", "近90天"), ("365", "近一年"), ("year", "今年")]
KPIS = [
    "received",
    "closed",
    "response_rate",
    "on_time_rate",
    "resolution_rate",
    "satisfaction_rate",
    "overdue",
    "average_days",
]
HOT_DAYS = 7
HOT_CACHE_SECONDS = 300  # one pass over a week's appeals: ~0.2 s at 10 million appeals
RANKED = 10


def period_from(params: Mapping[str, str]) -> Period:
    today = timezone.localdate()
    if params.get("start") and params.get("end"):
        return custom(dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"]))
    choice = params.get("range", "30")
    if choice == "year":
        return custom(dt.date(today.year, 1, 1), today)
    days = int(choice) if choice.isdigit() and 0 < int(choice) <= 3660 else 30
    return custom(today - dt.timedelta(days=days - 1), today)


def _kpis(line: queries.Line) -> list[dict]:
    values = line.values
    return [
        {
            "label": metrics.METRIC_BY_KEY[key].label,
            "value": values[key],
            "format": "rate"
            if metrics.METRIC_BY_KEY[key].is_rate
            else ("days" if key == "average_days" else "int"),
        }
        for key in KPIS
    ]


def _scoped_line(period: Period, scope: set[int]) -> queries.Line:
    lines = queries.totals(Dimension.ORGANISATION, period)
    total = metrics.empty()
    for key in map(str, scope):
        if key in lines:
            metrics.add(total, lines[key].counts)
    return queries.Line("", "本单位", total)


def _trend(period: Period, scope: set[int] | None) -> dict:
    if scope is None:
        return queries.daily_series(period, ["received", "closed", "overdue"])
    rows = (
        rollups(Dimension.ORGANISATION, period.start, period.end)
        .filter(key__in=[str(pk) for pk in scope])
        .values("day")
        .annotate(dispatched=Sum("dispatched"), closed=Sum("closed"), overdue=Sum("overdue"))
    )
    by_day = {row["day"]: row for row in rows}
    days = [period.start + dt.timedelta(days=i) for i in range(period.days)]
    series = {"days": [f"{d:%m-%d}" for d in days]}
    for name in ("dispatched", "closed", "overdue"):
        series[name] = [by_day[d][name] if d in by_day else 0 for d in days]
    return series


def _shares(dimension: str, period: Period) -> list[dict]:
    lines = sorted(
        queries.totals(dimension, period).values(), key=lambda line: -line.counts["received"]
    )
    return [
        {"name": line.name, "value": line.counts["received"]}
        for line in lines
        if line.counts["received"]
    ]


def _ranking(period: Period) -> list[dict]:
    kinds = queries.organisation_kinds()
    lines = [
        line
        for line in queries.totals(Dimension.ORGANISATION, period).values()
        if kinds.get(line.key) not in ("centre", "government") and line.counts["dispatched"] >= 5
    ]
    scored = [(line.values["on_time_rate"] or 0, line) for line in lines]
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [
        {
            "name": line.name,
            "on_time_rate": round(rate * 100, 1),
            "dispatched": line.counts["dispatched"],
        }
        for rate, line in scored
    ]


def _live_overdue(scope: set[int] | None) -> int:
    """Appeals past their deadline right now (the partial index on open statuses keeps this
    a small count)."""
    overdue = Appeal.objects.filter(status__in=HANDLING, deadline__lt=timezone.now())
    if scope is not None:
        overdue = overdue.filter(lead_department__in=scope)
    return overdue.count()


def build(period: Period, scope: set[int] | None) -> dict:
    state = freshness()
    if scope is None:
        line, districts = (
            queries.city(period, with_histogram=False),
            _shares(Dimension.COUNTY, period),
        )
    else:
        line, districts = _scoped_line(period, scope), []
    ranking = _ranking(period) if scope is None else []
    hot_period = custom(max(period.start, period.end - dt.timedelta(days=HOT_DAYS - 1)), period.end)
    return {
        "kpis": _kpis(line),
        "overdue_now": _live_overdue(scope),
        "districts": districts,
        "hot": _hot_items(hot_period) if scope is None else [],
        "data_as_of": state.counted_until if state else None,
        "charts": {
            "trend": _trend(period, scope),
            "categories": _shares(Dimension.CATEGORY, period) if scope is None else [],
            "channels": _shares(Dimension.CHANNEL, period) if scope is None else [],
            "best": ranking[:RANKED],
            "worst": list(reversed(ranking[-RANKED:])) if len(ranking) > RANKED else [],
        },
        "scoped": scope is not None,
    }


def _hot_items(period: Period) -> list[dict]:
    key = f"reports:dashboard-hot:{period.start}:{period.end}"
    return cache.get_or_set(key, lambda: hotspots.hot_items(period, limit=8), HOT_CACHE_SECONDS)
