"""Report use cases: generate a draft, review it (a second supervisor), publish (frozen)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.audit.record import record
from zhengwu.audit.registry import register
from zhengwu.reports import access, builders, periods
from zhengwu.reports.models import Report

GENERATED = register("reports.generated", _("生成报告"))
REVIEWED = register("reports.reviewed", _("审核报告"))
PUBLISHED = register("reports.published", _("发布报告"))
DISCARDED = register("reports.discarded", _("作废报告草稿"))


def _require_writer(user: Any) -> None:
    if not access.can_write_reports(user):
        raise PermissionDenied(_("只有督办员可以生成、审核和发布报告。"))


@transaction.atomic
def do_generate_report(kind: str, period_type: str, day: dt.date, *, acting_user: Any) -> Report:
    """A draft for the finished period containing `day`, built from the rollups."""
    _require_writer(acting_user)
    if kind not in builders.BUILDERS:
        raise ValidationError({"kind": _("请选择报告类型。")})
    period = periods.finished(period_type, day)
    snapshot = builders.BUILDERS[kind](period)
    report = Report.objects.create(
        kind=kind,
        period_type=period_type,
        start=period.start,
        end=period.end,
        title=snapshot["title"],
        snapshot=snapshot,
        generated_at=timezone.now(),
        generated_by=acting_user,
    )
    record(GENERATED, actor=acting_user, obj=report, summary={"title": report.title})
    return report


def _lock(report: Report, state: str) -> Report:
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.state != state:
        raise ValidationError(_("报告状态已变化，请刷新页面。"), code="conflict")
    return locked


@transaction.atomic
def do_review_report(report: Report, *, acting_user: Any) -> Report:
    """Four eyes: a draft is reviewed by a supervisor other than the one who generated it."""
    _require_writer(acting_user)
    report = _lock(report, Report.State.DRAFT)
    if report.generated_by_id == acting_user.pk:
        raise ValidationError(_("报告须由生成人以外的督办员审核。"), code="same_person")
    report.state, report.reviewed_by, report.reviewed_at = (
        Report.State.REVIEWED,
        acting_user,
        timezone.now(),
    )
    report.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    record(REVIEWED, actor=acting_user, obj=report, summary={"title": report.title})
    return report


@transaction.atomic
def do_publish_report(report: Report, *, acting_user: Any) -> Report:
    """Publish a reviewed report: its snapshot is frozen and appears on the public page."""
    _require_writer(acting_user)
    report = _lock(report, Report.State.REVIEWED)
    report.state, report.published_at = Report.State.PUBLISHED, timezone.now()
    try:
        with transaction.atomic():
            report.save(update_fields=["state", "published_at"])
    except IntegrityError as exc:
        raise ValidationError(_("该周期的同类报告已经发布过。"), code="duplicate") from exc
    record(PUBLISHED, actor=acting_user, obj=report, summary={"title": report.title})
    return report


@transaction.atomic
def do_discard_report(report: Report, *, acting_user: Any) -> None:
    """Drafts and reviewed reports may be discarded; published ones never change."""
    _require_writer(acting_user)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == Report.State.PUBLISHED:
        raise ValidationError(_("已发布的报告不能作废。"), code="published")
    record(DISCARDED, actor=acting_user, obj=report, summary={"title": report.title})
    report.delete()
