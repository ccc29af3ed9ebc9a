"""Playwright driving Debian's chromium (no browser download works here)."""

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
import time_machine

from tests.browser import a11y
from tests.conftest import publish_checks
from tests.snapshot import snapshot_restore, snapshot_take

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# The machine's network is closed: without these, Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 740}
# The day the browser tests' demo figures are made on (a Saturday morning in Vietnam).
DEMO_DAY = date(2026, 11, 21)
DEMO_MORNING = "2026-11-21 09:00 +0700"


@pytest.fixture(scope="session")
def page_checker(pytestconfig):
    """axe-core on every page the tests open, vnu on their HTML once at the end of the session;
    what it found goes to the end-of-run report (tests/conftest.py)."""
    checker, off = a11y.make_checker()
    if off and a11y.in_ci():
        pytest.fail(f"{off} — CI must install them (.ci/run does).")
    yield checker
    if off:
        publish_checks(pytestconfig, {"off": off})
        return
    checker.vnu_errors, checker.vnu_warnings = checker.run_vnu()
    checker.cleanup()
    publish_checks(pytestconfig, checker.summary())
    if checker.vnu_errors:
        pytest.fail(
            f"vnu: {len(checker.vnu_errors)} errors on the portal's pages:\n"
            + "\n".join(checker.vnu_errors),
            pytrace=False,
        )


@pytest.fixture(scope="package")
def browser(page_checker):
    """Chromium for the browser tests, closed when they are done: Playwright's sync API keeps an
    event loop running in this thread, and the tests a worker runs after them (`make test` runs
    them together, tests/conftest.py) may call `asyncio.run` (pyHanko signs with it)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(
                "Debian's chromium is not installed: CI must install it (apt-get install chromium)."
            )
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Import every view before the first page (on a loaded machine the live server's first request
    # otherwise spends the 10 s timeout importing WeasyPrint and the rest).
    from django.urls import get_resolver

    assert get_resolver().url_patterns
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are
    # still synchronous. Allowed only while it runs.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, page_checker):
    """A page in a fresh context; every document it shows is checked (axe-core, vnu): a
    serious or critical axe violation fails the test."""
    contexts, pages = [], []
    already = len(page_checker.axe_found)

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, locale="vi-VN", base_url=live_server.url)
        context.set_default_timeout(10_000)
        # The session's first page compiles every template on a machine shared by many.
        context.set_default_navigation_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page_checker.watch(page)
        pages.append(page)
        return page

    yield make
    for page in pages:
        if not page.is_closed():
            page_checker.check(page)
        page_checker.unwatch(page)
    for context in contexts:
        context.close()
    found = page_checker.axe_found[already:]
    if found:
        pytest.fail(
            f"axe-core: {len(found)} serious or critical WCAG 2.1 A/AA violations:\n"
            + "\n".join(found),
            pytrace=False,
        )


@pytest.fixture
def demo(seeds, settings):
    """The seed communes with their demo figures as made on DEMO_MORNING: made once per session,
    then copied back for each test (tests/snapshot.py), since making them takes half a minute."""
    if not snapshot_restore("demo"):
        from reporting.demo import demo_figures_create

        settings.DEMO_DATA_ALLOWED = True
        with time_machine.travel(DEMO_MORNING, tick=False):
            demo_figures_create(demo=True, today=DEMO_DAY)
        snapshot_take("demo")
    return seeds


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str = "pass-for-tests-1") -> None:
    """Log in through the form; someone whose role needs a second factor then types a
    recovery code of their own (made here), as a person would on the verify page."""
    code = _recovery_code_for(username)
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    if code and "/second-factor/verify/" in page.url:
        page.locator("input[name=token]").fill(code)
        page.get_by_role("button", name="Xác thực").click()
        page.wait_for_load_state()


def open_from_menu(page, name: str) -> None:
    """Open a page of the commune menu («Kế hoạch», «Bảng điều khiển», …): people land on their
    to-do page («Việc cần làm») and go on from there."""
    page.get_by_role("navigation", name="Xã").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def _recovery_code_for(username: str) -> str | None:
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from accounts.security import second_factor_required_by_role
    from tests.conftest import second_factor_test_device

    user = User.objects.filter(username=username).first()
    if user is None or not second_factor_required_by_role(user):
        return None
    TOTPDevice.objects.get_or_create(user=user, name="tests", defaults={"confirmed": True})
    token = StaticToken.random_token()
    second_factor_test_device(user).token_set.create(token=token)
    return token
