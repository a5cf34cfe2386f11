from __future__ import annotations

from django.http import Http404, HttpRequest

from zhengwu.org import access
from zhengwu.reports import access as report_access


def capabilities(request: HttpRequest) -> dict[str, dict[str, bool]]:
    """Booleans for the navigation, from each app's permission funnel."""
    user = request.user
    can = access.capabilities(user)
    can["read_reports"] = report_access.can_read_reports(user)
    try:
        report_access.dashboard_scope(user)
        can["dashboard"] = can["is_staff_member"]
    except Http404:
        can["dashboard"] = False
    return {"can": can}
