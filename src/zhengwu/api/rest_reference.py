"""Reference data and published replies: the dispatch catalogue, organisations, divisions, and
the public wall. Readable without a key (within the anonymous rate limit)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Field as F
from ninja import Query, Router, Schema

from zhengwu.api import cursors, present
from zhengwu.api.auth import optional
from zhengwu.api.responses import responses
from zhengwu.api.schemas import (
    CategoryOut,
    DivisionOut,
    OrganisationOut,
    PublishedOut,
    PublishedPage,
    ReportOut,
    ReportSummary,
)
from zhengwu.appeals import queries
from zhengwu.appeals.models import Reply
from zhengwu.dispatch.models import Category
from zhengwu.org.access import organisations_visible_to
from zhengwu.org.models import Division
from zhengwu.reports.models import Report

# Open to everyone, with or without a key: the document says so (an empty security option).
router = Router(tags=["reference"], auth=optional)
PUBLIC = {"security": [{"ApiAuth": []}, {}]}


@router.get(
    "/catalogue",
    response=responses(list[CategoryOut]),
    summary="派单目录（诉求分类）",
    openapi_extra=PUBLIC,
)
def catalogue(request: HttpRequest) -> list[dict]:
    categories = Category.objects.filter(is_active=True).select_related("lead_department")
    return [
        {
            "id": c.pk,
            "name": c.name,
            "path": c.path,
            "level": c.level,
            "parent_id": c.parent_id,
            "lead_department": {"id": c.lead_department_id, "name": c.lead_department.name}
            if c.lead_department_id
            else None,
            "is_active": c.is_active,
        }
        for c in categories
    ]


@router.get(
    "/organisations",
    response=responses(list[OrganisationOut]),
    summary="组织机构（工作人员可见，与通讯录页面相同）",
    openapi_extra=PUBLIC,
)
def organisations(request: HttpRequest) -> list[dict]:
    bodies = organisations_visible_to(request.auth.user).filter(is_active=True)
    return [
        {
            "id": o.pk,
            "name": o.name,
            "kind": o.kind,
            "parent_id": o.parent_id,
            "division_code": o.division.code,
        }
        for o in bodies.order_by("pk")
    ]


@router.get(
    "/divisions", response=responses(list[DivisionOut]), summary="行政区划", openapi_extra=PUBLIC
)
def divisions(request: HttpRequest) -> list[dict]:
    rows = Division.objects.select_related("parent").order_by("code")
    return [
        {
            "code": d.code,
            "name": d.name,
            "level": d.level,
            "kind": d.kind,
            "parent_code": d.parent.code if d.parent_id else None,
        }
        for d in rows
    ]


class PageQuery(Schema):
    q: str = F("", max_length=50)
    cursor: str | None = F(None, max_length=200)
    limit: int = F(20, ge=1, le=100)


@router.get(
    "/published",
    response=responses(PublishedPage),
    summary="公开答复（问政墙）",
    openapi_extra=PUBLIC,
)
def published(request: HttpRequest, params: Query[PageQuery]) -> dict:
    rows, next_cursor = cursors.page(
        queries.wall(params.q), "published_at", params.cursor, params.limit
    )
    replies = _approved_replies([a.pk for a in rows])
    items = [present.published(a, replies.get(a.pk, "")) for a in rows]
    return {"items": items, "next_cursor": next_cursor}


def _approved_replies(appeal_ids: list[int]) -> dict[int, str]:
    """The published reply of each appeal in one query (the newest approved one wins)."""
    replies = Reply.objects.filter(appeal__in=appeal_ids, review=Reply.Review.APPROVED)
    texts: dict[int, str] = {}
    for reply in replies.order_by("appeal", "-submitted_at").only("appeal", "text"):
        texts.setdefault(reply.appeal_id, reply.text)
    return texts


@router.get(
    "/published/{number}",
    response=responses(PublishedOut),
    summary="公开答复详情",
    openapi_extra=PUBLIC,
)
def published_one(request: HttpRequest, number: str) -> dict:
    appeal = queries.wall().filter(number=number.strip().upper()[:20]).first()
    if appeal is None:
        raise Http404
    reply = queries.published_reply(appeal)
    return present.published(appeal, reply.text if reply else "")


def _report(report: Report) -> dict:
    return {
        "id": report.pk,
        "kind": report.kind,
        "period_type": report.period_type,
        "start": report.start,
        "end": report.end,
        "title": report.title,
        "published_at": report.published_at,
    }


def _published_reports():
    # The same reports as the public page (/reports/): published ones only, frozen.
    return Report.objects.filter(state=Report.State.PUBLISHED)


@router.get(
    "/reports",
    response=responses(list[ReportSummary]),
    summary="已发布的通报（周报、月报等）",
    openapi_extra=PUBLIC,
)
def reports(request: HttpRequest) -> list[dict]:
    rows = _published_reports().defer("snapshot").order_by("-start", "kind")[:200]
    return [_report(r) for r in rows]


@router.get(
    "/reports/{report_id}",
    response=responses(ReportOut),
    summary="已发布通报的内容",
    openapi_extra=PUBLIC,
)
def report(request: HttpRequest, report_id: int) -> dict:
    found = _published_reports().filter(pk=report_id).first()
    if found is None:
        raise Http404
    return {**_report(found), "snapshot": found.snapshot}
