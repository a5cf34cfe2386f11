"""Pages of the foundation through the HTTP client, with every actor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, Actors, City
from zhengwu.audit.models import AuditEvent
from zhengwu.org.models import Membership, Role, User

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def staff_pages(city: City, actors: Actors) -> list[str]:
    return [
        reverse("workbench"),
        reverse("org:directory"),
        reverse("org:organisation", args=[city.dept_a.pk]),
        reverse("org:calendar"),
    ]


def manager_pages(actors: Actors) -> list[str]:
    return [
        reverse("org:staff"),
        reverse("org:staff_create"),
        reverse("org:staff_detail", args=[actors.handler_a.pk]),
    ]


def test_the_home_page_is_public(city: City) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert "政务服务平台" in response.content.decode()


def test_healthz_answers() -> None:
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_staff_pages_work_for_staff(city: City, actors: Actors) -> None:
    client = client_for(actors.handler_a)
    for url in staff_pages(city, actors):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_outsiders_get_404_on_staff_pages(city: City, actors: Actors, who: str) -> None:
    client = client_for(None if who == "anonymous" else actors.citizen)
    for url in staff_pages(city, actors) + manager_pages(actors):
        assert client.get(url).status_code == 404, url


def test_manager_pages_work_for_the_department_admin(city: City, actors: Actors) -> None:
    client = client_for(actors.dept_admin_a)
    for url in manager_pages(actors):
        assert client.get(url).status_code == 200, url


def test_manager_pages_are_404_for_plain_staff_and_other_departments(
    city: City, actors: Actors
) -> None:
    for user in (actors.handler_a, actors.dispatcher, actors.leader):
        client = client_for(user)
        for url in manager_pages(actors):
            assert client.get(url).status_code == 404, (user, url)
    other = client_for(actors.dept_admin_a)
    assert other.get(reverse("org:staff_detail", args=[actors.handler_b.pk])).status_code == 404


def test_revoking_someone_elses_post_is_404(city: City, actors: Actors) -> None:
    membership = Membership.objects.get(user=actors.handler_b)
    response = client_for(actors.dept_admin_a).post(
        reverse("org:membership_revoke", args=[membership.pk])
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.is_active


def test_a_department_admin_creates_a_handler_through_the_page(city: City, actors: Actors) -> None:
    client = client_for(actors.dept_admin_a)
    response = client.post(
        reverse("org:staff_create"),
        {
            "organisation": city.dept_a.pk,
            "role": Role.HANDLER,
            "username": "wang_li",
            "display_name": "王丽",
            "phone": "13700001234",
            "email": "",
            "password1": "Strong-pass-77!",
            "password2": "Strong-pass-77!",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="wang_li", organisation=city.dept_a).exists()


def test_a_department_admin_cannot_post_another_department(city: City, actors: Actors) -> None:
    client = client_for(actors.dept_admin_a)
    response = client.post(
        reverse("org:staff_create"),
        {
            "organisation": city.dept_b.pk,
            "role": Role.HANDLER,
            "username": "sneaky",
            "display_name": "外",
            "password1": "Strong-pass-77!",
            "password2": "Strong-pass-77!",
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not User.objects.filter(username="sneaky").exists()


def test_a_role_outside_the_organisation_is_a_form_error(city: City, actors: Actors) -> None:
    client = client_for(actors.dept_admin_a)
    response = client.post(
        reverse("org:staff_create"),
        {
            "organisation": city.dept_a.pk,
            "role": Role.DISPATCHER,
            "username": "bad_role",
            "display_name": "错",
            "password1": "Strong-pass-77!",
            "password2": "Strong-pass-77!",
        },
    )
    assert response.status_code == 200
    assert "不能设在" in response.content.decode()
    assert not User.objects.filter(username="bad_role").exists()


def test_the_calendar_page_computes_a_deadline(city: City, actors: Actors) -> None:
    client = client_for(actors.handler_a)
    response = client.get(
        reverse("org:calendar"), {"year": 2025, "start": "2025-01-24T10:00", "days": 3}
    )
    assert "2025年2月5日" in response.content.decode()
    bad = client.get(reverse("org:calendar"), {"start": "yesterday", "days": "x"})
    assert bad.status_code == 200 and "请输入有效的" in bad.content.decode()
    unknown = client.get(reverse("org:calendar"), {"start": "2026-12-28T09:00", "days": 20})
    assert "尚未录入" in unknown.content.decode()


def test_the_admin_is_for_sysadmins_only(city: City, actors: Actors) -> None:
    assert client_for(actors.sysadmin).get("/admin/").status_code == 200
    assert client_for(actors.sysadmin).get("/admin/org/organisation/").status_code == 200
    assert client_for(actors.dept_admin_a).get("/admin/").status_code == 404
    assert client_for(actors.dept_admin_a).get("/admin/org/organisation/").status_code == 404
    assert client_for(None).get("/admin/").status_code == 302


def test_admin_changes_are_audited(city: City, actors: Actors) -> None:
    client = client_for(actors.sysadmin)
    url = f"/admin/org/organisation/{city.dept_a.pk}/change/"
    response = client.post(
        url,
        {
            "name": city.dept_a.name,
            "short_name": "城管",
            "kind": city.dept_a.kind,
            "credit_code": city.dept_a.credit_code,
            "parent": city.government.pk,
            "division": city.city.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(action="admin.saved").latest("id")
    assert event.summary["fields"] == {"short_name": "城管"} and event.actor == actors.sysadmin


def test_the_admin_refuses_an_invalid_credit_code(city: City, actors: Actors) -> None:
    client = client_for(actors.sysadmin)
    response = client.post(
        "/admin/org/organisation/add/",
        {
            "name": "新局",
            "kind": "municipal",
            "credit_code": "11410100057500119X",
            "division": city.city.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and "校验位不正确" in response.content.decode()


def test_forms_require_csrf(city: City, actors: Actors) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.dept_admin_a)
    response = client.post(reverse("org:staff_create"), {"username": "x"})
    assert response.status_code == 403


class TestAccounts:
    def login(self, client: Client, username: str, password: str):
        return client.post(reverse("login"), {"username": username, "password": password})

    def test_staff_log_in_by_username_and_citizens_by_phone(
        self, city: City, actors: Actors
    ) -> None:
        assert self.login(Client(), "handler_a", PASSWORD).status_code == 302
        assert self.login(Client(), "13900001111", PASSWORD).status_code == 302
        assert AuditEvent.objects.filter(action="auth.login").count() == 2

    def test_a_wrong_password_is_a_clear_error(self, city: City, actors: Actors) -> None:
        response = self.login(Client(), "handler_a", "nope")
        assert response.status_code == 200 and "账号或密码不正确" in response.content.decode()

    def test_repeated_failures_lock_the_account(self, city: City, actors: Actors, settings) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login(Client(), "handler_a", "wrong-password")
        response = self.login(Client(), "handler_a", PASSWORD)
        assert response.status_code == 429
        assert "已暂时锁定" in response.content.decode()
        # Another account from the same address is unaffected.
        assert self.login(Client(), "handler_b", PASSWORD).status_code == 302

    def test_logout_is_a_post(self, city: City, actors: Actors) -> None:
        client = client_for(actors.handler_a)
        assert client.post(reverse("logout")).status_code == 302
        assert client.get(reverse("workbench")).status_code == 404

    def test_citizens_register_and_are_signed_in(self, db) -> None:
        client = Client()
        response = client.post(
            reverse("register"),
            {
                "phone": "13512345678",
                "email": "",
                "display_name": "李女士",
                "password1": "Strong-pass-77!",
                "password2": "Strong-pass-77!",
            },
        )
        assert response.status_code == 302
        assert User.objects.get(phone="13512345678").check_password("Strong-pass-77!")
        event = AuditEvent.objects.get(action="org.citizen_registered")
        assert "13512345678" not in str(event.summary)

    def test_registration_errors_are_shown(self, db) -> None:
        response = Client().post(
            reverse("register"),
            {
                "phone": "12345",
                "password1": "abc",
                "password2": "abd",
            },
        )
        body = response.content.decode()
        assert response.status_code == 200 and "11位" in body and "不一致" in body
        assert not User.objects.exists()

    def test_password_change(self, city: City, actors: Actors) -> None:
        client = client_for(actors.handler_a)
        response = client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "New-strong-88!",
                "new_password2": "New-strong-88!",
            },
        )
        assert response.status_code == 302
        actors.handler_a.refresh_from_db()
        assert actors.handler_a.check_password("New-strong-88!")
        assert client.get(reverse("workbench")).status_code == 200  # still signed in
