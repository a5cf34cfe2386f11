"""Submissions through the open interfaces (REST and Open311 alike), idempotent per partner.

A partner that resends the same `external_id` (a retry after a timeout, two workers racing) gets
the appeal it already has. A new submission does not look first (most are new, and looking costs
every one of them a query): the claim row is written with the appeal, in the same transaction,
and its unique index turns a resent id into an IntegrityError — a concurrent duplicate waits on
the index until the first commits — after which the existing appeal is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils.translation import gettext as _

from zhengwu.api.callers import Caller
from zhengwu.api.models import Operation, PartnerSubmission
from zhengwu.appeals import actions
from zhengwu.appeals.models import Appeal, Channel
from zhengwu.org.access import has_role


@dataclass
class Submission:
    draft: actions.Draft
    external_id: str = ""
    lat: Decimal | None = None
    long: Decimal | None = None
    media_url: str = ""


@dataclass(frozen=True)
class Receipt:
    appeal: Appeal
    query_code: str | None  # None when the appeal already existed: the code is shown only once
    created: bool


def _existing(caller: Caller, external_id: str) -> Appeal | None:
    claim = (
        PartnerSubmission.objects.filter(partner=caller.partner, external_id=external_id)
        .select_related("appeal")
        .first()
    )
    return claim.appeal if claim else None


def submit(caller: Caller, submission: Submission, ip: str | None) -> Receipt:
    if caller.partner is not None:
        return _partner_submit(caller, submission, ip)
    if has_role(caller.user, *actions.AGENT_ROLES):
        # An intake agent's program enters hotline work orders, as the hotline page does.
        appeal, code = actions.do_submit_appeal(
            submission.draft, channel=Channel.HOTLINE, acting_user=caller.user, ip=ip
        )
        return Receipt(appeal, code, True)
    raise PermissionDenied(_("只有合作渠道和受理员可以通过接口提交诉求。"))


def _partner_submit(caller: Caller, submission: Submission, ip: str | None) -> Receipt:
    if not caller.may(Operation.SUBMIT):
        raise PermissionDenied(_("该合作渠道未开通提交诉求。"))
    external_id = submission.external_id.strip()
    try:
        return _create(caller, submission, external_id, ip)
    except IntegrityError:
        appeal = _existing(caller, external_id) if external_id else None
        if appeal is None:
            raise
        return Receipt(appeal, None, False)


def _create(caller: Caller, submission: Submission, external_id: str, ip: str | None) -> Receipt:
    partner = caller.partner
    draft = submission.draft
    # Shown to staff beside the channel; prefixed, so two partners' numbers never collide.
    draft.external_id = f"{partner.slug}:{external_id}" if external_id else ""

    def claim(appeal: Appeal) -> None:
        PartnerSubmission.objects.create(
            partner=partner,
            external_id=external_id,
            appeal=appeal,
            lat=submission.lat,
            long=submission.long,
            media_url=submission.media_url,
        )

    appeal, code = actions.do_submit_appeal(
        draft,
        channel=partner.channel,
        acting_user=partner.service_user or caller.user,
        ip=ip,
        keep=claim,
    )
    return Receipt(appeal, code, True)
