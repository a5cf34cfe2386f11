"""Webhooks: every status change of an appeal a partner submitted (and, for the centre's own
systems, every new appeal) becomes a signed POST, written in the transaction of the change and
delivered by a background task after commit, with retries (see `deliver_webhook`).

Hooked to AppealEvent creation, so every use case of the hub is covered without the hub knowing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

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
from zhengwu.lib.cache import cached, drop
from zhengwu.lib.tasks import enqueue_on_commit


def _event_of(event: AppealEvent) -> str | None:
    if event.kind == "submitted":
        return Event.SUBMITTED
    if event.to_status:
        return Event.STATUS_CHANGED
    return None  # notes, urges, opinions: not a change of status


@dataclass(frozen=True)
class Subscriber:
    id: int
    partner_id: int
    partner_slug: str
    events: tuple[str, ...]
    watches_all: bool


# Every status change of every appeal asks who subscribes, inside the change's transaction;
# the answer is cached (in Redis in production, so all servers share it, and for a few seconds
# in each process) and dropped whenever a subscription or partner changes (see
# `forget_subscribers`): a new subscription reaches every server within seconds.
SUBSCRIBERS_KEY = "api:webhook-subscribers"
SUBSCRIBERS_TTL = 60  # bounds the rare race of a read overtaking the invalidation


def _subscribers() -> list[Subscriber]:
    return cached(SUBSCRIBERS_KEY, _read_subscribers, SUBSCRIBERS_TTL)


def _read_subscribers() -> list[Subscriber]:
    rows = WebhookSubscription.objects.filter(
        is_active=True, partner__is_active=True
    ).select_related("partner")
    return [
        Subscriber(
            s.pk, s.partner_id, s.partner.slug, tuple(s.events), s.partner.may(Operation.WATCH_ALL)
        )
        for s in rows
    ]


def forget_subscribers() -> None:
    """Call inside the transaction that changes subscriptions or partners."""
    drop(SUBSCRIBERS_KEY)


def _subscriptions(name: str, appeal: Appeal) -> list[Subscriber]:
    """Subscribers to this event: the partner that submitted the appeal, and the centre's own
    systems that watch everything."""
    subscribers = [s for s in _subscribers() if name in s.events]
    if not subscribers:
        return []
    owner = None
    if name == Event.STATUS_CHANGED:
        owner = (
            PartnerSubmission.objects.filter(appeal=appeal)
            .values_list("partner_id", flat=True)
            .first()
        )
    return [s for s in subscribers if s.partner_id == owner or s.watches_all]


def payload(name: str, event: AppealEvent, subscriber: Subscriber) -> str:
    appeal = event.appeal
    external_id = ""
    if appeal.external_id.startswith(f"{subscriber.partner_slug}:"):
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
    from zhengwu.api.tasks import deliver_webhook  # the tasks module imports this one

    for subscriber in _subscriptions(name, instance.appeal):
        delivery = WebhookDelivery.objects.create(
            subscription_id=subscriber.id,
            event=name,
            appeal=instance.appeal,
            body=payload(name, instance, subscriber),
            next_attempt_at=timezone.now(),
        )
        enqueue_on_commit(deliver_webhook, delivery.pk)
