"""Appeals as the REST API shows them: personal data masked unless the caller's role may see it
(appeals.access.can_see_contact), internal notes and staff names for staff only."""

from __future__ import annotations

from typing import Any

from zhengwu.api.callers import Caller
from zhengwu.api.open311_status import open311_status
from zhengwu.appeals import access, queries
from zhengwu.appeals.models import Appeal, AppealEvent
from zhengwu.appeals.workflow import Status
from zhengwu.lib.masking import mask_email, mask_name, mask_phone, mask_text
from zhengwu.org.access import is_staff_member


def _ref(obj: Any, **fields: str) -> dict | None:
    if obj is None:
        return None
    return {key: getattr(obj, attr) for key, attr in fields.items()}


def _external_id(caller: Caller, appeal: Appeal) -> str:
    if caller.partner is None:
        return appeal.external_id if is_staff_member(caller.user) else ""
    prefix = f"{caller.partner.slug}:"
    return appeal.external_id.removeprefix(prefix) if appeal.external_id.startswith(prefix) else ""


def summary(caller: Caller, appeal: Appeal) -> dict:
    return {
        "number": appeal.number,
        "status": appeal.status,
        "status_label": str(Status(appeal.status).label),
        "open311_status": open311_status(appeal.status),
        "channel": appeal.channel,
        "appeal_type": appeal.appeal_type,
        "urgency": appeal.urgency,
        "title": appeal.title,
        "category": _ref(appeal.category, id="pk", path="path"),
        "division": _ref(appeal.division, code="code", name="name"),
        "lead_department": _ref(appeal.lead_department, id="pk", name="name"),
        "received_at": appeal.received_at,
        "deadline": appeal.deadline,
        "closed_at": appeal.closed_at,
        "external_id": _external_id(caller, appeal),
        "version": appeal.version,
    }


def _contact(caller: Caller, appeal: Appeal) -> dict:
    # A partner program holds no role, so it never sees contacts (and needs no query to know).
    if caller.partner is None and access.can_see_contact(caller.user, appeal):
        return {
            "contact_name": appeal.contact_name,
            "contact_phone": appeal.contact_phone,
            "contact_email": appeal.contact_email,
            "address": appeal.address,
        }
    staff = is_staff_member(caller.user)
    return {
        "contact_name": mask_name(appeal.contact_name) if appeal.contact_name else "",
        "contact_phone": mask_phone(appeal.contact_phone) if appeal.contact_phone else "",
        "contact_email": mask_email(appeal.contact_email) if appeal.contact_email else "",
        # Staff handling the matter need the place; others see house numbers masked.
        "address": appeal.address if staff else mask_text(appeal.address),
    }


def detail(caller: Caller, appeal: Appeal) -> dict:
    reply = queries.published_reply(appeal)
    staff = is_staff_member(caller.user)
    return {
        **summary(caller, appeal),
        **_contact(caller, appeal),
        "content": appeal.content,
        "is_anonymous": appeal.is_anonymous,
        "is_confidential": appeal.is_confidential,
        "accepted_at": appeal.accepted_at,
        "dispatched_at": appeal.dispatched_at,
        "response_due": appeal.response_due,
        "replied_at": appeal.replied_at,
        "published_at": appeal.published_at,
        "outcome": appeal.outcome,
        "resolution": appeal.resolution,
        "satisfaction": appeal.satisfaction,
        "reply": reply.text if reply else "",
        "available_actions": sorted(access.available_actions(caller.user, appeal)) if staff else [],
    }


def timeline(caller: Caller, appeal: Appeal) -> list[dict]:
    if not is_staff_member(caller.user):
        return [_event(e, internal=False) for e in queries.public_events(appeal)]
    events = AppealEvent.objects.filter(appeal=appeal).select_related("actor")
    return [_event(e, internal=True) for e in events]


def _event(event: AppealEvent, *, internal: bool) -> dict:
    return {
        "kind": event.kind,
        "from_status": event.from_status if internal else "",
        "to_status": event.to_status if internal else "",
        "public_note": event.public_note,
        "internal_note": event.internal_note if internal else "",
        "actor": str(event.actor) if internal and event.actor_id else "",
        "created_at": event.created_at,
    }


def published(appeal: Appeal, reply: str) -> dict:
    return {
        "number": appeal.number,
        "title": mask_text(appeal.title),
        "content": mask_text(appeal.content),
        "appeal_type": appeal.appeal_type,
        "category": _ref(appeal.category, id="pk", path="path"),
        "lead_department": _ref(appeal.lead_department, id="pk", name="name"),
        "received_at": appeal.received_at,
        "published_at": appeal.published_at,
        "reply": mask_text(reply),
        "satisfaction": appeal.satisfaction,
    }
