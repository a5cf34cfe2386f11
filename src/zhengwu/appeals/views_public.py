"""Citizens' pages: write in, track with number and query code, supply information, evaluate,
my appeals, the leaders' mailboxes and the public wall of published replies."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengwu.appeals import access, actions, numbers, queries
from zhengwu.appeals import forms as f
from zhengwu.appeals.models import Appeal, Attachment, Channel, Mailbox
from zhengwu.appeals.workflow import FINISHED, Status
from zhengwu.audit.context import client_ip
from zhengwu.lib.cache import count
from zhengwu.lib.forms import add_errors
from zhengwu.lib.masking import mask_text
from zhengwu.lib.paging import CappedPaginator
from zhengwu.org.access import is_staff_member
from zhengwu.org.models import Division

# What an anonymous citizen's browser holds: the appeals it proved the query code for, and the
# receipt shown once after submitting. Signed cookies, so a submission writes no session row.
TRACKED = "zw_tracked"
RECEIPT = "zw_receipt"
TRACKED_DAYS = 30
TRACKED_MAX = 20
# Wrong query codes allowed per address per hour before tracking is refused for a while.
TRACK_FAILURES_PER_HOUR = 20


def _submit(request: HttpRequest, mailbox: Mailbox | None) -> HttpResponse:
    form = f.AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal, code = actions.do_submit_appeal(
                form.draft(mailbox),
                channel=Channel.MAILBOX if mailbox else Channel.PORTAL,
                acting_user=request.user,
                ip=client_ip.get(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            # Shown once on the next page, never put in a URL.
            response = _remember(request, redirect("appeals:submitted"), appeal.number)
            _set_cookie(response, RECEIPT, f"{appeal.number}:{code}", max_age=600)
            return response
    return render(
        request,
        "appeals/public/new.html",
        {"form": form, "mailbox": mailbox},
        status=400 if form.errors else 200,
    )


def new(request: HttpRequest) -> HttpResponse:
    return _submit(request, None)


def mailbox_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _submit(request, get_object_or_404(Mailbox, slug=slug, is_active=True))


@require_safe
def mailboxes(request: HttpRequest) -> HttpResponse:
    boxes = Mailbox.objects.filter(is_active=True).select_related("organisation")
    return render(request, "appeals/public/mailboxes.html", {"mailboxes": boxes})


@require_safe
def submitted(request: HttpRequest) -> HttpResponse:
    raw = request.get_signed_cookie(RECEIPT, default="", salt=RECEIPT, max_age=600)
    if ":" not in raw:
        return redirect("appeals:track")
    number, code = raw.split(":", 1)
    response = render(
        request, "appeals/public/submitted.html", {"receipt": {"number": number, "code": code}}
    )
    response.delete_cookie(RECEIPT, samesite="Lax")
    return response


@require_safe
def places(request: HttpRequest) -> HttpResponse:
    """The street options for a district (htmx swaps them into the form)."""
    raw = request.GET.get("district", "")
    district = Division.objects.filter(pk=raw).first() if raw.isdigit() else None
    return render(
        request,
        "appeals/public/street_options.html",
        {"streets": f.streets(district) if district else []},
    )


def _set_cookie(response: HttpResponse, name: str, value: str, *, max_age: int) -> None:
    response.set_signed_cookie(
        name,
        value,
        salt=name,
        max_age=max_age,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def _tracked(request: HttpRequest) -> list[str]:
    raw = request.get_signed_cookie(TRACKED, default="", salt=TRACKED, max_age=TRACKED_DAYS * 86400)
    return [number for number in raw.split(",") if number]


def _remember(request: HttpRequest, response: HttpResponse, number: str) -> HttpResponse:
    tracked = _tracked(request)
    if number not in tracked:
        tracked = [*tracked[-(TRACKED_MAX - 1) :], number]
        _set_cookie(response, TRACKED, ",".join(tracked), max_age=TRACKED_DAYS * 86400)
    return response


def _tracked_appeal(request: HttpRequest, number: str) -> Appeal:
    """The appeal, if this browser proved the query code or is the citizen's own account."""
    appeal = (
        Appeal.objects.filter(number=number.upper())
        .select_related("lead_department", "merged_into", "rejection_reason")
        .first()
    )
    if appeal is None:
        raise Http404
    own = request.user.is_authenticated and appeal.citizen_id == request.user.pk
    if not own and appeal.number not in _tracked(request):
        raise Http404
    return appeal


def track(request: HttpRequest) -> HttpResponse:
    form = f.TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = f"appeals:track-failures:{client_ip.get()}"
        if (cache.get(key) or 0) >= TRACK_FAILURES_PER_HOUR:
            form.add_error(None, _("查询失败次数过多，请一小时后再试。"))
        else:
            number = form.cleaned_data["number"].strip().upper()
            appeal = Appeal.objects.filter(number=number).only("number", "query_code_hash").first()
            if appeal and numbers.matches(
                number, form.cleaned_data["code"], appeal.query_code_hash
            ):
                return _remember(request, redirect("appeals:track_detail", number=number), number)
            count(key, 3600)
            form.add_error(None, _("编号或查询码不正确。"))
    return render(
        request, "appeals/public/track.html", {"form": form}, status=400 if form.errors else 200
    )


@require_safe
def track_detail(request: HttpRequest, number: str) -> HttpResponse:
    appeal = _tracked_appeal(request, number)
    return render(
        request,
        "appeals/public/track_detail.html",
        {
            "appeal": appeal,
            "events": queries.public_events(appeal),
            "reply": queries.published_reply(appeal),
            "supply_form": f.SupplyInfoForm() if appeal.status == Status.AWAITING_CITIZEN else None,
            "verdict_form": f.VerdictForm() if _can_evaluate(appeal) else None,
        },
    )


def _can_evaluate(appeal: Appeal) -> bool:
    return appeal.status in {Status.CLOSED, Status.MERGED} and bool(appeal.evaluation_token_hash)


@require_POST
def supply(request: HttpRequest, number: str) -> HttpResponse:
    appeal = _tracked_appeal(request, number)
    form = f.SupplyInfoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.do_supply_info(
                appeal,
                form.cleaned_data["text"],
                acting_user=request.user,
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("补充材料已提交，承办单位将继续办理。"))
            return redirect("appeals:track_detail", number=appeal.number)
    return render(
        request,
        "appeals/public/track_detail.html",
        {
            "appeal": appeal,
            "events": queries.public_events(appeal),
            "supply_form": form,
            "reply": None,
            "verdict_form": None,
        },
        status=400,
    )


@require_POST
def evaluate_tracked(request: HttpRequest, number: str) -> HttpResponse:
    appeal = _tracked_appeal(request, number)
    return _evaluate(
        request, appeal, token="", code_verified=True, template="appeals/public/track_detail.html"
    )


def evaluate(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """The tokenised link sent with the reply: no login, no query code needed."""
    appeal = Appeal.objects.filter(number=number.upper()).first()
    if appeal is None or not numbers.matches(appeal.number, token, appeal.evaluation_token_hash):
        return render(request, "appeals/public/evaluate.html", {"invalid": True}, status=404)
    if request.method == "POST":
        return _evaluate(
            request,
            appeal,
            token=token,
            code_verified=False,
            template="appeals/public/evaluate.html",
        )
    return render(
        request,
        "appeals/public/evaluate.html",
        {
            "appeal": appeal,
            "reply": queries.published_reply(appeal),
            "verdict_form": f.VerdictForm(),
        },
    )


def _evaluate(
    request: HttpRequest, appeal: Appeal, *, token: str, code_verified: bool, template: str
) -> HttpResponse:
    form = f.VerdictForm(request.POST)
    if form.is_valid():
        try:
            actions.do_evaluate(
                appeal,
                form.verdict(),
                acting_user=request.user,
                token=token,
                query_code_verified=code_verified,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("感谢您的评价。"))
            return _remember(
                request, redirect("appeals:track_detail", number=appeal.number), appeal.number
            )
    return render(
        request,
        template,
        {
            "appeal": appeal,
            "events": queries.public_events(appeal),
            "reply": queries.published_reply(appeal),
            "verdict_form": form,
            "supply_form": None,
        },
        status=400,
    )


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    appeals = (
        access.citizen_appeals(request.user)
        .select_related("lead_department")
        .order_by("-received_at")
    )
    page = Paginator(appeals, 20).get_page(request.GET.get("page"))
    return render(request, "appeals/public/mine.html", {"page": page})


@require_safe
def wall(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:50]
    number = request.GET.get("page")
    page = CappedPaginator(queries.wall(q), 20, page=number).get_page(number)
    for appeal in page:
        appeal.public_title, appeal.public_content = (
            mask_text(appeal.title),
            mask_text(appeal.content),
        )
    return render(request, "appeals/public/wall.html", {"page": page, "q": q})


@require_safe
def wall_detail(request: HttpRequest, number: str) -> HttpResponse:
    appeal = queries.wall().filter(number=number.upper()).first()
    if appeal is None:
        raise Http404
    reply = queries.published_reply(appeal)
    return render(
        request,
        "appeals/public/wall_detail.html",
        {
            "appeal": appeal,
            "title": mask_text(appeal.title),
            "content": mask_text(appeal.content),
            "reply": reply,
            "reply_text": mask_text(reply.text) if reply else "",
            "events": queries.public_events(appeal),
        },
    )


@require_safe
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Files are never public by URL: staff who see the appeal, the citizen who tracks it, or
    anyone for a published reply's attachments."""
    item = Attachment.objects.select_related("appeal").filter(pk=pk).first()
    if item is None or not _may_download(request, item):
        raise Http404
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=item.content_type == "application/pdf",
        filename=f"{item.appeal.number}-{item.pk}.{item.extension}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _may_download(request: HttpRequest, item: Attachment) -> bool:
    appeal = item.appeal
    if is_staff_member(request.user):
        return access.appeals_visible_to(request.user).filter(pk=appeal.pk).exists()
    if item.is_public and appeal.published_at and appeal.status in FINISHED:
        return True
    own = request.user.is_authenticated and appeal.citizen_id == request.user.pk
    return own or appeal.number in _tracked(request)
