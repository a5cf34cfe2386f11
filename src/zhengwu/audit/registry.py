"""Registered audit action names: each module registers the changes it records, with a label."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, str] = {}


def register(name: str, label: str) -> str:
    """Register at import time; the registry is filled once and never changed afterwards."""
    if name in ACTIONS and ACTIONS[name] != label:
        raise ValueError(f"audit action {name!r} registered twice with different labels")
    ACTIONS[name] = label
    return name


def label(name: str) -> str:
    return str(ACTIONS.get(name, name))


LOGIN = register("auth.login", _("登录"))
LOGIN_FAILED = register("auth.login_failed", _("登录失败"))
LOGOUT = register("auth.logout", _("退出登录"))
PASSWORD_CHANGED = register("auth.password_changed", _("修改密码"))
ADMIN_SAVED = register("admin.saved", _("后台保存记录"))
ADMIN_DELETED = register("admin.deleted", _("后台删除记录"))
