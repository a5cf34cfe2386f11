"""The four reports, built as plain snapshots (JSON) from the rollups.

A snapshot is everything a reader sees: headline figures and tables whose columns say how to
format their cells. Pages and the Excel, Word and PDF exports all render the same snapshot, and
a published report keeps its snapshot whatever happens to the data afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from zhengwu.appeals.models import Appeal, Supervision
from zhengwu.appeals.workflow import HANDLING
from zhengwu.reports import assessment, hotspots, metrics, queries
from zhengwu.reports.models import Dimension, PeriodType, ReportKind
from zhengwu.reports.periods import Period
from zhengwu.reports.rollups import day_bounds, freshness

WEEKLY_MINIMUM_VOLUME = 3
BEST_WORST = 3


def column(title: str, fmt: str = "int") -> dict:
    return {"title": title, "format": fmt}


def table(title: str, columns: list[dict], rows: list[list], note: str = "") -> dict:
    return {"title": title, "columns": columns, "rows": rows, "note": note}


def change(current: float | None, previous: float | None) -> float | None:
    if current is None or not previous:
        return None
    return (current - previous) / previous


SUFFIX = {
    PeriodType.WEEK: "周报",
    PeriodType.MONTH: "月报",
    PeriodType.QUARTER: "季报",
    PeriodType.YEAR: "年报",
}


def title(kind: str, period: Period) -> str:
    base = str(ReportKind(kind).label).replace("周报", SUFFIX.get(period.kind, "报告"))
    return f"{base}（{period.label()}）"


def _header(kind: str, period: Period) -> dict[str, Any]:
    state = freshness()
    return {
        "kind": kind,
        "title": title(kind, period),
        "period": {
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label(),
        },
        "generated_at": timezone.now().isoformat(),
        "data_as_of": state.counted_until.isoformat() if state and state.counted_until else None,
    }


def _summary(current: queries.Line, previous: queries.Line, keys: Iterable[str]) -> list[dict]:
    now, before = current.values, previous.values
    out = []
    for key in keys:
        metric = metrics.METRIC_BY_KEY[key]
        out.append(
            {
                "label": metric.label,
                "value": now[key],
                "previous": before[key],
                "format": "rate" if metric.is_rate else ("days" if "days" in key else "int"),
                "change": None if metric.is_rate else change(now[key], before[key]),
            }
        )
    return out


# --- 1. 受理办理周报 ------------------------------------------------------------------------------

INTAKE_HEADLINE = [
    "received",
    "accepted",
    "rejected",
    "dispatched",
    "closed",
    "completion_rate",
    "on_time_rate",
    "response_rate",
    "satisfaction_rate",
    "average_days",
]


def _volume_table(title: str, dimension: str, period: Period, previous: Period) -> dict:
    now, before = queries.totals(dimension, period), queries.totals(dimension, previous)
    keys = sorted(
        set(now) | set(before), key=lambda k: -(now[k].counts["received"] if k in now else 0)
    )
    rows = []
    for key in keys:
        line = now.get(key) or before[key]
        current = now[key].counts["received"] if key in now else 0
        earlier = before[key].counts["received"] if key in before else 0
        closed = now[key].counts["closed"] if key in now else 0
        rows.append([line.name, current, earlier, change(current, earlier), closed])
    columns = [
        column(title[1:], "text"),
        column("本期受理"),
        column("上期受理"),
        column("环比", "change"),
        column("本期办结"),
    ]
    return table(title, columns, rows)


def intake_report(period: Period) -> dict:
    previous = period.previous()
    current_city, previous_city = queries.city(period), queries.city(previous)
    snapshot = _header(ReportKind.INTAKE, period)
    snapshot["summary"] = _summary(current_city, previous_city, INTAKE_HEADLINE)
    snapshot["summary"].append(
        {
            "label": "办结时长中位数（工作日）",
            "value": current_city.median_days,
            "previous": previous_city.median_days,
            "format": "days",
            "change": None,
        }
    )
    snapshot["tables"] = [
        _volume_table("按渠道", Dimension.CHANNEL, period, previous),
        _volume_table("按诉求类型", Dimension.TYPE, period, previous),
        _volume_table("按问题分类", Dimension.CATEGORY, period, previous),
        _volume_table("按县区", Dimension.COUNTY, period, previous),
    ]
    return snapshot


# --- 2. 部门办理情况通报 ------------------------------------------------------------------------

DEPARTMENT_COLUMNS = [
    column("排名", "rank"),
    column("单位", "text"),
    column("派单量"),
    column("响应率", "rate"),
    column("办结量"),
    column("按时办结率", "rate"),
    column("逾期件"),
    column("退单"),
    column("解决率", "rate"),
    column("满意率", "rate"),
    column("综合得分", "score"),
]


def _department_row(score: assessment.Score) -> list:
    v, c = score.line.values, score.line.counts
    return [
        score.rank or "—",
        score.line.name,
        c["dispatched"],
        v["response_rate"],
        c["closed"],
        v["on_time_rate"],
        c["overdue"],
        c["returned"],
        v["resolution_rate"],
        v["satisfaction_rate"],
        score.score,
    ]


def _best_worst(tier: str, scores: list[assessment.Score]) -> str:
    ranked = [s for s in scores if s.rank is not None]
    if len(ranked) < 2:
        return f"{tier}：参与排名的单位不足两个，不评优评差。"
    size = min(BEST_WORST, len(ranked) // 2)
    best = "、".join(s.line.name for s in ranked[:size])
    worst = "、".join(s.line.name for s in reversed(ranked[-size:]))
    return f"{tier}：较好的单位是{best}；较差的单位是{worst}。"


def departments_report(period: Period, minimum: int = WEEKLY_MINIMUM_VOLUME) -> dict:
    lines = queries.totals(Dimension.ORGANISATION, period).values()
    scheme = assessment.default_scheme(period.end.year)
    tiers = assessment.score_units(lines, queries.organisation_kinds(), scheme, minimum)
    snapshot = _header(ReportKind.DEPARTMENTS, period)
    snapshot["summary"] = _summary(
        queries.city(period),
        queries.city(period.previous()),
        [
            "dispatched",
            "response_rate",
            "on_time_rate",
            "overdue",
            "resolution_rate",
            "satisfaction_rate",
        ],
    )
    snapshot["findings"] = [_best_worst(tier, scores) for tier, scores in tiers.items()]
    snapshot["tables"] = [
        table(
            f"{tier}（{len(scores)}个单位）",
            DEPARTMENT_COLUMNS,
            [_department_row(s) for s in scores],
            note=f"派单量不足{minimum}件的单位列出但不参与排名。",
        )
        for tier, scores in tiers.items()
    ]
    snapshot["method"] = assessment.__doc__.strip()
    return snapshot


# --- 3. 热点问题周报 ----------------------------------------------------------------------------


def hotspots_report(period: Period) -> dict:
    previous = period.previous()
    rows = []
    items = hotspots.hot_items(period)
    counts = hotspots.previous_counts(previous, items)
    for rank, item in enumerate(items, start=1):
        before = counts.get((item["category"], item["county"]), 0)
        rows.append(
            [
                rank,
                item["category_name"],
                item["county_name"],
                item["n"],
                item["citizens"],
                before,
                change(item["n"], before),
                metrics.ratio(item["answered"], item["n"]),
            ]
        )
    snapshot = _header(ReportKind.HOTSPOTS, period)
    snapshot["summary"] = _summary(
        queries.city(period), queries.city(previous), ["received", "closed", "satisfaction_rate"]
    )
    snapshot["tables"] = [
        table(
            "热点事项",
            [
                column("序号", "rank"),
                column("问题分类", "text"),
                column("县区", "text"),
                column("本期件数"),
                column("反映人数"),
                column("上期件数"),
                column("环比", "change"),
                column("已办结比例", "rate"),
            ],
            rows,
            note="同一分类、同一县区的诉求合并为一个热点事项，按本期件数排序。",
        ),
        _volume_table("按问题分类", Dimension.CATEGORY, period, previous),
    ]
    return snapshot


# --- 4. 督办通报 --------------------------------------------------------------------------------

ITEM_LIMIT = 100


def _supervision_items(period: Period) -> list[list]:
    lower, upper = day_bounds(period.start)[0], day_bounds(period.end)[1]
    issued = (
        Supervision.objects.filter(issued_at__gte=lower, issued_at__lt=upper)
        .select_related("appeal", "organisation")
        .order_by("-level", "issued_at")[:ITEM_LIMIT]
    )
    return [
        [
            s.appeal.number,
            s.appeal.title,
            s.organisation.name,
            s.get_level_display(),
            timezone.localtime(s.issued_at).strftime("%m-%d"),
            timezone.localtime(s.due).strftime("%m-%d"),
            s.get_state_display(),
        ]
        for s in issued
    ]


def _overdue_items(now: dt.datetime) -> list[list]:
    levels = dict(Supervision.Level.choices)
    overdue = (
        Appeal.objects.filter(status__in=HANDLING, deadline__lt=now)
        .select_related("lead_department")
        .order_by("deadline")[:ITEM_LIMIT]
    )
    return [
        [
            a.number,
            a.title,
            a.lead_department.name if a.lead_department else "—",
            timezone.localtime(a.deadline).strftime("%Y-%m-%d"),
            a.urge_count,
            str(levels.get(a.supervision_level, "—")),
        ]
        for a in overdue
    ]


def supervision_report(period: Period) -> dict:
    lines = sorted(
        queries.totals(Dimension.ORGANISATION, period).values(),
        key=lambda line: (-line.counts["overdue"], -line.counts["supervised"], line.name),
    )
    rows = [
        [
            line.name,
            line.counts["overdue"],
            line.counts["urged"],
            line.counts["supervised"],
            line.counts["returned"],
            line.values["on_time_rate"],
        ]
        for line in lines
        if any(line.counts[k] for k in ("overdue", "urged", "supervised"))
    ]
    snapshot = _header(ReportKind.SUPERVISION, period)
    snapshot["summary"] = _summary(
        queries.city(period),
        queries.city(period.previous()),
        ["overdue", "urged", "supervised", "returned", "on_time_rate"],
    )
    snapshot["tables"] = [
        table(
            "各单位逾期、催办、督办情况",
            [
                column("单位", "text"),
                column("逾期件"),
                column("催办"),
                column("督办"),
                column("退单"),
                column("按时办结率", "rate"),
            ],
            rows,
        ),
        table(
            "本期督办件",
            [
                column("编号", "text"),
                column("标题", "text"),
                column("单位", "text"),
                column("级别", "text"),
                column("督办日期", "text"),
                column("反馈期限", "text"),
                column("状态", "text"),
            ],
            _supervision_items(period),
        ),
        table(
            "生成报告时仍逾期的诉求",
            [
                column("编号", "text"),
                column("标题", "text"),
                column("主办单位", "text"),
                column("办理期限", "text"),
                column("催办次数"),
                column("督办级别"),
            ],
            _overdue_items(timezone.now()),
            note=f"最多列出{ITEM_LIMIT}件，按期限先后排序。",
        ),
    ]
    return snapshot


BUILDERS: dict[str, Callable[[Period], dict]] = {
    ReportKind.INTAKE: intake_report,
    ReportKind.DEPARTMENTS: departments_report,
    ReportKind.HOTSPOTS: hotspots_report,
    ReportKind.SUPERVISION: supervision_report,
}
