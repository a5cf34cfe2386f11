"""Supervisors' pages for smart dispatch: the catalogue (with history, import and export), the
routing rules, the "test this text" page, and the model versions with the centre's settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengwu.audit.models import AuditEvent
from zhengwu.audit.registry import label as action_label
from zhengwu.dispatch import access, exchange, routing, versions
from zhengwu.dispatch import forms as f
from zhengwu.dispatch.actions import (
    do_delete_rule,
    do_move_rule,
    do_save_category,
    do_save_dispatch_settings,
    do_save_rule,
)
from zhengwu.dispatch.models import (
    Category,
    DispatchSettings,
    ModelVersion,
    RoutingRule,
    Suggestion,
)
from zhengwu.lib.forms import add_errors

# --- Catalogue -----------------------------------------------------------------------------------


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    access.require_editor(request.user)
    q = request.GET.get("q", "").strip()[:50]
    categories = Category.objects.select_related("lead_department").prefetch_related("co_handlers")
    if q:
        categories = categories.filter(path__contains=q) | categories.filter(keywords__contains=q)
    return render(
        request,
        "dispatch/catalogue.html",
        {"categories": categories.order_by("path"), "q": q, "import_form": f.ImportForm()},
    )


def _history(category: Category) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(object_type="dispatch.category", object_id=str(category.pk))
    rows = list(events.select_related("actor").order_by("-id")[:50])
    for event in rows:
        event.label = action_label(event.action)
    return rows


def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_editor(request.user)
    category = get_object_or_404(Category, pk=pk)
    initial = {
        "lead_department": category.lead_department_id,
        "co_handlers": list(category.co_handlers.values_list("pk", flat=True)),
        "keywords": category.keywords,
        "is_active": category.is_active,
        "order": category.order,
    }
    form = f.CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        co = list(data.pop("co_handlers"))
        data["order"] = data["order"] or 0
        path = tuple(part.strip() for part in category.path.split(">"))
        try:
            do_save_category(path, data, co_handlers=co, acting_user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已保存“%(c)s”。") % {"c": category.path})
            return redirect("dispatch:category", pk=category.pk)
    context = {"category": category, "form": form, "history": _history(category)}
    return render(request, "dispatch/category_form.html", context)


def category_new(request: HttpRequest) -> HttpResponse:
    access.require_editor(request.user)
    form = f.NewCategoryForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        co = list(data.pop("co_handlers"))
        values = {k: data[k] for k in ("lead_department", "keywords", "is_active")}
        values["order"] = data["order"] or 0
        try:
            category = do_save_category(
                form.path(), values, co_handlers=co, acting_user=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已新增“%(c)s”。") % {"c": category.path})
            return redirect("dispatch:category", pk=category.pk)
    return render(request, "dispatch/category_form.html", {"form": form, "category": None})


@require_safe
def catalogue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    access.require_editor(request.user)
    rows = exchange.export_rows()
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(exchange.to_xlsx(rows), content_type=content_type)
    elif fmt == "csv":
        response = HttpResponse(exchange.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="catalogue-{stamp}.{fmt}"'
    return response


@require_POST
def catalogue_import(request: HttpRequest) -> HttpResponse:
    access.require_editor(request.user)
    form = f.ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要导入的文件。"))
        return redirect("dispatch:catalogue")
    upload = form.cleaned_data["file"]
    try:
        table = exchange.read_table(upload.name, upload.read(exchange.MAX_BYTES + 1))
        result = exchange.do_import_catalogue(table, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("已导入%(r)d行，其中%(c)d个分类有变化。") % {"r": result.rows, "c": result.changed},
        )
    return redirect("dispatch:catalogue")


# --- Routing rules -------------------------------------------------------------------------------


@require_safe
def rule_list(request: HttpRequest) -> HttpResponse:
    access.require_editor(request.user)
    rules = RoutingRule.objects.select_related("category", "division", "lead", "handler")
    return render(request, "dispatch/rules.html", {"rules": rules.prefetch_related("co_handlers")})


def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access.require_editor(request.user)
    rule = get_object_or_404(RoutingRule, pk=pk) if pk else None
    initial: dict[str, Any] = {"is_active": True}
    if rule is not None:
        initial = {name: getattr(rule, name) for name in f.RuleForm.base_fields}
        initial["co_handlers"] = list(rule.co_handlers.all())
    form = f.RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = do_save_rule(
                rule,
                form.values(),
                co_handlers=list(form.cleaned_data["co_handlers"]),
                acting_user=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存规则“%(n)s”。") % {"n": saved.name})
            return redirect("dispatch:rules")
    return render(request, "dispatch/rule_form.html", {"form": form, "rule": rule})


@require_POST
def rule_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    access.require_editor(request.user)
    rule = get_object_or_404(RoutingRule, pk=pk)
    do_move_rule(rule, -1 if direction == "up" else 1, acting_user=request.user)
    return redirect("dispatch:rules")


@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_editor(request.user)
    rule = get_object_or_404(RoutingRule, pk=pk)
    do_delete_rule(rule, acting_user=request.user)
    messages.success(request, _("已删除规则“%(n)s”。") % {"n": rule.name})
    return redirect("dispatch:rules")


# --- Test this text ------------------------------------------------------------------------------


def try_text(request: HttpRequest) -> HttpResponse:
    """What would happen to this message: place, rule, model suggestions, route and why."""
    access.require_tester(request.user)
    form = f.TryForm(request.POST or None)
    advice = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        message = routing.Message(
            title=d["title"] or "",
            text=d["text"],
            place=d["place"] or "",
            division_code=d["division"].code if d["division"] else "",
            channel=d["channel"] or "",
            received_at=d["at"],
        )
        advice = routing.advise(message, explain=True)
    settings = DispatchSettings.current()
    context = {
        "form": form,
        "advice": advice,
        "settings": settings,
        "would_auto": advice.auto_dispatchable(settings, False) if advice else False,
    }
    return render(request, "dispatch/try.html", context)


# --- Models and settings -------------------------------------------------------------------------


def _corrections() -> dict[str, int]:
    counts = Suggestion.objects.values("outcome").annotate(n=Count("pk"))
    return {row["outcome"]: row["n"] for row in counts}


def model_list(request: HttpRequest) -> HttpResponse:
    access.require_editor(request.user)
    current = DispatchSettings.current()
    initial = {
        name: getattr(current, name)
        for name in ("auto_dispatch", "threshold", "duplicate_days", "duplicate_similarity")
    }
    form = f.SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            do_save_dispatch_settings(form.cleaned_data, acting_user=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存智能派单设置。"))
            return redirect("dispatch:models")
    context = {
        "active": versions.active_model(),
        "models": ModelVersion.objects.defer("artefact").select_related("created_by")[:20],
        "form": form,
        "outcomes": _corrections(),
    }
    return render(request, "dispatch/models.html", context)


@require_POST
def model_action(request: HttpRequest, action: str) -> HttpResponse:
    access.require_editor(request.user)
    try:
        if action == "activate":
            version = get_object_or_404(
                ModelVersion.objects.defer("artefact"), pk=request.POST.get("version", "0")
            )
            versions.do_activate_model(version, acting_user=request.user)
        elif action == "rollback":
            versions.do_rollback_model(acting_user=request.user)
        elif action == "deactivate":
            versions.do_deactivate_model(acting_user=request.user)
        else:
            raise Http404
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("模型设置已更新。"))
    return redirect("dispatch:models")
