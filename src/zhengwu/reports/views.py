"""Report pages: generate, review, publish; the public list; exports; the dashboard and the
annual assessment."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from zhengwu.reports import access, actions, assessment, dashboard, exports, queries
from zhengwu.reports.models import Dimension, PeriodType, Report, ReportKind
from zhengwu.reports.periods import Period, containing


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("报告"), choices=ReportKind.choices)
    period_type = forms.ChoiceField(label=gettext_lazy("周期"), choices=PeriodType.choices)
    day = forms.DateField(
        label=gettext_lazy("周期内任一天"), widget=forms.DateInput(attrs={"type": "date"})
    )


@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    access.require_reader(request.user)
    last_week = timezone.localdate() - dt.timedelta(days=7)
    return render(
        request,
        "reports/list.html",
        {
            "reports": Report.objects.select_related("generated_by", "reviewed_by")[:100],
            "form": GenerateForm(initial={"period_type": PeriodType.WEEK, "day": last_week}),
            "can_write": access.can_write_reports(request.user),
        },
    )


@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    access.require_reader(request.user)
    form = GenerateForm(request.POST)
    if form.is_valid():
        try:
            report = actions.do_generate_report(
                form.cleaned_data["kind"],
                form.cleaned_data["period_type"],
                form.cleaned_data["day"],
                acting_user=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已生成报告草稿，请另一名督办员审核。"))
            return redirect("reports:detail", pk=report.pk)
    return render(
        request,
        "reports/list.html",
        {
            "reports": Report.objects.all()[:100],
            "form": form,
            "can_write": access.can_write_reports(request.user),
        },
        status=400,
    )


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.access_report_by_id(request.user, pk)
    if not access.can_read_reports(request.user):
        return redirect("reports:public_detail", pk=report.pk)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "snapshot": report.snapshot,
            "can_write": access.can_write_reports(request.user),
        },
    )


def _report_action(action, success: str):
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        report = access.access_report_by_id(request.user, pk)
        access.require_reader(request.user)
        try:
            action(report, acting_user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("reports:detail", pk=pk)
        messages.success(request, success)
        return (
            redirect("reports:list")
            if action is actions.do_discard_report
            else redirect("reports:detail", pk=pk)
        )

    return view


review = _report_action(actions.do_review_report, _("报告已审核，可以发布。"))
publish = _report_action(actions.do_publish_report, _("报告已发布，内容已固定。"))
discard = _report_action(actions.do_discard_report, _("草稿已作废。"))


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    published = Report.objects.filter(state=Report.State.PUBLISHED).order_by("-start", "kind")
    return render(request, "reports/public_list.html", {"reports": published[:200]})


@require_safe
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = Report.objects.filter(pk=pk, state=Report.State.PUBLISHED).first()
    if report is None:
        raise Http404
    return render(
        request, "reports/public_detail.html", {"report": report, "snapshot": report.snapshot}
    )


@require_safe
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = access.access_report_by_id(request.user, pk)
    if fmt not in exports.EXPORTS:
        raise Http404
    render_file, content_type = exports.EXPORTS[fmt]
    response = HttpResponse(render_file(report.snapshot), content_type=content_type)
    filename = f"report-{report.kind}-{report.start:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Dashboard and assessment --------------------------------------------------------------------


@require_safe
def dashboard_page(request: HttpRequest) -> HttpResponse:
    scope = access.dashboard_scope(request.user)
    try:
        period = dashboard.period_from(request.GET)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        period = dashboard.period_from({})
    data = dashboard.build(period, scope)
    return render(
        request,
        "reports/dashboard.html",
        {
            "period": period,
            "data": data,
            "chart_data": data["charts"],
            "ranges": dashboard.RANGES,
            "selected": request.GET.get("range", "30"),
        },
    )


@require_safe
def assessment_page(request: HttpRequest) -> HttpResponse:
    access.require_reader(request.user)
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year
    period = containing(PeriodType.YEAR, dt.date(year, 1, 1))
    period = Period(period.kind, period.start, min(period.end, today))
    scheme = assessment.default_scheme(year)
    lines = queries.totals(Dimension.ORGANISATION, period).values()
    tiers = assessment.score_units(
        lines, queries.organisation_kinds(), scheme, scheme.minimum_volume
    )
    return render(
        request,
        "reports/assessment.html",
        {
            "year": year,
            "years": range(today.year - 4, today.year + 1),
            "scheme": scheme,
            "tiers": tiers,
            "period": period,
        },
    )
