from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from zhengwu.lib.masking import mask_name, mask_text
from zhengwu.notifications.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: messages are written by `notify`; the admin is for seeing what went wrong.
    Addresses and text are shown masked, as everywhere personal data is displayed."""

    list_display = [
        "created_at",
        "channel",
        "masked_address",
        "recipient_label",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "channel"]
    list_select_related = ["recipient"]
    show_full_result_count = False
    fields = [
        "recipient_label",
        "channel",
        "masked_address",
        "masked_subject",
        "masked_body",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "read_at",
        "about_type",
        "about_id",
    ]
    readonly_fields = fields

    @admin.display(description="接收人")
    def recipient_label(self, message: Message) -> str:
        # Not str(user): a citizen's username is their phone number or e-mail address.
        user = message.recipient
        if user is None:
            return ""
        return mask_name(user.display_name) if user.display_name else mask_text(user.username)

    @admin.display(description="接收地址")
    def masked_address(self, message: Message) -> str:
        return message.masked_address

    @admin.display(description="主题")
    def masked_subject(self, message: Message) -> str:
        return mask_text(message.subject)

    @admin.display(description="内容")
    def masked_body(self, message: Message) -> str:
        return mask_text(message.body)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
