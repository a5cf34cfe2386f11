"""The hub's periodic checks: urging before and after deadlines, expired evaluation windows,
clocks paused too long. Run every minute by `manage.py run_periodic_checks`.

Idempotent and safe on several workers at once: candidates are locked with SKIP LOCKED (on
PostgreSQL) so two workers take different appeals, each appeal is re-checked under its lock, and
automatic urges are unique per (appeal, kind, deadline).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.appeals import actions, deadlines
from zhengwu.appeals.models import Appeal, Assignment, Urge
from zhengwu.appeals.workflow import HANDLING, Status
from zhengwu.dispatch.models import Suggestion
from zhengwu.lib import workdays
from zhengwu.lib.workdays import WorkCalendar
from zhengwu.org.calendar import get_calendar

BATCH = 500
# A citizen asked for more information has this long before the clock restarts anyway.
AWAITING_CITIZEN_WORKING_DAYS = 5


def _locked(queryset: QuerySet[Appeal]) -> QuerySet[Appeal]:
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


def _each(queryset: QuerySet[Appeal], check: Callable[[Appeal], bool]) -> int:
    """Run `check` on each candidate in its own transaction; count those it acted on."""
    done = 0
    for pk in list(queryset.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            appeal = _locked(Appeal.objects.filter(pk=pk)).first()
            if appeal is not None and check(appeal):
                done += 1
    return done


def _not_urged(candidates: QuerySet[Appeal], kind: str, deadline_field: str) -> QuerySet[Appeal]:
    """Drop appeals already urged of this kind for their current deadline."""
    done = Urge.objects.filter(appeal=OuterRef("pk"), kind=kind, deadline=OuterRef(deadline_field))
    return candidates.filter(~Exists(done))


def _open_handling() -> QuerySet[Appeal]:
    return Appeal.objects.filter(status__in=HANDLING, deadline__isnull=False)


def urge_near_deadlines(now: dt.datetime, near: dt.datetime) -> int:
    def check(appeal: Appeal) -> bool:
        if appeal.status not in HANDLING or not (now < appeal.deadline <= near):
            return False
        note = _("办理期限将于%(d)s届满，请抓紧办理。") % {
            "d": timezone.localtime(appeal.deadline).strftime("%Y-%m-%d %H:%M")
        }
        return actions.urge(
            appeal, Urge.Kind.BEFORE_DEADLINE, actor=None, note=note, deadline=appeal.deadline
        )

    candidates = _open_handling().filter(deadline__gt=now, deadline__lte=near)
    return _each(_not_urged(candidates, Urge.Kind.BEFORE_DEADLINE, "deadline"), check)


def urge_overdue(now: dt.datetime) -> int:
    def check(appeal: Appeal) -> bool:
        if appeal.status not in HANDLING or appeal.deadline >= now:
            return False
        note = _("已超过办理期限（%(d)s），请立即办理并答复。") % {
            "d": timezone.localtime(appeal.deadline).strftime("%Y-%m-%d %H:%M")
        }
        return actions.urge(
            appeal, Urge.Kind.OVERDUE, actor=None, note=note, deadline=appeal.deadline
        )

    candidates = _open_handling().filter(deadline__lt=now)
    return _each(_not_urged(candidates, Urge.Kind.OVERDUE, "deadline"), check)


def urge_unsigned(now: dt.datetime) -> int:
    def check(appeal: Appeal) -> bool:
        lead = appeal.assignments.filter(
            ended_at__isnull=True,
            role=Assignment.Role.LEAD,
            state=Assignment.State.PENDING,
            response_due__lt=now,
        ).first()
        if lead is None:
            return False
        return actions.urge(
            appeal,
            Urge.Kind.SIGN_OVERDUE,
            actor=None,
            note=_("派单后超时未签收，请立即签收。"),
            deadline=lead.response_due,
        )

    candidates = Appeal.objects.filter(status=Status.DISPATCHED, response_due__lt=now)
    return _each(_not_urged(candidates, Urge.Kind.SIGN_OVERDUE, "response_due"), check)


def expire_evaluations(now: dt.datetime) -> int:
    def check(appeal: Appeal) -> bool:
        if appeal.status != Status.CLOSED or not appeal.evaluation_expires_at:
            return False
        if appeal.evaluation_expires_at >= now:
            return False
        actions.expire_evaluation(appeal)
        return True

    return _each(Appeal.objects.filter(status=Status.CLOSED, evaluation_expires_at__lt=now), check)


def resume_stale_pauses(now: dt.datetime, calendar: WorkCalendar) -> int:
    def check(appeal: Appeal) -> bool:
        if appeal.status != Status.AWAITING_CITIZEN or appeal.paused_at is None:
            return False
        if (
            workdays.working_days_between(calendar, appeal.paused_at, now)
            < AWAITING_CITIZEN_WORKING_DAYS
        ):
            return False
        actions.do_resume(appeal, acting_user=None, note=_("市民逾期未补充材料，自动恢复办理。"))
        return True

    # Oldest pauses first: if the oldest is not yet stale, none is, so nothing starves.
    return _each(Appeal.objects.filter(status=Status.AWAITING_CITIZEN).order_by("paused_at"), check)


# An intake's analysis task runs within seconds; one still missing after this was lost.
ANALYSIS_GRACE = dt.timedelta(minutes=2)


def analyse_missed(now: dt.datetime) -> int:
    """New appeals whose smart-dispatch analysis never ran (its task was lost)."""
    analysed = Suggestion.objects.filter(reference=OuterRef("pk"))
    missed = (
        Appeal.objects.filter(status=Status.RECEIVED, received_at__lt=now - ANALYSIS_GRACE)
        .filter(~Exists(analysed))
        .order_by("received_at")
    )
    done = 0
    for pk in list(missed.values_list("pk", flat=True)[:BATCH]):
        done += actions.do_analyse_new_appeal(pk) == "analysed"
    return done


def run_checks(now: dt.datetime | None = None) -> Counter:
    now = now or timezone.now()
    calendar = get_calendar()
    near = deadlines.near_threshold(calendar, now)
    return Counter(
        near_deadline_urges=urge_near_deadlines(now, near),
        overdue_urges=urge_overdue(now),
        unsigned_urges=urge_unsigned(now),
        expired_evaluations=expire_evaluations(now),
        resumed_pauses=resume_stale_pauses(now, calendar),
        analysed_appeals=analyse_missed(now),
    )
