"""Reading the rollups: period totals per dimension value, with the metrics computed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Sum

from zhengwu.appeals.models import Channel
from zhengwu.dispatch.models import AppealType, Category
from zhengwu.org.models import Division, Organisation
from zhengwu.reports import metrics
from zhengwu.reports.models import COUNTERS, DailyRollup, Dimension
from zhengwu.reports.periods import Period
from zhengwu.reports.rollups import rollups


@dataclass
class Line:
    key: str
    name: str
    counts: dict[str, float]
    histogram: list[int] = field(default_factory=list)

    @property
    def values(self) -> dict[str, float | None]:
        return metrics.values(self.counts)

    @property
    def median_days(self) -> float | None:
        return metrics.median_days(self.histogram)


def totals(dimension: str, period: Period, *, with_histogram: bool = False) -> dict[str, Line]:
    """Summed counters per dimension value over the period (one query, plus one for medians)."""
    sums = {name: Sum(name) for name in COUNTERS}
    rows = rollups(dimension, period.start, period.end).values("key").annotate(**sums).order_by()
    names = names_for(dimension)
    lines = {
        row["key"]: Line(
            row["key"],
            names.get(row["key"], row["key"] or "全市"),
            {name: row[name] or 0 for name in COUNTERS},
        )
        for row in rows
    }
    if with_histogram:
        _add_histograms(lines, rollups(dimension, period.start, period.end))
    return lines


def _add_histograms(lines: dict[str, Line], cells: Iterable[DailyRollup]) -> None:
    for key, histogram in cells.exclude(handling_histogram=[]).values_list(
        "key", "handling_histogram"
    ):
        if key in lines:
            lines[key].histogram = metrics.merge_histograms(lines[key].histogram, histogram)


def city(period: Period, *, with_histogram: bool = True) -> Line:
    lines = totals(Dimension.ALL, period, with_histogram=with_histogram)
    return lines.get("", Line("", "全市", metrics.empty()))


def names_for(dimension: str) -> dict[str, str]:
    """Display names of a dimension's keys (small tables, read per report)."""
    if dimension == Dimension.ORGANISATION:
        return {str(pk): name for pk, name in Organisation.objects.values_list("pk", "name")}
    if dimension == Dimension.COUNTY:
        return {
            code[:6]: name
            for code, name in Division.objects.filter(level=Division.Level.COUNTY).values_list(
                "code", "name"
            )
        }
    if dimension == Dimension.CATEGORY:
        return {
            str(pk): name
            for pk, name in Category.objects.filter(parent__isnull=True).values_list("pk", "name")
        }
    if dimension == Dimension.CHANNEL:
        return {value: str(label) for value, label in Channel.choices}
    if dimension == Dimension.TYPE:
        return {value: str(label) for value, label in AppealType.choices}
    return {"": "全市"}


def organisation_kinds() -> dict[str, str]:
    return {str(pk): kind for pk, kind in Organisation.objects.values_list("pk", "kind")}


def daily_series(period: Period, counters: Iterable[str]) -> dict[str, list]:
    """City-wide counters per day, for trend charts (days without events are zero)."""
    counters = list(counters)
    rows = {
        row["day"]: row
        for row in rollups(Dimension.ALL, period.start, period.end).values("day", *counters)
    }
    days = [period.start + dt.timedelta(days=i) for i in range(period.days)]
    series = {"days": [f"{day:%m-%d}" for day in days]}
    for name in counters:
        series[name] = [rows[day][name] if day in rows else 0 for day in days]
    return series
