"""The open interfaces in the admin: read-only (keys are issued, rotated and revoked by the use
cases in api.actions, so each step is audited), with a revoke action for a leaked key."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from zhengwu.api.actions import do_revoke_key
from zhengwu.api.models import ApiKey, Partner, WebhookDelivery, WebhookSubscription


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Partner)
class PartnerAdmin(ReadOnly):
    list_display = ["slug", "name", "channel", "operations", "rate_limit", "is_active"]


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnly):
    list_display = [
        "prefix",
        "partner",
        "user",
        "label",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_select_related = ["partner", "user"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    @admin.action(description="吊销所选密钥")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            try:
                do_revoke_key(key, acting_user=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{key}: {' '.join(exc.messages)}", messages.WARNING)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnly):
    list_display = ["partner", "url", "events", "is_active", "created_at"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = ["created_at", "event", "subscription", "status", "attempts", "last_status_code"]
    list_filter = ["status", "event"]
    show_full_result_count = False
