"""One error shape for the REST API: {"errors": [{"field", "code", "message"}]}, with the status
code that says what went wrong. Nothing a caller can send ends in a 500."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from zhengwu.api.callers import RateLimited
from zhengwu.appeals.workflow import ConflictError, TransitionError

ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 429)


def item(message: str, code: str, field: str | None = None) -> dict:
    return {"field": field, "code": code, "message": str(message)}


def from_validation(exc: ValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            item(error.message % (error.params or {}), error.code or "invalid", field)
            for field, errors in exc.error_dict.items()
            for error in errors
        ]
    return [
        item(error.message % (error.params or {}), error.code or "invalid")
        for error in exc.error_list
    ]


def _status(exc: ValidationError) -> int:
    codes = {getattr(exc, "code", None)} | {e.code for e in getattr(exc, "error_list", [])}
    conflict = isinstance(exc, ConflictError | TransitionError) or codes & {"conflict", "duplicate"}
    return 409 if conflict else 400


def _schema_items(exc: SchemaError) -> list[dict]:
    items = []
    for error in exc.errors:
        # ("body", "data", "title") or ("query", "limit"): drop where, and the body's name.
        location = [str(part) for part in error.get("loc", ())]
        location = location[2:] if location[:1] == ["body"] else location[1:]
        items.append(item(error.get("msg", ""), error.get("type", "invalid"), ".".join(location)))
    return items or [item(_("请求格式不正确。"), "invalid")]


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, errors: list[dict], status: int) -> HttpResponse:
        return api.create_response(request, {"errors": errors}, status=status)

    @api.exception_handler(SchemaError)
    def schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
        return respond(request, _schema_items(exc), 400)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, from_validation(exc), _status(exc))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or _("您不能执行此操作。")
        return respond(request, [item(message, "forbidden")], 403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, [item(_("未找到。"), "not_found")], 404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("请提供有效的接口密钥（Authorization: Bearer <key>）或先登录。")
        response = respond(request, [item(message, "unauthenticated")], 401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = respond(request, [item(_("请求过于频繁，请稍后再试。"), "rate_limited")], 429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, [item(_("请求内容过大。"), "too_large")], 413)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = "bad_request" if exc.status_code == 400 else "error"
        message = _("请求内容无法解析。") if exc.status_code == 400 else str(exc)
        return respond(request, [item(message, code)], exc.status_code)
