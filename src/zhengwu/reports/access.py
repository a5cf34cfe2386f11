"""Who may read and write reports and the dashboard (one place, like every app)."""

from __future__ import annotations

from django.http import Http404

from zhengwu.appeals.access import is_centre, sees_whole_city
from zhengwu.org.access import AnyUser, has_role, organisation_ids_with_role
from zhengwu.org.models import Role
from zhengwu.reports.models import Report


def can_write_reports(user: AnyUser) -> bool:
    """督办员 generate, review (a colleague's draft) and publish."""
    return has_role(user, Role.SUPERVISOR)


def can_read_reports(user: AnyUser) -> bool:
    """Drafts are for the centre and the city's leaders; published reports are public."""
    return is_centre(user) or sees_whole_city(user)


def require_reader(user: AnyUser) -> None:
    if not can_read_reports(user):
        raise Http404


def access_report_by_id(user: AnyUser, report_id: int) -> Report:
    report = Report.objects.filter(pk=report_id).first()
    if report is None or not (can_read_reports(user) or report.state == Report.State.PUBLISHED):
        raise Http404
    return report


def dashboard_scope(user: AnyUser) -> set[int] | None:
    """None: the whole city. Otherwise the bodies a leader (or body admin) may see."""
    if is_centre(user) or sees_whole_city(user):
        return None
    ids = organisation_ids_with_role(user, Role.LEADER, Role.DEPT_ADMIN)
    if not ids:
        raise Http404
    return ids
