"""End-to-end harness: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download does not work on these machines, so the tests launch
/usr/bin/chromium. Without it they skip — except under CI=true, where that is a failure.
A failing test leaves a full-page screenshot in test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing and CI=true requires the browser tests")
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "report_call", None)
    return report is not None and report.failed


def _screenshot(request: pytest.FixtureRequest, page: Page, suffix: str = "") -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid + suffix)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if _failed(request):
        _screenshot(request, page)
    context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized viewport, for checking the layout works on a citizen's phone."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def browse(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """Several people at once: `browse("dispatcher")` opens a page in a browser context of its
    own (its own cookies and session); `phone=True` gives it a phone-sized viewport. A failing
    test leaves one screenshot per person in test-artifacts/."""
    opened: list[tuple[str, BrowserContext, Page]] = []

    def open_page(name: str, *, phone: bool = False) -> Page:
        size = {"width": 375, "height": 740} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(
            locale="zh-CN", viewport=size, is_mobile=phone, has_touch=phone
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        opened.append((name, context, page))
        return page

    yield open_page
    for name, context, page in opened:
        if _failed(request):
            _screenshot(request, page, f"-{name}")
        context.close()
