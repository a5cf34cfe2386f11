"""The dispatch catalogue (派单目录): which body owns which kind of matter, and its time limits.

This layer knows categories, bodies and text; it knows nothing of appeals.
"""

from __future__ import annotations

from django.conf import settings
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


# --- Smart dispatch: rules, places, settings, model versions, suggestions ----------------------


class RoutingRule(models.Model):
    """A centre's explicit routing decision, tried in order before the catalogue: the first
    active rule whose every filled-in condition holds names the lead department."""

    order = models.PositiveIntegerField(_("顺序"), default=0, db_index=True)
    name = models.CharField(_("规则名称"), max_length=50)
    is_active = models.BooleanField(_("启用"), default=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("该分类及其下级分类"),
    )
    keywords = models.CharField(
        _("关键词"), max_length=500, blank=True, help_text=_("以空格分隔，出现任一即符合")
    )
    division = models.ForeignKey(
        "org.Division",
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("该区域及其下级区域"),
    )
    channel = models.CharField(_("渠道"), max_length=16, blank=True)
    start_time = models.TimeField(_("时段开始"), null=True, blank=True)
    end_time = models.TimeField(
        _("时段结束"), null=True, blank=True, help_text=_("可跨午夜，如 22:00 至 06:00")
    )
    lead = models.ForeignKey(
        Organisation, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    co_handlers = models.ManyToManyField(
        Organisation, verbose_name=_("协办单位"), blank=True, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("建议承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")

    def __str__(self) -> str:
        return self.name


class PlaceAlias(models.Model):
    """Another name for a division: a road, an estate or a landmark the gazetteer should know
    (花园路 → 花园路街道)."""

    division = models.ForeignKey(
        "org.Division", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+"
    )
    alias = models.CharField(_("地名"), max_length=30)

    class Meta:
        ordering = ["alias"]
        verbose_name = _("地名别称")
        verbose_name_plural = _("地名别称")
        constraints = [
            models.UniqueConstraint(fields=["alias", "division"], name="place_alias_unique")
        ]

    def __str__(self) -> str:
        return self.alias


class DispatchSettings(models.Model):
    """The centre's dials for smart dispatch (one row)."""

    auto_dispatch = models.BooleanField(_("自动派单"), default=False)
    threshold = models.FloatField(
        _("自动派单置信度"),
        default=0.9,
        help_text=_("模型对承办单位的置信度不低于此值时自动派单（0.5–1）"),
    )
    duplicate_days = models.PositiveSmallIntegerField(_("重复诉求时间窗（天）"), default=7)
    duplicate_similarity = models.FloatField(_("重复诉求文本相似度"), default=0.5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("智能派单设置")
        verbose_name_plural = _("智能派单设置")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> DispatchSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class ModelVersion(models.Model):
    """One trained classifier: its artefact, where its data came from, its evaluation metrics.
    At most one is active; activating another (or rolling back) is an audited use case."""

    class Source(models.TextChoices):
        APPEALS = "appeals", _("本平台已办结诉求")
        CSV = "csv", _("导入的历史工单")
        CATALOGUE = "catalogue", _("派单目录关键词（冷启动）")

    created_at = models.DateTimeField(_("训练时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("训练数据"), max_length=16, choices=Source.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    artefact = models.BinaryField(_("模型文件"), editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    n_messages = models.PositiveIntegerField(_("训练条数"), default=0)
    labels = models.JSONField(_("类别"), default=dict, help_text=_("模型类别 → 分类编号"))
    metrics = models.JSONField(_("评估指标"), default=dict, blank=True)
    training_seconds = models.FloatField(_("训练耗时（秒）"), default=0)
    is_active = models.BooleanField(_("使用中"), default=False)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("派单模型")
        verbose_name_plural = _("派单模型")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_source_display()}"


class Suggestion(models.Model):
    """What smart dispatch advised for one message, and what the dispatcher then did.

    `reference` is the message's id in the layer that owns it (the appeal's id): dispatch keeps
    no link to appeals. A suggestion the dispatcher overrode is a correction, and corrections
    weigh more in the next training."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("待派单")
        AUTO = "auto", _("已自动派单")
        ACCEPTED = "accepted", _("采纳建议")
        CORRECTED = "corrected", _("人工改派")

    reference = models.PositiveBigIntegerField(_("诉求"), db_index=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confidence = models.FloatField(_("置信度"), default=0)
    rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    division = models.ForeignKey(
        "org.Division", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)  # ranked choices, reasons, duplicates
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, default=Outcome.PENDING, db_index=True
    )
    chosen_category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_lead = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("派单建议")
        verbose_name_plural = _("派单建议")

    def __str__(self) -> str:
        return f"{self.reference} {self.get_outcome_display()}"
