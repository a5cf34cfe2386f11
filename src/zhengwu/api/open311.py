"""Open311 GeoReport v2 at /open311/v2/: discovery, services, service definitions, requests
(GET and POST), one request, tokens. See docs/integration.md and ../shared/reference §12.

Public GETs never carry personal data: contacts are never output, text is masked as on the
public wall, confidential and malicious appeals never appear, and an appeal appears only once
the centre has accepted it (acceptance is the moderation step), except to the partner that
submitted it, with its key.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from zhengwu.api import open311_data as data
from zhengwu.api.callers import ANONYMOUS, Caller, RateLimited, caller_for_key, check_rate
from zhengwu.api.open311_format import error, render
from zhengwu.audit.context import client_ip


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def _caller(request: HttpRequest, params: dict, *, required: bool) -> Caller:
    raw = (params.get("api_key") or "").strip()
    if not raw:
        if required:
            raise Open311Error(403, _("缺少 api_key。"))
        return ANONYMOUS
    caller = caller_for_key(raw)
    if caller is None or caller.partner is None:
        raise Open311Error(403, _("api_key 无效或已吊销。"))
    return caller


def _check_jurisdiction(params: dict) -> None:
    jurisdiction = (params.get("jurisdiction_id") or "").strip()
    if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
        raise Open311Error(404, _("未知的 jurisdiction_id。"))


def endpoint(method: str = "GET", *, key: str = "none") -> Callable:
    """Wrap a view: check the method, the jurisdiction and the key (none/optional/required),
    count the caller against its rate limit, and turn every refusal into the spec's errors."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: str) -> HttpResponse:
            try:
                if request.method not in (method, "HEAD" if method == "GET" else method):
                    raise Open311Error(405, _("不支持该请求方法。"))
                params = _params(request, method)
                _check_jurisdiction(params)
                caller = _caller(request, params, required=key == "required")
                check_rate(caller, client_ip.get())
                return view(request, fmt, params, caller, **kwargs)
            except Open311Error as exc:
                return error(fmt, exc.status, exc.description)
            except RateLimited as exc:
                response = error(fmt, 429, _("请求过于频繁，请稍后再试。"))
                response["Retry-After"] = str(exc.retry_after)
                return response
            except RequestDataTooBig:
                return error(fmt, 413, _("请求内容过大。"))
            except SuspiciousOperation:
                return error(fmt, 400, _("请求格式不正确。"))
            except Http404:
                return error(fmt, 404, _("未找到。"))
            except PermissionDenied as exc:
                return error(fmt, 403, str(exc) or _("不能执行此操作。"))
            except DjangoValidationError as exc:
                return error(fmt, 400, " ".join(exc.messages))

        return wrapper

    return decorate


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _params(request: HttpRequest, method: str) -> dict:
    if method == "GET":
        return request.GET.dict()
    if request.content_type not in FORM_TYPES:
        raise Open311Error(400, _("请以 application/x-www-form-urlencoded 表单提交。"))
    return {key: request.POST.get(key) for key in request.POST} | {
        "attribute_lists": {
            key: request.POST.getlist(key) for key in request.POST if key.endswith("[]")
        }
    }


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open311:root"))


@endpoint()
def discovery(request: HttpRequest, fmt: str, params: dict, caller: Caller) -> HttpResponse:
    return render(fmt, "discovery", data.discovery(_base_url(request)))


@endpoint()
def services(request: HttpRequest, fmt: str, params: dict, caller: Caller) -> HttpResponse:
    return render(fmt, "services", data.services())


@endpoint()
def service_definition(
    request: HttpRequest, fmt: str, params: dict, caller: Caller, code: str
) -> HttpResponse:
    return render(fmt, "service_definition", data.service_definition(data.service(code)))


@endpoint(key="optional")
def requests_get(request: HttpRequest, fmt: str, params: dict, caller: Caller) -> HttpResponse:
    return render(fmt, "service_requests", data.find_requests(params, caller))


@endpoint("POST", key="required")
def requests_post(request: HttpRequest, fmt: str, params: dict, caller: Caller) -> HttpResponse:
    return render(fmt, "service_requests", [data.create_request(params, caller)], status=201)


@csrf_exempt
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return requests_post(request, fmt)
    return requests_get(request, fmt)


@endpoint(key="optional")
def request_one(
    request: HttpRequest, fmt: str, params: dict, caller: Caller, request_id: str
) -> HttpResponse:
    # A one-element list, as the spec says and clients (georeport) read it.
    return render(fmt, "service_requests", [data.one_request(request_id, caller)])


@endpoint(key="optional")
def token(request: HttpRequest, fmt: str, params: dict, caller: Caller, token: str) -> HttpResponse:
    return render(fmt, "service_requests", [data.resolve_token(token, caller)])


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return error(fmt, 404, _("未找到。"))


def root(request: HttpRequest) -> HttpResponse:
    return error("xml", 404, _("请从 discovery.xml 或 discovery.json 开始。"))
