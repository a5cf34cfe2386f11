"""The citizen-appeals hub (网络问政 / 12345): appeals, their assignments, history and outcomes."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.appeals.workflow import Status
from zhengwu.dispatch.models import AppealType, Category, Urgency
from zhengwu.lib.inserts import PreparedInsert
from zhengwu.org.models import Division, Organisation

USER = settings.AUTH_USER_MODEL
# Statuses in which a body holds an appeal (handling, or waiting for the citizen).
OPEN_AT_BODY = frozenset(
    {Status.DISPATCHED, Status.IN_PROGRESS, Status.AWAITING_CITIZEN, Status.RETURN_REQUESTED}
)


class Channel(models.TextChoices):
    PORTAL = "portal", _("门户网站")
    HOTLINE = "hotline", _("12345热线")
    MAILBOX = "mailbox", _("领导信箱")
    PARTNER = "partner", _("合作媒体")
    MICROBLOG = "microblog", _("政务微博")
    SMS = "sms", _("短信")
    APP = "app", _("移动端")


class Mailbox(models.Model):
    """A leader's or body's public mailbox (市长信箱, 部门信箱, 县区信箱). Letters flow through
    the hub like any appeal and keep their addressee."""

    class Kind(models.TextChoices):
        MAYOR = "mayor", _("市长信箱")
        DEPARTMENT = "department", _("部门信箱")
        DISTRICT = "district", _("县区信箱")

    slug = models.SlugField(_("标识"), unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("收信单位"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("领导信箱")
        verbose_name_plural = _("领导信箱")

    def __str__(self) -> str:
        return self.name


class RejectionReason(models.Model):
    """Why the centre does not accept an appeal, and where the citizen should go instead."""

    code = models.SlugField(_("代码"), unique=True)
    label = models.CharField(_("理由"), max_length=50)
    citizen_text = models.TextField(_("告知市民"), help_text=_("告诉市民应通过什么途径办理"))
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("不予受理理由")
        verbose_name_plural = _("不予受理理由")

    def __str__(self) -> str:
        return self.label


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    ANSWERED = "answered", _("已答复")
    NOT_RESPONSIBLE = "not_responsible", _("不属于本单位职责")
    UNABLE = "unable", _("无法解决")
    MERGED = "merged", _("并单")


class Resolution(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    PARTLY = "partly", _("部分解决")
    UNRESOLVED = "unresolved", _("未解决")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    NONE = "none", _("未评价")


class Appeal(PreparedInsert):
    # Unique by a constraint (below), not `unique=True`: that would add a second, LIKE-only
    # index that no query uses and every submission pays for.
    number = models.CharField(_("编号"), max_length=20)
    query_code_hash = models.CharField(max_length=64, editable=False)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    external_id = models.CharField(_("外部编号"), max_length=64, blank=True)
    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("信箱"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )

    appeal_type = models.CharField(_("诉求类型"), max_length=16, choices=AppealType.choices)
    urgency = models.CharField(
        _("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("内容"))
    division = models.ForeignKey(
        Division,
        verbose_name=_("所在区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("详细地址"), max_length=200, blank=True)

    citizen = models.ForeignKey(
        USER,
        verbose_name=_("市民账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
        db_index=False,  # appeal_citizen leads with it
    )
    contact_name = models.CharField(_("姓名"), max_length=50, blank=True)
    contact_phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    is_anonymous = models.BooleanField(_("匿名"), default=False)
    is_confidential = models.BooleanField(_("保密（不公开）"), default=False)
    entered_by = models.ForeignKey(
        USER,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitter_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)

    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    version = models.PositiveIntegerField(default=0, editable=False)
    lead_department = models.ForeignKey(
        Organisation,
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # appeal_lead_status leads with it
    )
    received_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    response_due = models.DateTimeField(_("签收期限"), null=True, blank=True)
    deadline = models.DateTimeField(_("办理期限"), null=True, blank=True)
    paused_at = models.DateTimeField(_("暂停计时于"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    rejection_reason = models.ForeignKey(
        RejectionReason,
        verbose_name=_("不予受理理由"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_appeals",
    )
    resolution = models.CharField(
        _("是否解决"), max_length=16, choices=Resolution.choices, blank=True
    )
    satisfaction = models.CharField(
        _("满意度"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    evaluation_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    evaluation_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    urge_count = models.PositiveIntegerField(_("催办次数"), default=0)
    supervision_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    return_count = models.PositiveIntegerField(_("退单次数"), default=0)
    reopen_count = models.PositiveIntegerField(_("重办次数"), default=0)
    is_malicious = models.BooleanField(_("恶意诉求"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        indexes = [
            models.Index(fields=["status", "deadline"], name="appeal_status_deadline"),
            models.Index(fields=["status", "received_at"], name="appeal_status_received"),
            # The "all" queue and the default order: newest first, without sorting the table.
            models.Index(fields=["received_at", "id"], name="appeal_received"),
            models.Index(
                fields=["lead_department", "status", "deadline"], name="appeal_lead_status"
            ),
            # A body's open appeals by deadline (its 办理中, 即将超期 and 已超期 queues): a small
            # index, read in deadline order, instead of sorting the body's matches every time.
            models.Index(
                fields=["lead_department", "deadline"],
                condition=Q(status__in=sorted(OPEN_AT_BODY)),
                name="appeal_open_at_body",
            ),
            models.Index(fields=["citizen", "received_at"], name="appeal_citizen"),
            # Search by phone is by the whole number (queries.search).
            models.Index(fields=["contact_phone"], name="appeal_contact_phone"),
            models.Index(fields=["published_at"], name="appeal_published"),
            # Rollups count each day's acceptances (reports.rollups; intake uses appeal_received).
            models.Index(fields=["accepted_at"], name="appeal_accepted"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="appeal_number_unique"),
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="appeal_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        from zhengwu.appeals.workflow import OPEN

        return self.status in OPEN


class Assignment(models.Model):
    """One body's part in an appeal: lead (主办) or co-handler (协办), for one dispatch round.
    Re-dispatch ends the current assignments (ended_at) and creates new ones."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")

    class State(models.TextChoices):
        PENDING = "pending", _("待签收")
        SIGNED = "signed", _("已签收")
        RETURNED = "returned", _("已退单")
        SUBMITTED = "submitted", _("已提交意见")
        ENDED = "ended", _("已结束")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("承办方式"), max_length=8, choices=Role.choices)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    dispatched_at = models.DateTimeField(_("派单时间"), default=timezone.now)
    dispatched_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    response_due = models.DateTimeField(_("签收期限"), null=True, blank=True)
    due = models.DateTimeField(_("办理期限"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        USER,
        verbose_name=_("指定承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("派单规则或派单员点名的承办人；本单位其他承办人仍可签收办理"),
    )
    return_reason = models.CharField(_("退单理由"), max_length=30, blank=True)
    return_note = models.TextField(_("退单说明"), blank=True)
    returned_at = models.DateTimeField(_("退单时间"), null=True, blank=True)
    opinion = models.TextField(_("协办意见"), blank=True)
    opinion_at = models.DateTimeField(_("意见提交时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["dispatched_at", "role"]
        verbose_name = _("承办")
        verbose_name_plural = _("承办")
        indexes = [
            # The bodies' queues (待签收, 协办). Only current rows: a closed appeal's assignments
            # stay current, so (organisation, state) alone would hold a body's whole history.
            models.Index(
                fields=["organisation", "state", "role"],
                condition=Q(ended_at__isnull=True),
                name="assignment_current",
            ),
            # Rollups count each day's dispatches, returns and signatures (reports.rollups).
            models.Index(fields=["dispatched_at"], name="assignment_dispatched"),
            models.Index(fields=["returned_at"], name="assignment_returned"),
            models.Index(fields=["signed_at"], name="assignment_signed"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal.number} {self.organisation} {self.get_role_display()}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class ReturnReason(models.TextChoices):
    NOT_OUR_DUTY = "not_our_duty", _("不属于本单位职责")
    WRONG_AREA = "wrong_area", _("不在本单位辖区")
    UNCLEAR = "unclear", _("诉求内容不清")
    OTHER = "other", _("其他")


class AppealEvent(PreparedInsert):
    """The appeal's timeline: every hop, note, urge and decision, append-only."""

    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # event_timeline leads with it
    )
    kind = models.CharField(_("事项"), max_length=32)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    public_note = models.TextField(_("公开说明"), blank=True)
    internal_note = models.TextField(_("内部说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        indexes = [
            models.Index(fields=["appeal", "created_at"], name="event_timeline"),
            models.Index(fields=["created_at", "kind"], name="event_day"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("appeal events are append-only")
        super().save(*args, **kwargs)

    def get_to_status_display(self) -> str:
        """The status this event moved the appeal to, in words (待受理, not "received")."""
        return str(Status(self.to_status).label) if self.to_status in Status.values else ""

    @classmethod
    def append(cls, appeal: Appeal, *, kind: str, actor: Any = None, **fields: Any) -> AppealEvent:
        actor = actor if getattr(actor, "is_authenticated", False) else None
        fields["data"] = fields.get("data") or {}
        return cls.objects.create(appeal=appeal, kind=kind, actor=actor, **fields)


class Reply(models.Model):
    """The lead body's answer, reviewed by the centre before it is published."""

    class Review(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已退回")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="replies")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("答复内容"))
    internal_remarks = models.TextField(_("内部备注"), blank=True)
    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    review = models.CharField(max_length=10, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["submitted_at"], name="reply_submitted")]
        verbose_name = _("答复")
        verbose_name_plural = _("答复")

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.get_review_display()}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the citizen's file name on disk: a random name with the sniffed extension.
    return f"appeals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    is_public = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class Extension(models.Model):
    """A request for more time (延期), decided by the centre."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extensions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    days = models.PositiveSmallIntegerField(_("延期工作日"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    old_deadline = models.DateTimeField(null=True, blank=True)
    new_deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(decision="pending"), name="extension_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} +{self.days}"


class Urge(models.Model):
    """A reminder (催办) to the body holding the appeal: automatic or by the centre."""

    class Kind(models.TextChoices):
        BEFORE_DEADLINE = "before_deadline", _("到期前催办")
        OVERDUE = "overdue", _("超期催办")
        SIGN_OVERDUE = "sign_overdue", _("超时未签收")
        MANUAL = "manual", _("人工催办")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="urges")
    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The deadline this urge is about: one automatic urge of each kind per deadline.
    deadline = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("催办内容"), blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="urge_created")]
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "kind", "deadline"],
                condition=~Q(kind="manual"),
                name="urge_automatic_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.get_kind_display()}"


class Supervision(models.Model):
    """A supervision notice (督办单) from the centre's supervisors, with a response due date."""

    class Level(models.IntegerChoices):
        GENERAL = 1, _("一般督办")
        KEY = 2, _("重点督办")
        LISTED = 3, _("挂牌督办")

    class State(models.TextChoices):
        OPEN = "open", _("督办中")
        ANSWERED = "answered", _("已反馈")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="supervisions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("督办级别"), choices=Level.choices)
    notice = models.TextField(_("督办意见"))
    due = models.DateTimeField(_("反馈期限"))
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("反馈内容"), blank=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        indexes = [
            models.Index(fields=["organisation", "state"], name="supervision_queue"),
            models.Index(fields=["issued_at"], name="supervision_issued"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.get_level_display()}"


class Evaluation(models.Model):
    """The citizen's verdict (by link or tracking page) or a call-back (回访) by an agent."""

    class Source(models.TextChoices):
        CITIZEN = "citizen", _("市民评价")
        CALLBACK = "callback", _("电话回访")
        EXPIRED = "expired", _("逾期未评价")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evaluations")
    source = models.CharField(max_length=10, choices=Source.choices)
    resolution = models.CharField(
        _("是否解决"), max_length=16, choices=Resolution.choices, blank=True
    )
    satisfaction = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("评价意见"), blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="evaluation_created")]
        verbose_name = _("评价")
        verbose_name_plural = _("评价")

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.get_satisfaction_display()}"

    @property
    def is_unhappy(self) -> bool:
        return (
            self.satisfaction == Satisfaction.DISSATISFIED
            or self.resolution == Resolution.UNRESOLVED
        )


class AnswerTemplate(models.Model):
    """Reusable text for replies and notices, per category (and optionally per body)."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("答复")
        REJECTION = "rejection", _("不予受理")
        DISPATCH = "dispatch", _("派单意见")
        INFO_REQUEST = "info_request", _("补充材料")
        URGE = "urge", _("催办")

    kind = models.CharField(_("用途"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=50)
    text = models.TextField(_("内容"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空则全市通用"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("答复模板")
        verbose_name_plural = _("答复模板")

    def __str__(self) -> str:
        return self.title


class BlockedContact(models.Model):
    """Contacts and addresses refused at intake (恶意扰乱12345, 国办函〔2025〕66号)."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("手机号码")
        EMAIL = "email", _("电子邮箱")
        IP = "ip", _("IP地址")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    value = models.CharField(_("号码或地址"), max_length=254)
    reason = models.CharField(_("原因"), max_length=200)
    expires_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("拉黑名单")
        verbose_name_plural = _("拉黑名单")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="blocked_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reason}"


class DailyCounter(models.Model):
    """Per-day sequence for appeal numbers (ZW + date + serial)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day} {self.last}"
