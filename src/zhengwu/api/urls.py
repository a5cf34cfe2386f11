from django.urls import path, re_path

from zhengwu.api import open311
from zhengwu.api.rest import api

FMT = r"(?P<fmt>json|xml)"

open311_patterns = [
    path("", open311.root, name="root"),
    re_path(rf"^discovery\.{FMT}$", open311.discovery, name="discovery"),
    re_path(rf"^services\.{FMT}$", open311.services, name="services"),
    re_path(rf"^services/(?P<code>[^/]+)\.{FMT}$", open311.service_definition, name="service"),
    re_path(rf"^requests\.{FMT}$", open311.requests_view, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/]+)\.{FMT}$", open311.request_one, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]+)\.{FMT}$", open311.token, name="token"),
    re_path(r"^(?P<rest>.*)$", open311.not_found),
]

urlpatterns = [
    path("api/v1/", api.urls),
    path("open311/v2/", (open311_patterns, "open311", "open311")),
]
