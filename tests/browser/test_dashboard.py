from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.appeal_helpers import closed
from tests.browser.test_foundation_flows import log_in
from tests.factories import Actors, City
from zhengwu.reports.rollups import refresh

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded"),
]


def test_the_dashboard_draws_its_charts(
    page: Page, live_server, city: City, actors: Actors
) -> None:
    closed(city, actors)
    refresh()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "leader")
    expect(page.get_by_role("link", name="工作台")).to_be_visible()
    page.goto(f"{live_server.url}/work/dashboard/")
    expect(page.get_by_role("heading", name="领导驾驶舱")).to_be_visible()
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    expect(page.locator(".kpi").first).to_contain_text("受理量")
    assert errors == []
