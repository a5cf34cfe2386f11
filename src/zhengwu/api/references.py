"""Looking up what callers name by id or code; an unknown one is a field error (400)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhengwu.appeals.access import handlers_of
from zhengwu.dispatch.models import Category
from zhengwu.org.models import Division, Organisation


def _unknown(field: str, message: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code="unknown")})


def category_or_error(category_id: int, *, active_only: bool = True, field: str = "category_id"):
    categories = Category.objects.filter(is_active=True) if active_only else Category.objects
    category = categories.filter(pk=category_id).first()
    if category is None:
        raise _unknown(field, _("分类不存在或已停用。"))
    return category


def division_or_error(code: str, *, field: str = "division_code") -> Division:
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise _unknown(field, _("行政区划代码不存在。"))
    return division


def organisation_or_error(organisation_id: int, *, field: str) -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id, is_active=True).first()
    if organisation is None:
        raise _unknown(field, _("单位不存在或已停用。"))
    return organisation


def handler_or_error(user_id: int, lead: Organisation, *, field: str) -> Any:
    """A handler of the lead body; anyone else, existing or not, is the same error."""
    user = handlers_of(lead).filter(pk=user_id).first()
    if user is None:
        raise _unknown(field, _("不是主办单位的承办人。"))
    return user
