from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from zhengwu.org.models import ROLE_ORGANISATION_KINDS, Organisation, Role, validate_mobile


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("账号"),
        max_length=254,
        help_text=_("用户名、手机号码或电子邮箱"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("账号或密码不正确。连续输错多次，账号将被暂时锁定。"),
        "inactive": _("该账号已停用。"),
    }


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少10位，须同时包含字母、数字和符号。"),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class CitizenRegistrationForm(PasswordPairMixin):
    phone = forms.CharField(
        label=_("手机号码"),
        required=False,
        max_length=11,
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    display_name = forms.CharField(label=_("姓名或昵称"), required=False, max_length=50)
    field_order = ["phone", "email", "display_name", "password1", "password2"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("phone") and not data.get("email") and not self.errors:
            raise forms.ValidationError(_("请填写手机号码或电子邮箱（至少一项）。"))
        return data


class StaffCreateForm(PasswordPairMixin):
    organisation = forms.ModelChoiceField(label=_("单位"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("岗位"), choices=Role.choices)
    username = forms.SlugField(
        label=_("用户名"), max_length=150, help_text=_("字母、数字、下划线或连字符")
    )
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号码"), required=False, max_length=11, validators=[validate_mobile]
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    field_order = [
        "organisation",
        "role",
        "username",
        "display_name",
        "phone",
        "email",
        "password1",
        "password2",
    ]

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


class GrantRoleForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("单位"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("岗位"), choices=Role.choices)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


def role_help() -> list[tuple[str, str]]:
    """Which roles exist where, for the help text next to the role picker."""
    return [
        (str(Role(role).label), "、".join(sorted(str(Organisation.Kind(k).label) for k in kinds)))
        for role, kinds in ROLE_ORGANISATION_KINDS.items()
    ]
