"""Sign-ins, sign-outs and failed sign-ins are audited like every other change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from zhengwu.audit import registry
from zhengwu.audit.record import record


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(registry.LOGIN, actor=user, obj=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(registry.LOGOUT, actor=user, obj=user)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    record(registry.LOGIN_FAILED, summary={"username": credentials.get("username", "")})
