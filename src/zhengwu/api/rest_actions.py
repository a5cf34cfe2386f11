"""The staff actions of the hub, each calling the same use case as the page (appeals.actions):
the permission, workflow and audit rules live there, never here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status as Answer

from zhengwu.api import present
from zhengwu.api.callers import Caller
from zhengwu.api.models import Operation
from zhengwu.api.references import category_or_error, handler_or_error, organisation_or_error
from zhengwu.api.responses import responses
from zhengwu.api.schemas import (
    AppealOut,
    DecisionIn,
    DispatchIn,
    EvaluationIn,
    ExtensionIn,
    ExtensionOut,
    ReplyIn,
    ReturnIn,
    ReviewIn,
    SuperviseIn,
    UrgeIn,
    VersionIn,
)
from zhengwu.api.visibility import access_appeal_by_number
from zhengwu.appeals import actions, numbers
from zhengwu.appeals.models import Appeal, Extension
from zhengwu.org.access import is_staff_member

router = Router(tags=["actions"])


def _staff_appeal(caller: Caller, number: str) -> Appeal:
    """Staff actions need a staff member (session or personal token); partners get 404 as for
    any appeal they cannot act on."""
    if caller.partner is not None or not is_staff_member(caller.user):
        raise Http404
    return access_appeal_by_number(caller, number)


def _act(request: HttpRequest, number: str, use_case: Callable[[Appeal, Any], object]) -> dict:
    caller = request.auth
    appeal = _staff_appeal(caller, number)
    use_case(appeal, caller.user)
    return present.detail(caller, access_appeal_by_number(caller, number))


@router.post("/{number}/accept", response=responses(AppealOut), summary="受理")
def accept(request: HttpRequest, number: str, data: VersionIn) -> dict:
    return _act(
        request,
        number,
        lambda a, u: actions.do_accept(a, acting_user=u, expected_version=data.expected_version),
    )


def _route(data: DispatchIn) -> actions.Route:
    lead = organisation_or_error(data.lead_id, field="lead_id")
    return actions.Route(
        lead=lead,
        co_handlers=tuple(
            organisation_or_error(pk, field="co_handler_ids") for pk in data.co_handler_ids
        ),
        note=data.note,
        category=category_or_error(data.category_id) if data.category_id else None,
        assignee=(
            handler_or_error(data.assignee_id, lead, field="assignee_id")
            if data.assignee_id
            else None
        ),
    )


@router.post("/{number}/dispatch", response=responses(AppealOut), summary="派单或改派")
def dispatch(request: HttpRequest, number: str, data: DispatchIn) -> dict:
    return _act(
        request,
        number,
        lambda a, u: actions.do_dispatch(
            a, _route(data), acting_user=u, expected_version=data.expected_version
        ),
    )


@router.post("/{number}/sign", response=responses(AppealOut), summary="签收")
def sign(request: HttpRequest, number: str, data: VersionIn) -> dict:
    return _act(
        request,
        number,
        lambda a, u: actions.do_sign(a, acting_user=u, expected_version=data.expected_version),
    )


@router.post("/{number}/return", response=responses(AppealOut), summary="退单")
def return_appeal(request: HttpRequest, number: str, data: ReturnIn) -> dict:
    return _act(
        request,
        number,
        lambda a, u: actions.do_return(
            a, data.reason, data.note, acting_user=u, expected_version=data.expected_version
        ),
    )


@router.post("/{number}/reply", response=responses(AppealOut), summary="提交答复")
def reply(request: HttpRequest, number: str, data: ReplyIn) -> dict:
    draft = actions.ReplyDraft(data.text, data.outcome, data.internal_remarks)
    return _act(
        request,
        number,
        lambda a, u: actions.do_submit_reply(
            a, draft, acting_user=u, expected_version=data.expected_version
        ),
    )


@router.post("/{number}/review-reply", response=responses(AppealOut), summary="审核答复")
def review_reply(request: HttpRequest, number: str, data: ReviewIn) -> dict:
    return _act(
        request,
        number,
        lambda a, u: actions.do_review_reply(
            a, data.approve, acting_user=u, note=data.note, expected_version=data.expected_version
        ),
    )


@router.post("/{number}/extensions", response=responses(ExtensionOut, 201), summary="申请延期")
def request_extension(request: HttpRequest, number: str, data: ExtensionIn) -> Answer:
    caller = request.auth
    appeal = _staff_appeal(caller, number)
    extension = actions.do_request_extension(
        appeal, data.days, data.reason, acting_user=caller.user
    )
    return Answer(201, _extension(extension))


def _extension(extension: Extension) -> dict:
    return {
        "id": extension.pk,
        "days": extension.days,
        "decision": extension.decision,
        "new_deadline": extension.new_deadline,
    }


@router.post(
    "/{number}/extensions/{extension_id}/decision",
    response=responses(ExtensionOut),
    summary="审核延期",
)
def decide_extension(
    request: HttpRequest, number: str, extension_id: int, data: DecisionIn
) -> dict:
    caller = request.auth
    appeal = _staff_appeal(caller, number)
    extension = appeal.extensions.filter(pk=extension_id).first()
    if extension is None:
        raise Http404
    decided = actions.do_decide_extension(
        extension, data.approve, acting_user=caller.user, note=data.note
    )
    return _extension(decided)


@router.post("/{number}/urge", response=responses(AppealOut), summary="催办")
def urge(request: HttpRequest, number: str, data: UrgeIn) -> dict:
    return _act(request, number, lambda a, u: actions.do_urge(a, data.note, acting_user=u))


@router.post("/{number}/supervise", response=responses(AppealOut), summary="督办")
def supervise(request: HttpRequest, number: str, data: SuperviseIn) -> dict:
    return _act(
        request,
        number,
        lambda a, u: actions.do_supervise(a, data.level, data.notice, data.due_days, acting_user=u),
    )


@router.post(
    "/{number}/evaluation",
    response=responses(AppealOut),
    summary="评价（市民本人、转交市民评价的合作渠道，或工作人员回访）",
)
def evaluate(request: HttpRequest, number: str, data: EvaluationIn) -> dict:
    caller = request.auth
    appeal = access_appeal_by_number(caller, number)
    verdict = actions.Verdict(data.resolution, data.satisfaction, data.comment)
    if is_staff_member(caller.user) and caller.partner is None:
        actions.do_record_callback(appeal, verdict, acting_user=caller.user)
    else:
        _citizen_evaluation(caller, appeal, verdict, data.query_code)
    return present.detail(caller, access_appeal_by_number(caller, number))


def _citizen_evaluation(
    caller: Caller, appeal: Appeal, verdict: actions.Verdict, query_code: str
) -> None:
    if caller.partner is not None and not caller.may(Operation.EVALUATE):
        raise PermissionDenied(_("该合作渠道未开通转交评价。"))
    verified = bool(query_code) and numbers.matches(
        appeal.number, query_code, appeal.query_code_hash
    )
    if caller.partner is not None and not verified:
        raise ValidationError(
            {"query_code": ValidationError(_("查询码不正确。"), code="invalid_code")}
        )
    with transaction.atomic():
        actions.do_evaluate(appeal, verdict, acting_user=caller.user, query_code_verified=verified)
