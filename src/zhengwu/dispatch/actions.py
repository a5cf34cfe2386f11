"""Use cases of the dispatch catalogue: categories and their time limits. Each checks permission,
validates, changes state and writes its audit row in one transaction; a save that changes
nothing writes nothing, so loaders may call them again and again."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.audit import registry
from zhengwu.audit.record import record
from zhengwu.dispatch.models import (
    AppealType,
    Category,
    DispatchSettings,
    RoutingRule,
    SLAPolicy,
    Urgency,
)
from zhengwu.org import access
from zhengwu.org.models import Organisation, Role

CATEGORY_SAVED = registry.register("dispatch.category_saved", _("保存诉求分类"))
SLA_POLICY_SAVED = registry.register("dispatch.sla_policy_saved", _("保存办理时限"))

CATEGORY_FIELDS = frozenset({"lead_department", "keywords", "is_active", "order"})
SLA_FIELDS = frozenset(
    {
        "name",
        "response_hours",
        "completion_limit",
        "completion_unit",
        "co_handler_lead_days",
        "max_extension_days",
    }
)
PATH_SEPARATOR = " > "
# Bodies that cannot own a kind of matter: the city government itself and the supervision centre.
NON_HANDLING_KINDS = frozenset({Organisation.Kind.GOVERNMENT, Organisation.Kind.CENTRE})


def _check_can_edit(acting_user: Any) -> None:
    # acting_user None is the platform itself (the demo loader and commands run by the operator).
    if acting_user is not None and not access.has_role(acting_user, Role.SYSADMIN, Role.SUPERVISOR):
        raise PermissionDenied(_("只有系统管理员或督办员可以维护派单目录。"))


def _check_fields(values: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def normalise_keywords(keywords: str | Iterable[str]) -> str:
    """Keywords as one space-separated string, in order, without repeats (full-width spaces and
    commas separate too)."""
    if isinstance(keywords, str):
        keywords = keywords.replace("\u3000", " ").replace("，", " ").replace(",", " ").split()
    return " ".join(dict.fromkeys(word.strip() for word in keywords if word.strip()))


def _describe(value: Any) -> str:
    if value is None:
        return _("无")
    if isinstance(value, bool):
        return _("启用") if value else _("停用")
    if isinstance(value, list | tuple):
        return "、".join(_describe(item) for item in value) or _("无")
    return str(value)


# Categories ----------------------------------------------------------------------------------


def _clean_path(path: tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(name.strip() for name in path)
    if not names or not all(names):
        raise ValidationError(_("分类名称不能为空。"), code="blank_name")
    if any(">" in name for name in names):
        raise ValidationError(_("分类名称不能包含“>”。"), code="bad_name")
    if len(names) > Category.MAX_LEVEL:
        raise ValidationError(
            _("分类最多三级，“%(parent)s”下不能再设下级分类。")
            % {"parent": PATH_SEPARATOR.join(names[: Category.MAX_LEVEL])},
            code="too_deep",
        )
    return names


def _parent_of(names: tuple[str, ...]) -> Category | None:
    parent = None
    for depth, name in enumerate(names[:-1], start=1):
        node = Category.objects.filter(parent=parent, name=name).first()
        if node is None:
            raise ValidationError(
                _("上级分类“%(path)s”不存在。") % {"path": PATH_SEPARATOR.join(names[:depth])},
                code="missing_parent",
            )
        parent = node
    return parent


def _check_handling_body(organisation: Organisation, what: str) -> None:
    if organisation.pk is None or not organisation.is_active:
        raise ValidationError(
            _("“%(name)s”已停用，不能作为%(what)s。") % {"name": organisation, "what": what},
            code="inactive_organisation",
        )
    if organisation.kind in NON_HANDLING_KINDS:
        raise ValidationError(
            _("“%(name)s”不承办具体诉求，不能作为%(what)s。")
            % {"name": organisation, "what": what},
            code="not_a_handling_body",
        )


def _apply_category_values(category: Category, values: dict[str, Any]) -> dict[str, tuple]:
    """Set `values` on `category`; return {field: (old, new)} for what actually changed."""
    _check_fields(values, CATEGORY_FIELDS)
    changes: dict[str, tuple] = {}
    for field, new in values.items():
        if field == "lead_department":
            if category.lead_department_id == getattr(new, "pk", None):
                continue
            if new is not None:
                _check_handling_body(new, _("主办单位"))
            old = category.lead_department if category.lead_department_id else None
        else:
            if field == "keywords":
                new = normalise_keywords(new)
            old = getattr(category, field)
            if old == new:
                continue
        setattr(category, field, new)
        changes[field] = (old, new)
    return changes


def _co_handler_change(
    category: Category, co_handlers: list[Organisation] | None
) -> tuple[list[Organisation], list[Organisation]] | None:
    if co_handlers is None:
        return None
    new = list({org.pk: org for org in co_handlers}.values())
    old = list(category.co_handlers.order_by("name")) if category.pk else []
    if {org.pk for org in old} == {org.pk for org in new}:
        return None
    for organisation in new:
        _check_handling_body(organisation, _("协办单位"))
    return old, new


def _final_co_handler_ids(
    category: Category, co_change: tuple[list[Organisation], list[Organisation]] | None
) -> set[int]:
    if co_change is not None:
        return {org.pk for org in co_change[1]}
    if category.pk is None:
        return set()
    return set(category.co_handlers.values_list("pk", flat=True))


def _check_roles(category: Category, co_handler_ids: set[int]) -> None:
    if co_handler_ids and category.lead_department_id is None:
        raise ValidationError(_("设协办单位须同时指定主办单位。"), code="co_without_lead")
    if category.lead_department_id in co_handler_ids:
        raise ValidationError(_("主办单位不能同时是协办单位。"), code="lead_is_co_handler")


def _category_summary(
    category: Category, changes: dict[str, tuple], created: bool
) -> dict[str, Any]:
    summary: dict[str, Any] = {"path": category.path}
    if created:
        summary["created"] = True
    for field, (old, new) in changes.items():
        summary[field] = _describe(new) if created else f"{_describe(old)} → {_describe(new)}"
    return summary


@transaction.atomic
def do_save_category(
    path: tuple[str, ...],
    values: dict[str, Any],
    *,
    acting_user: Any,
    co_handlers: list[Organisation] | None = None,
) -> Category:
    """Create or update the category at a name path, e.g. ("城乡建设", "物业管理", "维修资金");
    its parents must exist. `co_handlers` None leaves them unchanged. Nothing changed: no save,
    no audit row."""
    _check_can_edit(acting_user)
    names = _clean_path(tuple(path))
    parent = _parent_of(names)
    category = Category.objects.filter(parent=parent, name=names[-1]).first()
    created = category is None
    if category is None:
        category = Category(parent=parent, name=names[-1])
    changes = _apply_category_values(category, values)
    co_change = _co_handler_change(category, co_handlers)
    if not created and not changes and co_change is None:
        return category
    _check_roles(category, _final_co_handler_ids(category, co_change))
    category.full_clean(exclude={"level", "path"})  # both are derived in save()
    category.save()
    if co_change is not None:
        category.co_handlers.set(co_change[1])
        changes["co_handlers"] = (sorted(map(str, co_change[0])), sorted(map(str, co_change[1])))
    record(
        CATEGORY_SAVED,
        actor=acting_user,
        obj=category,
        summary=_category_summary(category, changes, created),
    )
    return category


# Time-limit policies -------------------------------------------------------------------------


def _clean_scope(appeal_type: str, urgency: str) -> None:
    if appeal_type not in {"", *AppealType.values}:
        raise ValidationError(_("未知的诉求类型“%(value)s”。") % {"value": appeal_type})
    if urgency not in {"", *Urgency.values}:
        raise ValidationError(_("未知的紧急程度“%(value)s”。") % {"value": urgency})


def describe_scope(category: Category | None, appeal_type: str, urgency: str) -> str:
    parts = [
        str(category) if category is not None else _("全部分类"),
        AppealType(appeal_type).label if appeal_type else _("全部类型"),
        Urgency(urgency).label if urgency else _("全部紧急程度"),
    ]
    return " · ".join(str(part) for part in parts)


def _default_policy_name(category: Category | None, appeal_type: str, urgency: str) -> str:
    parts = [
        category.name if category is not None else "",
        str(AppealType(appeal_type).label) if appeal_type else "",
        str(Urgency(urgency).label) if urgency else "",
    ]
    return ("·".join(part for part in parts if part) or _("默认"))[:50]


def _check_limits(policy: SLAPolicy) -> None:
    errors: dict[str, str] = {}
    if policy.completion_limit < 1:
        errors["completion_limit"] = _("办理时限至少为 1。")
    if policy.response_hours < 1:
        errors["response_hours"] = _("签收时限至少为 1 个工作小时。")
    if policy.is_in_hours():
        if policy.response_hours > policy.completion_limit:
            errors["response_hours"] = _("签收时限不能长于办理时限。")
        if policy.co_handler_lead_days:
            errors["co_handler_lead_days"] = _("以工作小时计的时限不设协办提前量。")
    elif policy.co_handler_lead_days >= policy.completion_limit:
        errors["co_handler_lead_days"] = _("协办提前量须短于办理时限。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_save_sla_policy(
    category: Category | None,
    appeal_type: str,
    urgency: str,
    values: dict[str, Any],
    *,
    acting_user: Any,
) -> SLAPolicy:
    """Create or update the time limits for category × appeal type × urgency ("" = any; category
    None = the city-wide default). Nothing changed: no save, no audit row."""
    _check_can_edit(acting_user)
    _check_fields(values, SLA_FIELDS)
    _clean_scope(appeal_type, urgency)
    scope = {"category": category, "appeal_type": appeal_type, "urgency": urgency}
    policy = SLAPolicy.objects.filter(**scope).first()
    created = policy is None
    if policy is None:
        policy = SLAPolicy(**scope, name=_default_policy_name(category, appeal_type, urgency))
    changes = {}
    for field, new in values.items():
        old = getattr(policy, field)
        if old != new:
            setattr(policy, field, new)
            changes[field] = (old, new)
    if not created and not changes:
        return policy
    policy.full_clean()
    _check_limits(policy)
    policy.save()
    summary: dict[str, Any] = {"scope": describe_scope(category, appeal_type, urgency)}
    if created:
        summary["created"] = True
    for field, (old, new) in changes.items():
        # "name" would be masked as a person's name in the audit trail.
        key = "policy_name" if field == "name" else field
        summary[key] = new if created else f"{old} → {new}"
    record(SLA_POLICY_SAVED, actor=acting_user, obj=policy, summary=summary)
    return policy


# Routing rules and settings ------------------------------------------------------------------

RULE_SAVED = registry.register("dispatch.rule_saved", _("保存派单规则"))
RULE_DELETED = registry.register("dispatch.rule_deleted", _("删除派单规则"))
RULE_MOVED = registry.register("dispatch.rule_moved", _("调整派单规则顺序"))
SETTINGS_SAVED = registry.register("dispatch.settings_saved", _("保存智能派单设置"))

RULE_FIELDS = frozenset(
    {
        "name",
        "is_active",
        "category",
        "keywords",
        "division",
        "channel",
        "start_time",
        "end_time",
        "lead",
        "handler",
    }
)
RULE_RELATIONS = frozenset({"category", "division", "lead", "handler"})
ORDER_STEP = 10


def _check_rule(rule: RoutingRule, co_handlers: list[Organisation]) -> None:
    from zhengwu.dispatch.rules import CHANNELS

    if not rule.name.strip():
        raise ValidationError({"name": _("请填写规则名称。")})
    if rule.channel and rule.channel not in CHANNELS:
        raise ValidationError({"channel": _("未知的渠道。")})
    if (rule.start_time is None) != (rule.end_time is None):
        raise ValidationError({"end_time": _("时段须同时填写开始和结束时间。")})
    if rule.start_time is not None and rule.start_time == rule.end_time:
        raise ValidationError({"end_time": _("时段的开始和结束不能相同。")})
    _check_handling_body(rule.lead, _("主办单位"))
    for organisation in co_handlers:
        _check_handling_body(organisation, _("协办单位"))
    if rule.lead in co_handlers:
        raise ValidationError({"co_handlers": _("主办单位不能同时是协办单位。")})
    handlers = access.staff_of(rule.lead_id, Role.HANDLER)
    if rule.handler_id and not handlers.filter(pk=rule.handler_id).exists():
        raise ValidationError({"handler": _("指定承办人须是主办单位的承办人。")})


def _rule_changes(rule: RoutingRule, values: dict[str, Any]) -> dict[str, tuple]:
    changes = {}
    for field, new in values.items():
        if field == "keywords":
            new = normalise_keywords(new)
        if field in RULE_RELATIONS:
            # Compare ids: reading an unset required relation raises instead of giving None.
            old = getattr(rule, f"{field}_id")
            if old == getattr(new, "pk", None):
                continue
        elif getattr(rule, field) == new:
            continue
        else:
            old = getattr(rule, field)
        setattr(rule, field, new)
        changes[field] = (old, new)
    return changes


@transaction.atomic
def do_save_rule(
    rule: RoutingRule | None,
    values: dict[str, Any],
    *,
    acting_user: Any,
    co_handlers: list[Organisation] | None = None,
) -> RoutingRule:
    """Create (rule None: appended last) or update a routing rule."""
    _check_can_edit(acting_user)
    _check_fields(values, RULE_FIELDS)
    created = rule is None
    if rule is None:
        last = RoutingRule.objects.order_by("-order").values_list("order", flat=True).first()
        rule = RoutingRule(order=(last or 0) + ORDER_STEP)
    else:
        rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    changes = _rule_changes(rule, values)
    current = set(rule.co_handlers.values_list("pk", flat=True)) if rule.pk else set()
    if co_handlers is None:
        co_handlers = list(rule.co_handlers.all()) if rule.pk else []
    co = list(co_handlers)
    if {o.pk for o in co} != current:
        changes["co_handlers"] = ("", "、".join(o.name for o in co))
    if not created and not changes:
        return rule
    _check_rule(rule, co)
    rule.save()
    rule.co_handlers.set(co)
    summary = {"rule": rule.name, "created": created}
    summary.update({f: _describe(new) for f, (_old, new) in changes.items()})
    record(RULE_SAVED, actor=acting_user, obj=rule, summary=summary)
    return rule


@transaction.atomic
def do_delete_rule(rule: RoutingRule, *, acting_user: Any) -> None:
    _check_can_edit(acting_user)
    record(RULE_DELETED, actor=acting_user, obj=rule, summary={"rule": rule.name})
    rule.delete()


@transaction.atomic
def do_move_rule(rule: RoutingRule, step: int, *, acting_user: Any) -> None:
    """Move a rule up (step −1) or down (+1); orders are renumbered 10, 20, 30…"""
    _check_can_edit(acting_user)
    rules = list(RoutingRule.objects.select_for_update().order_by("order", "pk"))
    at = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
    to = min(max(at + step, 0), len(rules) - 1)
    rules.insert(to, rules.pop(at))
    for position, item in enumerate(rules, start=1):
        if item.order != position * ORDER_STEP:
            RoutingRule.objects.filter(pk=item.pk).update(order=position * ORDER_STEP)
    if to != at:
        record(RULE_MOVED, actor=acting_user, obj=rule, summary={"rule": rule.name, "to": to + 1})


SETTINGS_LIMITS = {
    "threshold": (0.5, 1.0),
    "duplicate_days": (1, 60),
    "duplicate_similarity": (0.2, 0.95),
}


@transaction.atomic
def do_save_dispatch_settings(values: dict[str, Any], *, acting_user: Any) -> DispatchSettings:
    _check_can_edit(acting_user)
    _check_fields(values, frozenset({"auto_dispatch", *SETTINGS_LIMITS}))
    for field, (low, high) in SETTINGS_LIMITS.items():
        if field in values and not low <= values[field] <= high:
            raise ValidationError({field: _("应在%(l)s至%(h)s之间。") % {"l": low, "h": high}})
    current = DispatchSettings.objects.select_for_update().filter(pk=1).first()
    current = current or DispatchSettings(pk=1)
    changes = {
        f: f"{getattr(current, f)} → {v}" for f, v in values.items() if getattr(current, f) != v
    }
    if not changes and current.pk and DispatchSettings.objects.filter(pk=1).exists():
        return current
    for field, value in values.items():
        setattr(current, field, value)
    current.save()
    record(SETTINGS_SAVED, actor=acting_user, obj=current, summary=changes)
    return current
