from __future__ import annotations

from django.contrib import admin

from zhengwu.appeals.models import AnswerTemplate, BlockedContact, Mailbox, RejectionReason
from zhengwu.audit.admin_mixins import AuditedAdmin
from zhengwu.lib.masking import mask_text


@admin.register(Mailbox)
class MailboxAdmin(AuditedAdmin):
    list_display = ["name", "kind", "organisation", "is_active", "order"]
    list_filter = ["kind", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]


@admin.register(RejectionReason)
class RejectionReasonAdmin(AuditedAdmin):
    list_display = ["label", "code", "is_active", "order"]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(AuditedAdmin):
    list_display = ["title", "kind", "category", "organisation", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["category", "organisation"]


@admin.register(BlockedContact)
class BlockedContactAdmin(AuditedAdmin):
    list_display = ["kind", "masked_value", "reason", "expires_at", "created_at"]
    list_filter = ["kind"]

    @admin.display(description="号码或地址")
    def masked_value(self, item: BlockedContact) -> str:
        return mask_text(item.value)
