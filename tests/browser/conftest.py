"""Playwright driving Debian's chromium (no browser download works here)."""

import os
import shutil
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(
                "Debian's chromium is not installed: CI must install it (apt-get install chromium)."
            )
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, locale="vi-VN", base_url=live_server.url)
        context.set_default_timeout(10_000)
        # The session's first page compiles every template on a machine shared by many.
        context.set_default_navigation_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


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
