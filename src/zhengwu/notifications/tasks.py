"""Delivery of SMS and e-mail from the outbox, in background tasks, with retries.

Every run of `deliver_message` is safe to repeat: it sends only a message that is pending and
due, and it leases the message before sending, so a duplicate run (a retry, the sweep) passes it
by. The send itself happens outside any transaction: a slow gateway must not hold a row lock, nor
on SQLite the whole database's write lock, for its timeout.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task

from zhengwu.lib.masking import mask_text
from zhengwu.lib.tasks import enqueue_on_commit
from zhengwu.notifications.backends import get_sms_backend
from zhengwu.notifications.models import Channel, Message, Status

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Longer than the gateway's timeout: a send in progress keeps its message to itself.
SEND_LEASE = dt.timedelta(minutes=2)
# A pending message this long past its due time has lost its task (see `requeue_stale`).
STALE_AFTER = dt.timedelta(minutes=5)
ERROR_LENGTH = 500
DELIVERED_CHANNELS = [Channel.SMS, Channel.EMAIL]


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8, 16 minutes after the first, second, … failed attempt."""
    return dt.timedelta(minutes=2 ** (attempts - 1))


@task()
def deliver_message(message_id: int) -> str:
    message = _claim(message_id)
    if message is None:
        return "not due"
    try:
        _send(message)
    except ImproperlyConfigured:
        # Settings must be fixed by an operator; the message stays pending for the sweep.
        raise
    except Exception as exc:
        # Whatever went wrong (gateway, SMTP, a malformed message) counts as one attempt, so
        # retries stay bounded by MAX_ATTEMPTS.
        _record_failure(message, exc)
    else:
        _record_success(message)
    return message.status


def _claim(message_id: int) -> Message | None:
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.channel == Channel.SITE or not message.is_due(now):
            return None
        message.attempts += 1
        message.next_attempt_at = now + SEND_LEASE
        message.save(update_fields=["attempts", "next_attempt_at"])
    return message


def _send(message: Message) -> None:
    if message.channel == Channel.SMS:
        get_sms_backend().send(message.to_address, message.body)
    else:
        send_mail(message.subject, message.body, None, [message.to_address])


def _record_success(message: Message) -> None:
    message.status, message.sent_at, message.next_attempt_at = Status.SENT, timezone.now(), None
    message.save(update_fields=["status", "sent_at", "next_attempt_at"])


def _record_failure(message: Message, exc: Exception) -> None:
    message.last_error = mask_text(f"{type(exc).__name__}: {exc}")[:ERROR_LENGTH]
    if message.attempts >= MAX_ATTEMPTS:
        message.status, message.next_attempt_at = Status.FAILED, None
    else:
        message.next_attempt_at = timezone.now() + backoff(message.attempts)
    with transaction.atomic():
        message.save(update_fields=["status", "last_error", "next_attempt_at"])
        if message.status == Status.PENDING:
            retry = partial(_enqueue_retry, message.pk, message.next_attempt_at)
            transaction.on_commit(retry, robust=True)
    logger.warning(
        "Message %s: attempt %s failed: %s", message.pk, message.attempts, message.last_error
    )


def _enqueue_retry(message_id: int, run_after: dt.datetime) -> None:
    if not deliver_message.get_backend().supports_defer:
        # This backend cannot wait (the immediate one refuses run_after); an early run would
        # only find the message not yet due. `requeue_stale` sends it later.
        return
    deliver_message.using(run_after=run_after).enqueue(message_id)


def requeue_stale(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Enqueue again pending SMS and e-mail whose task was lost (the process died between commit
    and enqueue, a worker died mid-send). Safe when several workers run it at once."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    with transaction.atomic():
        stale = Message.objects.filter(
            Q(next_attempt_at__lt=cutoff) | Q(next_attempt_at__isnull=True, created_at__lt=cutoff),
            status=Status.PENDING,
            channel__in=DELIVERED_CHANNELS,
        ).order_by("next_attempt_at", "pk")
        ids = list(_lock_skipping_locked(stale).values_list("pk", flat=True)[:limit])
        # Due now, and no longer stale: a sweep running beside this one passes them by.
        Message.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
        for message_id in ids:
            enqueue_on_commit(deliver_message, message_id)
    return len(ids)


def _lock_skipping_locked(messages: QuerySet[Message]) -> QuerySet[Message]:
    # SQLite has no row locks (and needs none: it serialises writers); elsewhere rows another
    # sweep holds are left to it.
    if connection.features.has_select_for_update_skip_locked:
        return messages.select_for_update(skip_locked=True)
    return messages.select_for_update()
