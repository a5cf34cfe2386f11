"""Use cases of the open interfaces: registering partners, issuing, rotating and revoking keys,
subscribing webhooks. Each runs in one transaction and writes its audit row. `acting_user=None`
is the platform itself (operator commands); a signed-in user must be a 系统管理员."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.api import keys
from zhengwu.api.callers import forget_keys
from zhengwu.api.models import (
    PARTNER_CHANNELS,
    ApiKey,
    Event,
    Operation,
    Partner,
    WebhookSubscription,
)
from zhengwu.api.targets import check_webhook_url
from zhengwu.api.webhooks import forget_subscribers
from zhengwu.appeals.models import Channel
from zhengwu.audit.record import record
from zhengwu.audit.registry import register
from zhengwu.org.access import has_role, is_sysadmin
from zhengwu.org.models import Role

A = {
    name: register(f"api.{name}", label)
    for name, label in {
        "partner_registered": _("登记合作渠道"),
        "partner_updated": _("修改合作渠道"),
        "key_issued": _("签发接口密钥"),
        "key_rotated": _("轮换接口密钥"),
        "key_revoked": _("吊销接口密钥"),
        "webhook_subscribed": _("订阅回调"),
        "webhook_removed": _("取消回调订阅"),
        "webhook_secret_rotated": _("更换回调签名密钥"),
    }.items()
}


def _require_admin(acting_user: Any) -> None:
    if acting_user is not None and not is_sysadmin(acting_user):
        raise PermissionDenied(_("只有系统管理员可以管理开放接口。"))


def _audit(name: str, acting_user: Any, obj: Any, **summary: Any) -> None:
    record(A[name], actor=acting_user, obj=obj, summary=summary)


@dataclass
class PartnerDraft:
    slug: str
    name: str
    channel: str = Channel.PARTNER
    operations: Iterable[str] = (Operation.SUBMIT, Operation.READ, Operation.WEBHOOKS)
    rate_limit: int = 120
    service_user: Any = None


def _check_partner(draft: PartnerDraft) -> None:
    unknown = set(draft.operations) - set(Operation.values)
    if unknown:
        raise ValidationError({"operations": _("未知的操作：%s") % "、".join(sorted(unknown))})
    if draft.channel not in PARTNER_CHANNELS:
        raise ValidationError({"channel": _("合作渠道不能使用该渠道。")})
    if draft.channel == Channel.HOTLINE and not has_role(
        draft.service_user, Role.INTAKE_AGENT, Role.DISPATCHER
    ):
        # The hub lets only intake agents enter hotline work orders (appeals.actions).
        raise ValidationError({"service_user": _("热线系统须代表一名受理员账号。")})
    if not 1 <= draft.rate_limit <= 100_000:
        raise ValidationError({"rate_limit": _("每分钟请求上限应为1至100000。")})


@transaction.atomic
def do_register_partner(draft: PartnerDraft, *, acting_user: Any = None) -> tuple[Partner, str]:
    """Register a partner program; returns it with its first API key (shown once)."""
    _require_admin(acting_user)
    _check_partner(draft)
    partner = Partner(
        slug=draft.slug,
        name=draft.name.strip(),
        channel=draft.channel,
        operations=sorted(set(draft.operations)),
        rate_limit=draft.rate_limit,
        service_user=draft.service_user,
    )
    partner.full_clean()
    partner.save()
    _audit(
        "partner_registered",
        acting_user,
        partner,
        slug=partner.slug,
        channel=partner.channel,
        operations=partner.operations,
    )
    _key, raw = _issue(partner=partner, acting_user=acting_user, label=_("初始密钥"))
    return partner, raw


@transaction.atomic
def do_update_partner(partner: Partner, *, acting_user: Any = None, **changes: Any) -> Partner:
    _require_admin(acting_user)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    for name in ("name", "operations", "rate_limit", "is_active"):
        if name in changes:
            setattr(partner, name, changes[name])
    _check_partner(
        PartnerDraft(
            partner.slug,
            partner.name,
            partner.channel,
            partner.operations,
            partner.rate_limit,
            partner.service_user,
        )
    )
    partner.full_clean()
    partner.save()
    forget_subscribers()
    forget_keys(*partner.keys.values_list("key_hash", flat=True))
    _audit("partner_updated", acting_user, partner, slug=partner.slug, changes=sorted(changes))
    return partner


def _issue(*, acting_user: Any, label: str, partner: Any = None, user: Any = None) -> tuple:
    raw = keys.new_key()
    key = ApiKey.objects.create(
        partner=partner,
        user=user,
        prefix=keys.display_prefix(raw),
        key_hash=keys.digest(raw),
        label=label[:50],
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    owner = partner.slug if partner else user.username
    _audit("key_issued", acting_user, key, owner=owner, prefix=key.prefix)
    return key, raw


@transaction.atomic
def do_issue_key(
    *, acting_user: Any = None, partner: Partner | None = None, user: Any = None, label: str = ""
) -> tuple[ApiKey, str]:
    """A new key for a partner, or a personal token for a staff member's programs (it acts with
    exactly that member's roles)."""
    _require_admin(acting_user)
    if (partner is None) == (user is None):
        raise ValidationError(_("密钥须属于一个合作渠道或一名工作人员。"))
    if user is not None and not user.is_active:
        raise ValidationError(_("该账号已停用。"))
    return _issue(partner=partner, user=user, acting_user=acting_user, label=label)


def _locked_usable(key: ApiKey) -> ApiKey:
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if not key.is_usable():
        raise ValidationError(_("该密钥已吊销或失效。"), code="revoked")
    return key


@transaction.atomic
def do_rotate_key(
    key: ApiKey, *, acting_user: Any = None, grace: dt.timedelta = dt.timedelta(0)
) -> tuple[ApiKey, str]:
    """Issue a successor; the old key stops working now, or after `grace` so the partner can
    switch its configuration without losing submissions."""
    _require_admin(acting_user)
    key = _locked_usable(key)
    now = timezone.now()
    if grace > dt.timedelta(0):
        key.expires_at = now + grace
    else:
        key.revoked_at = now
    key.save(update_fields=["expires_at", "revoked_at"])
    forget_keys(key.key_hash)
    new, raw = _issue(partner=key.partner, user=key.user, acting_user=acting_user, label=key.label)
    _audit("key_rotated", acting_user, key, prefix=key.prefix, successor=new.prefix)
    return new, raw


@transaction.atomic
def do_revoke_key(key: ApiKey, *, acting_user: Any = None) -> ApiKey:
    _require_admin(acting_user)
    key = _locked_usable(key)
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    forget_keys(key.key_hash)
    _audit("key_revoked", acting_user, key, prefix=key.prefix)
    return key


def _check_events(partner: Partner, events: Iterable[str]) -> list[str]:
    events = sorted(set(events))
    if not events or set(events) - set(Event.values):
        raise ValidationError({"events": _("请选择要订阅的事件。")})
    if Event.SUBMITTED in events and not partner.may(Operation.WATCH_ALL):
        raise ValidationError({"events": _("只有督办中心的系统可以订阅全部新诉求。")})
    return events


@transaction.atomic
def do_subscribe_webhook(
    partner: Partner, url: str, events: Iterable[str], *, acting_user: Any = None
) -> tuple[WebhookSubscription, str]:
    """A partner (itself, with its key, or through an operator) subscribes a URL; the signing
    secret is returned once."""
    if not partner.may(Operation.WEBHOOKS):
        raise PermissionDenied(_("该合作渠道未开通回调。"))
    subscription = WebhookSubscription(
        partner=partner,
        url=check_webhook_url(url),
        events=_check_events(partner, events),
    )
    secret = keys.new_webhook_secret()
    subscription.set_signing_secret(secret)
    subscription.full_clean()
    subscription.save()
    forget_subscribers()
    _audit("webhook_subscribed", acting_user, subscription, partner=partner.slug, url=url)
    return subscription, secret


@transaction.atomic
def do_remove_webhook(subscription: WebhookSubscription, *, acting_user: Any = None) -> None:
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.is_active = False
    subscription.save(update_fields=["is_active"])
    forget_subscribers()
    _audit("webhook_removed", acting_user, subscription, partner=subscription.partner.slug)


@transaction.atomic
def do_rotate_webhook_secret(subscription: WebhookSubscription, *, acting_user: Any = None) -> str:
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    secret = keys.new_webhook_secret()
    subscription.set_signing_secret(secret)
    subscription.save(update_fields=["secret"])
    _audit("webhook_secret_rotated", acting_user, subscription, partner=subscription.partner.slug)
    return secret
