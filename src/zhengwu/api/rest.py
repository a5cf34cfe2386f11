"""The REST API, /api/v1/ (django-ninja; its OpenAPI document is docs/openapi.json)."""

from __future__ import annotations

from ninja import NinjaAPI

from zhengwu.api import errors
from zhengwu.api.auth import authenticated

api = NinjaAPI(
    title="政务平台开放接口",
    version="1.0.0",
    description=(
        "网络问政（12345）开放接口：合作渠道提交与查询诉求，工作人员办理诉求，派单目录、"
        "组织机构、行政区划与公开答复。认证：`Authorization: Bearer <key>`（合作渠道密钥或"
        "工作人员个人令牌），或浏览器登录会话。"
    ),
    urls_namespace="api",
    auth=authenticated,
    docs_url=None,
)
errors.install(api)


def _routers() -> None:
    from zhengwu.api.rest_actions import router as actions_router
    from zhengwu.api.rest_appeals import router as appeals_router
    from zhengwu.api.rest_reference import router as reference_router
    from zhengwu.api.rest_webhooks import router as webhooks_router

    api.add_router("/appeals", appeals_router)
    api.add_router("/appeals", actions_router)
    api.add_router("/", reference_router)
    api.add_router("/webhooks", webhooks_router)


_routers()
