"""Staff pages of the hub: queues, the appeal page with its actions, hotline entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengwu.appeals import access, actions, queries
from zhengwu.appeals import forms as f
from zhengwu.appeals import views_dispatch as smart_views
from zhengwu.appeals.deadlines import deadline_state, near_threshold
from zhengwu.appeals.models import Appeal, Channel, Extension, Supervision
from zhengwu.appeals.workflow import ConflictError
from zhengwu.dispatch.models import AppealType
from zhengwu.lib.forms import add_errors
from zhengwu.lib.paging import CappedPaginator
from zhengwu.org.access import has_role, require_staff
from zhengwu.org.calendar import get_calendar

PAGE_SIZE = 30
PAGE_SIZES = (30, 100)  # 100 at a time for clearing a queue with bulk actions


def clock() -> queries.Clock:
    now = timezone.now()
    return queries.Clock(now, near_threshold(get_calendar(), now))


def _filters(request: HttpRequest) -> queries.Filters:
    get = request.GET
    category = get.get("category", "")
    return queries.Filters(
        q=get.get("q", "")[:50],
        appeal_type=get.get("type", "") if get.get("type") in AppealType.values else "",
        channel=get.get("channel", "") if get.get("channel") in Channel.values else "",
        category=int(category) if category.isdigit() else None,
        division_prefix=get.get("division", "")[:12] if get.get("division", "").isdigit() else "",
        sort=get.get("sort", ""),
    )


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
def queue(request: HttpRequest, key: str) -> HttpResponse:
    queue = queries.QUEUE_BY_KEY.get(key)
    if queue is None or queue not in queries.queues_for(request.user):
        raise Http404
    now = clock()
    appeals = queries.search(
        queries.queue_appeals(request.user, queue, now), _filters(request), queue.order
    )
    number = request.GET.get("page")
    per = int(request.GET["per"]) if request.GET.get("per") in ("30", "100") else PAGE_SIZE
    page = CappedPaginator(appeals, per, page=number).get_page(number)
    named = queries.named_to(request.user, [appeal.pk for appeal in page])
    for appeal in page:
        appeal.deadline_state = deadline_state(appeal.deadline, now.now, now.near)
        appeal.named_to_me = appeal.pk in named
    return render(
        request,
        "appeals/queue.html",
        {
            "queue": queue,
            "page": page,
            "filters": _filters(request),
            "types": AppealType.choices,
            "channels": Channel.choices,
            "bulk_forms": [
                (name, ACTION_LABELS[name], _action_form(name, None, request.user))
                for name in _bulk_actions(request.user, key)
            ],
            "query": _without_page(request),
            "per": per,
            "page_sizes": PAGE_SIZES,
        },
    )


# Bulk actions offered in each queue (each also needs the role its action needs, checked per
# appeal by the action itself); replies and anything with files are one appeal at a time.
BULK_ACTIONS: dict[str, tuple[str, ...]] = {
    "received": ("dispatch", "accept", "reject"),
    "to_dispatch": ("dispatch",),
    "to_sign": ("sign",),
    "near": ("urge",),
    "overdue": ("urge",),
}
BULK_NAMES = frozenset(name for names in BULK_ACTIONS.values() for name in names)
BULK_LIMIT = 200


def _bulk_actions(user: Any, key: str) -> list[str]:
    names = BULK_ACTIONS.get(key, ())
    if access.is_centre(user):
        return [n for n in names if has_role(user, *access.CENTRE_ACTIONS.get(n, ()))]
    return [n for n in names if n == "sign" and access.handling_ids(user)]


@require_POST
def bulk(request: HttpRequest, name: str) -> HttpResponse:
    """One action on the appeals ticked in a queue; each succeeds or fails on its own."""
    require_staff(request.user)
    if name not in BULK_NAMES:
        raise Http404
    back = request.POST.get("back", "")
    target = back if back.startswith("/work/") else "/workbench/"
    ids = [int(i) for i in request.POST.getlist("appeal") if i.isdigit()][:BULK_LIMIT]
    form = _action_form(name, None, request.user, request.POST)
    if not ids:
        messages.error(request, _("请先勾选诉求。"))
        return redirect(target)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
        return redirect(target)
    action = ACTIONS[name]
    appeals = access.appeals_visible_to(request.user).filter(pk__in=ids).order_by("pk")
    result = actions.do_bulk(
        appeals, lambda appeal: action.run(appeal, form.cleaned_data, request.user, None)
    )
    if result.done:
        done = {"action": ACTION_LABELS[name], "n": len(result.done)}
        messages.success(request, _("%(action)s：已处理%(n)d件。") % done)
    for number, error in result.failed.items():
        messages.error(request, f"{number}：{error}")
    return redirect(target)


# --- The appeal page and its actions ------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    form: type[forms.Form]
    run: Callable[[Appeal, Any, Any, int | None], Any]
    done: str
    files: bool = False


def _extension(appeal: Appeal) -> Extension:
    extension = appeal.extensions.filter(decision=Extension.Decision.PENDING).first()
    if extension is None:
        raise ValidationError(_("没有待审核的延期申请。"))
    return extension


def _supervision(appeal: Appeal, user: Any) -> Supervision:
    supervision = appeal.supervisions.filter(
        state=Supervision.State.OPEN, organisation__in=access.handling_ids(user)
    ).first()
    if supervision is None:
        raise ValidationError(_("没有需要本单位反馈的督办单。"))
    return supervision


def _merge(appeal: Appeal, d: dict, user: Any) -> Any:
    master = access.appeals_visible_to(user).filter(number=d["master"].strip().upper()).first()
    if master is None:
        raise ValidationError({"master": _("找不到编号为%(n)s的诉求。") % {"n": d["master"]}})
    return actions.do_merge(appeal, master, acting_user=user)


ACTIONS: dict[str, Action] = {
    "accept": Action(
        forms.Form,
        lambda a, d, u, v: actions.do_accept(a, acting_user=u, expected_version=v),
        _("已受理。"),
    ),
    "reject": Action(
        f.RejectForm,
        lambda a, d, u, v: actions.do_reject(
            a, d["reason"], note=d["note"], acting_user=u, expected_version=v
        ),
        _("已不予受理并告知市民。"),
    ),
    "answer_directly": Action(
        f.DirectAnswerForm,
        lambda a, d, u, v: actions.do_answer_directly(
            a, d["text"], acting_user=u, expected_version=v
        ),
        _("已直接答复并办结。"),
    ),
    "dispatch": Action(
        f.DispatchForm,
        lambda a, d, u, v: actions.do_dispatch(
            a,
            actions.Route(
                d["lead"], tuple(d["co_handlers"]), d["note"], d["category"], d.get("assignee")
            ),
            acting_user=u,
            expected_version=v,
        ),
        _("已派单。"),
    ),
    "sign": Action(
        forms.Form,
        lambda a, d, u, v: actions.do_sign(a, acting_user=u, expected_version=v),
        _("已签收。"),
    ),
    "return": Action(
        f.ReturnForm,
        lambda a, d, u, v: actions.do_return(
            a, d["reason"], d["note"], acting_user=u, expected_version=v
        ),
        _("已申请退单，等待督办中心审核。"),
    ),
    "decide_return": Action(
        f.RefuseReturnForm,
        lambda a, d, u, v: actions.do_refuse_return(
            a, d["note"], acting_user=u, expected_version=v
        ),
        _("已驳回退单，仍由原单位办理。"),
    ),
    "note": Action(
        f.NoteForm,
        lambda a, d, u, v: actions.do_add_note(a, d["text"], acting_user=u),
        _("已添加办理记录。"),
    ),
    "request_info": Action(
        f.QuestionForm,
        lambda a, d, u, v: actions.do_request_info(
            a, d["question"], acting_user=u, expected_version=v
        ),
        _("已请市民补充材料，计时暂停。"),
    ),
    "resume": Action(
        forms.Form, lambda a, d, u, v: actions.do_resume(a, acting_user=u), _("已恢复办理。")
    ),
    "co_opinion": Action(
        f.NoteForm,
        lambda a, d, u, v: actions.do_submit_co_opinion(a, d["text"], acting_user=u),
        _("已提交协办意见。"),
    ),
    "reply": Action(
        f.ReplyForm,
        lambda a, d, u, v: actions.do_submit_reply(
            a,
            actions.ReplyDraft(d["text"], d["outcome"], d["internal_remarks"], d["attachments"]),
            acting_user=u,
            expected_version=v,
        ),
        _("答复已提交督办中心审核。"),
        files=True,
    ),
    "review_reply": Action(
        f.ReviewForm,
        lambda a, d, u, v: actions.do_review_reply(
            a, d["approve"], note=d["note"], acting_user=u, expected_version=v
        ),
        _("已审核答复。"),
    ),
    "request_extension": Action(
        f.ExtensionForm,
        lambda a, d, u, v: actions.do_request_extension(a, d["days"], d["reason"], acting_user=u),
        _("延期申请已提交。"),
    ),
    "decide_extension": Action(
        f.DecisionForm,
        lambda a, d, u, v: actions.do_decide_extension(
            _extension(a), d["approve"], note=d["note"], acting_user=u
        ),
        _("已审核延期申请。"),
    ),
    "urge": Action(
        f.UrgeForm, lambda a, d, u, v: actions.do_urge(a, d["note"], acting_user=u), _("已催办。")
    ),
    "supervise": Action(
        f.SuperviseForm,
        lambda a, d, u, v: actions.do_supervise(
            a, d["level"], d["notice"], d["due_days"], acting_user=u
        ),
        _("已发出督办单。"),
    ),
    "answer_supervision": Action(
        f.AnswerSupervisionForm,
        lambda a, d, u, v: actions.do_answer_supervision(
            _supervision(a, u), d["answer"], acting_user=u
        ),
        _("已反馈督办。"),
    ),
    "callback": Action(
        f.VerdictForm,
        lambda a, d, u, v: actions.do_record_callback(
            a, actions.Verdict(d["resolution"], d["satisfaction"], d["comment"]), acting_user=u
        ),
        _("已记录回访结果。"),
    ),
    "decide_reopen": Action(
        f.ReopenForm,
        lambda a, d, u, v: actions.do_decide_reopen(
            a,
            d["decision"],
            d["note"],
            acting_user=u,
            route=actions.Route(d["lead"], note=d["note"]) if d.get("lead") else None,
        ),
        _("已完成重办审核。"),
    ),
    "reclassify": Action(
        f.ReclassifyForm,
        lambda a, d, u, v: actions.do_reclassify(
            a, d["category"], d["division"], acting_user=u, expected_version=v
        ),
        _("已修改分类或区域，并重新计算派单建议。"),
    ),
    "merge": Action(f.MergeForm, lambda a, d, u, v: _merge(a, d, u), _("已并单。")),
    "unmerge": Action(
        forms.Form, lambda a, d, u, v: actions.do_unmerge(a, acting_user=u), _("已取消并单。")
    ),
    "flag": Action(
        f.FlagForm,
        lambda a, d, u, v: actions.do_flag_malicious(a, d["note"], acting_user=u, block=d["block"]),
        _("已标记为恶意诉求。"),
    ),
}

ACTION_LABELS = {
    "accept": _("受理"),
    "reject": _("不予受理"),
    "answer_directly": _("直接答复"),
    "dispatch": _("派单"),
    "reclassify": _("改分类/区域"),
    "sign": _("签收"),
    "return": _("退单"),
    "decide_return": _("驳回退单"),
    "note": _("办理记录"),
    "request_info": _("请市民补充"),
    "resume": _("恢复办理"),
    "co_opinion": _("协办意见"),
    "reply": _("答复"),
    "review_reply": _("审核答复"),
    "request_extension": _("申请延期"),
    "decide_extension": _("审核延期"),
    "urge": _("催办"),
    "supervise": _("督办"),
    "answer_supervision": _("反馈督办"),
    "callback": _("回访"),
    "decide_reopen": _("重办审核"),
    "merge": _("并单"),
    "unmerge": _("取消并单"),
    "flag": _("标记恶意"),
}


def _action_label(name: str, appeal: Appeal) -> str:
    """改派 rather than 派单 once a body has had the appeal (after a return, for instance)."""
    if name == "dispatch" and appeal.dispatched_at:
        return _("改派")
    return ACTION_LABELS[name]


def _action_form(
    name: str, appeal: Appeal | None, user: Any, data: Any = None, files: Any = None
) -> Any:
    """The form of one action, for one appeal or (appeal None) for a bulk action."""
    action = ACTIONS[name]
    initial = None
    if data is None and appeal is not None:
        if action.form is f.DispatchForm:
            initial = smart_views.dispatch_initial(appeal)
        elif action.form is f.ReclassifyForm:
            initial = {"category": appeal.category_id, "division": appeal.division_id}
    form = action.form(data, files, initial=initial, prefix=name)
    if action.form in f.TEMPLATE_TARGETS:
        kind = f.TEMPLATE_TARGETS[action.form][0]
        f.offer_templates(form, queries.answer_templates(kind, user, appeal))
    return form


def _render_detail(
    request: HttpRequest, appeal: Appeal, bound: tuple[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    available = access.available_actions(request.user, appeal)
    action_forms = [
        (
            name,
            _action_label(name, appeal),
            bound[1] if bound and bound[0] == name else _action_form(name, appeal, request.user),
        )
        for name in ACTIONS
        if name in available
    ]
    now = clock()
    return render(
        request,
        "appeals/detail.html",
        {
            "appeal": appeal,
            **queries.appeal_detail(appeal),
            "action_forms": action_forms,
            "show_contact": access.can_see_contact(request.user, appeal),
            "deadline_state": deadline_state(appeal.deadline, now.now, now.near),
            "open_action": bound[0] if bound else "",
            **smart_views.panel(appeal, request.user, available),
        },
        status=status,
    )


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = access.access_appeal_by_id(request.user, pk)
    return _render_detail(request, appeal)


@require_POST
def act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    appeal = access.access_appeal_by_id(request.user, pk)
    action = ACTIONS.get(name)
    if action is None:
        raise Http404
    form = _action_form(
        name, appeal, request.user, request.POST, request.FILES if action.files else None
    )
    version = request.POST.get("version", "")
    if form.is_valid():
        try:
            action.run(
                appeal, form.cleaned_data, request.user, int(version) if version.isdigit() else None
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您无权执行此操作。"))
            return redirect("appeals:detail", pk=appeal.pk)
        except ConflictError:
            # The page below shows the appeal as it is now, so no need to ask for a refresh.
            form.add_error(None, _("该诉求刚刚已被他人处理，页面已更新为最新状态，请核对。"))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, action.done)
            return redirect("appeals:detail", pk=appeal.pk)
    appeal.refresh_from_db()
    if name not in access.available_actions(request.user, appeal):
        # Someone else moved the appeal on and this action is gone from the page, and with it
        # the form that would show the error: say it above the page instead.
        gone = _("您现在不能对该诉求执行此操作（可能已被他人处理）。")
        for error in form.non_field_errors() or [gone]:
            messages.error(request, error)
        return redirect("appeals:detail", pk=appeal.pk)
    return _render_detail(request, appeal, (name, form), status=400)


def hotline(request: HttpRequest) -> HttpResponse:
    """工单录入 for hotline agents."""
    if not access.has_role(request.user, "intake_agent", "dispatcher"):
        raise Http404
    form = f.HotlineForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal, _code = actions.do_submit_appeal(
                form.draft(),
                channel=Channel.HOTLINE,
                acting_user=request.user,
                accept=form.cleaned_data.get("accept_now", False),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("工单%(n)s已录入。") % {"n": appeal.number})
            return redirect("appeals:hotline")
    return render(request, "appeals/hotline.html", {"form": form})
