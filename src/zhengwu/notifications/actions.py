"""Use cases of the inbox. Reading one's own messages changes nothing anyone else relies on, so
no audit row is written."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.notifications.models import Message


@transaction.atomic
def do_mark_read(message: Message, *, acting_user: Any) -> Message:
    """Mark one's own message read; marking it again keeps the first reading time."""
    if acting_user is None or message.recipient_id != acting_user.pk:
        raise PermissionDenied(_("只能标记自己的消息。"))
    Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
    message.refresh_from_db(fields=["read_at"])
    return message
