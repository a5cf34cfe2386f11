"""Who may use the smart-dispatch pages — the one place these rules live. Everyone else gets
404, the same answer as for a page that does not exist."""

from __future__ import annotations

from django.http import Http404

from zhengwu.org.access import AnyUser, has_role
from zhengwu.org.models import Role

EDITORS = (Role.SYSADMIN, Role.SUPERVISOR)
CENTRE = (Role.INTAKE_AGENT, Role.DISPATCHER, Role.SUPERVISOR, Role.SYSADMIN)
HOTSPOT_READERS = (Role.SUPERVISOR, Role.LEADER, Role.SYSADMIN)


def can_edit(user: AnyUser) -> bool:
    """The catalogue, routing rules, place names, models and settings."""
    return has_role(user, *EDITORS)


def can_test(user: AnyUser) -> bool:
    return has_role(user, *CENTRE)


def can_see_hotspots(user: AnyUser) -> bool:
    return has_role(user, *HOTSPOT_READERS)


def require_editor(user: AnyUser) -> None:
    if not can_edit(user):
        raise Http404


def require_tester(user: AnyUser) -> None:
    if not can_test(user):
        raise Http404


def require_hotspot_reader(user: AnyUser) -> None:
    if not can_see_hotspots(user):
        raise Http404


def capabilities(user: AnyUser) -> dict[str, bool]:
    return {
        "can_edit_dispatch": can_edit(user),
        "can_test_dispatch": can_test(user),
        "can_see_hotspots": can_see_hotspots(user),
    }
