"""Staff pages of the organisation directory: the directory, staff accounts, the calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengwu.lib import workdays
from zhengwu.lib.forms import add_errors
from zhengwu.org import access, actions, queries
from zhengwu.org.calendar import get_calendar
from zhengwu.org.forms import GrantRoleForm, StaffCreateForm, role_help
from zhengwu.org.models import Organisation


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    access.require_staff(request.user)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Organisation.Kind.values else ""
    search = request.GET.get("q", "").strip()[:50]
    organisations = queries.directory(request.user, kind=kind, search=search)
    return render(
        request,
        "org/directory.html",
        {
            "organisations": organisations,
            "kinds": Organisation.Kind.choices,
            "kind": kind,
            "q": search,
        },
    )


@require_safe
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.access_organisation_by_id(request.user, pk)
    return render(
        request,
        "org/organisation_detail.html",
        {
            "organisation": organisation,
            "children": organisation.children.filter(is_active=True).order_by("name"),
            "can_manage": access.can_manage_staff(request.user, organisation),
        },
    )


@require_safe
def staff_list(request: HttpRequest) -> HttpResponse:
    access.require_staff_manager(request.user)
    return render(
        request,
        "org/staff_list.html",
        {
            "memberships": queries.staff_of(request.user),
        },
    )


def staff_create(request: HttpRequest) -> HttpResponse:
    access.require_staff_manager(request.user)
    managed = access.organisations_managed_by(request.user)
    form = StaffCreateForm(request.POST or None, organisations=managed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = actions.StaffAccount(
            username=data["username"],
            display_name=data["display_name"],
            password=data["password1"],
            phone=data["phone"],
            email=data["email"],
        )
        try:
            user = actions.do_create_staff(
                data["organisation"], account, data["role"], acting_user=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已创建工作人员账号 %(name)s。") % {"name": user.username})
            return redirect("org:staff")
    return render(request, "org/staff_create.html", {"form": form, "role_help": role_help()})


def staff_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    staff = access.access_staff_user_by_id(request.user, user_id)
    managed = access.organisations_managed_by(request.user)
    form = GrantRoleForm(request.POST or None, organisations=managed)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_grant_role(
                staff,
                form.cleaned_data["organisation"],
                form.cleaned_data["role"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已授予岗位。"))
            return redirect("org:staff_detail", user_id=staff.pk)
    return render(
        request,
        "org/staff_detail.html",
        {
            "staff": staff,
            "memberships": queries.staff_of(request.user).filter(user=staff),
            "form": form,
            "role_help": role_help(),
        },
    )


@require_POST
def membership_revoke(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = access.access_membership_by_id(request.user, membership_id)
    try:
        actions.do_revoke_role(membership, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已撤销岗位。"))
    return redirect("org:staff_detail", user_id=membership.user_id)


@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    """The platform calendar for a year, and a deadline calculator staff can check rules with."""
    access.require_staff(request.user)
    today = timezone.localdate()
    year = _int(request.GET.get("year"), today.year, lower=2004, upper=today.year + 5)
    cal = get_calendar()
    context: dict = {"year": year, "years": range(today.year - 2, today.year + 3)}
    try:
        context["months"] = _months(cal, year)
    except workdays.CalendarYearUnknown as exc:
        context["calendar_error"] = str(exc)
    context["calculation"] = _calculation(cal, request.GET)
    return render(request, "org/calendar.html", context)


def _int(raw: str | None, default: int, *, lower: int, upper: int) -> int:
    try:
        value = int(raw or default)
    except ValueError:
        return default
    return min(max(value, lower), upper)


def _months(cal: workdays.WorkCalendar, year: int) -> list[dict]:
    months = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        days = []
        day = first
        while day.month == month:
            days.append(
                {"date": day, "workday": cal.is_workday(day), "weekend": day.weekday() >= 5}
            )
            day += workdays.DAY
        months.append({"month": month, "lead": range(first.weekday()), "days": days})
    return months


def _calculation(cal: workdays.WorkCalendar, params: dict) -> dict | None:
    raw_start, raw_days = params.get("start", ""), params.get("days", "")
    if not raw_start or not raw_days:
        return None
    try:
        start = dt.datetime.fromisoformat(raw_start).replace(tzinfo=workdays.SHANGHAI)
        days = int(raw_days)
        if not 0 <= days <= 365:
            raise ValueError
    except ValueError:
        return {"error": _("请输入有效的受理时间和0至365之间的工作日数。")}
    try:
        due = workdays.add_working_days(cal, start, days)
    except workdays.CalendarYearUnknown as exc:
        return {"error": str(exc)}
    return {"start": start, "days": days, "due": due}
