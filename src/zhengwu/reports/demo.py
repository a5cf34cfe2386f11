"""Demo reports: last week's four reports, generated, reviewed by a second supervisor and
published through the real use cases. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhengwu.org.models import User
from zhengwu.reports import actions
from zhengwu.reports.models import PeriodType, Report, ReportKind
from zhengwu.reports.rollups import refresh


def publish_last_week() -> int:
    refresh()
    last_week = timezone.localdate() - dt.timedelta(days=7)
    author = User.objects.get(username="supervisor")
    reviewer = User.objects.get(username="supervisor2")
    published = 0
    for kind in ReportKind.values:
        if Report.objects.filter(
            kind=kind,
            period_type=PeriodType.WEEK,
            state="published",
            start__lte=last_week,
            end__gte=last_week,
        ).exists():
            continue
        report = actions.do_generate_report(kind, PeriodType.WEEK, last_week, acting_user=author)
        actions.do_review_report(report, acting_user=reviewer)
        actions.do_publish_report(report, acting_user=author)
        published += 1
    return published
