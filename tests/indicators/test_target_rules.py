"""A target the indicator's kind cannot reach is refused with a reason, not saved as "Đã lưu"."""

import pytest
from django.urls import reverse

from indicators.models import Indicator, MeasureKind
from tests.indicators.test_indicator_management import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text,reason",
    [
        ("150%", "không được vượt quá 100"),
        ("≥ 150", "không được vượt quá 100"),
        ("90-120%", "không được vượt quá 100"),
        ("abc%", "không phải là số"),
        ("-20%", "không được âm"),
        ("≥ -5", "không được âm"),
    ],
)
def test_a_percent_indicators_impossible_target_is_refused_with_a_reason(
    client, people, text, reason
):
    indicator = Indicator.objects.get(plan__commune__code="dien-quang", code="1")
    assert indicator.measure_kind == MeasureKind.PERCENT
    client.force_login(people["standing_office"])
    url = reverse("indicators:edit", args=["dien-quang", indicator.pk])
    response = client.post(url, form_data(indicator, target_2025=text))
    html = response.content.decode()
    assert response.status_code == 200, "saved: " + text
    assert "Đã lưu chỉ tiêu." not in html
    assert reason in html and text.replace(">", "&gt;") in html
    assert indicator.targets.get(year=2025).text == "50%"  # the saved target is kept


@pytest.mark.parametrize(
    "text,kind",
    [
        ("100%", MeasureKind.PERCENT),
        ("≥ 70", MeasureKind.PERCENT),
        ("0", MeasureKind.PERCENT),
        ("150", MeasureKind.COUNT),  # 150 enterprises
        ("Khuyến khích", MeasureKind.PERCENT),
        ("X", MeasureKind.MILESTONE),
        ("-", MeasureKind.PERCENT),
        ("Xây dựng báo cáo chỉ số thương mại điện tử hằng năm", MeasureKind.TEXT),
    ],
)
def test_targets_plans_print_are_accepted(text, kind):
    from indicators.targets import target_problem

    assert target_problem(text, kind) is None
