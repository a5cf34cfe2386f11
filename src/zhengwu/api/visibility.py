"""Which appeals a caller of the open interfaces may see: staff through the hub's own funnel
(appeals.access), a partner only what it submitted, a citizen only their own. Anything else is
404, the same as a missing appeal."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from zhengwu.api.callers import Caller
from zhengwu.api.models import Operation
from zhengwu.appeals import access
from zhengwu.appeals.models import Appeal
from zhengwu.org.access import is_staff_member


def appeals_visible_to(caller: Caller) -> QuerySet[Appeal]:
    if caller.partner is not None:
        if not caller.may(Operation.READ):
            return Appeal.objects.none()
        return Appeal.objects.filter(partner_submission__partner=caller.partner)
    if is_staff_member(caller.user):
        return access.appeals_visible_to(caller.user)
    return access.citizen_appeals(caller.user)


def access_appeal_by_number(caller: Caller, number: str) -> Appeal:
    appeal = (
        appeals_visible_to(caller)
        .select_related("category", "division", "lead_department", "mailbox", "merged_into")
        .filter(number=number.strip().upper()[:20])
        .first()
    )
    if appeal is None:
        raise Http404
    return appeal
