"""Appeals: submit (partners and intake agents), list, read, timeline."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field as F
from ninja import Query, Router, Schema
from ninja.responses import Status as Answer
from pydantic import BeforeValidator

from zhengwu.api import cursors, present
from zhengwu.api.intake import Submission, submit
from zhengwu.api.references import category_or_error, division_or_error
from zhengwu.api.responses import responses
from zhengwu.api.schemas import AppealIn, AppealOut, AppealPage, EventOut, SubmitOut
from zhengwu.api.visibility import access_appeal_by_number, appeals_visible_to
from zhengwu.appeals import actions
from zhengwu.appeals.models import Appeal, Channel
from zhengwu.appeals.workflow import OPEN, Status
from zhengwu.audit.context import client_ip
from zhengwu.dispatch.models import AppealType

router = Router(tags=["appeals"])
ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"
)


def _iso_only(value: object) -> object:
    # Pydantic would also read "0.5" as a Unix time; the document promises ISO 8601 only.
    if value is not None and not (isinstance(value, str) and ISO_DATE.match(value)):
        raise ValueError("expected an ISO 8601 date-time")
    return value


IsoDateTime = Annotated[dt.datetime | None, BeforeValidator(_iso_only)]


class AppealFilters(Schema):
    status: list[Status] = F(default_factory=list, description="可多选")
    open311_status: str | None = F(None, pattern="^(open|closed)$")
    appeal_type: AppealType | None = None
    channel: Channel | None = None
    category_id: int | None = F(None, description="含下级分类")
    division_code: str | None = F(None, pattern=r"^\d{4,12}$", description="行政区划代码前缀")
    received_after: IsoDateTime = None
    received_before: IsoDateTime = None
    q: str = F("", max_length=50, description="标题或内容包含")
    cursor: str | None = F(None, max_length=200)
    limit: int = F(20, ge=1, le=100)


def _filter(appeals: QuerySet[Appeal], f: AppealFilters) -> QuerySet[Appeal]:
    if f.status:
        appeals = appeals.filter(status__in=f.status)
    if f.open311_status:
        wanted = [s for s in Status if (s in OPEN) == (f.open311_status == "open")]
        appeals = appeals.filter(status__in=wanted)
    exact = {"appeal_type": f.appeal_type, "channel": f.channel}
    appeals = appeals.filter(**{k: v for k, v in exact.items() if v})
    if f.category_id:
        appeals = appeals.filter(category__path__startswith=_category_path(f.category_id))
    if f.division_code:
        appeals = appeals.filter(division__code__startswith=f.division_code)
    if f.received_after:
        appeals = appeals.filter(received_at__gte=f.received_after)
    if f.received_before:
        appeals = appeals.filter(received_at__lt=f.received_before)
    if f.q.strip():
        appeals = appeals.filter(Q(title__contains=f.q.strip()) | Q(content__contains=f.q.strip()))
    return appeals


def _category_path(category_id: int) -> str:
    return category_or_error(category_id, active_only=False).path


@router.get("", response=responses(AppealPage), summary="诉求列表（游标分页，新的在前）")
def list_appeals(request: HttpRequest, filters: Query[AppealFilters]) -> dict:
    caller = request.auth
    appeals = _filter(appeals_visible_to(caller), filters).select_related(
        "category", "division", "lead_department"
    )
    rows, next_cursor = cursors.page(appeals, "received_at", filters.cursor, filters.limit)
    return {"items": [present.summary(caller, a) for a in rows], "next_cursor": next_cursor}


def _draft(data: AppealIn) -> actions.Draft:
    return actions.Draft(
        appeal_type=data.appeal_type,
        title=data.title,
        content=data.content,
        urgency=data.urgency,
        category=category_or_error(data.category_id) if data.category_id else None,
        division=division_or_error(data.division_code) if data.division_code else None,
        address=data.address,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        contact_email=data.contact_email,
        is_anonymous=data.is_anonymous,
        is_confidential=data.is_confidential,
    )


@router.post(
    "",
    response=responses(SubmitOut, 201, s200=SubmitOut),
    summary="提交诉求（合作渠道；受理员录入热线工单）",
    description="同一合作渠道以相同 external_id 重复提交时返回已有诉求（200，created=false）。",
)
def create_appeal(request: HttpRequest, data: AppealIn) -> Answer:
    caller = request.auth
    submission = Submission(
        draft=_draft(data),
        external_id=data.external_id,
        lat=data.lat,
        long=data.long,
    )
    receipt = submit(caller, submission, client_ip.get())
    body = {
        "number": receipt.appeal.number,
        "query_code": receipt.query_code,
        "created": receipt.created,
        "appeal": present.detail(caller, receipt.appeal),
    }
    return Answer(201 if receipt.created else 200, body)


@router.get("/{number}", response=responses(AppealOut), summary="诉求详情")
def get_appeal(request: HttpRequest, number: str) -> dict:
    return present.detail(request.auth, access_appeal_by_number(request.auth, number))


@router.get("/{number}/timeline", response=responses(list[EventOut]), summary="办理过程")
def get_timeline(request: HttpRequest, number: str) -> list[dict]:
    return present.timeline(request.auth, access_appeal_by_number(request.auth, number))
