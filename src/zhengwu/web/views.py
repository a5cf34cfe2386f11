from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from zhengwu.org import access, queries


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"directory": queries.public_directory_summary()})


@require_safe
def workbench(request: HttpRequest) -> HttpResponse:
    if not access.is_staff_member(request.user):
        raise Http404
    return render(request, "web/workbench.html", {"posts": queries.posts_of(request.user)})


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the process answers and the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
