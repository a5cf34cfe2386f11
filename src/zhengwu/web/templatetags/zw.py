"""Template filters shared by every page: masking personal data, deadline badges."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from zhengwu.lib import masking
from zhengwu.reports.exports import fmt as format_cell

register = template.Library()


@register.filter
def mask_phone(value: str) -> str:
    return masking.mask_phone(value) if value else ""


@register.filter
def mask_email(value: str) -> str:
    return masking.mask_email(value) if value else ""


@register.filter
def mask_name(value: str) -> str:
    return masking.mask_name(value) if value else ""


@register.filter
def mask_text(value: str) -> str:
    return masking.mask_text(value) if value else ""


BADGES = {"overdue": ("已超期", "badge-danger"), "near": ("即将超期", "badge-warn")}


@register.filter
def deadline_badge(state: str) -> str:
    if state not in BADGES:
        return ""
    label, css = BADGES[state]
    return format_html('<span class="badge {}">{}</span>', css, label)


@register.filter
def fmt(value: object, kind: str) -> str:
    """A report cell as text (rates as percentages, empty rates as "—")."""
    return format_cell(value, kind)


@register.filter
def cells(row: list, columns: list) -> list[tuple[object, str]]:
    return [(value, column["format"]) for value, column in zip(row, columns, strict=False)]
