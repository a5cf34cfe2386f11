"""The platform calendar: the bundled official calendar plus the holiday notices entered here."""

from __future__ import annotations

from zhengwu.lib.workdays import Adjustment, WorkCalendar, notice_exceptions
from zhengwu.org.models import CalendarAdjustment, HolidayNotice


def as_adjustment(row: CalendarAdjustment) -> Adjustment:
    return Adjustment(
        name=row.name,
        start=row.start,
        end=row.end,
        is_workday=row.kind == CalendarAdjustment.Kind.WORKDAY,
    )


def get_calendar() -> WorkCalendar:
    """Build the calendar from the database (two small queries). Bulk callers build it once and
    pass it on; nothing is cached between requests, so every process sees a new notice at once."""
    notices = HolidayNotice.objects.prefetch_related("adjustments")
    return WorkCalendar(
        overrides={
            notice.year: notice_exceptions(map(as_adjustment, notice.adjustments.all()))
            for notice in notices
        }
    )
