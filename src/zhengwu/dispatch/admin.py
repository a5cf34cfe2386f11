from __future__ import annotations

from django.contrib import admin

from zhengwu.audit.admin_mixins import AuditedAdmin
from zhengwu.dispatch.models import Category, SLAPolicy


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["path", "lead_department", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "path", "keywords"]
    autocomplete_fields = ["parent", "lead_department", "co_handlers"]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(AuditedAdmin):
    list_display = [
        "name",
        "category",
        "appeal_type",
        "urgency",
        "response_hours",
        "completion_limit",
        "completion_unit",
    ]
    autocomplete_fields = ["category"]
