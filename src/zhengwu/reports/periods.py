"""Report periods: ISO weeks (Monday–Sunday), months, quarters, years, in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.reports.models import PeriodType


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        if self.kind == PeriodType.WEEK:
            week = self.start.isocalendar()
            return _("%(y)d年第%(w)d周（%(s)s—%(e)s）") % {
                "y": week.year,
                "w": week.week,
                "s": f"{self.start:%m月%d日}",
                "e": f"{self.end:%m月%d日}",
            }
        if self.kind == PeriodType.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == PeriodType.QUARTER:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.kind == PeriodType.YEAR:
            return f"{self.start.year}年"
        return f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d}"

    def previous(self) -> Period:
        if self.kind == PeriodType.WEEK:
            return containing(self.kind, self.start - dt.timedelta(days=7))
        return containing(self.kind, self.start - dt.timedelta(days=1))


def containing(kind: str, day: dt.date) -> Period:
    """The period of this kind that contains `day`."""
    if kind == PeriodType.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return Period(kind, start, start + dt.timedelta(days=6))
    if kind == PeriodType.MONTH:
        start = day.replace(day=1)
    elif kind == PeriodType.QUARTER:
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    elif kind == PeriodType.YEAR:
        start = dt.date(day.year, 1, 1)
    else:
        raise ValidationError(_("未知的报告周期。"), code="period_kind")
    return Period(kind, start, _next_start(kind, start) - dt.timedelta(days=1))


def _next_start(kind: str, start: dt.date) -> dt.date:
    months = {PeriodType.MONTH: 1, PeriodType.QUARTER: 3, PeriodType.YEAR: 12}[kind]
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def finished(kind: str, day: dt.date, today: dt.date | None = None) -> Period:
    """A period for a report: it must have ended (a report on a running week would change)."""
    period = containing(kind, day)
    today = today or timezone.localdate()
    if period.end >= today:
        raise ValidationError(
            _("%(p)s尚未结束，不能生成报告；请选择已经结束的周期。") % {"p": period.label()},
            code="period_not_finished",
        )
    return period


def custom(start: dt.date, end: dt.date, today: dt.date | None = None) -> Period:
    """A free range for the dashboard: not reversed, not in the future, at most ten years."""
    today = today or timezone.localdate()
    if end < start:
        raise ValidationError(_("结束日期早于开始日期。"), code="period_reversed")
    if start > today:
        raise ValidationError(_("开始日期在未来。"), code="period_future")
    end = min(end, today)
    if (end - start).days > 3660:
        raise ValidationError(_("时间范围不能超过十年。"), code="period_too_long")
    return Period("custom", start, end)
