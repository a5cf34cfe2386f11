"""A partner's own webhook subscriptions and their delivery log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field as F
from ninja import Query, Router, Schema
from ninja.responses import Status as Answer

from zhengwu.api import actions
from zhengwu.api.callers import Caller
from zhengwu.api.models import Operation, Partner, WebhookSubscription
from zhengwu.api.responses import responses
from zhengwu.api.schemas import DeliveryOut, SecretOut, WebhookCreated, WebhookIn, WebhookOut

router = Router(tags=["webhooks"])


def _partner(caller: Caller) -> Partner:
    if caller.partner is None or not caller.may(Operation.WEBHOOKS):
        raise PermissionDenied(_("只有开通回调的合作渠道可以管理回调订阅。"))
    return caller.partner


def _subscription(caller: Caller, subscription_id: int) -> WebhookSubscription:
    subscription = (
        WebhookSubscription.objects.filter(
            partner=_partner(caller), pk=subscription_id, is_active=True
        )
        .select_related("partner")
        .first()
    )
    if subscription is None:
        raise Http404
    return subscription


def _out(subscription: WebhookSubscription) -> dict:
    return {
        "id": subscription.pk,
        "url": subscription.url,
        "events": subscription.events,
        "is_active": subscription.is_active,
        "created_at": subscription.created_at,
    }


@router.get("", response=responses(list[WebhookOut]), summary="本渠道的回调订阅")
def list_webhooks(request: HttpRequest) -> list[dict]:
    partner = _partner(request.auth)
    return [_out(s) for s in partner.webhooks.filter(is_active=True)]


@router.post("", response=responses(WebhookCreated, 201), summary="订阅回调（密钥只返回一次）")
def subscribe(request: HttpRequest, data: WebhookIn) -> Answer:
    partner = _partner(request.auth)
    subscription, secret = actions.do_subscribe_webhook(partner, data.url, data.events)
    return Answer(201, {**_out(subscription), "secret": secret})


@router.delete("/{subscription_id}", response=responses(None, 204), summary="取消订阅")
def unsubscribe(request: HttpRequest, subscription_id: int) -> Answer:
    actions.do_remove_webhook(_subscription(request.auth, subscription_id))
    return Answer(204, None)


@router.post("/{subscription_id}/secret", response=responses(SecretOut), summary="更换签名密钥")
def rotate_secret(request: HttpRequest, subscription_id: int) -> dict:
    secret = actions.do_rotate_webhook_secret(_subscription(request.auth, subscription_id))
    return {"secret": secret}


class LogQuery(Schema):
    limit: int = F(50, ge=1, le=200)


@router.get(
    "/{subscription_id}/deliveries",
    response=responses(list[DeliveryOut]),
    summary="投递记录（含响应码）",
)
def deliveries(request: HttpRequest, subscription_id: int, params: Query[LogQuery]) -> list[dict]:
    subscription = _subscription(request.auth, subscription_id)
    rows = subscription.deliveries.select_related("appeal")[: params.limit]
    return [
        {
            "id": d.pk,
            "event": d.event,
            "appeal_number": d.appeal.number if d.appeal_id else None,
            "status": d.status,
            "attempts": d.attempts,
            "last_status_code": d.last_status_code,
            "last_error": d.last_error,
            "created_at": d.created_at,
            "delivered_at": d.delivered_at,
            "next_attempt_at": d.next_attempt_at,
        }
        for d in rows
    ]
