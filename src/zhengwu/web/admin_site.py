from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from zhengwu.org import access


class PlatformAdminSite(admin.AdminSite):
    """The admin for 系统管理员 only; who that is comes from the role model (org.access)."""

    site_header = "政务平台 · 系统管理"
    site_title = "政务平台系统管理"
    index_title = "系统管理"

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and access.is_sysadmin(request.user)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect_to_login(request.GET.get("next", request.get_full_path()))

    def admin_view(self, view: Callable, cacheable: bool = False) -> Callable:
        inner = super().admin_view(view, cacheable)

        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # Signed-in staff without the role get the same answer as for a missing page.
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)
