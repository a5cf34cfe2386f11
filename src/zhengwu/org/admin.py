from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError

from zhengwu.audit.admin_mixins import AuditedAdmin
from zhengwu.lib.workdays import check_notice
from zhengwu.org.calendar import as_adjustment
from zhengwu.org.models import (
    CalendarAdjustment,
    Division,
    HolidayNotice,
    Membership,
    Organisation,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "is_active"]


class PlatformUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "display_name"]


class PlatformUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class PlatformUserAdmin(AuditedAdmin, UserAdmin):
    add_form = PlatformUserCreationForm
    form = PlatformUserChangeForm
    list_display = ["username", "display_name", "masked_contact", "is_active", "last_login"]
    search_fields = ["username", "display_name", "phone", "email"]
    list_filter = ["is_active"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["display_name", "phone", "email"]}),
        ("状态", {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    add_fieldsets = [(None, {"fields": ["username", "display_name", "password1", "password2"]})]

    @admin.display(description="联系方式")
    def masked_contact(self, user: User) -> str:
        return user.masked_contact


@admin.register(Division)
class DivisionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "credit_code", "parent", "division", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "credit_code"]
    autocomplete_fields = ["parent", "division"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__display_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


class AdjustmentFormSet(forms.BaseInlineFormSet):
    """Runs the same consistency check as `do_save_holiday_notice` over the whole notice."""

    def clean(self) -> None:
        super().clean()
        year = self.instance.year
        rows = [
            CalendarAdjustment(
                **{k: form.cleaned_data[k] for k in ("kind", "name", "start", "end")}
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = check_notice(year, [as_adjustment(row) for row in rows]) if year else []
        if errors:
            raise ValidationError(errors)


class AdjustmentInline(admin.TabularInline):
    model = CalendarAdjustment
    formset = AdjustmentFormSet
    extra = 3


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(AuditedAdmin):
    list_display = ["year", "title", "document_number"]
    inlines = [AdjustmentInline]
