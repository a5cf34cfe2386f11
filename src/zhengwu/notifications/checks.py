"""A misconfigured SMS gateway is reported at start-up, not at the first message."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from zhengwu.notifications.backends import get_sms_backend


@checks.register()
def check_sms_backend(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        get_sms_backend()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="notifications.E001")]
    return []
