"""Reads of the catalogue: which body leads a category, and which time limits apply."""

from __future__ import annotations

from django.db.models import Q

from zhengwu.dispatch.models import Category, SLAPolicy

# Used only when no policy row matches at all (the data migration installs defaults).
FALLBACK_POLICY = SLAPolicy(name="默认", response_hours=4, completion_limit=13)


def policy_for(category: Category | None, appeal_type: str, urgency: str) -> SLAPolicy:
    chain = [category, *category.ancestors()] if category is not None else []
    candidates = SLAPolicy.objects.filter(
        Q(category__in=[c.pk for c in chain]) | Q(category__isnull=True),
        appeal_type__in=[appeal_type, ""],
        urgency__in=[urgency, ""],
    ).select_related("category")
    return max(candidates, key=SLAPolicy.specificity, default=FALLBACK_POLICY)


def active_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True).select_related("lead_department"))
