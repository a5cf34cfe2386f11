"""The metrics, defined once (docs/metrics.md explains each with its sources and dates).

Every metric is a function of counters summed over a period; a rate with an empty denominator
is None ("—" on the page), never zero and never a division error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from zhengwu.reports.models import COUNTERS, HISTOGRAM_BUCKETS

Counts = Mapping[str, float]

# Weights of the partial answers (Beijing's 三率 practice counts them in part).
PARTLY_RESOLVED_WEIGHT = 0.5
BASICALLY_SATISFIED_WEIGHT = 0.8


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    compute: Callable[[Counts], float | None]
    is_rate: bool = False
    definition: str = ""


def _evaluated_with_answer(c: Counts) -> float:
    return c["resolved"] + c["partly"] + c["unresolved"]


def _satisfaction_answers(c: Counts) -> float:
    return c["satisfied"] + c["basically"] + c["dissatisfied"]


METRICS: list[Metric] = [
    Metric(
        "received", "受理量", lambda c: c["received"], definition="提交到平台的诉求件数（按提交日）"
    ),
    Metric(
        "accepted", "受理件", lambda c: c["accepted"], definition="督办中心受理的件数（按受理日）"
    ),
    Metric("rejected", "不予受理", lambda c: c["rejected"]),
    Metric(
        "dispatched",
        "派单量",
        lambda c: c["dispatched"],
        definition="派给主办单位的次数，改派、重办各计一次",
    ),
    Metric(
        "response_rate",
        "响应率",
        lambda c: ratio(c["responded"], c["dispatched"]),
        True,
        "派单后在签收时限内签收的次数 ÷ 派单次数（按派单日）",
    ),
    Metric(
        "closed",
        "办结量",
        lambda c: c["closed"],
        definition="答复经审核通过（或直接答复）而办结的次数（按办结日）",
    ),
    Metric(
        "completion_rate",
        "办结率",
        lambda c: ratio(c["closed"], c["accepted"]),
        True,
        "办结量 ÷ 受理件（同一期间；清理积压时可超过100%）",
    ),
    Metric(
        "on_time_rate",
        "按时办结率",
        lambda c: ratio(c["closed_on_time"], c["closed"]),
        True,
        "在办理期限（含批准的延期）内办结的次数 ÷ 办结量",
    ),
    Metric(
        "overdue",
        "逾期件",
        lambda c: c["overdue"],
        definition="期间内超过办理期限仍未答复的件数（按超期日）",
    ),
    Metric(
        "reply_rate",
        "回复率",
        lambda c: ratio(c["replied"], c["dispatched"]),
        True,
        "承办单位提交答复的次数 ÷ 派单量",
    ),
    Metric(
        "resolution_rate",
        "解决率",
        lambda c: ratio(
            c["resolved"] + PARTLY_RESOLVED_WEIGHT * c["partly"], _evaluated_with_answer(c)
        ),
        True,
        "（已解决 + 0.5 × 部分解决）÷ 有解决情况答复的评价数",
    ),
    Metric(
        "satisfaction_rate",
        "满意率",
        lambda c: ratio(
            c["satisfied"] + BASICALLY_SATISFIED_WEIGHT * c["basically"], _satisfaction_answers(c)
        ),
        True,
        "（满意 + 0.8 × 基本满意）÷ 有满意度答复的评价数（未评价不计入）",
    ),
    Metric(
        "reopen_rate",
        "重办率",
        lambda c: ratio(c["reopened"], c["closed"]),
        True,
        "决定重办的次数 ÷ 办结量",
    ),
    Metric(
        "average_days",
        "平均办结时长（工作日）",
        lambda c: ratio(c["handling_days"], c["closed"]),
        definition="办结件从派单（直接答复的从提交）到办结的工作日之和 ÷ 办结量",
    ),
    Metric("urged", "催办", lambda c: c["urged"]),
    Metric("supervised", "督办", lambda c: c["supervised"]),
    Metric("returned", "退单", lambda c: c["returned"]),
]
METRIC_BY_KEY = {metric.key: metric for metric in METRICS}


def empty() -> dict[str, float]:
    return dict.fromkeys(COUNTERS, 0)


def add(total: dict[str, float], row: Mapping[str, float]) -> None:
    for name in COUNTERS:
        total[name] += row.get(name, 0) or 0


def values(counts: Counts) -> dict[str, float | None]:
    return {metric.key: metric.compute(counts) for metric in METRICS}


def median_days(histogram: Iterable[int]) -> float | None:
    """The median handling time from half-day buckets (the bucket's midpoint)."""
    buckets = list(histogram)
    total = sum(buckets)
    if not total:
        return None
    seen = 0
    for index, count in enumerate(buckets):
        seen += count
        if seen * 2 >= total:
            return min(index, HISTOGRAM_BUCKETS - 1) / 2 + 0.25
    return None


def bucket(days: float) -> int:
    return min(int(max(days, 0) * 2), HISTOGRAM_BUCKETS - 1)


def merge_histograms(into: list[int], other: Iterable[int]) -> list[int]:
    other = list(other)
    if not into:
        into = [0] * HISTOGRAM_BUCKETS
    for index, count in enumerate(other[:HISTOGRAM_BUCKETS]):
        into[index] += count
    return into
