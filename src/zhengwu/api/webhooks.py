"""Webhooks: every status change of an appeal a partner submitted (and, for the centre's own
systems, every new appeal) becomes a signed POST, written in the transaction of the change and
delivered by a background task after commit, with retries (see `deliver_webhook`).

Hooked to AppealEvent creation, so every use case of the hub is covered without the hub knowing.
"""

from __future__ import annotations

import json
from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from zhengwu.api.models import (
    Event,
    Operation,
    PartnerSubmission,
    WebhookDelivery,
    WebhookSubscription,
)
from zhengwu.api.open311_status import open311_status
from zhengwu.appeals.models import Appeal, AppealEvent
from zhengwu.appeals.workflow import Status


def _event_of(event: AppealEvent) -> str | None:
    if event.kind == "submitted":
        return Event.SUBMITTED
    if event.to_status:
        return Event.STATUS_CHANGED
    return None  # notes, urges, opinions: not a change of status


def _subscriptions(name: str, appeal: Appeal) -> list[WebhookSubscription]:
    """Subscribers to this event: the partner that submitted the appeal, and the centre's own
    systems that watch everything. The table is small (one row per partner URL)."""
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(
            is_active=True, partner__is_active=True
        ).select_related("partner")
        if name in s.events
    ]
    if not subscriptions:
        return []
    owner = None
    if name == Event.STATUS_CHANGED:
        owner = (
            PartnerSubmission.objects.filter(appeal=appeal)
            .values_list("partner_id", flat=True)
            .first()
        )
    return [s for s in subscriptions if s.partner_id == owner or s.partner.may(Operation.WATCH_ALL)]


def payload(name: str, event: AppealEvent, subscription: WebhookSubscription) -> str:
    appeal = event.appeal
    external_id = ""
    if appeal.external_id.startswith(f"{subscription.partner.slug}:"):
        external_id = appeal.external_id.split(":", 1)[1]
    body = {
        "event": name,
        "occurred_at": event.created_at.isoformat(),
        "appeal": {
            "number": appeal.number,
            "external_id": external_id,
            "status": appeal.status,
            "status_label": str(Status(appeal.status).label),
            "open311_status": open311_status(appeal.status),
        },
        "change": {
            "kind": event.kind,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "public_note": event.public_note,
        },
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


@receiver(post_save, sender=AppealEvent, dispatch_uid="zhengwu.api.webhooks")
def on_appeal_event(
    sender: type, instance: AppealEvent, created: bool, raw: bool = False, **kwargs: object
) -> None:
    name = _event_of(instance) if created and not raw else None
    if name is None:
        return
    for subscription in _subscriptions(name, instance.appeal):
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event=name,
            appeal=instance.appeal,
            body=payload(name, instance, subscription),
            next_attempt_at=timezone.now(),
        )
        transaction.on_commit(partial(_enqueue, delivery.pk), robust=True)


def _enqueue(delivery_id: int) -> None:
    from zhengwu.api.tasks import deliver_webhook

    deliver_webhook.enqueue(delivery_id)
