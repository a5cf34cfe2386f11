"""Delivery of webhooks in background tasks, with exponential backoff, like the SMS outbox.

Each run is safe to repeat: it sends only a pending, due delivery and leases it first. The POST
happens outside any transaction, so a slow receiver holds no lock. Every attempt's response code
or error is kept in the delivery log.
"""

from __future__ import annotations

import datetime as dt
import http.client
import logging
import time
import urllib.error
import urllib.request
from functools import partial

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from zhengwu.api import signing
from zhengwu.api.models import Delivery, WebhookDelivery
from zhengwu.api.targets import check_webhook_url
from zhengwu.lib import sealing
from zhengwu.lib.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

# 1, 2, 4 … 64 minutes: a partner's server down for about two hours loses nothing.
MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10
SEND_LEASE = dt.timedelta(minutes=2)
STALE_AFTER = dt.timedelta(minutes=5)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=2 ** (attempts - 1))


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead the platform to an address the URL check never saw.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@task()
def deliver_webhook(delivery_id: int) -> str:
    delivery = _claim(delivery_id)
    if delivery is None:
        return "not due"
    try:
        code = _post(delivery)
    except (ValidationError, OSError, http.client.HTTPException) as exc:
        _record(delivery, None, f"{type(exc).__name__}: {exc}")
    except sealing.Unreadable:
        # SECRET_KEY changed without the old one in SECRET_KEY_FALLBACKS: an operator rotates
        # the subscription's secret (and tells the partner) to deliver again.
        _record(delivery, None, "signing secret unreadable: rotate the webhook secret")
    else:
        _record(delivery, code, "" if 200 <= code < 300 else f"HTTP {code}")
    return delivery.status


def _claim(delivery_id: int) -> WebhookDelivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != Delivery.PENDING:
            return None
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + SEND_LEASE
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def _post(delivery: WebhookDelivery) -> int:
    subscription = delivery.subscription
    url = check_webhook_url(subscription.url)
    body = delivery.body.encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked by check_webhook_url)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "zhengwu-webhooks/1",
            signing.EVENT_HEADER: delivery.event,
            signing.DELIVERY_HEADER: str(delivery.pk),
            signing.TIMESTAMP_HEADER: str(timestamp),
            signing.SIGNATURE_HEADER: signing.sign(subscription.signing_secret(), timestamp, body),
        },
    )
    opener = urllib.request.build_opener(_RefuseRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _record(delivery: WebhookDelivery, code: int | None, error: str) -> None:
    delivery.last_status_code, delivery.last_error = code, error[:300]
    if not error:
        delivery.status, delivery.delivered_at = Delivery.DELIVERED, timezone.now()
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = Delivery.FAILED, None
    else:
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
    with transaction.atomic():
        delivery.save(
            update_fields=[
                "status",
                "last_status_code",
                "last_error",
                "next_attempt_at",
                "delivered_at",
            ]
        )
        if delivery.status == Delivery.PENDING:
            retry = partial(_enqueue_retry, delivery.pk, delivery.next_attempt_at)
            transaction.on_commit(retry, robust=True)
    if error:
        logger.warning("Webhook %s: attempt %s failed: %s", delivery.pk, delivery.attempts, error)


def _enqueue_retry(delivery_id: int, run_after: dt.datetime) -> None:
    if not deliver_webhook.get_backend().supports_defer:
        return  # the immediate backend cannot wait; `requeue_stale_webhooks` sends it later
    deliver_webhook.using(run_after=run_after).enqueue(delivery_id)


def requeue_stale_webhooks(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Enqueue again pending deliveries whose task was lost or could not be deferred. Called by
    `run_periodic_checks` every minute; safe when two copies overlap."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    with transaction.atomic():
        stale = WebhookDelivery.objects.filter(
            Q(next_attempt_at__lt=cutoff) | Q(next_attempt_at__isnull=True),
            status=Delivery.PENDING,
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            stale = stale.select_for_update(skip_locked=True)
        ids = list(stale.values_list("pk", flat=True)[:limit])
        WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
        for delivery_id in ids:
            enqueue_on_commit(deliver_webhook, delivery_id)
    return len(ids)
