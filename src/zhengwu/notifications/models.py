"""The outbox: every SMS, e-mail and in-app message, written in the transaction that causes it
and delivered after commit by a background task."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.lib.inserts import PreparedInsert
from zhengwu.lib.masking import mask_email, mask_phone


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")
    SITE = "site", _("站内消息")


class Status(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Message(PreparedInsert):
    """One message to one address (or, for 站内消息, one user's inbox).

    `about_type`/`about_id` name the object the message is about, as audit rows do, so any module
    can find its messages without this app knowing its models.
    """

    Channel = Channel
    Status = Status

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        # A user's messages are their personal data: they go with the account.
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the (recipient, created_at) index leads with it
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    to_address = models.CharField(_("接收地址"), max_length=254, blank=True)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    about_type = models.CharField(_("关联对象类型"), max_length=64, blank=True)
    about_id = models.CharField(_("关联对象"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["recipient", "created_at"]),
            models.Index(fields=["about_type", "about_id"]),
        ]

    def __str__(self) -> str:
        # Never the address in clear, nor the recipient's name (a citizen's username is a phone).
        target = self.masked_address or f"#{self.recipient_id}"
        return f"{self.get_channel_display()} → {target}"

    @property
    def masked_address(self) -> str:
        if self.channel == Channel.SMS:
            return mask_phone(self.to_address)
        if self.channel == Channel.EMAIL:
            return mask_email(self.to_address)
        return ""

    def is_due(self, now: dt.datetime) -> bool:
        return self.status == Status.PENDING and (
            self.next_attempt_at is None or self.next_attempt_at <= now
        )
