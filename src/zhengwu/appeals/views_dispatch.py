"""Smart dispatch on the hub's pages: the suggestion and duplicate panel of the appeal page,
the dispatch form's defaults, and the hot-spot page for supervisors and leaders."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from zhengwu.appeals import access, smart_dispatch
from zhengwu.appeals.models import Appeal
from zhengwu.dispatch import access as dispatch_access
from zhengwu.dispatch import hotspots
from zhengwu.dispatch.models import Suggestion


def dispatch_initial(appeal: Appeal) -> dict[str, Any]:
    """The dispatch form starts from the suggestion (or the catalogue for a chosen category)."""
    suggestion = smart_dispatch.latest_suggestion(appeal)
    if suggestion is not None and suggestion.outcome == Suggestion.Outcome.PENDING:
        return {
            "category": appeal.category_id or suggestion.category_id,
            "lead": suggestion.lead_id,
            "co_handlers": suggestion.details.get("co_handlers", []),
            "assignee": suggestion.details.get("handler"),
        }
    responsible = appeal.category.responsible() if appeal.category_id else None
    return {
        "category": appeal.category_id,
        "lead": responsible.lead_department_id if responsible else None,
    }


def panel(appeal: Appeal, user: Any, available: set[str]) -> dict[str, Any]:
    """Suggestions and duplicate candidates, for the centre's staff only."""
    if not access.is_centre(user):
        return {}
    suggestion = smart_dispatch.latest_suggestion(appeal)
    mergeable = "merge" in available and appeal.status in smart_dispatch.MERGEABLE
    duplicates = smart_dispatch.duplicate_candidates(appeal) if mergeable else []
    return {
        "smart": {
            "suggestion": suggestion,
            "details": suggestion.details if suggestion else {},
            "duplicates": duplicates,
            "can_merge": mergeable,
        }
    }


# --- Hot spots ----------------------------------------------------------------------------------

PERIODS = (7, 30, 90, 365)


def _spots(user: Any, days: int) -> list[hotspots.HotSpot]:
    end = timezone.now()
    appeals = access.appeals_visible_to(user).filter(received_at__gte=end - dt.timedelta(days=days))
    return hotspots.find_hotspots(smart_dispatch.hotspot_items(appeals), end=end, limit=30)


def _numbers(spots: list[hotspots.HotSpot]) -> dict[int, str]:
    keys = {key for spot in spots for key in spot.members}
    return dict(Appeal.objects.filter(pk__in=keys).values_list("pk", "number"))


@require_safe
def hotspot_list(request: HttpRequest) -> HttpResponse:
    dispatch_access.require_hotspot_reader(request.user)
    raw = request.GET.get("days", "30")
    days = int(raw) if raw.isdigit() and int(raw) in PERIODS else 30
    spots = _spots(request.user, days)
    numbers = _numbers(spots)
    if request.GET.get("format") == "csv":
        return _csv(spots, numbers, days)
    rows = [(spot, [(key, numbers.get(key, "")) for key in spot.members]) for spot in spots]
    context = {"rows": rows, "days": days, "periods": PERIODS}
    return render(request, "appeals/hotspots.html", context)


def _csv(spots: list[hotspots.HotSpot], numbers: dict[int, str], days: int) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["热度", "代表标题", "地点", "件数", "市民数", "开始", "最近", "诉求编号"])
    for spot in spots:
        writer.writerow(
            [
                spot.heat,
                spot.title,
                spot.place,
                spot.size,
                spot.citizens,
                timezone.localtime(spot.first).strftime("%Y-%m-%d") if spot.first else "",
                timezone.localtime(spot.last).strftime("%Y-%m-%d") if spot.last else "",
                " ".join(numbers.get(key, "") for key in spot.members),
            ]
        )
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="hotspots-{days}d.csv"'
    return response
