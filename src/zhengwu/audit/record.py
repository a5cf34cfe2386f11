"""Writing audit rows. Call `record` inside the transaction of the change it describes: the row
commits or rolls back with it, and is chained after it commits (`zhengwu.audit.chain`)."""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils import timezone

from zhengwu.audit import chain
from zhengwu.audit.context import client_ip
from zhengwu.audit.models import AuditEvent
from zhengwu.audit.registry import ACTIONS
from zhengwu.lib.hashing import canonical_json
from zhengwu.lib.masking import mask_email, mask_id_number, mask_name, mask_phone, mask_text

# Summary keys that hold personal data, and how to mask each.
PERSONAL_FIELDS = {
    "phone": mask_phone,
    "mobile": mask_phone,
    "contact_phone": mask_phone,
    "id_number": mask_id_number,
    "email": mask_email,
    "contact_email": mask_email,
    "name": mask_name,
    "citizen_name": mask_name,
    "display_name": mask_name,
    "contact_name": mask_name,
}


def mask_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: mask_value(k, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(key, v) for v in value]
    if isinstance(value, str):
        masker = PERSONAL_FIELDS.get(key)
        return masker(value) if masker and value else mask_text(value)
    return value


def masked_summary(summary: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through canonical JSON so the stored value hashes the same when read back.
    return json.loads(canonical_json(mask_value("", summary or {})))


def record(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    summary: dict[str, Any] | None = None,
    organisation: Any = None,
    organisation_id: int | None = None,
    role: str = "",
) -> AuditEvent:
    """`organisation` (an instance) or `organisation_id`: the body the actor acted for."""
    if action not in ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role=role,
        organisation_id=organisation.pk if organisation is not None else organisation_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=masked_summary(summary),
        ip=client_ip.get(),
    )
    event.save()
    chain.schedule()
    return event
