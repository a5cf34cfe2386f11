"""Open interfaces: partner channels with API keys, their submissions, webhooks and deliveries.

Partners (media sites, the microblog bridge, an SMS gateway, the hotline system) are programs
that talk to the hub. Each submission a partner makes is linked to its appeal here, so the
appeals app needs no field for it and the same partner's `external_id` is unique.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.appeals.models import Appeal, Channel
from zhengwu.lib import sealing
from zhengwu.lib.inserts import PreparedInsert

USER = settings.AUTH_USER_MODEL


class Operation(models.TextChoices):
    SUBMIT = "submit", _("提交诉求")
    READ = "read", _("查询本渠道提交的诉求")
    EVALUATE = "evaluate", _("转交市民评价")
    WEBHOOKS = "webhooks", _("订阅状态变更回调")
    WATCH_ALL = "watch_all", _("订阅全部新诉求（督办中心系统）")


# Channels a partner program may speak for (portal and mailboxes are the platform's own pages).
PARTNER_CHANNELS = [Channel.PARTNER, Channel.MICROBLOG, Channel.SMS, Channel.APP, Channel.HOTLINE]


class Partner(models.Model):
    slug = models.SlugField(_("标识"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    channel = models.CharField(
        _("渠道"),
        max_length=16,
        choices=[(c.value, c.label) for c in PARTNER_CHANNELS],
    )
    operations = models.JSONField(_("允许的操作"), default=list)
    rate_limit = models.PositiveIntegerField(_("每分钟请求上限"), default=120)
    # The hotline system enters work orders as its intake agents do: it acts as a staff account
    # holding the 受理员 role, so the hub's own rule for hotline intake applies unchanged.
    service_user = models.ForeignKey(
        USER,
        verbose_name=_("代表的工作人员账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("合作渠道")
        verbose_name_plural = _("合作渠道")

    def __str__(self) -> str:
        return self.name

    def may(self, operation: str) -> bool:
        return self.is_active and operation in self.operations


class ApiKey(models.Model):
    """A secret for a program: a partner's API key or a staff member's personal token. Only the
    SHA-256 of the key is stored (the key is 256 random bits, so no slow hash is needed)."""

    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="keys"
    )
    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(_("用途"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("接口密钥")
        verbose_name_plural = _("接口密钥")
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=True, user__isnull=False)
                | Q(partner__isnull=False, user__isnull=True),
                name="apikey_partner_xor_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    def is_usable(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class PartnerSubmission(PreparedInsert):
    """An appeal a partner submitted, with what Open311 carries that the hub does not keep."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="submissions")
    external_id = models.CharField(_("合作方编号"), max_length=40, blank=True)
    appeal = models.OneToOneField(
        Appeal,
        on_delete=models.CASCADE,
        related_name="partner_submission",
    )
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    media_url = models.URLField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("合作渠道提交")
        verbose_name_plural = _("合作渠道提交")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_id"],
                condition=~Q(external_id=""),
                name="partner_submission_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.external_id}"


class Event(models.TextChoices):
    SUBMITTED = "appeal.submitted", _("新诉求")
    STATUS_CHANGED = "appeal.status_changed", _("状态变更")


class WebhookSubscription(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("回调地址"), max_length=300)
    # The HMAC key shared with the partner must be readable to sign, so it is not hashed but
    # sealed (zhengwu.lib.sealing): `signing_secret` reads it.
    secret = models.CharField(max_length=400, editable=False)
    events = models.JSONField(_("事件"), default=list)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("回调订阅")
        verbose_name_plural = _("回调订阅")

    def __str__(self) -> str:
        return f"{self.partner_id} {self.url}"

    def set_signing_secret(self, plain: str) -> None:
        self.secret = sealing.seal(plain)

    def signing_secret(self) -> str:
        """Raises sealing.Unreadable when the key that sealed it is gone."""
        return sealing.unseal(self.secret)


class Delivery(models.TextChoices):
    PENDING = "pending", _("待投递")
    DELIVERED = "delivered", _("已投递")
    FAILED = "failed", _("投递失败")


class WebhookDelivery(models.Model):
    """One signed POST of one event to one subscription, and what became of it."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("事件"), max_length=40, choices=Event.choices)
    appeal = models.ForeignKey(
        Appeal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    status = models.CharField(
        _("状态"), max_length=10, choices=Delivery.choices, default=Delivery.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("响应码"), null=True, blank=True)
    last_error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("回调投递记录")
        verbose_name_plural = _("回调投递记录")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["subscription", "created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"
