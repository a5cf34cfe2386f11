from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from zhengwu.audit.admin_mixins import AuditedAdmin
from zhengwu.dispatch.models import Category, ModelVersion, PlaceAlias, RoutingRule, SLAPolicy
from zhengwu.dispatch.versions import active_model


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


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ["order", "name", "lead", "is_active"]
    list_display_links = ["name"]
    autocomplete_fields = ["category", "lead", "co_handlers"]


@admin.register(PlaceAlias)
class PlaceAliasAdmin(AuditedAdmin):
    list_display = ["alias", "division"]
    search_fields = ["alias", "division__name"]


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are made by train_dispatch_model and switched on the model page."""

    list_display = ["pk", "created_at", "source", "n_messages", "training_seconds", "is_active"]
    exclude = ["artefact"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("artefact")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        active = active_model()
        if active.state == "broken":
            messages.error(
                request,
                _("派单模型 #%(v)s 无法加载（%(p)s）：平台按规则和派单目录给出建议，需人工派单。")
                % {"v": active.version_id, "p": active.problem},
            )
        elif active.state == "none":
            messages.warning(request, _("尚未启用派单模型：平台按规则和派单目录给出建议。"))
        return super().changelist_view(request, extra_context)
