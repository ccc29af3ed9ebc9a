"""One set of rules for a unit's figures: the browser form, its autosave, the API and a direct
service call refuse the same inputs, each with a Vietnamese message, and store none of them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from api.models import TokenScope
from communes.models import Commune, Role, UnitKind
from indicators.models import Indicator
from reporting.models import IndicatorValue, Submission
from reporting.rules import FiguresRefused, SubmitRefused
from reporting.services import (
    period_ensure,
    submission_for,
    submission_save,
    submission_submit,
)
from tests.api.conftest import client_with_token
from tests.conftest import person

pytestmark = pytest.mark.django_db

CLIENTS = ["browser", "autosave", "api", "service"]


class Case:
    """One input: where it goes (commune, unit, indicator code), what each client sends."""

    def __init__(self, commune, unit, code, field, typed, sent=None, message="", other=None):
        self.commune, self.unit, self.code, self.field = commune, unit, code, field
        self.typed = typed  # as typed in the browser (Vietnamese notation)
        self.sent = typed if sent is None else sent  # as an API client or a service caller sends it
        self.message = message  # the Vietnamese words every client's refusal contains
        self.other = other  # the ratio's other field: (field, typed, sent)


AN_NONG, VH_XH = "an-nong", "Phòng VH-XH"  # leads 4 and 7 (counts), 1 and 2 (a/b × 100 %)
DIEN_QUANG = "dien-quang"  # its indicators are plain percentages the standing office reports
CASES = {
    "over-long": Case(AN_NONG, VH_XH, "4", "value", "1" * 25, message="tối đa 16 chữ số"),
    "5000-digit": Case(AN_NONG, VH_XH, "4", "value", "9" * 5000, message="tối đa 16 chữ số"),
    "too-many-decimals": Case(
        AN_NONG,
        VH_XH,
        "1",
        "numerator",
        "1,23456",
        "1.23456",
        "4 chữ số thập phân",
        ("denominator", "4", "4"),
    ),
    "negative": Case(AN_NONG, VH_XH, "7", "value", "-5", message="phải từ 0 trở lên"),
    "above-100-percent": Case(
        DIEN_QUANG, None, "1", "value", "120", message="không được vượt quá 100"
    ),
    "a-above-b": Case(
        AN_NONG,
        VH_XH,
        "1",
        "numerator",
        "500",
        message="không được lớn hơn mẫu số",
        other=("denominator", "400", "400"),
    ),
    "b-is-zero": Case(
        AN_NONG,
        VH_XH,
        "1",
        "denominator",
        "0",
        message="không được bằng 0",
        other=("numerator", "5", "5"),
    ),
    "fractional-count": Case(
        AN_NONG, VH_XH, "4", "value", "1.250,5", "1250.5", message="phải là số nguyên"
    ),
    "not-a-number": Case(AN_NONG, VH_XH, "4", "value", "mười", message="số"),
}
SUFFIX = {"value": "value", "numerator": "a", "denominator": "b"}


@pytest.fixture
def setting(seeds):
    def build(case: Case):
        commune = Commune.objects.get(code=case.commune)
        unit = (
            commune.units.get(short_name=case.unit)
            if case.unit
            else commune.units.get(kind=UnitKind.STANDING_OFFICE)
        )
        period = period_ensure(commune, "202606" if case.commune == AN_NONG else "202509")
        indicator = Indicator.objects.get(commune=commune, code=case.code)
        clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
        return commune, unit, period, indicator, clerk

    return build


def refusal(client_kind: str, case: Case, built) -> str:
    """Send the case's input through one client; return the refusal's message for the field."""
    commune, unit, period, indicator, clerk = built
    if client_kind in ("browser", "autosave"):
        browser = Client()
        browser.force_login(clerk)
        url = reverse("reporting:submission", args=[commune.code, period.code, unit.pk])
        html = browser.get(url).content.decode()
        version = html.split('name="version" value="')[1].split('"')[0]
        data = {"version": version, "action": "save" if client_kind == "browser" else "autosave"}
        data[f"ind_{indicator.pk}_{SUFFIX[case.field]}"] = case.typed
        if case.other:
            data[f"ind_{indicator.pk}_{SUFFIX[case.other[0]]}"] = case.other[1]
        response = browser.post(url, data)
        name = f"ind_{indicator.pk}_{SUFFIX[case.field]}"
        if client_kind == "autosave":
            assert response.status_code == 200
            return " ".join(response.json()["errors"][name])
        assert response.status_code == 200  # the form again, with the message beside the field
        page = response.content.decode()
        error = page.split(f'data-error-for="{name}"')[1].split("</p>")[0]
        assert case.typed[:40] in page  # what was typed is kept
        assert Submission.objects.get(period=period, unit=unit).pending_inputs[name] == case.typed
        return error
    if client_kind == "api":
        api = client_with_token(clerk, TokenScope.READ_WRITE)
        base = f"/api/v1/communes/{commune.code}/submissions/"
        opened = api.post(base, {"period": period.code, "unit": unit.pk}, format="json").json()
        row = {"indicator": indicator.pk, case.field: case.sent}
        if case.other:
            row[case.other[0]] = case.other[2]
        response = api.patch(
            f"{base}{opened['id']}/",
            {"version": opened["version"], "values": [row]},
            format="json",
        )
        assert response.status_code == 400, response.content
        return " ".join(response.json()["error"]["fields"]["values"]["0"][case.field])
    submission = submission_for(period, unit)
    sent = [(case.field, case.sent)] + ([case.other[0::2]] if case.other else [])
    fields = {}
    for name, text in sent:
        try:
            fields[name] = Decimal(text.replace(",", "."))
        except ArithmeticError:
            fields[name] = text  # a client that sends what is not a number
    with pytest.raises(FiguresRefused) as refused:
        submission_save(
            actor=clerk,
            submission=submission,
            version=submission.version,
            values={indicator.pk: fields},
            progress={},
            narrative={},
            pending={},
        )
    assert Submission.objects.get(pk=submission.pk).version == submission.version
    return " ".join(refused.value.problems[indicator.pk][case.field])


@pytest.mark.parametrize("client_kind", CLIENTS)
@pytest.mark.parametrize("name", list(CASES))
def test_every_client_refuses_the_same_figures_in_vietnamese(setting, client_kind, name):
    case = CASES[name]
    built = setting(case)
    message = refusal(client_kind, case, built)
    assert case.message in message, message
    assert not IndicatorValue.objects.filter(indicator=built[3]).exists()  # never stored


def test_a_direct_submit_is_refused_what_the_browser_and_the_api_refuse(seeds):
    """A third client that calls the service with a stored bad figure or a missing lead figure."""
    commune = Commune.objects.get(code=AN_NONG)
    unit = commune.units.get(short_name=VH_XH)
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
    submission = submission_for(period_ensure(commune, "202606"), unit)
    four = Indicator.objects.get(commune=commune, code="4")
    IndicatorValue.objects.create(
        submission=submission, commune=commune, indicator=four, value=Decimal(-3)
    )
    with pytest.raises(SubmitRefused) as refused:
        submission_submit(actor=clerk, submission=submission, version=submission.version)
    values = refused.value.problems["values"]
    assert "Giá trị đã lưu không hợp lệ" in values[four.pk]["value"][0]
    seven = Indicator.objects.get(commune=commune, code="7")
    assert values[seven.pk] == {"value": ["Cần nhập trước khi gửi báo cáo."]}
    assert "progress" in refused.value.problems
    submission.refresh_from_db()
    assert submission.status == "draft" and submission.submitted_at is None
