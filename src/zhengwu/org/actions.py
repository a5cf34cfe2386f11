"""Use cases of the organisation directory. Each checks permission, validates, changes state and
writes its audit row in one transaction; pages, the admin and commands all call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from zhengwu.audit import registry
from zhengwu.audit.record import record
from zhengwu.lib.workdays import Adjustment, check_notice
from zhengwu.org import access
from zhengwu.org.models import (
    CalendarAdjustment,
    Division,
    HolidayNotice,
    Membership,
    Organisation,
    Role,
    User,
)

CITIZEN_REGISTERED = registry.register("org.citizen_registered", _("市民注册"))
STAFF_CREATED = registry.register("org.staff_created", _("创建工作人员账号"))
ROLE_GRANTED = registry.register("org.role_granted", _("授予岗位"))
ROLE_REVOKED = registry.register("org.role_revoked", _("撤销岗位"))
DIVISION_SAVED = registry.register("org.division_saved", _("保存行政区划"))
ORGANISATION_SAVED = registry.register("org.organisation_saved", _("保存单位"))
HOLIDAY_NOTICE_SAVED = registry.register("org.holiday_notice_saved", _("录入节假日安排"))


def _changes(obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """Apply `values` to `obj`; return {field: new value} for what actually changed."""
    changed = {}
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            current, new = getattr(obj, field.attname), getattr(value, "pk", None)
        else:
            current, new = getattr(obj, name), value
        if current != new:
            setattr(obj, name, value)
            changed[name] = str(value) if isinstance(value, models.Model) else value
    return changed


@transaction.atomic
def do_register_citizen(
    *, password: str, phone: str = "", email: str = "", display_name: str = ""
) -> User:
    """A citizen's own account, keyed by mobile number or e-mail address."""
    phone, email = phone.strip(), email.strip().lower()
    if not phone and not email:
        raise ValidationError(_("请填写手机号码或电子邮箱。"), code="contact_required")
    user = User(
        username=phone or email,
        phone=phone or None,
        email=email or None,
        display_name=display_name.strip(),
    )
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    record(CITIZEN_REGISTERED, actor=user, obj=user, summary={"phone": phone, "email": email})
    return user


@dataclass(frozen=True)
class StaffAccount:
    username: str
    display_name: str
    password: str
    phone: str = ""
    email: str = ""


def _check_can_manage(acting_user: Any, organisation: Organisation) -> None:
    # acting_user None is the platform itself (the demo loader and commands run by the operator).
    if acting_user is not None and not access.can_manage_staff(acting_user, organisation):
        raise PermissionDenied(_("只能管理本单位的工作人员。"))


def _new_membership(user: User, organisation: Organisation, role: str) -> Membership:
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean(exclude=["user"] if user.pk is None else None)
    return membership


@transaction.atomic
def do_create_staff(
    organisation: Organisation, account: StaffAccount, role: str, *, acting_user: Any
) -> User:
    """A department admin creates a staff account in their own organisation, with its first role."""
    _check_can_manage(acting_user, organisation)
    user = User(
        username=account.username.strip(),
        display_name=account.display_name.strip(),
        phone=account.phone.strip() or None,
        email=account.email.strip().lower() or None,
    )
    user.full_clean(exclude=["password"])
    membership = _new_membership(user, organisation, role)
    validate_password(account.password, user)
    user.set_password(account.password)
    user.save()
    membership.user = user
    membership.save()
    record(
        STAFF_CREATED,
        actor=acting_user,
        obj=user,
        organisation=organisation,
        summary={"username": user.username, "display_name": user.display_name, "role": role},
    )
    return user


@transaction.atomic
def do_grant_role(
    user: User, organisation: Organisation, role: str, *, acting_user: Any
) -> Membership:
    _check_can_manage(acting_user, organisation)
    existing = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if existing is not None and existing.is_active:
        raise ValidationError(_("该人员已有此岗位。"), code="duplicate_role")
    membership = existing or _new_membership(user, organisation, role)
    membership.is_active = True
    membership.save()
    access.forget_posts(user)
    record(
        ROLE_GRANTED,
        actor=acting_user,
        obj=membership,
        organisation=organisation,
        summary={"user": user.username, "role": role},
    )
    return membership


@transaction.atomic
def do_revoke_role(membership: Membership, *, acting_user: Any) -> None:
    _check_can_manage(acting_user, membership.organisation)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(_("该岗位已撤销。"), code="already_revoked")
    if membership.role == Role.SYSADMIN and not _other_sysadmins_exist(membership):
        raise ValidationError(_("不能撤销最后一名系统管理员。"), code="last_sysadmin")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    access.forget_posts(membership.user)
    record(
        ROLE_REVOKED,
        actor=acting_user,
        obj=membership,
        organisation=membership.organisation,
        summary={"user": membership.user.username, "role": membership.role},
    )


def _other_sysadmins_exist(membership: Membership) -> bool:
    return (
        Membership.objects.filter(role=Role.SYSADMIN, is_active=True, user__is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def do_change_password(user: User, new_password: str, *, acting_user: Any) -> None:
    if acting_user != user:
        raise PermissionDenied
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(registry.PASSWORD_CHANGED, actor=user, obj=user)


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[models.Model, dict]:
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    changed = _changes(obj, values)
    if obj.pk is not None and not changed:
        return obj, {}
    obj.full_clean()
    obj.save()
    return obj, changed or dict(lookup)


@transaction.atomic
def do_save_division(code: str, values: dict[str, Any], *, acting_user: Any) -> Division:
    """Create or update a division by code; a no-op (and no audit row) when nothing changed."""
    _check_sysadmin_or_system(acting_user)
    division, changed = _upsert(Division, {"code": code}, values)
    if changed:
        record(DIVISION_SAVED, actor=acting_user, obj=division, summary=changed)
    return division


@transaction.atomic
def do_save_organisation(name: str, values: dict[str, Any], *, acting_user: Any) -> Organisation:
    """Create or update an organisation by name (cycles, bad credit codes are refused)."""
    _check_sysadmin_or_system(acting_user)
    organisation, changed = _upsert(Organisation, {"name": name}, values)
    if changed:
        record(ORGANISATION_SAVED, actor=acting_user, obj=organisation, summary=changed)
    return organisation


def _check_sysadmin_or_system(acting_user: Any) -> None:
    if acting_user is not None and not access.is_sysadmin(acting_user):
        raise PermissionDenied(_("只有系统管理员可以维护组织目录。"))


@dataclass(frozen=True)
class NoticeLine:
    kind: str
    name: str
    start: dt.date
    end: dt.date

    def as_adjustment(self) -> Adjustment:
        return Adjustment(
            self.name, self.start, self.end, self.kind == CalendarAdjustment.Kind.WORKDAY
        )


@transaction.atomic
def do_save_holiday_notice(
    year: int,
    title: str,
    lines: Iterable[NoticeLine],
    *,
    acting_user: Any,
    document_number: str = "",
) -> HolidayNotice:
    """Enter (or replace) a year's holiday notice. Inconsistent lines are refused as a whole."""
    _check_sysadmin_or_system(acting_user)
    lines = list(lines)
    errors = check_notice(year, [line.as_adjustment() for line in lines])
    if errors:
        raise ValidationError(errors, code="inconsistent_notice")
    notice, _created = HolidayNotice.objects.update_or_create(
        year=year, defaults={"title": title.strip(), "document_number": document_number.strip()}
    )
    notice.adjustments.all().delete()
    CalendarAdjustment.objects.bulk_create(
        CalendarAdjustment(
            notice=notice, kind=line.kind, name=line.name, start=line.start, end=line.end
        )
        for line in lines
    )
    record(
        HOLIDAY_NOTICE_SAVED,
        actor=acting_user,
        obj=notice,
        summary={
            "year": year,
            "title": title,
            "lines": [f"{line.name} {line.kind} {line.start}..{line.end}" for line in lines],
        },
    )
    return notice
