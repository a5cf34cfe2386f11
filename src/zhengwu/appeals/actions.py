"""Use cases of the appeals hub: one function per change, each in one transaction that checks
permission (appeals.access), moves the workflow (appeals.workflow), appends the timeline event,
writes the audit row and schedules notifications after commit. Pages, the API, the periodic
checks and commands all call these."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.appeals import abuse, deadlines, notices, numbers, smart_dispatch, tasks
from zhengwu.appeals.access import current_assignment, handling_ids, is_handler_of, require_action
from zhengwu.appeals.models import (
    Appeal,
    AppealEvent,
    Assignment,
    Attachment,
    BlockedContact,
    Channel,
    Evaluation,
    Extension,
    Mailbox,
    Outcome,
    RejectionReason,
    Reply,
    Resolution,
    ReturnReason,
    Satisfaction,
    Supervision,
    Urge,
)
from zhengwu.appeals.uploads import CheckedFile, check_files
from zhengwu.appeals.workflow import HANDLING, ConflictError, Status, transition
from zhengwu.audit.record import record
from zhengwu.audit.registry import register
from zhengwu.dispatch.models import AppealType, Category, DispatchSettings, Suggestion, Urgency
from zhengwu.lib.tasks import batch, enqueue_on_commit
from zhengwu.lib.workdays import WorkCalendar
from zhengwu.org.access import has_role, is_staff_member, posts
from zhengwu.org.calendar import get_calendar
from zhengwu.org.models import Division, Organisation, Role, User

A = {
    name: register(f"appeals.{name}", label)
    for name, label in {
        "submitted": _("提交诉求"),
        "accepted": _("受理诉求"),
        "rejected": _("不予受理"),
        "dispatched": _("派单"),
        "signed": _("签收"),
        "returned": _("退单"),
        "return_refused": _("驳回退单"),
        "noted": _("添加办理记录"),
        "info_requested": _("要求补充材料"),
        "info_supplied": _("市民补充材料"),
        "resumed": _("恢复办理"),
        "co_opinion": _("提交协办意见"),
        "replied": _("提交答复"),
        "reply_approved": _("审核通过答复"),
        "reply_rejected": _("退回答复"),
        "answered_directly": _("直接答复"),
        "evaluated": _("评价"),
        "reopen_decided": _("重办审核"),
        "merged": _("并单"),
        "unmerged": _("取消并单"),
        "extension_requested": _("申请延期"),
        "extension_decided": _("审核延期"),
        "urged": _("催办"),
        "supervised": _("督办"),
        "supervision_answered": _("反馈督办"),
        "flagged": _("标记恶意诉求"),
        "reclassified": _("修改分类或区域"),
    }.items()
}
log = logging.getLogger(__name__)

# The citizen has this long to evaluate a published reply before it counts as 未评价.
EVALUATION_WINDOW_WORKING_DAYS = 10
MIN_CONTENT = 10


def _now() -> dt.datetime:
    return timezone.now()


def _lock(appeal: Appeal, expected_version: int | None = None) -> Appeal:
    """Lock the row for this transaction and refuse if someone changed it meanwhile."""
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(_("该诉求刚刚已被他人处理，请刷新页面查看最新状态。"), code="conflict")
    return locked


def _save(appeal: Appeal, *fields: str) -> None:
    appeal.version += 1
    appeal.save(update_fields=[*fields, "version", "updated_at"])


def _post_in(user: Any, roles: Iterable[str]) -> tuple[int | None, str]:
    """(organisation id, role) of the post the user acts in, for the audit row."""
    for post in sorted(posts(user), key=lambda p: (p.organisation_id, p.role)):
        if post.role in roles:
            return post.organisation_id, post.role
    return None, ""


def _audit(
    name: str,
    user: Any,
    appeal: Appeal,
    *,
    organisation: Any = None,
    role: str = "",
    summary: dict | None = None,
) -> None:
    organisation_id = None
    if organisation is None and is_staff_member(user):
        organisation_id, role = _post_in(user, [p.role for p in posts(user)])
    base = {"number": appeal.number, "status": appeal.status}
    record(
        A[name],
        actor=user,
        obj=appeal,
        organisation=organisation,
        organisation_id=organisation_id,
        role=role,
        summary={**base, **(summary or {})},
    )


def _text(value: str, label: str, minimum: int = 2) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise ValidationError(
            _("请填写%(label)s（至少%(n)d个字）。") % {"label": label, "n": minimum},
            code="required",
        )
    return value


def _attach(
    appeal: Appeal,
    files: Sequence[UploadedFile],
    *,
    user: Any,
    reply: Reply | None = None,
    public: bool = False,
) -> list[Attachment]:
    return _store(appeal, check_files(list(files)), user=user, reply=reply, public=public)


def _store(
    appeal: Appeal,
    files: Sequence[CheckedFile],
    *,
    user: Any,
    reply: Reply | None = None,
    public: bool = False,
) -> list[Attachment]:
    attachments = []
    for checked in files:
        attachment = Attachment(
            appeal=appeal,
            reply=reply,
            original_name=checked.name,
            content_type=checked.content_type,
            extension=checked.extension,
            size=len(checked.content),
            sha256=checked.sha256,
            is_public=public,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        attachment.file.save(f"upload.{checked.extension}", checked.as_django_file(), save=False)
        attachment.save()
        attachments.append(attachment)
    return attachments


# ---------------------------------------------------------------------------------------------
# Intake


@dataclass
class Draft:
    """What a citizen (or an agent for them) says; the same for every channel."""

    appeal_type: str
    title: str
    content: str
    urgency: str = Urgency.NORMAL
    category: Category | None = None
    division: Division | None = None
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    is_anonymous: bool = False
    is_confidential: bool = False
    mailbox: Mailbox | None = None
    external_id: str = ""
    files: Sequence[UploadedFile] = field(default_factory=list)


PUBLIC_CHANNELS = {Channel.PORTAL, Channel.MAILBOX}
AGENT_ROLES = (Role.INTAKE_AGENT, Role.DISPATCHER)


def _check_intake(draft: Draft, channel: str, acting_user: Any, ip: str | None) -> None:
    if channel == Channel.HOTLINE and not has_role(acting_user, *AGENT_ROLES):
        raise PermissionDenied(_("只有受理员可以录入热线工单。"))
    if channel == Channel.MAILBOX and draft.mailbox is None:
        raise ValidationError({"mailbox": _("请选择收信的信箱。")})
    if draft.appeal_type not in AppealType.values:
        raise ValidationError({"appeal_type": _("请选择诉求类型。")})
    if not (draft.contact_phone or draft.contact_email or draft.is_anonymous):
        raise ValidationError(_("请留下手机号码或电子邮箱，以便告知办理结果；也可以选择匿名。"))
    abuse.check_blocked(phone=draft.contact_phone, email=draft.contact_email, ip=ip)
    if channel in PUBLIC_CHANNELS:
        abuse.hit({"ip": ip or "", "phone": draft.contact_phone})


def _new_appeal(draft: Draft, channel: str, acting_user: Any, ip: str | None) -> Appeal:
    """The appeal, checked, not yet numbered or saved."""
    citizen = (
        acting_user if acting_user.is_authenticated and not is_staff_member(acting_user) else None
    )
    appeal = Appeal(
        channel=channel,
        external_id=draft.external_id,
        mailbox=draft.mailbox,
        appeal_type=draft.appeal_type,
        urgency=draft.urgency or Urgency.NORMAL,
        category=draft.category,
        division=draft.division,
        title=_text(draft.title, _("标题"), 4),
        content=_text(draft.content, _("内容"), MIN_CONTENT),
        address=draft.address.strip(),
        citizen=citizen,
        contact_name=draft.contact_name.strip(),
        contact_phone=draft.contact_phone.strip(),
        contact_email=draft.contact_email.strip().lower(),
        is_anonymous=draft.is_anonymous,
        is_confidential=draft.is_confidential,
        entered_by=acting_user if channel == Channel.HOTLINE else None,
        submitter_ip=ip,
        status=Status.RECEIVED,
    )
    # What the citizen (or the agent, or the partner) wrote is checked: lengths, choices, the
    # e-mail address. The rest is set right here (status, times, counters) and related rows
    # arrive as instances already read from the database; the (channel, external_id)
    # constraint is the database's to enforce (partners reach it through api.PartnerSubmission,
    # which makes retries idempotent). Checking those too would cost every submission queries
    # and about a twentieth of its CPU.
    appeal.full_clean(exclude=_NOT_FROM_DRAFT, validate_unique=False, validate_constraints=False)
    return appeal


_FROM_DRAFT = {
    "channel",
    "external_id",
    "appeal_type",
    "urgency",
    "title",
    "content",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
}
_NOT_FROM_DRAFT = [f.name for f in Appeal._meta.fields if f.name not in _FROM_DRAFT]


def do_submit_appeal(
    draft: Draft,
    *,
    channel: str,
    acting_user: Any,
    ip: str | None = None,
    accept: bool = False,
    keep: Callable[[Appeal], Any] | None = None,
) -> tuple[Appeal, str]:
    """Take in an appeal from any channel; returns it with its query code (shown once).
    `accept`: a hotline agent takes the call and accepts it (受理) in the same transaction.
    `keep`: the channel's own record of the submission, written with the appeal in the same
    transaction (a partner's external id: see api.intake)."""
    _check_intake(draft, channel, acting_user, ip)
    appeal = _new_appeal(draft, channel, acting_user, ip)
    files = check_files(list(draft.files))
    # Everything is checked: now the number, in a transaction of its own when the caller has
    # none open, so that concurrent submissions wait for the day's counter during one statement
    # rather than during the whole intake. Numbers never repeat; a submission that fails from
    # here on (a database error, a partner's resent id) leaves a gap in the day's numbers.
    appeal.number = numbers.next_number()
    return _take_in(appeal, files, draft, acting_user, accept, keep)


@transaction.atomic
@batch()  # its task rows in one INSERT
def _take_in(
    appeal: Appeal,
    files: list[CheckedFile],
    draft: Draft,
    acting_user: Any,
    accept: bool,
    keep: Callable[[Appeal], Any] | None,
) -> tuple[Appeal, str]:
    channel = appeal.channel
    code = numbers.new_query_code()
    appeal.query_code_hash = numbers.digest(appeal.number, code)
    appeal.save()
    _store(appeal, files, user=acting_user)
    addressee = _("（致%(box)s）") % {"box": draft.mailbox.name} if draft.mailbox else ""
    AppealEvent.append(
        appeal,
        kind="submitted",
        actor=acting_user,
        to_status=Status.RECEIVED,
        public_note=_("诉求已提交%(to)s，等待受理。") % {"to": addressee},
    )
    notices.received(appeal, code)
    if accept:
        require_action(acting_user, appeal, "accept")
        _accept(appeal, acting_user)
        _save(appeal, "status", "accepted_at")
    # Smart dispatch (suggestion, duplicates, automatic dispatch) runs on a worker once this
    # commits: the citizen's submission never waits for the model, the gazetteer or the
    # duplicate search, and the periodic checks catch an analysis whose task was lost.
    enqueue_on_commit(tasks.analyse_appeal, appeal.pk)
    if keep is not None:
        keep(appeal)
    _audit(
        "submitted",
        acting_user,
        appeal,
        summary={
            "channel": channel,
            "contact_phone": appeal.contact_phone,
            "status": Status.RECEIVED,
        },
    )
    if accept:
        _audit("accepted", acting_user, appeal)
    return appeal, code


@transaction.atomic
def do_analyse_new_appeal(appeal_id: int) -> str:
    """Suggest a route and find duplicates for a new appeal, received or already accepted (a
    hotline agent accepts calls as they enter them); dispatch it automatically when the centre
    allows it and the model is sure enough. Idempotent: an analysed appeal is skipped."""
    appeal = Appeal.objects.select_for_update().filter(pk=appeal_id).first()
    if appeal is None or appeal.status not in (Status.RECEIVED, Status.ACCEPTED):
        return "skipped"
    if Suggestion.objects.filter(reference=appeal.pk).exists():
        return "skipped"
    advice = _smart_advice(appeal)
    suggestion = _smart_suggestion(appeal, advice)
    if suggestion is None:
        return "failed"
    _smart_auto_dispatch(appeal, *advice, suggestion)
    return "analysed"


def _smart_advice(appeal: Appeal) -> tuple | None:
    """Route suggestion and duplicate candidates. In a savepoint: whatever goes wrong in smart
    dispatch, the appeal stays in the queue for a dispatcher."""
    try:
        with transaction.atomic():
            return smart_dispatch.advise(appeal)
    except Exception:
        log.exception("smart dispatch failed for appeal %s", appeal.pk)
        return None


def _smart_suggestion(appeal: Appeal, advice: tuple | None) -> Suggestion | None:
    if advice is None:
        return None
    try:
        with transaction.atomic():
            return smart_dispatch.store_suggestion(appeal, *advice)
    except Exception:
        log.exception("storing the dispatch suggestion failed for appeal %s", appeal.pk)
        return None


def _smart_auto_dispatch(appeal: Appeal, advice: Any, duplicates: list, suggestion: Any) -> None:
    """Dispatch at once when the centre allows it and the model is sure enough."""
    if not advice.auto_dispatchable(DispatchSettings.current(), bool(duplicates)):
        return
    try:
        with transaction.atomic():
            _auto_dispatch(appeal, advice, suggestion)
    except Exception:
        log.exception("automatic dispatch failed for appeal %s", appeal.pk)
        appeal.refresh_from_db()


def _auto_dispatch(appeal: Appeal, advice: Any, suggestion: Suggestion) -> None:
    note = _("智能派单（置信度%(c).2f）：%(r)s") % {
        "c": advice.confidence,
        "r": "；".join(advice.reasons),
    }
    assignee = User.objects.filter(pk=advice.handler_id).first() if advice.handler_id else None
    route = Route(advice.lead, tuple(advice.co_handlers), note, advice.category, assignee)
    if appeal.status == Status.RECEIVED:
        _accept(appeal, None)
    _route(appeal, route, None, None, "dispatched")
    _save(appeal, *ROUTE_FIELDS)
    _audit("dispatched", None, appeal, summary={"lead": route.lead.name, "kind": "auto"})
    suggestion.outcome = Suggestion.Outcome.AUTO
    suggestion.chosen_lead, suggestion.chosen_category = advice.lead, advice.category
    suggestion.save(update_fields=["outcome", "chosen_lead", "chosen_category"])


@transaction.atomic
def do_accept(appeal: Appeal, *, acting_user: Any, expected_version: int | None = None) -> Appeal:
    appeal = _lock(appeal, expected_version)
    require_action(acting_user, appeal, "accept")
    _accept(appeal, acting_user)
    _save(appeal, "status", "accepted_at")
    _audit("accepted", acting_user, appeal)
    return appeal


def _accept(appeal: Appeal, user: Any) -> None:
    transition(
        appeal,
        Status.ACCEPTED,
        actor=user,
        kind="accepted",
        public_note=_("诉求已受理，正在转交承办单位。"),
    )
    appeal.accepted_at = _now()


@transaction.atomic
def do_reject(
    appeal: Appeal,
    reason: RejectionReason,
    *,
    acting_user: Any,
    note: str = "",
    expected_version: int | None = None,
) -> Appeal:
    """不予受理, with the route the citizen should take instead."""
    appeal = _lock(appeal, expected_version)
    require_action(acting_user, appeal, "reject")
    if not reason.is_active:
        raise ValidationError({"reason": _("请选择有效的不予受理理由。")})
    public = f"{reason.label}：{reason.citizen_text}" + (
        f"\n{note.strip()}" if note.strip() else ""
    )
    transition(appeal, Status.REJECTED, actor=acting_user, kind="rejected", public_note=public)
    appeal.rejection_reason, appeal.closed_at = reason, _now()
    _save(appeal, "status", "rejection_reason", "closed_at")
    _audit("rejected", acting_user, appeal, summary={"reason": reason.code})
    notices.citizen_update(appeal, _("您的诉求不予受理。%(text)s") % {"text": public})
    return appeal


# ---------------------------------------------------------------------------------------------
# Dispatch, signing, returns


@dataclass(frozen=True)
class Route:
    lead: Organisation
    co_handlers: tuple[Organisation, ...] = ()
    note: str = ""
    category: Category | None = None
    assignee: Any = None  # a handler of the lead body, named by a rule or the dispatcher


def _check_route(route: Route) -> None:
    unfit = {Organisation.Kind.CENTRE, Organisation.Kind.GOVERNMENT}
    for org in (route.lead, *route.co_handlers):
        if not org.is_active or org.kind in unfit:
            raise ValidationError({"lead": _("“%(org)s”不能承办诉求。") % {"org": org.name}})
    if route.assignee is not None and not is_handler_of(route.assignee, route.lead):
        raise ValidationError(
            {
                "assignee": _("%(u)s不是%(org)s的承办人。")
                % {"u": route.assignee, "org": route.lead.name}
            }
        )
    if route.lead in route.co_handlers:
        raise ValidationError({"co_handlers": _("主办单位不能同时是协办单位。")})
    if len(set(route.co_handlers)) != len(route.co_handlers):
        raise ValidationError({"co_handlers": _("协办单位重复。")})


def _end_assignments(appeal: Appeal, now: dt.datetime) -> None:
    appeal.assignments.filter(ended_at__isnull=True).exclude(
        state=Assignment.State.RETURNED
    ).update(ended_at=now, state=Assignment.State.ENDED)
    appeal.assignments.filter(ended_at__isnull=True).update(ended_at=now)


def _assign(
    appeal: Appeal, route: Route, user: Any, limits: deadlines.Limits, now: dt.datetime
) -> None:
    common = {
        "appeal": appeal,
        "dispatched_at": now,
        "dispatched_by": user,
        "response_due": limits.response_due,
    }
    Assignment.objects.create(
        organisation=route.lead,
        role=Assignment.Role.LEAD,
        due=limits.deadline,
        assignee=route.assignee,
        **common,
    )
    Assignment.objects.bulk_create(
        Assignment(organisation=org, role=Assignment.Role.CO, due=limits.co_due, **common)
        for org in route.co_handlers
    )


def _route(
    appeal: Appeal, route: Route, user: Any, calendar: WorkCalendar | None, kind: str
) -> None:
    """Hand the appeal to a lead body (and co-handlers) with fresh time limits."""
    _check_route(route)
    now = _now()
    if route.category is not None:
        appeal.category = route.category
    limits = deadlines.limits_for(
        calendar or get_calendar(), now, appeal.category, appeal.appeal_type, appeal.urgency
    )
    _end_assignments(appeal, now)
    _assign(appeal, route, user, limits, now)
    names = "、".join(org.name for org in route.co_handlers)
    public = _("已转交%(lead)s办理%(co)s，办理期限至%(due)s。") % {
        "lead": route.lead.name,
        "co": _("（协办：%s）") % names if names else "",
        "due": timezone.localtime(limits.deadline).strftime("%Y-%m-%d"),
    }
    transition(
        appeal,
        Status.DISPATCHED,
        actor=user,
        kind=kind,
        public_note=public,
        internal_note=route.note,
        data={
            "lead": route.lead.pk,
            "co": [o.pk for o in route.co_handlers],
            "previous_lead": appeal.lead_department_id,
            "assignee": route.assignee.pk if route.assignee else None,
        },
    )
    appeal.lead_department, appeal.dispatched_at = route.lead, now
    appeal.response_due, appeal.deadline, appeal.paused_at = (
        limits.response_due,
        limits.deadline,
        None,
    )
    notices.new_work(appeal, route.lead, route.co_handlers, route.assignee)
    notices.citizen_update(appeal, public)


ROUTE_FIELDS = (
    "status",
    "category",
    "lead_department",
    "dispatched_at",
    "response_due",
    "deadline",
    "paused_at",
    "accepted_at",
)


@transaction.atomic
def do_dispatch(
    appeal: Appeal,
    route: Route,
    *,
    acting_user: Any,
    expected_version: int | None = None,
    calendar: WorkCalendar | None = None,
) -> Appeal:
    """派单 (accepting first if needed) or 改派 to another body; time limits restart."""
    appeal = _lock(appeal, expected_version)
    require_action(acting_user, appeal, "dispatch")
    kind = "redispatched" if appeal.dispatched_at else "dispatched"
    if appeal.status == Status.RECEIVED:
        _accept(appeal, acting_user)
    _route(appeal, route, acting_user, calendar, kind)
    _save(appeal, *ROUTE_FIELDS)
    _audit("dispatched", acting_user, appeal, summary={"lead": route.lead.name, "kind": kind})
    smart_dispatch.note_dispatch(appeal, route.lead, route.category, acting_user)
    return appeal


@transaction.atomic
def do_reclassify(
    appeal: Appeal,
    category: Category | None,
    division: Division | None,
    *,
    acting_user: Any,
    expected_version: int | None = None,
) -> Appeal:
    """改分类/改区域: routing runs again; an appeal already with a body moves (改派) when the
    new category or place routes it elsewhere (FixMyStreet resends on a category change)."""
    appeal = _lock(appeal, expected_version)
    require_action(acting_user, appeal, "reclassify")
    old = f"{appeal.category or '—'} / {appeal.division or '—'}"
    appeal.category, appeal.division = category, division
    AppealEvent.append(
        appeal,
        kind="reclassified",
        actor=acting_user,
        internal_note=_("分类/区域：%(o)s → %(n)s")
        % {"o": old, "n": f"{category or '—'} / {division or '—'}"},
    )
    advice, _duplicates, _suggestion = smart_dispatch.analyse(appeal)
    moved = appeal.status in HANDLING and advice.lead is not None
    moved = moved and advice.lead.pk != appeal.lead_department_id
    if moved:
        note = _("分类或区域变更后重新派单：%(r)s") % {"r": "；".join(advice.reasons)}
        route = Route(advice.lead, tuple(advice.co_handlers), note, category)
        _route(appeal, route, acting_user, None, "redispatched")
        smart_dispatch.note_dispatch(appeal, route.lead, category, acting_user)
    _save(appeal, *ROUTE_FIELDS, "division")
    _audit("reclassified", acting_user, appeal, summary={"moved": moved})
    return appeal


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def do_bulk(appeals: Iterable[Appeal], act: Callable[[Appeal], Any]) -> BulkResult:
    """Apply one action to several appeals; each succeeds or fails on its own (its own
    transaction), and the result names the failures with their reasons."""
    result = BulkResult()
    for appeal in appeals:
        try:
            act(appeal)
        except (ValidationError, PermissionDenied) as exc:
            result.failed[appeal.number] = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            result.done.append(appeal.number)
    return result


def _my_assignment(appeal: Appeal, user: Any, role: str | None = None) -> Assignment:
    assignment = current_assignment(appeal, handling_ids(user), role)
    if assignment is None:
        raise PermissionDenied(_("您所在单位没有承办该诉求。"))
    return assignment


@transaction.atomic
def do_sign(appeal: Appeal, *, acting_user: Any, expected_version: int | None = None) -> Appeal:
    """签收: the body takes responsibility; counts toward 响应率 if within the response limit."""
    appeal = _lock(appeal, expected_version)
    require_action(acting_user, appeal, "sign")
    assignment = _my_assignment(appeal, acting_user)
    now = _now()
    assignment.state, assignment.signed_at, assignment.signed_by = (
        Assignment.State.SIGNED,
        now,
        acting_user,
    )
    assignment.save(update_fields=["state", "signed_at", "signed_by"])
    org = assignment.organisation
    if assignment.role == Assignment.Role.LEAD and appeal.status == Status.DISPATCHED:
        transition(
            appeal,
            Status.IN_PROGRESS,
            actor=acting_user,
            kind="signed",
            public_note=_("%(org)s已签收，正在办理。") % {"org": org.name},
        )
    else:
        AppealEvent.append(
            appeal,
            kind="co_signed",
            actor=acting_user,
            internal_note=_("%(org)s已签收（协办）。") % {"org": org.name},
        )
    _save(appeal, "status")
    _audit("signed", acting_user, appeal, organisation=org, role=Role.HANDLER)
    return appeal


@transaction.atomic
def do_return(
    appeal: Appeal, reason: str, note: str, *, acting_user: Any, expected_version: int | None = None
) -> Appeal:
    """退单: the lead body says the appeal is not theirs; the centre reviews the return."""
    appeal = _lock(appeal, expected_version)
    require_action(acting_user, appeal, "return")
    if reason not in ReturnReason.values:
        raise ValidationError({"reason": _("请选择退单理由。")})
    note = _text(note, _("退单说明"), 5)
    assignment = _my_assignment(appeal, acting_user, Assignment.Role.LEAD)
    assignment.state, assignment.returned_at = Assignment.State.RETURNED, _now()
    assignment.return_reason, assignment.return_note = reason, note
    assignment.save(update_fields=["state", "returned_at", "return_reason", "return_note"])
    transition(
        appeal,
        Status.RETURN_REQUESTED,
        actor=acting_user,
        kind="returned",
        public_note=_("承办单位申请退回，督办中心正在审核并重新派单。"),
        internal_note=f"{ReturnReason(reason).label}：{note}",
        data={"organisation": assignment.organisation_id, "reason": reason},
    )
    appeal.return_count += 1
    _save(appeal, "status", "return_count")
    _audit(
        "returned",
        acting_user,
        appeal,
        organisation=assignment.organisation,
        role=Role.HANDLER,
        summary={"reason": reason},
    )
    return appeal


@transaction.atomic
def do_refuse_return(
    appeal: Appeal, note: str, *, acting_user: Any, expected_version: int | None = None
) -> Appeal:
    """The centre finds the return unjustified: the same body keeps the appeal and its clock."""
    appeal = _lock(appeal, expected_version)
    require_action(acting_user, appeal, "decide_return")
    note = _text(note, _("驳回理由"), 5)
    lead = appeal.assignments.filter(ended_at__isnull=True, role=Assignment.Role.LEAD).first()
    if lead is None:
        raise ValidationError(_("没有可退回的承办单位，请重新派单。"))
    lead.state = Assignment.State.SIGNED if lead.signed_at else Assignment.State.PENDING
    lead.save(update_fields=["state"])
    target = Status.IN_PROGRESS if lead.signed_at else Status.DISPATCHED
    transition(
        appeal,
        target,
        actor=acting_user,
        kind="return_refused",
        internal_note=note,
        public_note=_("经审核，仍由%(org)s办理。") % {"org": lead.organisation.name},
    )
    _save(appeal, "status")
    _audit("return_refused", acting_user, appeal)
    notices.to_body(appeal, lead.organisation, _("退单未获同意：%(note)s") % {"note": note})
    return appeal


# ---------------------------------------------------------------------------------------------
# Handling


@transaction.atomic
def do_add_note(appeal: Appeal, text: str, *, acting_user: Any) -> Appeal:
    """An internal note on the timeline (visible to staff only)."""
    appeal = _lock(appeal)
    require_action(acting_user, appeal, "note")
    AppealEvent.append(
        appeal, kind="note", actor=acting_user, internal_note=_text(text, _("办理记录"))
    )
    _save(appeal)
    _audit("noted", acting_user, appeal)
    return appeal


@transaction.atomic
def do_request_info(
    appeal: Appeal, question: str, *, acting_user: Any, expected_version: int | None = None
) -> Appeal:
    """Ask the citizen for more information; the clock stops until they answer."""
    appeal = _lock(appeal, expected_version)
    require_action(acting_user, appeal, "request_info")
    question = _text(question, _("需要补充的内容"), 5)
    transition(
        appeal,
        Status.AWAITING_CITIZEN,
        actor=acting_user,
        kind="info_requested",
        public_note=question,
    )
    appeal.paused_at = _now()
    _save(appeal, "status", "paused_at")
    _audit("info_requested", acting_user, appeal)
    notices.citizen_update(
        appeal, _("承办单位需要您补充材料：%(q)s 请在查询页面补充。") % {"q": question}
    )
    return appeal


def _resume_clock(appeal: Appeal, calendar: WorkCalendar, now: dt.datetime) -> dict:
    if appeal.paused_at is None or appeal.deadline is None:
        return {}
    days = deadlines.paused_working_days(calendar, appeal.paused_at, now)
    old = appeal.deadline
    appeal.deadline = deadlines.extend(calendar, old, days) if days else old
    appeal.paused_at = None
    appeal.assignments.filter(ended_at__isnull=True, role=Assignment.Role.LEAD).update(
        due=appeal.deadline
    )
    return {
        "paused_days": days,
        "old_deadline": old.isoformat(),
        "new_deadline": appeal.deadline.isoformat(),
    }


def _resume(appeal: Appeal, user: Any, kind: str, public: str, internal: str = "") -> None:
    data = _resume_clock(appeal, get_calendar(), _now())
    transition(
        appeal,
        Status.IN_PROGRESS,
        actor=user,
        kind=kind,
        public_note=public,
        internal_note=internal,
        data=data,
    )
    _save(appeal, "status", "paused_at", "deadline")


@transaction.atomic
def do_supply_info(
    appeal: Appeal, text: str, *, acting_user: Any, files: Sequence[UploadedFile] = ()
) -> Appeal:
    """The citizen answers a request for information (from the tracking page)."""
    appeal = _lock(appeal)
    if appeal.status != Status.AWAITING_CITIZEN:
        raise ValidationError(_("该诉求目前不需要补充材料。"), code="invalid_transition")
    text = _text(text, _("补充内容"), 2)
    _attach(appeal, files, user=acting_user)
    _resume(appeal, acting_user, "info_supplied", _("市民已补充材料，继续办理。"), text)
    _audit("info_supplied", acting_user, appeal)
    notices.to_body(appeal, appeal.lead_department, _("市民已补充材料。"))
    return appeal


@transaction.atomic
def do_resume(appeal: Appeal, *, acting_user: Any, note: str = "") -> Appeal:
    """Restart the clock without the citizen's answer (by the handler, or the timer if None)."""
    appeal = _lock(appeal)
    if acting_user is not None:
        require_action(acting_user, appeal, "resume")
    _resume(appeal, acting_user, "resumed", _("恢复办理。"), note)
    _audit("resumed", acting_user, appeal)
    return appeal


@transaction.atomic
def do_submit_co_opinion(appeal: Appeal, text: str, *, acting_user: Any) -> Appeal:
    appeal = _lock(appeal)
    require_action(acting_user, appeal, "co_opinion")
    assignment = _my_assignment(appeal, acting_user, Assignment.Role.CO)
    assignment.opinion, assignment.opinion_at = _text(text, _("协办意见"), 5), _now()
    assignment.state = Assignment.State.SUBMITTED
    assignment.save(update_fields=["opinion", "opinion_at", "state"])
    AppealEvent.append(
        appeal,
        kind="co_opinion",
        actor=acting_user,
        internal_note=assignment.opinion,
        data={"organisation": assignment.organisation_id},
    )
    _save(appeal)
    _audit(
        "co_opinion", acting_user, appeal, organisation=assignment.organisation, role=Role.HANDLER
    )
    notices.to_body(
        appeal,
        appeal.lead_department,
        _("%(org)s已提交协办意见。") % {"org": assignment.organisation.name},
    )
    return appeal


def _missing_co_opinions(appeal: Appeal, now: dt.datetime) -> list[str]:
    waiting = (
        appeal.assignments.filter(ended_at__isnull=True, role=Assignment.Role.CO, due__gt=now)
        .exclude(state=Assignment.State.SUBMITTED)
        .select_related("organisation")
    )
    return [a.organisation.name for a in waiting]


@dataclass
class ReplyDraft:
    text: str
    outcome: str = Outcome.RESOLVED
    internal_remarks: str = ""
    files: Sequence[UploadedFile] = field(default_factory=list)


@transaction.atomic
def do_submit_reply(
    appeal: Appeal, draft: ReplyDraft, *, acting_user: Any, expected_version: int | None = None
) -> Reply:
    """The lead body's answer, to the centre for review (co-handlers' opinions first)."""
    appeal = _lock(appeal, expected_version)
    require_action(acting_user, appeal, "reply")
    if draft.outcome not in Outcome.values or draft.outcome == Outcome.MERGED:
        raise ValidationError({"outcome": _("请选择办理结果。")})
    missing = _missing_co_opinions(appeal, _now())
    if missing:
        raise ValidationError(_("协办单位尚未提交意见：%(orgs)s。") % {"orgs": "、".join(missing)})
    assignment = _my_assignment(appeal, acting_user, Assignment.Role.LEAD)
    reply = Reply.objects.create(
        appeal=appeal,
        organisation=assignment.organisation,
        author=acting_user,
        text=_text(draft.text, _("答复内容"), MIN_CONTENT),
        outcome=draft.outcome,
        internal_remarks=draft.internal_remarks.strip(),
    )
    _attach(appeal, draft.files, user=acting_user, reply=reply, public=True)
    transition(
        appeal,
        Status.REPLIED,
        actor=acting_user,
        kind="replied",
        public_note=_("承办单位已答复，督办中心正在审核。"),
    )
    appeal.replied_at = _now()
    _save(appeal, "status", "replied_at")
    _audit("replied", acting_user, appeal, organisation=assignment.organisation, role=Role.HANDLER)
    return reply


def _closing_facts(appeal: Appeal, reply: Reply, calendar: WorkCalendar, now: dt.datetime) -> dict:
    """What the reports need about a close, fixed at the moment it happens (metrics.md)."""
    started = appeal.dispatched_at or appeal.received_at
    return {
        "organisation": reply.organisation_id,
        "deadline": appeal.deadline.isoformat() if appeal.deadline else None,
        "on_time": appeal.deadline is None or now <= appeal.deadline,
        "handling_days": round(deadlines.working_days_between(calendar, started, now), 3),
    }


def _close(appeal: Appeal, reply: Reply, user: Any, kind: str) -> None:
    """Approve and publish: the citizen (and everyone merged into this appeal) gets the reply."""
    now, calendar = _now(), get_calendar()
    transition(
        appeal,
        Status.CLOSED,
        actor=user,
        kind=kind,
        public_note=_("答复已审核通过，诉求办结。"),
        data=_closing_facts(appeal, reply, calendar, now),
    )
    appeal.closed_at, appeal.outcome = now, reply.outcome
    appeal.published_at = None if appeal.is_confidential else now
    expires = deadlines.extend(calendar, now, EVALUATION_WINDOW_WORKING_DAYS)
    for target in [appeal, *appeal.merged_appeals.all()]:
        token = numbers.new_token()
        target.evaluation_token_hash = numbers.digest(target.number, token)
        target.evaluation_expires_at = expires
        if target.pk != appeal.pk:
            target.save(update_fields=["evaluation_token_hash", "evaluation_expires_at"])
        notices.replied(target, reply, token)


CLOSE_FIELDS = (
    "status",
    "closed_at",
    "outcome",
    "published_at",
    "evaluation_token_hash",
    "evaluation_expires_at",
)


@transaction.atomic
def do_review_reply(
    appeal: Appeal,
    approve: bool,
    *,
    acting_user: Any,
    note: str = "",
    expected_version: int | None = None,
) -> Appeal:
    """The centre approves the reply (publishing it and closing the appeal) or sends it back."""
    appeal = _lock(appeal, expected_version)
    require_action(acting_user, appeal, "review_reply")
    reply = appeal.replies.filter(review=Reply.Review.PENDING).first()
    if reply is None:
        raise ValidationError(_("没有待审核的答复。"))
    reply.reviewed_by, reply.reviewed_at, reply.review_note = acting_user, _now(), note.strip()
    if approve:
        reply.review = Reply.Review.APPROVED
        reply.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
        _close(appeal, reply, acting_user, "reply_approved")
        _save(appeal, *CLOSE_FIELDS)
        _audit("reply_approved", acting_user, appeal)
        return appeal
    reply.review, reply.review_note = Reply.Review.REJECTED, _text(note, _("退回理由"), 5)
    reply.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
    transition(
        appeal,
        Status.IN_PROGRESS,
        actor=acting_user,
        kind="reply_rejected",
        internal_note=reply.review_note,
    )
    _save(appeal, "status")
    _audit("reply_rejected", acting_user, appeal)
    notices.to_body(appeal, reply.organisation, _("答复被退回：%(n)s") % {"n": reply.review_note})
    return appeal


@transaction.atomic
def do_answer_directly(
    appeal: Appeal, text: str, *, acting_user: Any, expected_version: int | None = None
) -> Appeal:
    """直办: the centre answers itself (e.g. a consultation answered from the knowledge base)."""
    appeal = _lock(appeal, expected_version)
    require_action(acting_user, appeal, "answer_directly")
    centre_id, role = _post_in(acting_user, AGENT_ROLES)
    centre = Organisation.objects.filter(pk=centre_id).first()
    if appeal.status == Status.RECEIVED:
        _accept(appeal, acting_user)
    reply = Reply.objects.create(
        appeal=appeal,
        organisation=centre,
        author=acting_user,
        outcome=Outcome.ANSWERED,
        text=_text(text, _("答复内容"), MIN_CONTENT),
        review=Reply.Review.APPROVED,
        reviewed_by=acting_user,
        reviewed_at=_now(),
    )
    appeal.lead_department, appeal.replied_at = centre, _now()
    _close(appeal, reply, acting_user, "answered_directly")
    _save(appeal, *CLOSE_FIELDS, "accepted_at", "lead_department", "replied_at")
    _audit("answered_directly", acting_user, appeal, organisation=centre, role=role)
    return appeal


# ---------------------------------------------------------------------------------------------
# Deadlines: extensions, urging, supervision


@transaction.atomic
def do_request_extension(appeal: Appeal, days: int, reason: str, *, acting_user: Any) -> Extension:
    appeal = _lock(appeal)
    require_action(acting_user, appeal, "request_extension")
    if appeal.deadline is None or appeal.deadline <= _now():
        raise ValidationError(_("已超过办理期限，不能再申请延期。"), code="expired")
    limit = deadlines.limits_for(
        get_calendar(), _now(), appeal.category, appeal.appeal_type, appeal.urgency
    ).policy.max_extension_days
    if not 1 <= days <= limit:
        raise ValidationError({"days": _("延期天数应为1至%(n)d个工作日。") % {"n": limit}})
    if appeal.extensions.filter(decision=Extension.Decision.PENDING).exists():
        raise ValidationError(_("已有待审核的延期申请。"), code="duplicate")
    assignment = _my_assignment(appeal, acting_user, Assignment.Role.LEAD)
    extension = Extension.objects.create(
        appeal=appeal,
        organisation=assignment.organisation,
        days=days,
        reason=_text(reason, _("延期理由"), 5),
        requested_by=acting_user,
    )
    AppealEvent.append(
        appeal,
        kind="extension_requested",
        actor=acting_user,
        internal_note=f"+{days}：{extension.reason}",
    )
    _save(appeal)
    _audit(
        "extension_requested",
        acting_user,
        appeal,
        organisation=assignment.organisation,
        role=Role.HANDLER,
        summary={"days": days},
    )
    return extension


@transaction.atomic
def do_decide_extension(
    extension: Extension, approve: bool, *, acting_user: Any, note: str = ""
) -> Extension:
    appeal = _lock(extension.appeal)
    require_action(acting_user, appeal, "decide_extension")
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.decision != Extension.Decision.PENDING:
        raise ValidationError(_("该延期申请已经审核过。"), code="conflict")
    extension.decided_by, extension.decided_at, extension.decision_note = acting_user, _now(), note
    if approve:
        extension.decision = Extension.Decision.APPROVED
        extension.old_deadline = appeal.deadline
        extension.new_deadline = deadlines.extend(get_calendar(), appeal.deadline, extension.days)
        appeal.deadline = extension.new_deadline
        appeal.assignments.filter(ended_at__isnull=True, role=Assignment.Role.LEAD).update(
            due=appeal.deadline
        )
        text = _("办理期限延长至%(d)s。") % {
            "d": timezone.localtime(appeal.deadline).strftime("%Y-%m-%d")
        }
        AppealEvent.append(
            appeal,
            kind="extension_approved",
            actor=acting_user,
            public_note=text,
            internal_note=note,
        )
        notices.citizen_update(appeal, text)
    else:
        extension.decision = Extension.Decision.REFUSED
        AppealEvent.append(appeal, kind="extension_refused", actor=acting_user, internal_note=note)
    extension.save()
    _save(appeal, "deadline")
    _audit("extension_decided", acting_user, appeal, summary={"approved": approve})
    notices.to_body(
        appeal,
        extension.organisation,
        _("延期申请%(r)s。") % {"r": _("已批准") if approve else _("未获批准")},
    )
    return extension


def urge(appeal: Appeal, kind: str, *, actor: Any, note: str, deadline: dt.datetime | None) -> bool:
    """Write one urge (automatic ones at most once per kind and deadline); True if written."""
    if (
        kind != Urge.Kind.MANUAL
        and Urge.objects.filter(appeal=appeal, kind=kind, deadline=deadline).exists()
    ):
        return False
    Urge.objects.create(
        appeal=appeal,
        organisation=appeal.lead_department,
        kind=kind,
        deadline=deadline,
        note=note,
        created_by=actor,
    )
    appeal.urge_count += 1
    AppealEvent.append(
        appeal,
        kind="urged",
        actor=actor,
        internal_note=note,
        public_note=_("督办中心已催办。"),
        data={"kind": kind},
    )
    _save(appeal, "urge_count")
    _audit("urged", actor, appeal, summary={"kind": kind})
    if appeal.lead_department is not None:
        notices.to_body(
            appeal, appeal.lead_department, note, leaders=kind != Urge.Kind.BEFORE_DEADLINE
        )
    return True


@transaction.atomic
def do_urge(appeal: Appeal, note: str, *, acting_user: Any) -> Appeal:
    appeal = _lock(appeal)
    require_action(acting_user, appeal, "urge")
    urge(
        appeal,
        Urge.Kind.MANUAL,
        actor=acting_user,
        note=_text(note, _("催办内容"), 4),
        deadline=appeal.deadline,
    )
    return appeal


@transaction.atomic
def do_supervise(
    appeal: Appeal, level: int, notice: str, due_days: int, *, acting_user: Any
) -> Supervision:
    """督办单: a formal supervision notice to the lead body and its leaders."""
    appeal = _lock(appeal)
    require_action(acting_user, appeal, "supervise")
    if level not in Supervision.Level.values:
        raise ValidationError({"level": _("请选择督办级别。")})
    if not 1 <= due_days <= 30:
        raise ValidationError({"due_days": _("反馈期限应为1至30个工作日。")})
    due = deadlines.extend(get_calendar(), _now(), due_days)
    supervision = Supervision.objects.create(
        appeal=appeal,
        organisation=appeal.lead_department,
        level=level,
        notice=_text(notice, _("督办意见"), 5),
        due=due,
        issued_by=acting_user,
    )
    appeal.supervision_level = max(appeal.supervision_level, level)
    AppealEvent.append(
        appeal,
        kind="supervised",
        actor=acting_user,
        internal_note=supervision.notice,
        public_note=_("督办中心已发出%(l)s。") % {"l": supervision.get_level_display()},
    )
    _save(appeal, "supervision_level")
    _audit("supervised", acting_user, appeal, summary={"level": level})
    notices.to_body(appeal, appeal.lead_department, supervision.notice, leaders=True)
    return supervision


@transaction.atomic
def do_answer_supervision(
    supervision: Supervision, answer: str, *, acting_user: Any
) -> Supervision:
    appeal = _lock(supervision.appeal)
    require_action(acting_user, appeal, "answer_supervision")
    supervision = Supervision.objects.select_for_update().get(pk=supervision.pk)
    if (
        supervision.state != Supervision.State.OPEN
        or supervision.organisation_id not in handling_ids(acting_user)
    ):
        raise ValidationError(_("该督办单已反馈或不属于本单位。"), code="conflict")
    supervision.answer = _text(answer, _("反馈内容"), 5)
    supervision.state, supervision.answered_by = Supervision.State.ANSWERED, acting_user
    supervision.answered_at = _now()
    supervision.save()
    AppealEvent.append(
        appeal, kind="supervision_answered", actor=acting_user, internal_note=supervision.answer
    )
    _save(appeal)
    _audit(
        "supervision_answered",
        acting_user,
        appeal,
        organisation=supervision.organisation,
        role=Role.HANDLER,
    )
    return supervision


# ---------------------------------------------------------------------------------------------
# Evaluation and reopening


@dataclass(frozen=True)
class Verdict:
    resolution: str
    satisfaction: str
    comment: str = ""


def _record_evaluation(appeal: Appeal, verdict: Verdict, source: str, user: Any) -> Evaluation:
    if verdict.resolution not in Resolution.values:
        raise ValidationError({"resolution": _("请选择是否解决。")})
    if verdict.satisfaction not in set(Satisfaction.values) - {Satisfaction.NONE}:
        raise ValidationError({"satisfaction": _("请选择满意程度。")})
    evaluation = Evaluation.objects.create(
        appeal=appeal,
        source=source,
        resolution=verdict.resolution,
        satisfaction=verdict.satisfaction,
        comment=verdict.comment.strip()[:2000],
        recorded_by=user if source == Evaluation.Source.CALLBACK else None,
    )
    appeal.resolution, appeal.satisfaction = verdict.resolution, verdict.satisfaction
    appeal.evaluation_token_hash, appeal.evaluation_expires_at = "", None
    return evaluation


def _after_verdict(appeal: Appeal, evaluation: Evaluation, user: Any) -> None:
    label = f"{evaluation.get_resolution_display()}，{evaluation.get_satisfaction_display()}"
    if appeal.status == Status.MERGED:
        AppealEvent.append(appeal, kind="evaluated", actor=user, public_note=label)
        master = appeal.merged_into
        if evaluation.is_unhappy and master.status in {Status.CLOSED, Status.EVALUATED}:
            master = _lock(master)
            transition(
                master,
                Status.REOPEN_REQUESTED,
                actor=user,
                kind="reopen_requested",
                internal_note=_("并入的%(n)s不满意：%(c)s")
                % {"n": appeal.number, "c": evaluation.comment},
            )
            _save(master, "status")
        return
    target = Status.REOPEN_REQUESTED if evaluation.is_unhappy else Status.EVALUATED
    transition(
        appeal,
        target,
        actor=user,
        kind="evaluated",
        public_note=label,
        internal_note=evaluation.comment,
    )


@transaction.atomic
def do_evaluate(
    appeal: Appeal,
    verdict: Verdict,
    *,
    acting_user: Any,
    token: str = "",
    query_code_verified: bool = False,
) -> Evaluation:
    """The citizen's evaluation: by the tokenised link, from the tracking page (after the query
    code was checked), or signed in as the appeal's own citizen."""
    appeal = _lock(appeal)
    owner = acting_user.is_authenticated and appeal.citizen_id == acting_user.pk
    by_token = bool(token) and numbers.matches(appeal.number, token, appeal.evaluation_token_hash)
    if not (owner or by_token or query_code_verified):
        raise PermissionDenied(_("评价链接无效或已过期。"))
    if appeal.status not in {Status.CLOSED, Status.MERGED} or not appeal.evaluation_token_hash:
        raise ValidationError(_("该诉求已经评价过，或目前不能评价。"), code="invalid_transition")
    evaluation = _record_evaluation(appeal, verdict, Evaluation.Source.CITIZEN, acting_user)
    _after_verdict(appeal, evaluation, acting_user)
    _save(
        appeal,
        "status",
        "resolution",
        "satisfaction",
        "evaluation_token_hash",
        "evaluation_expires_at",
    )
    _audit("evaluated", acting_user, appeal, summary={"satisfaction": verdict.satisfaction})
    return evaluation


@transaction.atomic
def do_record_callback(appeal: Appeal, verdict: Verdict, *, acting_user: Any) -> Evaluation:
    """回访: an agent calls the citizen back and records the answer."""
    appeal = _lock(appeal)
    require_action(acting_user, appeal, "callback")
    evaluation = _record_evaluation(appeal, verdict, Evaluation.Source.CALLBACK, acting_user)
    if appeal.status == Status.CLOSED or evaluation.is_unhappy:
        _after_verdict(appeal, evaluation, acting_user)
    _save(
        appeal,
        "status",
        "resolution",
        "satisfaction",
        "evaluation_token_hash",
        "evaluation_expires_at",
    )
    _audit("evaluated", acting_user, appeal, summary={"callback": True})
    return evaluation


def expire_evaluation(appeal: Appeal) -> None:
    """The window passed without an answer: 未评价 (called by the periodic checks)."""
    Evaluation.objects.create(
        appeal=appeal, source=Evaluation.Source.EXPIRED, satisfaction=Satisfaction.NONE
    )
    appeal.satisfaction = Satisfaction.NONE
    appeal.evaluation_token_hash, appeal.evaluation_expires_at = "", None
    transition(
        appeal,
        Status.EVALUATED,
        actor=None,
        kind="evaluation_expired",
        public_note=_("评价期已过，未评价。"),
    )
    _save(appeal, "status", "satisfaction", "evaluation_token_hash", "evaluation_expires_at")
    _audit("evaluated", None, appeal, summary={"expired": True})


class ReopenDecision:
    REDO = "redo"
    REDISPATCH = "redispatch"
    MAINTAIN = "maintain"


@transaction.atomic
def do_decide_reopen(
    appeal: Appeal, decision: str, note: str, *, acting_user: Any, route: Route | None = None
) -> Appeal:
    """重办审核: redo by the same body, re-dispatch to another, or keep it closed with reasons."""
    appeal = _lock(appeal)
    require_action(acting_user, appeal, "decide_reopen")
    note = _text(note, _("审核意见"), 5)
    if decision == ReopenDecision.MAINTAIN:
        transition(
            appeal, Status.EVALUATED, actor=acting_user, kind="reopen_denied", public_note=note
        )
        _save(appeal, "status")
    elif decision in (ReopenDecision.REDO, ReopenDecision.REDISPATCH):
        if decision == ReopenDecision.REDO:
            route = Route(lead=appeal.lead_department, note=note)
        if route is None or route.lead is None:
            raise ValidationError({"lead": _("请选择重办的承办单位。")})
        appeal.reopen_count += 1
        appeal.closed_at = appeal.published_at = None
        _route(
            appeal,
            Route(route.lead, route.co_handlers, note, route.category),
            acting_user,
            None,
            "reopened",
        )
        _save(appeal, *ROUTE_FIELDS, "reopen_count", "closed_at", "published_at")
    else:
        raise ValidationError({"decision": _("请选择审核结果。")})
    _audit("reopen_decided", acting_user, appeal, summary={"decision": decision})
    return appeal


# ---------------------------------------------------------------------------------------------
# Merging and flags


@transaction.atomic
def do_merge(secondary: Appeal, master: Appeal, *, acting_user: Any) -> Appeal:
    """并单: the secondary is handled as part of the master; its citizen gets the master's reply."""
    if secondary.pk == master.pk:
        raise ValidationError(_("不能把诉求并入它自己。"))
    first, second = sorted(
        [secondary, master], key=lambda a: a.pk
    )  # lock in one order: no deadlock
    locked = {a.pk: _lock(a) for a in (first, second)}
    secondary, master = locked[secondary.pk], locked[master.pk]
    require_action(acting_user, secondary, "merge")
    if master.status not in {s for s in Status if s not in {Status.REJECTED, Status.MERGED}} or (
        master.merged_into_id
    ):
        raise ValidationError(_("只能并入未并单、未被拒绝的诉求。"))
    now = _now()
    _end_assignments(secondary, now)
    transition(
        secondary,
        Status.MERGED,
        actor=acting_user,
        kind="merged",
        public_note=_("与编号%(n)s的诉求合并办理，办理结果将一并告知您。") % {"n": master.number},
    )
    secondary.merged_into, secondary.outcome = master, Outcome.MERGED
    _save(secondary, "status", "merged_into", "outcome")
    AppealEvent.append(
        master,
        kind="merge_received",
        actor=acting_user,
        internal_note=_("并入编号%(n)s。") % {"n": secondary.number},
    )
    _save(master)
    _audit("merged", acting_user, secondary, summary={"into": master.number})
    notices.citizen_update(
        secondary, _("您的诉求与编号%(n)s的诉求合并办理。") % {"n": master.number}
    )
    return secondary


@transaction.atomic
def do_unmerge(secondary: Appeal, *, acting_user: Any) -> Appeal:
    secondary = _lock(secondary)
    require_action(acting_user, secondary, "unmerge")
    master = secondary.merged_into
    transition(
        secondary,
        Status.ACCEPTED,
        actor=acting_user,
        kind="unmerged",
        public_note=_("已取消合并，单独办理。"),
    )
    secondary.merged_into, secondary.outcome = None, ""
    secondary.evaluation_token_hash, secondary.evaluation_expires_at = "", None
    _save(
        secondary,
        "status",
        "merged_into",
        "outcome",
        "evaluation_token_hash",
        "evaluation_expires_at",
    )
    _audit("unmerged", acting_user, secondary, summary={"from": master.number if master else ""})
    return secondary


@transaction.atomic
def do_flag_malicious(
    appeal: Appeal, note: str, *, acting_user: Any, block: bool = False
) -> Appeal:
    """Mark an appeal as malicious (恶意诉求); optionally block its contact at intake."""
    appeal = _lock(appeal)
    require_action(acting_user, appeal, "flag")
    note = _text(note, _("说明"), 4)
    appeal.is_malicious = True
    AppealEvent.append(appeal, kind="flagged", actor=acting_user, internal_note=note)
    _save(appeal, "is_malicious")
    if block and appeal.contact_phone:
        BlockedContact.objects.get_or_create(
            kind=BlockedContact.Kind.PHONE,
            value=appeal.contact_phone,
            defaults={"reason": note[:200], "created_by": acting_user},
        )
    _audit("flagged", acting_user, appeal, summary={"blocked": block})
    return appeal
