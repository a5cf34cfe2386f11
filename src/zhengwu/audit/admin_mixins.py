"""Every change made through the admin writes an audit row in the admin's own transaction."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from zhengwu.audit import registry
from zhengwu.audit.record import record

SECRET_FIELDS = {"password"}


def _form_changes(form: Any) -> dict[str, str]:
    return {
        name: str(form.cleaned_data.get(name))
        for name in form.changed_data
        if name not in SECRET_FIELDS and "password" not in name
    }


def _inline_changes(formsets: list[Any]) -> dict[str, list[str]]:
    changes: dict[str, list[str]] = {"added": [], "changed": [], "deleted": []}
    for formset in formsets:
        changes["added"] += [str(obj) for obj in getattr(formset, "new_objects", [])]
        changes["changed"] += [str(obj) for obj, _ in getattr(formset, "changed_objects", [])]
        changes["deleted"] += [str(obj) for obj in getattr(formset, "deleted_objects", [])]
    return {key: value for key, value in changes.items() if value}


class AuditedAdmin(admin.ModelAdmin):
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        summary: dict[str, Any] = {"created": not change, "fields": _form_changes(form)}
        inline = _inline_changes(formsets)
        if inline:
            summary["related"] = inline
        record(registry.ADMIN_SAVED, actor=request.user, obj=form.instance, summary=summary)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        record(registry.ADMIN_DELETED, actor=request.user, obj=obj, summary={"label": str(obj)})
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            record(registry.ADMIN_DELETED, actor=request.user, obj=obj, summary={"label": str(obj)})
        super().delete_queryset(request, queryset)
