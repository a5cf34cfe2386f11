"""What the Open311 endpoints say, as plain data (open311_format renders it)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.api.callers import Caller
from zhengwu.api.intake import Submission, submit
from zhengwu.api.models import PartnerSubmission
from zhengwu.api.open311_status import open311_status
from zhengwu.appeals import actions
from zhengwu.appeals.models import Appeal, AppealEvent
from zhengwu.appeals.workflow import OPEN, Status
from zhengwu.audit.context import client_ip
from zhengwu.dispatch.catalogue import policy_for
from zhengwu.dispatch.models import AppealType, Category
from zhengwu.lib.masking import mask_text
from zhengwu.org.models import Division, validate_mobile

MAX_REQUESTS = 1000
MAX_SPAN = dt.timedelta(days=90)
MAX_DESCRIPTION = 4000
CHANGESET = "2026-11-27T00:00:00+08:00"
YES_NO = [{"key": "true", "name": "是"}, {"key": "false", "name": "否"}]


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def discovery(base_url: str) -> dict:
    return {
        "changeset": CHANGESET,
        "contact": _("12345政务服务便民热线；开放接口说明见 docs/integration.md"),
        "key_service": _("向督办中心申请合作渠道密钥（manage.py create_partner）"),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base_url.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def _service_categories() -> QuerySet[Category]:
    """Services are the catalogue's active leaves: the matters an appeal is filed under."""
    return Category.objects.filter(is_active=True).exclude(children__is_active=True).distinct()


def services() -> list[dict]:
    categories = _service_categories().order_by("path")
    roots = {c.pk: c.name for c in Category.objects.filter(parent__isnull=True)}
    return [
        {
            "service_code": str(c.pk),
            "service_name": c.name,
            "description": c.path,
            "metadata": True,
            "type": "realtime",
            "keywords": ",".join(c.keywords.split()),
            "group": roots.get(_root_id(c), c.name),
        }
        for c in categories.select_related("parent__parent")
    ]


def _root_id(category: Category) -> int:
    node = category
    while node.parent_id is not None:
        node = node.parent
    return node.pk


def service(code: str) -> Category:
    category = _service_categories().filter(pk=code).first() if code.isdigit() else None
    if category is None:
        raise Http404
    return category


def service_definition(category: Category) -> dict:
    attribute = {
        "variable": True,
        "datatype_description": "",
        "values": [],
    }
    attributes = [
        {
            **attribute,
            "code": "appeal_type",
            "datatype": "singlevaluelist",
            "required": True,
            "description": _("诉求类型"),
            "values": [{"key": k, "name": str(v)} for k, v in AppealType.choices],
        },
        {
            **attribute,
            "code": "title",
            "datatype": "string",
            "required": False,
            "description": _("标题（4至100字；不填则取描述的开头）"),
        },
        {
            **attribute,
            "code": "division_code",
            "datatype": "string",
            "required": False,
            "description": _("所在区域"),
            "datatype_description": _("12位行政区划代码，见 /api/v1/divisions"),
        },
        {
            **attribute,
            "code": "anonymous",
            "datatype": "singlevaluelist",
            "required": False,
            "description": _("对承办单位匿名"),
            "values": YES_NO,
        },
        {
            **attribute,
            "code": "confidential",
            "datatype": "singlevaluelist",
            "required": False,
            "description": _("保密（不公开）"),
            "values": YES_NO,
        },
    ]
    for order, item in enumerate(attributes, start=1):
        item["order"] = order
    return {"service_code": str(category.pk), "attributes": attributes}


# ---------------------------------------------------------------------------------------------
# Requests


def _latest_public_note() -> Subquery:
    notes = AppealEvent.objects.filter(appeal=OuterRef("pk")).exclude(public_note="")
    return Subquery(notes.order_by("-created_at", "-pk").values("public_note")[:1])


def visible_requests(caller: Caller) -> QuerySet[Appeal]:
    public = Q(is_confidential=False, is_malicious=False) & ~Q(
        status__in=[Status.RECEIVED, Status.REJECTED]
    )
    if caller.partner is not None:
        public |= Q(partner_submission__partner=caller.partner)
    return (
        Appeal.objects.filter(public)
        .select_related("category", "lead_department", "partner_submission")
        .annotate(status_note=_latest_public_note())
    )


def _round(value: Decimal | None) -> str | None:
    # About 100 m: enough to find the pothole, not enough to find the caller's door.
    return f"{value:.3f}" if value is not None else None


def as_request(appeal: Appeal) -> dict:
    status = open311_status(appeal.status)
    located = getattr(appeal, "partner_submission", None)
    return {
        "service_request_id": appeal.number,
        "status": status,
        "status_notes": mask_text(appeal.status_note or ""),
        "service_name": appeal.category.name if appeal.category_id else "",
        "service_code": str(appeal.category_id or ""),
        "description": mask_text(appeal.content),
        "agency_responsible": appeal.lead_department.name if appeal.lead_department_id else "",
        "service_notice": "",
        "requested_datetime": _iso(appeal.received_at),
        "updated_datetime": _iso(appeal.closed_at if status == "closed" else appeal.updated_at),
        "expected_datetime": _iso(appeal.deadline),
        "address": mask_text(appeal.address),
        "address_id": "",
        "zipcode": "",
        "lat": _round(located.lat) if located else None,
        "long": _round(located.long) if located else None,
        "media_url": "",
    }


def _date(params: dict, name: str) -> dt.datetime | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError as exc:
        raise ValidationError(_("%(n)s 不是有效的 ISO 8601 时间。") % {"n": name}) from exc
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _codes(raw: str | None, pattern: str, name: str) -> list[str]:
    items = [item.strip() for item in (raw or "").split(",") if item.strip()]
    if len(items) > MAX_REQUESTS or any(not re.fullmatch(pattern, i) for i in items):
        raise ValidationError(_("%(n)s 格式不正确。") % {"n": name})
    return items


def find_requests(params: dict, caller: Caller) -> list[dict]:
    appeals = visible_requests(caller)
    ids = _codes(params.get("service_request_id"), r"(?i)ZW\d{14}", "service_request_id")
    if ids:
        appeals = appeals.filter(number__in=[i.upper() for i in ids])
    else:
        appeals = _filter(appeals, params)
    rows = appeals.order_by("-received_at", "-pk")[:MAX_REQUESTS]
    return [as_request(a) for a in rows]


def _filter(appeals: QuerySet[Appeal], params: dict) -> QuerySet[Appeal]:
    codes = _codes(params.get("service_code"), r"\d{1,9}", "service_code")
    if codes:
        appeals = appeals.filter(category__in=[int(c) for c in codes])
    start, end = _date(params, "start_date"), _date(params, "end_date")
    try:
        end = end or (start + MAX_SPAN if start else timezone.now())
        start = start or end - MAX_SPAN
    except OverflowError as exc:  # year 1 or 9999: no 90-day window fits
        raise ValidationError(_("start_date 或 end_date 超出范围。")) from exc
    if end < start or end - start > MAX_SPAN:
        raise ValidationError(_("start_date 与 end_date 须有序且相隔不超过90天。"))
    appeals = appeals.filter(received_at__gte=start, received_at__lte=end)
    statuses = _codes(params.get("status"), r"open|closed", "status")
    if len(set(statuses)) == 1:
        wanted = [s for s in Status if (s in OPEN) == (statuses[0] == "open")]
        appeals = appeals.filter(status__in=wanted)
    return appeals


def one_request(request_id: str, caller: Caller) -> dict:
    appeal = visible_requests(caller).filter(number=request_id.strip().upper()[:20]).first()
    if appeal is None:
        raise Http404
    return as_request(appeal)


def resolve_token(token: str, caller: Caller) -> dict:
    """Our services are realtime (POST answers with the id at once), so the only tokens are a
    partner's own external ids: with its api_key, a partner whose POST response was lost finds
    the id it was given."""
    claim = None
    if caller.partner is not None:
        claim = (
            PartnerSubmission.objects.filter(partner=caller.partner, external_id=token[:40])
            .select_related("appeal")
            .first()
        )
    if claim is None or claim.appeal is None:
        raise Http404
    return {"service_request_id": claim.appeal.number, "token": token}


# ---------------------------------------------------------------------------------------------
# Creating a request


def _attributes(params: dict) -> dict[str, str]:
    found = {}
    for key, value in params.items():
        match = re.fullmatch(r"attribute\[(\w+)\]", key)
        if match and isinstance(value, str):
            found[match.group(1)] = value.strip()
    return found


def _flag(attributes: dict[str, str], name: str) -> bool:
    value = attributes.get(name, "false").lower()
    if value not in {"true", "false", ""}:
        raise ValidationError(_("attribute[%(n)s] 应为 true 或 false。") % {"n": name})
    return value == "true"


def _coordinate(params: dict, name: str, bound: int) -> Decimal | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw).quantize(Decimal("0.000001"))
    except InvalidOperation as exc:
        raise ValidationError(_("%(n)s 不是有效的坐标。") % {"n": name}) from exc
    if not -bound <= value <= bound:
        raise ValidationError(_("%(n)s 超出范围。") % {"n": name})
    return value


def _contact(params: dict) -> dict:
    phone = (params.get("phone") or "").strip()
    email = (params.get("email") or "").strip()
    if phone:
        validate_mobile(phone)
    if email:
        validate_email(email)
    name = ((params.get("last_name") or "") + (params.get("first_name") or "")).strip()
    return {"contact_phone": phone, "contact_email": email, "contact_name": name[:50]}


def _description(params: dict) -> str:
    text = (params.get("description") or "").strip()
    if not text:
        raise ValidationError(_("缺少 description。"))
    if len(text) > MAX_DESCRIPTION or "<" in text:
        raise ValidationError(_("description 不能超过4000字，也不能含 HTML。"))
    return text


def _draft(params: dict, category: Category) -> actions.Draft:
    attributes = _attributes(params)
    appeal_type = attributes.get("appeal_type", "")
    if appeal_type not in AppealType.values:
        raise ValidationError(_("attribute[appeal_type] 缺失或无效。"))
    content = _description(params)
    division = None
    if code := attributes.get("division_code"):
        division = Division.objects.filter(code=code).first()
        if division is None:
            raise ValidationError(_("attribute[division_code] 不存在。"))
    return actions.Draft(
        appeal_type=appeal_type,
        title=(attributes.get("title") or content[:20])[:100],
        content=content,
        category=category,
        division=division,
        address=(params.get("address_string") or "").strip()[:200],
        is_anonymous=_flag(attributes, "anonymous"),
        is_confidential=_flag(attributes, "confidential"),
        **_contact(params),
    )


def _media_url(params: dict) -> str:
    url = (params.get("media_url") or "").strip()
    if url:
        URLValidator(schemes=["http", "https"])(url)
    return url[:300]


def create_request(params: dict, caller: Caller) -> dict:
    category = service((params.get("service_code") or "").strip())
    lat, long = _coordinate(params, "lat", 90), _coordinate(params, "long", 180)
    submission = Submission(
        draft=_draft(params, category),
        external_id=_external_id(params),
        lat=lat,
        long=long,
        media_url=_media_url(params),
    )
    receipt = submit(caller, submission, client_ip.get())
    appeal = receipt.appeal
    return {
        "service_request_id": appeal.number,
        "service_notice": _notice(appeal),
        "account_id": None,
        # Extension: the citizen's query code for the tracking page, returned once.
        "query_code": receipt.query_code,
    }


def _external_id(params: dict) -> str:
    value = (params.get("external_id") or _attributes(params).get("external_id") or "").strip()
    if len(value) > 40 or not re.fullmatch(r"[\w.:-]*", value):
        raise ValidationError(_("external_id 最长40个字符，只能含字母、数字和 _.:-。"))
    return value


def _notice(appeal: Appeal) -> str:
    policy = policy_for(appeal.category, appeal.appeal_type, appeal.urgency)
    return _("受理后转交承办单位，办理时限%(n)d个%(unit)s。") % {
        "n": policy.completion_limit,
        "unit": policy.get_completion_unit_display(),
    }
