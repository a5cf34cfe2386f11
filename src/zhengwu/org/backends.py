from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from zhengwu.org import access
from zhengwu.org.models import User


class PhoneEmailOrUsernameBackend(ModelBackend):
    """Sign in with a username, a mobile number or an e-mail address.

    Admin permissions come from the role model: an active 系统管理员 holds every permission, nobody
    else holds any (Django's per-user permission tables are not used).
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        login = username.strip()
        user = User.objects.filter(
            Q(username=login) | Q(phone=login) | Q(email__iexact=login)
        ).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return access.is_sysadmin(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return access.is_sysadmin(user_obj)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
