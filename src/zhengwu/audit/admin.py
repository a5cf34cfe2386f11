from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from zhengwu.audit.models import AuditEvent
from zhengwu.audit.registry import label


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by use cases, never by hand."""

    list_display = [
        "seq_label",
        "created_at",
        "actor",
        "actor_role",
        "organisation",
        "action_label",
        "object_type",
        "object_id",
        "ip",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "action"]
    list_select_related = ["actor", "organisation"]
    show_full_result_count = False

    @admin.display(description="序号", ordering="seq")
    def seq_label(self, event: AuditEvent) -> str:
        # A row is chained a second or two after its change commits (zhengwu.audit.chain).
        return str(event.seq) if event.seq is not None else "待入链"

    @admin.display(description="操作")
    def action_label(self, event: AuditEvent) -> str:
        return label(event.action)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
