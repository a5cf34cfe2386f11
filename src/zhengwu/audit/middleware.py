from __future__ import annotations

from collections.abc import Callable

from axes.helpers import get_client_ip_address
from django.http import HttpRequest, HttpResponse

from zhengwu.audit.context import client_ip


class RequestContextMiddleware:
    """Remember the client address (as django-axes resolves it, behind PROXY_COUNT proxies)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(get_client_ip_address(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
