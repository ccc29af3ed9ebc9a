"""Every page keeps to the Content-Security-Policy: Chromium reports no violation on any of them.

The pages are every route of the resolver (tests/routes.py) that answers a GET with HTML, for
the roles that see the most of the portal, filled with Điền Quang's own objects.
"""

import pytest
from django.test import Client

from tests.browser.conftest import log_in
from tests.routes import World, routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_PAGES = ("logout", "download", "figures.xlsx", "/i18n/", "revoke", "regenerate", "close")


def _html_pages(user, world: World) -> list[str]:
    """The GET routes that answer this user with an HTML page (asked with the test client)."""
    client = Client()
    client.force_login(user)
    pages = []
    for route in routes(with_parameters_only=False):
        if (
            route.is_api
            and not route.pattern.startswith("api/docs")
            and route.pattern != "api/tokens/"
        ):
            continue
        url = route.url({p: world.value(route, p) for p in route.parameters})
        if any(part in url for part in NOT_PAGES):
            continue
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(url)
    return pages


@pytest.mark.parametrize("role", ["standing_office", "kinh_te", "thanh_hoa"])
def test_no_page_breaks_the_content_security_policy(new_page, seeds, people, figures, role):
    world = World(seeds["dien-quang"])
    violations, visited = [], 0
    user = people[role]
    user.set_password("pass-for-tests-1")
    user.save()
    pages = _html_pages(user, world)
    assert len(pages) > 10, pages
    page = new_page()

    def report(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{role} {page.url}: {message.text}")

    page.on("console", report)
    log_in(page, user.username)
    for url in pages:
        response = page.goto(url)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "script-src 'self' 'unsafe" not in policy
        # Only the API's Swagger UI (a developer page) may apply inline styles.
        assert ("'unsafe-inline'" in policy) == url.startswith("/api/docs/"), url
        # Pages render on the server; Swagger UI builds itself from the schema it fetches.
        page.wait_for_load_state("networkidle" if url.startswith("/api/docs/") else "load")
        visited += 1
    figures(f"CSP ({role}): {visited} page loads, {len(violations)} violations")
    assert violations == []
