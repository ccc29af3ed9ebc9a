"""The live ratio preview is red while its entry cannot be saved, green again once it can."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from communes.models import Commune, Role
from indicators.models import Indicator
from reporting.services import period_ensure
from tests.browser.conftest import log_in
from tests.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_ratio_preview_is_red_beside_an_a_above_b_error(new_page, seeds):
    commune = Commune.objects.get(code="an-nong")
    centre = commune.units.get(short_name="Trung tâm phục vụ hành chính công")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=centre)
    period = period_ensure(commune, "202606")
    eight = Indicator.objects.get(plan__commune=commune, code="8")  # a share: a ≤ b
    page = new_page()
    log_in(page, clerk.username)
    page.goto(reverse("reporting:submission", args=[commune.code, period.code, centre.pk]))
    preview = page.get_by_test_id("ratio-8")
    page.locator(f'input[name="ind_{eight.pk}_a"]').fill("150")
    page.locator(f'input[name="ind_{eight.pk}_b"]').fill("100")
    assert preview.get_attribute("aria-invalid") == "true"
    assert "invalid" in preview.get_attribute("class")
    # The autosave's answer puts the rule's message beside a; the preview stays red with it.
    error = page.locator(f'[data-error-for="ind_{eight.pk}_a"]')
    error.wait_for(state="visible")
    assert "không được lớn hơn mẫu số" in error.inner_text()
    assert preview.get_attribute("aria-invalid") == "true"
    color_red = preview.evaluate("el => getComputedStyle(el).color")
    page.locator(f'input[name="ind_{eight.pk}_a"]').fill("50")
    expect(error).to_be_hidden()  # the CSP forbids evaluating a string: wait with expect()
    assert preview.get_attribute("aria-invalid") == "false"
    assert preview.inner_text() == "50% (50/100)"
    assert preview.evaluate("el => getComputedStyle(el).color") != color_red
