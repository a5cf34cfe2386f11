"""Working-day and working-hour arithmetic over the Chinese official calendar.

Statutory holidays and the make-up working days (调休) come from the `chinesecalendar` package,
which knows 2004–2026, and from per-year overrides (the State Council's holiday notice entered by
an administrator, see `zhengwu.org.calendar.get_calendar`). A year with neither is an error: the
platform never silently counts plain weekdays.

All instants are aware datetimes; days are counted in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.timedelta(days=1)
# Longest plausible statutory holiday period; a longer one in a notice is almost surely a typo.
MAX_HOLIDAY_SPAN_DAYS = 14


class CalendarYearUnknown(LookupError):
    """Neither the bundled calendar nor an entered holiday notice covers this year."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的法定节假日安排尚未录入：请系统管理员录入国务院办公厅当年的节假日安排通知。"
        )


def bundled_is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        raise CalendarYearUnknown(day.year) from exc


@dataclass(frozen=True)
class OfficeHours:
    """Working periods of a working day (local time), used for limits stated in hours (即办)."""

    periods: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(9, 0), dt.time(12, 0)),
        (dt.time(13, 0), dt.time(17, 0)),
    )

    def hours_per_day(self) -> float:
        return sum(_seconds(start, end) for start, end in self.periods) / 3600


def _seconds(start: dt.time, end: dt.time) -> float:
    return (dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)).seconds


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days. `overrides` maps a year to its exceptions to the weekday rule
    (date → is working day); a year present there ignores the bundled calendar entirely."""

    overrides: Mapping[int, Mapping[dt.date, bool]] = field(default_factory=dict)
    bundled: Callable[[dt.date], bool] = bundled_is_workday
    hours: OfficeHours = OfficeHours()

    def is_workday(self, day: dt.date) -> bool:
        exceptions = self.overrides.get(day.year)
        if exceptions is not None:
            return exceptions.get(day, day.weekday() < 5)
        return self.bundled(day)

    def knows_year(self, year: int) -> bool:
        try:
            self.is_workday(dt.date(year, 1, 1))
        except CalendarYearUnknown:
            return False
        return True

    def next_workday(self, day: dt.date, *, inclusive: bool = False) -> dt.date:
        day = day if inclusive else day + DAY
        while not self.is_workday(day):
            day += DAY
        return day


def local_date(instant: dt.datetime) -> dt.date:
    return _local(instant).date()


def _local(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: working-day arithmetic needs aware datetimes")
    return instant.astimezone(SHANGHAI)


def _at(day: dt.date, time: dt.time = dt.time.min) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=SHANGHAI)


def end_of_day(day: dt.date) -> dt.datetime:
    return _at(day, dt.time(23, 59, 59))


def add_working_days(
    calendar: WorkCalendar, start: dt.datetime, days: int, *, from_next_day: bool = True
) -> dt.datetime:
    """The deadline `days` working days after `start`.

    from_next_day=True (the usual rule for appeals, "自受理次日起算"): day 1 is the first
    working day after the day of receipt and the deadline is the end of day `days`; 0 means the
    end of the first working day on or after receipt ("当日办结").
    from_next_day=False: the clock runs from the receipt instant and stops on non-working days, so
    the deadline is the instant at which exactly `days` working days have elapsed.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    received = local_date(start)
    if from_next_day:
        due = calendar.next_workday(received, inclusive=True) if days == 0 else received
        for _ in range(days):
            due = calendar.next_workday(due)
        return end_of_day(due)
    clock = _local(start)
    if not calendar.is_workday(clock.date()):
        clock = _at(calendar.next_workday(clock.date()))
    for _ in range(days):
        next_day = calendar.next_workday(clock.date())
        clock = _at(next_day, clock.timetz().replace(tzinfo=None))
    return clock


def working_days_between(calendar: WorkCalendar, start: dt.datetime, end: dt.datetime) -> float:
    """Elapsed working time from `start` to `end` in working days (fractions of 24-hour working
    days); negative when `end` is before `start`. Non-working days do not count."""
    if end < start:
        return -working_days_between(calendar, end, start)
    first, last = _local(start), _local(end)
    total = 0.0
    day = first.date()
    while day <= last.date():
        if calendar.is_workday(day):
            lower = max(first, _at(day))
            upper = min(last, _at(day + DAY))
            total += (upper - lower).total_seconds() / 86400
        day += DAY
    return total


def _office_periods(
    calendar: WorkCalendar, day: dt.date
) -> Iterable[tuple[dt.datetime, dt.datetime]]:
    for open_at, close_at in calendar.hours.periods:
        yield _at(day, open_at), _at(day, close_at)


def add_working_hours(calendar: WorkCalendar, start: dt.datetime, hours: float) -> dt.datetime:
    """The instant `hours` office hours after `start` (for limits such as 即办 "2 hours").
    A start outside office hours begins at the next opening."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = dt.timedelta(hours=hours)
    clock = _local(start)
    day = clock.date()
    while True:
        if calendar.is_workday(day):
            for open_at, close_at in _office_periods(calendar, day):
                begin = max(clock, open_at)
                if begin >= close_at:
                    continue
                if begin + remaining <= close_at:
                    return begin + remaining
                remaining -= close_at - begin
        day += DAY
        clock = _at(day)


def working_hours_between(calendar: WorkCalendar, start: dt.datetime, end: dt.datetime) -> float:
    """Office hours elapsed from `start` to `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_hours_between(calendar, end, start)
    first, last = _local(start), _local(end)
    total = dt.timedelta()
    day = first.date()
    while day <= last.date():
        if calendar.is_workday(day):
            for open_at, close_at in _office_periods(calendar, day):
                lower, upper = max(first, open_at), min(last, close_at)
                if upper > lower:
                    total += upper - lower
        day += DAY
    return total.total_seconds() / 3600


@dataclass(frozen=True)
class Adjustment:
    """One line of a holiday notice: days off (`is_workday=False`) or make-up working days."""

    name: str
    start: dt.date
    end: dt.date
    is_workday: bool

    def days(self) -> list[dt.date]:
        return [self.start + DAY * i for i in range((self.end - self.start).days + 1)]


def check_notice(year: int, adjustments: Iterable[Adjustment]) -> list[str]:
    """Reasons a year's holiday notice is inconsistent (empty when it is fine)."""
    errors: list[str] = []
    seen: dict[dt.date, str] = {}
    for item in adjustments:
        label = item.name or "未命名"
        if item.end < item.start:
            errors.append(f"“{label}”的结束日期早于开始日期。")
            continue
        if item.start.year != year or item.end.year != year:
            errors.append(f"“{label}”的日期不在{year}年内。")
        if not item.is_workday and len(item.days()) > MAX_HOLIDAY_SPAN_DAYS:
            errors.append(f"“{label}”放假超过{MAX_HOLIDAY_SPAN_DAYS}天，请核对日期。")
        for day in item.days():
            if day in seen:
                errors.append(f"{day:%Y-%m-%d}同时出现在“{seen[day]}”和“{label}”中。")
            seen[day] = label
            if item.is_workday and day.weekday() < 5:
                errors.append(f"“{label}”的调休上班日{day:%Y-%m-%d}不是周末。")
    return errors


def notice_exceptions(adjustments: Iterable[Adjustment]) -> dict[dt.date, bool]:
    """Date → is working day, for the days a notice changes."""
    return {day: item.is_workday for item in adjustments for day in item.days()}
