"""Accountability: daily rollups of the hub's events, published reports, assessment schemes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Dimension(models.TextChoices):
    ALL = "all", _("全市")
    ORGANISATION = "org", _("单位")
    COUNTY = "county", _("县区")
    CATEGORY = "category", _("一级分类")
    CHANNEL = "channel", _("渠道")
    TYPE = "type", _("诉求类型")


# The counters kept per day and dimension value. Each is attributed to the day of the event that
# makes it (see docs/metrics.md); rates are computed from sums over a period, never stored.
COUNTERS = (
    "received",
    "accepted",
    "rejected",
    "merged",
    "dispatched",
    "responded",
    "replied",
    "closed",
    "closed_on_time",
    "handling_days",
    "reopened",
    "evaluated",
    "resolved",
    "partly",
    "unresolved",
    "satisfied",
    "basically",
    "dissatisfied",
    "not_evaluated",
    "urged",
    "supervised",
    "returned",
    "overdue",
)
# Closes are also counted by handling time in half-working-day buckets (the last is "60 days or
# more"), so periods can report a median without reading every appeal.
HISTOGRAM_BUCKETS = 120


class DailyRollup(models.Model):
    day = models.DateField()
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.CharField(max_length=32, help_text=_("单位ID、县区代码、分类ID、渠道或类型"))
    received = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    dispatched = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    handling_days = models.FloatField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    evaluated = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    partly = models.PositiveIntegerField(default=0)
    unresolved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)
    not_evaluated = models.PositiveIntegerField(default=0)
    urged = models.PositiveIntegerField(default=0)
    supervised = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    handling_histogram = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("每日汇总")
        verbose_name_plural = _("每日汇总")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key", "day"], name="rollup_unique_cell")
        ]
        indexes = [models.Index(fields=["dimension", "day"], name="rollup_dimension_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}:{self.key}"


class RollupState(models.Model):
    """How fresh the rollups are: the instant up to which every event has been counted."""

    counted_until = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.counted_until}"


class ReportKind(models.TextChoices):
    INTAKE = "intake", _("受理办理周报")
    DEPARTMENTS = "departments", _("部门办理情况通报")
    HOTSPOTS = "hotspots", _("热点问题周报")
    SUPERVISION = "supervision", _("督办通报")


class PeriodType(models.TextChoices):
    WEEK = "week", _("周")
    MONTH = "month", _("月")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年")


class Report(models.Model):
    """A report for one period. Generated as a draft, reviewed by a second supervisor, then
    published: from then on its snapshot is frozen and shown on the public page."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEWED = "reviewed", _("已审核")
        PUBLISHED = "published", _("已发布")

    kind = models.CharField(_("报告"), max_length=16, choices=ReportKind.choices)
    period_type = models.CharField(_("周期"), max_length=8, choices=PeriodType.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    title = models.CharField(_("标题"), max_length=100)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    snapshot = models.JSONField(_("内容"), default=dict)
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start", "kind"]
        verbose_name = _("报告")
        verbose_name_plural = _("报告")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_type", "start"],
                condition=models.Q(state="published"),
                name="report_one_published_per_period",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AssessmentScheme(models.Model):
    """How the annual performance assessment scores a unit (weights in points out of 100)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    weight_response = models.PositiveSmallIntegerField(_("响应率权重"), default=20)
    weight_on_time = models.PositiveSmallIntegerField(_("按时办结率权重"), default=30)
    weight_resolution = models.PositiveSmallIntegerField(_("解决率权重"), default=25)
    weight_satisfaction = models.PositiveSmallIntegerField(_("满意率权重"), default=25)
    deduction_overdue = models.FloatField(
        _("逾期率每1%扣分"),
        default=0.5,
        validators=[MinValueValidator(0)],
        help_text=_("逾期件占派单量的百分比，每一个百分点扣的分数"),
    )
    deduction_supervised = models.FloatField(
        _("督办率每1%扣分"),
        default=0.5,
        validators=[MinValueValidator(0)],
        help_text=_("督办件占派单量的百分比，每一个百分点扣的分数"),
    )
    max_deduction = models.FloatField(
        _("扣分上限"), default=20, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    minimum_volume = models.PositiveIntegerField(_("参与排名的最少件数"), default=20)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def clean(self) -> None:
        total = (
            self.weight_response
            + self.weight_on_time
            + self.weight_resolution
            + self.weight_satisfaction
        )
        if total != 100:
            raise ValidationError(_("四项权重之和应为100（现为%(t)d）。") % {"t": total})
