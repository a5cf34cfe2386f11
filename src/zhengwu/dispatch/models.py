"""The dispatch catalogue (派单目录): which body owns which kind of matter, and its time limits.

This layer knows categories, bodies and text; it knows nothing of appeals.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengwu.org.models import Organisation


class AppealType(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    IMMEDIATE = "immediate", _("即办")


class Category(models.Model):
    """A node of the three-level catalogue (e.g. 城乡建设 → 物业管理 → 物业服务收费)."""

    MAX_LEVEL = 3

    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("层级"), editable=False, default=1)
    path = models.CharField(_("分类路径"), max_length=200, editable=False, default="")
    lead_department = models.ForeignKey(
        Organisation,
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    co_handlers = models.ManyToManyField(
        Organisation, verbose_name=_("协办单位"), blank=True, related_name="+"
    )
    keywords = models.CharField(_("关键词"), max_length=500, blank=True, help_text=_("以空格分隔"))
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["path"]
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="category_unique_root"
            ),
        ]

    def __str__(self) -> str:
        return self.path or self.name

    def save(self, *args, **kwargs) -> None:
        self.level = self.parent.level + 1 if self.parent_id else 1
        self.path = f"{self.parent.path} > {self.name}" if self.parent_id else self.name
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.parent_id is not None:
            if self.parent.level >= self.MAX_LEVEL:
                raise ValidationError({"parent": _("分类最多三级。")})
            if self.pk is not None and self.pk in {a.pk for a in self.ancestors()}:
                raise ValidationError({"parent": _("分类不能挂在自己的下级之下。")})

    def ancestors(self) -> list[Category]:
        chain, node = [], self.parent
        while node is not None and len(chain) <= self.MAX_LEVEL:
            chain.append(node)
            node = node.parent
        return chain

    def responsible(self) -> Category | None:
        """This category or the nearest ancestor that names a lead department."""
        node: Category | None = self
        while node is not None and node.lead_department_id is None:
            node = node.parent
        return node


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    WORKING_HOURS = "working_hours", _("工作小时")


class SLAPolicy(models.Model):
    """Time limits for a category × appeal type × urgency. Blank fields match anything; the most
    specific matching policy wins: urgency first (an urgent or 即办 item is urgent whatever its
    category or type), then the deeper category, then type."""

    name = models.CharField(_("名称"), max_length=50)
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="policies",
    )
    appeal_type = models.CharField(
        _("诉求类型"), max_length=16, choices=AppealType.choices, blank=True
    )
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, blank=True)
    response_hours = models.PositiveIntegerField(
        _("签收时限（工作小时）"), default=4, help_text=_("派单后须在此时间内签收")
    )
    completion_limit = models.PositiveIntegerField(_("办理时限"), default=13)
    completion_unit = models.CharField(
        _("时限单位"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    co_handler_lead_days = models.PositiveIntegerField(
        _("协办提前量（工作日）"),
        default=3,
        help_text=_("协办单位须在主办时限前若干工作日提交意见"),
    )
    max_extension_days = models.PositiveIntegerField(_("最长延期（工作日）"), default=10)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "appeal_type", "urgency"],
                name="sla_unique_scope",
                condition=Q(category__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["appeal_type", "urgency"],
                name="sla_unique_default_scope",
                condition=Q(category__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def specificity(self) -> tuple[bool, int, bool]:
        level = self.category.level if self.category_id else 0
        return (bool(self.urgency), level, bool(self.appeal_type))

    def is_in_hours(self) -> bool:
        return self.completion_unit == TimeUnit.WORKING_HOURS
