"""Routing rules: ordered, first match wins, and every match says why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhengwu.dispatch.models import Category, RoutingRule
from zhengwu.org.models import Division

# Channels are defined by the layer that receives messages (the appeals hub registers its
# own at start-up); dispatch only needs their codes and names for rule forms and reasons.
CHANNELS: dict[str, str] = {}


def register_channels(choices: Iterable[tuple[str, str]]) -> None:
    """Called once at start-up by the layer that owns the channels."""
    CHANNELS.update({code: str(label) for code, label in choices})


@dataclass(frozen=True)
class Facts:
    """What rules may look at, as plain data."""

    text: str  # cleaned title + text
    category: Category | None = None
    division_code: str = ""
    channel: str = ""
    local_time: dt.time | None = None


@dataclass(frozen=True)
class Match:
    rule: RoutingRule
    reasons: list[str]


def active_rules() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(is_active=True)
        .select_related("category", "division", "lead", "handler")
        .prefetch_related("co_handlers")
    )


def _in_window(start: dt.time, end: dt.time, now: dt.time) -> bool:
    if start <= end:
        return start <= now < end
    return now >= start or now < end  # the window wraps past midnight


def _category_reason(rule: RoutingRule, facts: Facts) -> str | None:
    if rule.category_id is None:
        return ""
    chain = [facts.category, *facts.category.ancestors()] if facts.category else []
    if rule.category_id not in {c.pk for c in chain}:
        return None
    return _("分类属于“%(c)s”") % {"c": rule.category.path}


def _keyword_reason(rule: RoutingRule, facts: Facts) -> str | None:
    keywords = rule.keywords.split()
    if not keywords:
        return ""
    hits = [word for word in keywords if word in facts.text]
    if not hits:
        return None
    return _("含关键词%(k)s") % {"k": "、".join(f"“{w}”" for w in hits)}


def _division_reason(rule: RoutingRule, facts: Facts) -> str | None:
    if rule.division_id is None:
        return ""
    prefix = rule.division.code[: Division.PREFIX_LENGTH[rule.division.level]]
    if not facts.division_code.startswith(prefix):
        return None
    return _("区域在%(d)s") % {"d": rule.division.name}


def _channel_reason(rule: RoutingRule, facts: Facts) -> str | None:
    if not rule.channel:
        return ""
    if rule.channel != facts.channel:
        return None
    return _("渠道为%(c)s") % {"c": CHANNELS.get(rule.channel, rule.channel)}


def _time_reason(rule: RoutingRule, facts: Facts) -> str | None:
    if rule.start_time is None or rule.end_time is None:
        return ""
    if facts.local_time is None or not _in_window(rule.start_time, rule.end_time, facts.local_time):
        return None
    return _("时间在%(s)s至%(e)s之间") % {
        "s": rule.start_time.strftime("%H:%M"),
        "e": rule.end_time.strftime("%H:%M"),
    }


CONDITIONS = (_category_reason, _keyword_reason, _division_reason, _channel_reason, _time_reason)


def explain(rule: RoutingRule, facts: Facts) -> list[str] | None:
    """The reasons this rule matches, or None if any of its conditions fails. A rule with no
    condition at all matches everything (a catch-all at the end of the list)."""
    reasons = []
    for condition in CONDITIONS:
        reason = condition(rule, facts)
        if reason is None:
            return None
        if reason:
            reasons.append(reason)
    return reasons or [_("无附加条件（兜底规则）")]


def first_match(rules: Iterable[RoutingRule], facts: Facts) -> Match | None:
    for rule in rules:
        reasons = explain(rule, facts)
        if reasons is not None:
            return Match(rule, reasons)
    return None
