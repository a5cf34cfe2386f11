"""Sending messages. Call `notify` or `notify_user` inside the transaction of the change the
message is about: the message is written with it, and SMS and e-mail leave only after it commits
(never, if it rolls back)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.lib.tasks import enqueue_on_commit
from zhengwu.notifications.models import Channel, Message, Status
from zhengwu.notifications.tasks import deliver_message

ALL_CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.SITE)
# What the caller gives is checked (the address, the lengths); the rest is set by `notify`.
_SET_HERE = [
    f.name
    for f in Message._meta.fields
    if f.name not in {"channel", "to_address", "subject", "body", "about_type", "about_id"}
]


def notify(
    *,
    channel: str,
    to: str = "",
    subject: str = "",
    body: str,
    recipient: Any = None,
    about: models.Model | None = None,
) -> Message:
    """Write one message. 站内消息 are in the recipient's inbox at once; SMS and e-mail are
    delivered by `deliver_message` after commit. Without `to`, the recipient's own phone or
    e-mail address is used."""
    channel = Channel(channel)
    to = _address(channel, to.strip(), recipient)
    # One line: a mail header cannot hold a line break.
    subject = " ".join(subject.split())
    _check(channel, to, body, recipient)
    now = timezone.now()
    message = Message(
        recipient=recipient,
        channel=channel,
        to_address=to,
        subject=subject,
        body=body.strip(),
        created_at=now,
        about_type=about._meta.label_lower if about is not None else "",
        about_id=str(about.pk) if about is not None else "",
    )
    if channel == Channel.SITE:
        message.status, message.sent_at = Status.SENT, now
    else:
        message.next_attempt_at = now
    message.full_clean(exclude=_SET_HERE, validate_unique=False, validate_constraints=False)
    # One INSERT, in the caller's transaction (no savepoint of its own: it costs two round trips
    # per message inside use cases that hold locks until they commit).
    message.save()
    if channel != Channel.SITE:
        # robust: the caller's change has committed whatever happens here; a message whose task
        # could not be enqueued is picked up by `requeue_stale`.
        enqueue_on_commit(deliver_message, message.pk)
    return message


def notify_user(
    user: Any,
    *,
    subject: str,
    body: str,
    about: models.Model | None = None,
    channels: Iterable[str] = ALL_CHANNELS,
) -> list[Message]:
    """Tell a user on each of `channels` they can receive: SMS to their phone, e-mail to their
    address, 站内消息 always. Staff get their work notices this way."""
    if not user.is_active:
        return []  # a closed account (staff who left) must not keep receiving work by SMS
    messages = []
    for channel in channels:
        to = _own_address(Channel(channel), user)
        if not _is_valid(channel, to):
            continue
        messages.append(
            notify(channel=channel, to=to, subject=subject, body=body, recipient=user, about=about)
        )
    return messages


def _own_address(channel: Channel, user: Any) -> str:
    if channel == Channel.SMS:
        return user.phone or ""
    if channel == Channel.EMAIL:
        return user.email or ""
    return ""


def _address(channel: Channel, to: str, recipient: Any) -> str:
    if channel == Channel.SITE:
        return ""
    if not to and recipient is not None:
        return _own_address(channel, recipient)
    return to.lower() if channel == Channel.EMAIL else to


def _check(channel: Channel, to: str, body: str, recipient: Any) -> None:
    if not body.strip():
        raise ValidationError(_("消息内容不能为空。"), code="body_required")
    if channel == Channel.SITE and recipient is None:
        raise ValidationError(_("站内消息必须指定接收人。"), code="recipient_required")
    if channel == Channel.SMS and not _is_valid(channel, to):
        raise ValidationError(
            _("短信接收号码无效：请填写11位中国大陆手机号码。"), code="invalid_phone"
        )
    if channel == Channel.EMAIL and not _is_valid(channel, to):
        raise ValidationError(_("电子邮箱地址无效，请检查后重新填写。"), code="invalid_email")


def _is_valid(channel: str, address: str) -> bool:
    if channel == Channel.SMS:
        # The rule of User.phone, so every number a user can register can receive SMS.
        return len(address) == 11 and address.isascii() and address.isdigit() and address[0] == "1"
    if channel == Channel.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            return False
    return True
