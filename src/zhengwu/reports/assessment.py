"""Scoring units: the weekly department bulletin and the annual assessment use the same scheme.

score = 100 × Σ(weight × rate) ÷ Σ(weights of the rates the unit has)
        − min(cap, overdue-rate points + supervised-rate points)
Units below the minimum volume are listed but not ranked; ranks are within a tier (市直部门,
县区, 开发区, 乡镇街道, 其他) so like is compared with like (国办函〔2025〕66号: 分档分类评价).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from zhengwu.org.models import Organisation
from zhengwu.reports.models import AssessmentScheme
from zhengwu.reports.queries import Line

K = Organisation.Kind
TIERS = [
    ("市直部门", {K.MUNICIPAL, K.VERTICAL, K.ENTERPRISE}),
    ("县区", {K.DISTRICT}),
    ("开发区", {K.DEV_ZONE}),
    ("乡镇街道", {K.STREET}),
]
OTHER_TIER = "其他"
WEIGHTED = [
    ("response_rate", "weight_response", "响应率"),
    ("on_time_rate", "weight_on_time", "按时办结率"),
    ("resolution_rate", "weight_resolution", "解决率"),
    ("satisfaction_rate", "weight_satisfaction", "满意率"),
]


def tier_of(kind: str) -> str:
    return next((name for name, kinds in TIERS if kind in kinds), OTHER_TIER)


def default_scheme(year: int) -> AssessmentScheme:
    return AssessmentScheme.objects.filter(year=year).first() or AssessmentScheme(
        year=year, name="默认方案"
    )


@dataclass
class Score:
    line: Line
    tier: str
    ranked: bool
    base: float | None = None
    deduction: float = 0.0
    rank: int | None = None
    steps: list[str] = field(default_factory=list)

    @property
    def score(self) -> float | None:
        return None if self.base is None else round(self.base - self.deduction, 2)


def score_line(line: Line, scheme: AssessmentScheme, minimum: int, tier: str) -> Score:
    values = line.values
    dispatched = line.counts["dispatched"]
    result = Score(line, tier, ranked=dispatched >= minimum)
    weights = [(values[key], getattr(scheme, weight), label) for key, weight, label in WEIGHTED]
    present = [(v, w, label) for v, w, label in weights if v is not None and w]
    if not present:
        result.steps.append("无可计算的比率，不计分")
        return result
    total_weight = sum(w for _, w, _ in present)
    result.base = round(100 * sum(v * w for v, w, _ in present) / total_weight, 2)
    result.steps += [f"{label} {v * 100:.1f}% × 权重{w}" for v, w, label in present]
    result.steps.append(f"加权得分 {result.base:.2f}（按有效权重{total_weight}折算为百分制）")
    result.deduction = _deduction(line, scheme, dispatched, result.steps)
    return result


def _deduction(line: Line, scheme: AssessmentScheme, dispatched: float, steps: list[str]) -> float:
    if not dispatched:
        return 0.0
    overdue_pct = 100 * line.counts["overdue"] / dispatched
    supervised_pct = 100 * line.counts["supervised"] / dispatched
    raw = overdue_pct * scheme.deduction_overdue + supervised_pct * scheme.deduction_supervised
    deduction = round(min(scheme.max_deduction, raw), 2)
    steps.append(
        f"扣分 {deduction:.2f}（逾期率{overdue_pct:.1f}% × {scheme.deduction_overdue} + "
        f"督办率{supervised_pct:.1f}% × {scheme.deduction_supervised}，上限{scheme.max_deduction}）"
    )
    return deduction


def score_units(
    lines: Iterable[Line], kinds: dict[str, str], scheme: AssessmentScheme, minimum: int
) -> dict[str, list[Score]]:
    """Scores grouped by tier, ranked within each tier (best first); unranked units last."""
    tiers: dict[str, list[Score]] = {name: [] for name, _ in TIERS}
    tiers[OTHER_TIER] = []
    for line in lines:
        kind = kinds.get(line.key, "")
        if kind in (K.CENTRE, K.GOVERNMENT):
            continue
        tier = tier_of(kind)
        tiers[tier].append(score_line(line, scheme, minimum, tier))
    for scores in tiers.values():
        _rank(scores)
    return {name: scores for name, scores in tiers.items() if scores}


def _rank(scores: list[Score]) -> None:
    ranked = [s for s in scores if s.ranked and s.score is not None]
    ranked.sort(key=lambda s: (-s.score, s.line.name))
    for position, score in enumerate(ranked, start=1):
        score.rank = position
    rest = sorted((s for s in scores if s.rank is None), key=lambda s: s.line.name)
    scores[:] = ranked + rest
