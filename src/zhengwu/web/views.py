from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from zhengwu.appeals import queries as appeal_queries
from zhengwu.appeals.models import Mailbox
from zhengwu.appeals.views import clock
from zhengwu.notifications.queries import inbox, unread_count
from zhengwu.org import access
from zhengwu.org import queries as org_queries
from zhengwu.org.calendar import get_calendar


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {
            "directory": org_queries.public_directory_summary(),
            "mailboxes": Mailbox.objects.filter(is_active=True)[:6],
        },
    )


@require_safe
def workbench(request: HttpRequest) -> HttpResponse:
    if not access.is_staff_member(request.user):
        raise Http404
    return render(
        request,
        "web/workbench.html",
        {
            "posts": org_queries.posts_of(request.user),
            "queues": appeal_queries.queue_counts(request.user, clock()),
            "can_enter_hotline": access.has_role(request.user, "intake_agent", "dispatcher"),
            "inbox": inbox(request.user, limit=8),
            "unread": unread_count(request.user),
            "calendar_gap": _calendar_gap() if access.is_sysadmin(request.user) else None,
        },
    )


def _calendar_gap() -> int | None:
    """Next year, if its holiday notice has not been entered and the bundled data lacks it."""
    next_year = timezone.localdate().year + 1
    return None if get_calendar().knows_year(next_year) else next_year


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the process answers and the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
