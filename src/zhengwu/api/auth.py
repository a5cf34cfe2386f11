"""Authentication for the REST API: a bearer key (partner API key or a staff member's personal
token), else the browser session (with CSRF for writes), else anonymous where allowed. Every
caller is counted against its rate limit here."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from zhengwu.api.callers import ANONYMOUS, Caller, caller_for_key, check_rate
from zhengwu.audit.context import client_ip

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ApiAuth(HttpBearer):
    def __init__(self, *, anonymous: bool = False) -> None:
        super().__init__()
        self.anonymous = anonymous

    def __call__(self, request: HttpRequest) -> Caller | None:
        caller = self._identify(request)
        if caller is not None:
            check_rate(caller, client_ip.get())
        return caller

    def _identify(self, request: HttpRequest) -> Caller | None:
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer":
                raise AuthenticationError()
            return self.authenticate(request, token.strip())
        if request.user.is_authenticated:
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                return None
            return Caller(user=request.user)
        return ANONYMOUS if self.anonymous else None

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        caller = caller_for_key(token)
        if caller is None:
            # A wrong key is an error even where anonymous calls are allowed: the caller meant
            # to be someone, and silently serving them as nobody would hide the mistake.
            raise AuthenticationError()
        return caller


authenticated = ApiAuth()
optional = ApiAuth(anonymous=True)
