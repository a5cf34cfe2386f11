"""Reads of a user's 站内消息."""

from __future__ import annotations

from typing import Any

from zhengwu.notifications.models import Channel, Message


def inbox(user: Any, limit: int = 20) -> list[Message]:
    """The user's latest in-app messages, newest first."""
    messages = Message.objects.filter(recipient=user, channel=Channel.SITE)
    return list(messages.order_by("-created_at", "-pk")[:limit])


def unread_count(user: Any) -> int:
    return Message.objects.filter(
        recipient=user, channel=Channel.SITE, read_at__isnull=True
    ).count()
