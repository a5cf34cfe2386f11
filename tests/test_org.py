from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.factories import PASSWORD, Actors, City
from zhengwu.audit.models import AuditEvent
from zhengwu.lib.workdays import SHANGHAI, CalendarYearUnknown, add_working_days
from zhengwu.org import access, actions
from zhengwu.org.calendar import get_calendar
from zhengwu.org.models import CalendarAdjustment, Division, Membership, Organisation, Role

pytestmark = pytest.mark.django_db


def test_a_division_code_must_extend_its_parents(city: City) -> None:
    stray = Division(
        code="410200001000",
        name="错位街道",
        level=Division.Level.TOWNSHIP,
        kind=Division.Kind.STREET,
        parent=city.jinshui,
    )
    with pytest.raises(ValidationError, match="必须以上级区划代码开头"):
        stray.full_clean()


def test_a_division_level_must_follow_its_parent(city: City) -> None:
    skipped = Division(
        code="410105001001",
        name="跳级社区",
        level=Division.Level.COMMUNITY,
        kind=Division.Kind.COMMUNITY,
        parent=city.jinshui,
    )
    with pytest.raises(ValidationError, match="上一层级"):
        skipped.full_clean()


def test_descendants_are_found_by_code_prefix(city: City) -> None:
    inside = Division.objects.filter(city.jinshui.descendants_q())
    assert set(inside) == {city.jinshui, city.street}


def test_an_invalid_credit_code_is_refused_with_a_reason(city: City) -> None:
    with pytest.raises(ValidationError, match="校验位不正确"):
        actions.do_save_organisation(
            "新单位",
            {
                "kind": Organisation.Kind.MUNICIPAL,
                "division": city.city,
                "credit_code": "11410100057500119X",
            },
            acting_user=None,
        )
    assert not Organisation.objects.filter(name="新单位").exists()


def test_cycles_in_the_organisation_tree_are_refused(city: City, actors: Actors) -> None:
    with pytest.raises(ValidationError, match="循环"):
        actions.do_save_organisation(
            city.government.name, {"parent": city.dept_a}, acting_user=actors.sysadmin
        )
    with pytest.raises(ValidationError, match="自己"):
        actions.do_save_organisation(
            city.dept_a.name, {"parent": city.dept_a}, acting_user=actors.sysadmin
        )
    city.government.refresh_from_db()
    assert city.government.parent is None


def test_only_sysadmins_edit_the_directory(city: City, actors: Actors) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_save_organisation(
            city.dept_a.name, {"short_name": "城管"}, acting_user=actors.dept_admin_a
        )


def test_saving_unchanged_values_writes_nothing(city: City) -> None:
    before = AuditEvent.objects.count()
    actions.do_save_division(city.jinshui.code, {"name": "金水区"}, acting_user=None)
    assert AuditEvent.objects.count() == before


def test_centre_roles_cannot_be_given_in_a_department(city: City, actors: Actors) -> None:
    with pytest.raises(ValidationError, match="不能设在"):
        actions.do_grant_role(
            actors.handler_a, city.dept_a, Role.DISPATCHER, acting_user=actors.sysadmin
        )
    assert not Membership.objects.filter(user=actors.handler_a, role=Role.DISPATCHER).exists()


def test_a_department_admin_creates_staff_in_their_own_department(
    city: City, actors: Actors
) -> None:
    account = actions.StaffAccount("new_handler", "新承办人", "Strong-pass-77!")
    staff = actions.do_create_staff(
        city.dept_a, account, Role.HANDLER, acting_user=actors.dept_admin_a
    )
    assert access.has_role(staff, Role.HANDLER, organisation_id=city.dept_a.pk)
    event = AuditEvent.objects.get(action=actions.STAFF_CREATED)
    assert event.actor == actors.dept_admin_a and event.organisation == city.dept_a


def test_a_department_admin_cannot_create_staff_elsewhere(city: City, actors: Actors) -> None:
    account = actions.StaffAccount("intruder", "外单位", "Strong-pass-77!")
    with pytest.raises(PermissionDenied):
        actions.do_create_staff(city.dept_b, account, Role.HANDLER, acting_user=actors.dept_admin_a)
    assert not Membership.objects.filter(user__username="intruder").exists()


def test_weak_passwords_are_refused_and_nothing_is_written(city: City, actors: Actors) -> None:
    for weak in ("short1!", "onlyletterslong", "1234567890123", "no-digits-here!"):
        with pytest.raises(ValidationError):
            actions.do_create_staff(
                city.dept_a,
                actions.StaffAccount("weak", "弱", weak),
                Role.HANDLER,
                acting_user=actors.dept_admin_a,
            )
    assert not Membership.objects.filter(user__username="weak").exists()


def test_the_last_sysadmin_cannot_be_revoked(city: City, actors: Actors) -> None:
    membership = Membership.objects.get(user=actors.sysadmin)
    with pytest.raises(ValidationError, match="最后一名"):
        actions.do_revoke_role(membership, acting_user=actors.sysadmin)


def test_revoking_a_role_takes_effect(city: City, actors: Actors) -> None:
    membership = Membership.objects.get(user=actors.handler_a)
    actions.do_revoke_role(membership, acting_user=actors.dept_admin_a)
    actors.handler_a.refresh_from_db()
    assert not access.is_staff_member(actors.handler_a)


def test_outsiders_get_404_for_staff_they_do_not_manage(city: City, actors: Actors) -> None:
    with pytest.raises(Http404):
        access.access_staff_user_by_id(actors.dept_admin_a, actors.handler_b.pk)
    assert (
        access.access_staff_user_by_id(actors.dept_admin_a, actors.handler_a.pk) == actors.handler_a
    )


def test_registering_a_citizen_needs_a_contact() -> None:
    with pytest.raises(ValidationError, match="手机号码或电子邮箱"):
        actions.do_register_citizen(password="Strong-pass-77!")
    citizen = actions.do_register_citizen(password="Strong-pass-77!", email="A@Example.cn")
    assert citizen.email == "a@example.cn" and not access.is_staff_member(citizen)


def test_two_citizens_without_email_can_coexist() -> None:
    actions.do_register_citizen(password="Strong-pass-77!", phone="13900002222")
    actions.do_register_citizen(password="Strong-pass-77!", phone="13900003333")


def notice_lines(year: int) -> list[actions.NoticeLine]:
    return [
        actions.NoticeLine(
            CalendarAdjustment.Kind.HOLIDAY, "春节", dt.date(year, 2, 5), dt.date(year, 2, 11)
        ),
        actions.NoticeLine(
            CalendarAdjustment.Kind.WORKDAY, "春节", dt.date(year, 2, 1), dt.date(year, 2, 1)
        ),
    ]


def test_an_entered_notice_extends_the_calendar(actors: Actors) -> None:
    year = 2031
    with pytest.raises(CalendarYearUnknown):
        add_working_days(get_calendar(), dt.datetime(year, 2, 3, 9, tzinfo=SHANGHAI), 3)
    actions.do_save_holiday_notice(
        year,
        "国务院办公厅关于2031年部分节假日安排的通知",
        notice_lines(year),
        acting_user=actors.sysadmin,
    )
    calendar = get_calendar()
    assert calendar.is_workday(dt.date(year, 2, 1))  # make-up Saturday
    # Mon 3 Feb: Tue 4 is day 1, 5–11 off, Wed 12 day 2, Thu 13 day 3.
    due = add_working_days(calendar, dt.datetime(year, 2, 3, 9, tzinfo=SHANGHAI), 3)
    assert due.date() == dt.date(year, 2, 13)


def test_an_inconsistent_notice_is_refused_whole(actors: Actors) -> None:
    lines = [
        *notice_lines(2031),
        actions.NoticeLine(
            CalendarAdjustment.Kind.HOLIDAY, "元宵", dt.date(2031, 2, 10), dt.date(2031, 2, 12)
        ),
    ]
    with pytest.raises(ValidationError, match="同时出现"):
        actions.do_save_holiday_notice(2031, "通知", lines, acting_user=actors.sysadmin)
    assert not CalendarAdjustment.objects.exists()


def test_only_sysadmins_enter_notices(actors: Actors) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_save_holiday_notice(2031, "通知", notice_lines(2031), acting_user=actors.leader)


def test_the_test_password_is_strong_enough() -> None:
    from django.contrib.auth.password_validation import validate_password

    validate_password(PASSWORD)
