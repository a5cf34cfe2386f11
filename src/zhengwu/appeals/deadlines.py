"""Time limits of an appeal, computed with the platform calendar (never with timedelta days)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from zhengwu.dispatch.catalogue import policy_for
from zhengwu.dispatch.models import Category, SLAPolicy
from zhengwu.lib import workdays
from zhengwu.lib.workdays import WorkCalendar


@dataclass(frozen=True)
class Limits:
    response_due: dt.datetime
    deadline: dt.datetime
    co_due: dt.datetime
    policy: SLAPolicy


def calendar_error(exc: workdays.CalendarYearUnknown) -> ValidationError:
    return ValidationError(str(exc), code="calendar_unknown")


def limits_for(
    calendar: WorkCalendar,
    start: dt.datetime,
    category: Category | None,
    appeal_type: str,
    urgency: str,
) -> Limits:
    """Response and completion limits from `start` (the dispatch), by the matching policy."""
    policy = policy_for(category, appeal_type, urgency)
    try:
        response_due = workdays.add_working_hours(calendar, start, policy.response_hours)
        if policy.is_in_hours():
            deadline = workdays.add_working_hours(calendar, start, policy.completion_limit)
            co_due = deadline
        else:
            deadline = workdays.add_working_days(calendar, start, policy.completion_limit)
            co_days = max(1, policy.completion_limit - policy.co_handler_lead_days)
            co_due = workdays.add_working_days(calendar, start, co_days)
    except workdays.CalendarYearUnknown as exc:
        raise calendar_error(exc) from exc
    return Limits(min(response_due, deadline), deadline, co_due, policy)


def extend(calendar: WorkCalendar, deadline: dt.datetime, days: int) -> dt.datetime:
    """A deadline moved `days` working days later (extensions, paused clocks)."""
    try:
        return workdays.add_working_days(calendar, deadline, days)
    except workdays.CalendarYearUnknown as exc:
        raise calendar_error(exc) from exc


def paused_working_days(calendar: WorkCalendar, since: dt.datetime, until: dt.datetime) -> int:
    """Whole working days the clock stood still (a part-day counts as a day for the citizen)."""
    try:
        return math.ceil(round(workdays.working_days_between(calendar, since, until), 6))
    except workdays.CalendarYearUnknown as exc:
        raise calendar_error(exc) from exc


def working_days_between(calendar: WorkCalendar, start: dt.datetime, end: dt.datetime) -> float:
    try:
        return workdays.working_days_between(calendar, start, end)
    except workdays.CalendarYearUnknown as exc:
        raise calendar_error(exc) from exc


def near_threshold(calendar: WorkCalendar, now: dt.datetime) -> dt.datetime:
    """Deadlines up to this instant are "即将超期": within one working day from now."""
    try:
        return workdays.add_working_days(calendar, now, 1)
    except workdays.CalendarYearUnknown:
        return now + dt.timedelta(days=1)  # only the flag degrades; no deadline is computed


def deadline_state(deadline: dt.datetime | None, now: dt.datetime, near: dt.datetime) -> str:
    if deadline is None:
        return ""
    if deadline < now:
        return "overdue"
    return "near" if deadline <= near else "ok"
