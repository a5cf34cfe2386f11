"""Sign in, sign out, registration and password change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhengwu.org import actions
from zhengwu.org.forms import CitizenRegistrationForm, LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


def register(request: HttpRequest) -> HttpResponse:
    form = CitizenRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_register_citizen(
                password=form.cleaned_data["password1"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="zhengwu.org.backends.PhoneEmailOrUsernameBackend")
            messages.success(request, _("注册成功，欢迎使用。"))
            return redirect("home")
    return render(request, "registration/register.html", {"form": form})


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_password(
                request.user, form.cleaned_data["new_password1"], acting_user=request.user
            )
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("home")
    return render(request, "registration/password_change.html", {"form": form})
