"""Shapes of the REST API (they are its OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from zhengwu.appeals.models import Channel, Outcome, Resolution, ReturnReason, Satisfaction
from zhengwu.appeals.workflow import Status
from zhengwu.dispatch.models import AppealType, Urgency


class ErrorItem(Schema):
    field: str | None = Field(None, description="出错的字段，整体错误时为空")
    code: str = Field(..., description="机器可读的错误代码")
    message: str = Field(..., description="中文说明")


class ErrorOut(Schema):
    errors: list[ErrorItem]


class Named(Schema):
    id: int
    name: str


class CategoryRef(Schema):
    id: int
    path: str


class DivisionRef(Schema):
    code: str
    name: str


class AppealSummary(Schema):
    number: str
    status: Status
    status_label: str
    open311_status: str
    channel: Channel
    appeal_type: AppealType
    urgency: Urgency
    title: str
    category: CategoryRef | None
    division: DivisionRef | None
    lead_department: Named | None
    received_at: dt.datetime
    deadline: dt.datetime | None
    closed_at: dt.datetime | None
    external_id: str = Field("", description="提交方的编号（仅对提交该诉求的合作渠道返回）")
    version: int


class AppealOut(AppealSummary):
    content: str
    address: str
    contact_name: str = Field(..., description="无权查看时已脱敏")
    contact_phone: str = Field(..., description="无权查看时已脱敏，如 138****5678")
    contact_email: str
    is_anonymous: bool
    is_confidential: bool
    accepted_at: dt.datetime | None
    dispatched_at: dt.datetime | None
    response_due: dt.datetime | None
    replied_at: dt.datetime | None
    published_at: dt.datetime | None
    outcome: str
    resolution: str
    satisfaction: str
    reply: str = Field("", description="已公开的答复")
    available_actions: list[str] = Field(default_factory=list)


class AppealPage(Schema):
    items: list[AppealSummary]
    next_cursor: str | None = Field(None, description="下一页的游标；为空表示没有更多")


class EventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    public_note: str
    internal_note: str = Field("", description="内部说明，仅工作人员可见")
    actor: str = Field("", description="经办人，仅工作人员可见")
    created_at: dt.datetime


class AppealIn(Schema):
    appeal_type: AppealType
    title: str = Field(..., min_length=4, max_length=100)
    content: str = Field(..., min_length=10, max_length=4000)
    urgency: Urgency = Urgency.NORMAL
    category_id: int | None = None
    division_code: str | None = Field(None, pattern=r"^\d{12}$")
    address: str = Field("", max_length=200)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", pattern=r"^(1[3-9]\d{9})?$")
    contact_email: str = Field("", max_length=254)
    is_anonymous: bool = False
    is_confidential: bool = False
    external_id: str = Field(
        "",
        max_length=40,
        pattern=r"^[\w.:-]*$",
        description="合作方自己的编号：重复提交返回同一诉求",
    )
    lat: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    long: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)


class SubmitOut(Schema):
    number: str
    query_code: str | None = Field(None, description="查询码，只在首次提交时返回一次")
    created: bool
    appeal: AppealOut


class VersionIn(Schema):
    expected_version: int | None = Field(None, ge=0, description="防止覆盖他人刚做的处理")


class DispatchIn(VersionIn):
    lead_id: int
    co_handler_ids: list[int] = Field(default_factory=list, max_length=10)
    note: str = Field("", max_length=2000)
    category_id: int | None = None
    assignee_id: int | None = Field(None, description="指定承办人：主办单位的承办人（可不填）")


class ReturnIn(VersionIn):
    reason: ReturnReason
    note: str = Field(..., max_length=2000)


class ReplyIn(VersionIn):
    text: str = Field(..., max_length=8000)
    outcome: Outcome = Outcome.RESOLVED
    internal_remarks: str = Field("", max_length=2000)


class ReviewIn(VersionIn):
    approve: bool
    note: str = Field("", max_length=2000)


class ExtensionIn(Schema):
    days: int = Field(..., ge=1, le=30)
    reason: str = Field(..., max_length=2000)


class ExtensionOut(Schema):
    id: int
    days: int
    decision: str
    new_deadline: dt.datetime | None


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


class UrgeIn(Schema):
    note: str = Field(..., max_length=2000)


class SuperviseIn(Schema):
    level: int = Field(..., ge=1, le=3)
    notice: str = Field(..., max_length=2000)
    due_days: int = Field(..., ge=1, le=30)


class EvaluationIn(Schema):
    resolution: Resolution
    satisfaction: Satisfaction
    comment: str = Field("", max_length=2000)
    query_code: str = Field("", max_length=6, description="市民的查询码（合作渠道转交评价时必填）")


class CategoryOut(Schema):
    id: int
    name: str
    path: str
    level: int
    parent_id: int | None
    lead_department: Named | None
    is_active: bool


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    division_code: str


class DivisionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent_code: str | None


class PublishedOut(Schema):
    number: str
    title: str
    content: str
    appeal_type: AppealType
    category: CategoryRef | None
    lead_department: Named | None
    received_at: dt.datetime
    published_at: dt.datetime
    reply: str
    satisfaction: str


class PublishedPage(Schema):
    items: list[PublishedOut]
    next_cursor: str | None


class ReportSummary(Schema):
    id: int
    kind: str
    period_type: str
    start: dt.date
    end: dt.date
    title: str
    published_at: dt.datetime | None


class ReportOut(ReportSummary):
    snapshot: dict[str, Any] = Field(..., description="发布时冻结的报告内容（与公开页面相同）")


class WebhookIn(Schema):
    url: str = Field(..., max_length=300)
    events: list[str] = Field(..., min_length=1, max_length=2)


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    is_active: bool
    created_at: dt.datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(..., description="签名密钥，只返回这一次")


class SecretOut(Schema):
    secret: str


class DeliveryOut(Schema):
    id: int
    event: str
    appeal_number: str | None
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
