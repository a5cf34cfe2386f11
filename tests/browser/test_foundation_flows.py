from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, Actors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_staff_log_in_see_the_workbench_and_log_out(
    page: Page, live_server, actors: Actors
) -> None:
    log_in(page, live_server.url, "handler_a")
    expect(page.get_by_role("link", name="工作台")).to_be_visible()
    page.get_by_role("link", name="工作台").click()
    expect(page.get_by_role("heading", name="我的岗位")).to_be_visible()
    expect(page.get_by_text("承办人")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    response = page.goto(f"{live_server.url}/workbench/")
    assert response is not None and response.status == 404


def test_a_wrong_password_shows_an_error(page: Page, live_server, actors: Actors) -> None:
    log_in(page, live_server.url, "handler_a", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("账号或密码不正确")


def test_a_forbidden_page_is_not_found(page: Page, live_server, actors: Actors) -> None:
    log_in(page, live_server.url, "handler_a")
    expect(page.get_by_role("link", name="工作台")).to_be_visible()
    response = page.goto(f"{live_server.url}/org/staff/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("link", name="人员管理")).to_have_count(0)


def test_a_department_admin_creates_a_handler(page: Page, live_server, actors: Actors) -> None:
    log_in(page, live_server.url, "dept_admin_a")
    page.get_by_role("link", name="人员管理").click()
    page.get_by_role("link", name="新建工作人员账号").click()
    page.get_by_label("岗位").select_option(label="承办人")
    page.get_by_label("用户名").fill("zhao_min")
    page.get_by_label("姓名").fill("赵敏")
    page.locator("#id_password1").fill("Strong-pass-77!")
    page.get_by_label("确认密码").fill("Strong-pass-77!")
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_role("status")).to_contain_text("zhao_min")
    expect(page.get_by_role("cell", name="赵敏")).to_be_visible()


def test_the_skip_link_and_keyboard_reach_the_content(page: Page, live_server, db) -> None:
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到正文")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_the_home_page_fits_a_phone(phone_page: Page, live_server, db) -> None:
    phone_page.goto(live_server.url)
    expect(phone_page.get_by_role("heading", name="政务服务平台")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
