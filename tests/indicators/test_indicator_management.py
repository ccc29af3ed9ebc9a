"""The standing office edits indicators and targets through forms that use the seed parsers."""

from decimal import Decimal

import pytest
from django.urls import reverse

from communes.models import AuditEntry
from indicators.models import Indicator, ProvinceIndicator
from plans.models import Plan

pytestmark = pytest.mark.django_db


def form_data(indicator, **changes):
    data = {
        "group": indicator.group_id,
        "parent": indicator.parent_id or "",
        "code": indicator.code,
        "name": indicator.name,
        "province_indicator": indicator.province_indicator_id or "",
        "unit_of_measure": indicator.unit_of_measure,
        "measure_kind": indicator.measure_kind,
        "direction": indicator.direction,
        "lead_units": [unit.pk for unit in indicator.lead_units.all()],
        "support_units": [unit.pk for unit in indicator.support_units.all()],
        "order": indicator.order,
    }
    data.update({f"target_{t.year}": t.text for t in indicator.targets.all()})
    data.update(changes)
    return data


def test_standing_office_changes_a_target_and_the_change_is_audited(client, people):
    indicator = Indicator.objects.get(plan__commune__code="dien-quang", code="1")
    client.force_login(people["standing_office"])
    url = reverse("indicators:edit", args=["dien-quang", indicator.pk])
    response = client.post(url, form_data(indicator, target_2025="≥ 2,5"))
    assert response.status_code == 302, response.content.decode()[:2000]
    target = indicator.targets.get(year=2025)
    assert (target.text, target.comparator, target.value) == ("≥ 2,5", "gte", Decimal("2.5"))
    entry = AuditEntry.objects.get(object_id=indicator.pk, field="target 2025")
    assert (entry.old_value, entry.new_value, entry.actor) == (
        "50%",
        "≥ 2,5",
        people["standing_office"],
    )
    detail = client.get(
        reverse("dashboards:indicator", args=["dien-quang", indicator.pk])
    ).content.decode()
    assert "≥ 2,5" in detail and "50%" in detail  # the history shows old and new


def test_unreadable_numeric_target_gets_a_vietnamese_message_and_keeps_the_input(client, people):
    indicator = Indicator.objects.get(plan__commune__code="dien-quang", code="1")
    client.force_login(people["standing_office"])
    url = reverse("indicators:edit", args=["dien-quang", indicator.pk])
    response = client.post(url, form_data(indicator, target_2025="≥ 7,0,0", name="Tên mới đã gõ"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "≥ 7,0,0" in html and "Tên mới đã gõ" in html  # nothing typed is lost
    assert "không đọc được" in html or "không phải là số" in html or "không thể đọc" in html
    assert indicator.targets.get(year=2025).text == "50%"  # nothing saved is lost either


def test_free_text_and_special_targets_are_kept_verbatim(client, people):
    indicator = Indicator.objects.get(plan__commune__code="dien-quang", code="2")
    client.force_login(people["standing_office"])
    url = reverse("indicators:edit", args=["dien-quang", indicator.pk])
    client.post(
        url, form_data(indicator, target_2025="Xây dựng báo cáo chỉ số thương mại điện tử hằng năm")
    )
    assert indicator.targets.get(year=2025).comparator == "text"
    client.post(url, form_data(indicator, target_2025="Khuyến khích"))
    assert indicator.targets.get(year=2025).comparator == "encouraged"
    client.post(url, form_data(indicator, target_2025=""))
    assert not indicator.targets.filter(year=2025).exists()


def test_duplicate_code_is_refused_in_vietnamese(client, people):
    indicator = Indicator.objects.get(plan__commune__code="dien-quang", code="1")
    client.force_login(people["standing_office"])
    url = reverse("indicators:edit", args=["dien-quang", indicator.pk])
    html = client.post(url, form_data(indicator, code="2")).content.decode()
    assert "đã có chỉ tiêu khác mang mã số 2" in html


def test_standing_office_creates_an_indicator_with_a_ratio_formula(client, people):
    plan = Plan.objects.get(commune__code="dien-quang")
    client.force_login(people["standing_office"])
    group = plan.indicator_groups.first()
    response = client.post(
        reverse("indicators:create", args=["dien-quang", plan.pk]),
        {
            "group": group.pk,
            "code": "22",
            "name": "Tỷ lệ hộ gia đình có Internet cáp quang",
            "unit_of_measure": "%",
            "measure_kind": "percent",
            "direction": "higher",
            "numerator_definition": "Số hộ có cáp quang",
            "denominator_definition": "Tổng số hộ",
            "order": 99,
            "target_2025": "≥ 80%",
        },
    )
    assert response.status_code == 302
    created = plan.indicators.get(code="22")
    assert created.is_ratio and created.targets.get(year=2025).value == 80
    assert AuditEntry.objects.filter(object_id=created.pk, action="create").exists()


def test_province_indicator_choice_is_the_communes_own_province_catalogue(client, people):
    indicator = Indicator.objects.get(plan__commune__code="dien-quang", code="20")
    client.force_login(people["standing_office"])
    url = reverse("indicators:edit", args=["dien-quang", indicator.pk])
    html = client.get(url).content.decode()
    assert "4G/5G trên dân số" in html  # An Nông's indicator, in the same province
    assert "Tỷ lệ phủ sóng 6G trên địa bàn" not in html  # Quảng Ngãi's catalogue
    foreign = ProvinceIndicator.objects.get(province__code="51", code="1")
    response = client.post(url, form_data(indicator, province_indicator=foreign.pk))
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.province_indicator.province.code == "38"


def test_a_target_added_in_the_admin_belongs_to_its_indicators_commune(admin_client, people):
    indicator = Indicator.objects.filter(is_heading=False, commune__code="dien-quang").first()
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        {
            "lead_units": [unit.pk for unit in indicator.lead_units.all()],
            "support_units": [unit.pk for unit in indicator.support_units.all()],
        }
    )
    existing = list(indicator.targets.order_by("year"))
    prefix = "targets"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": len(existing) + 1,
            f"{prefix}-INITIAL_FORMS": len(existing),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    )
    for index, target in enumerate(existing):
        for field in ("year", "text", "comparator", "note"):
            data[f"{prefix}-{index}-{field}"] = getattr(target, field)
        for field in ("value", "value_max"):
            value = getattr(target, field)
            data[f"{prefix}-{index}-{field}"] = "" if value is None else value
        if target.is_percent:
            data[f"{prefix}-{index}-is_percent"] = "on"
        data[f"{prefix}-{index}-id"] = target.pk
        data[f"{prefix}-{index}-indicator"] = indicator.pk
    new = len(existing)
    data.update(
        {
            f"{prefix}-{new}-year": 2031,
            f"{prefix}-{new}-text": "≥ 50%",
            f"{prefix}-{new}-comparator": "gte",
            f"{prefix}-{new}-value": "50",
            f"{prefix}-{new}-indicator": indicator.pk,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = indicator.targets.get(year=2031)
    assert added.commune_id == indicator.commune_id


def test_each_unit_list_is_named_above_its_boxes(client, people):
    """Before: «Đơn vị chủ trì:» came after the boxes it names, just above the next list."""
    indicator = Indicator.objects.get(plan__commune__code="dien-quang", code="1")
    client.force_login(people["standing_office"])
    html = client.get(
        reverse("indicators:edit", args=["dien-quang", indicator.pk])
    ).content.decode()
    for name, legend in (("lead_units", "Đơn vị chủ trì"), ("support_units", "Đơn vị phối hợp")):
        group = html.split(f'id="id_{name}_group"')[1].split("</fieldset>")[0]
        assert group.lstrip(">").strip().startswith(f"<legend>{legend}</legend>")
        assert f'name="{name}"' in group  # the boxes are inside the list the legend names


def test_the_office_sets_an_indicators_verification_criteria_and_source(client, people):
    indicator = Indicator.objects.get(plan__commune__code="dien-quang", code="20")
    client.force_login(people["standing_office"])
    url = reverse("indicators:edit", args=["dien-quang", indicator.pk])
    html = client.get(url).content.decode()
    assert "Tiêu chí kiểm chứng" in html and "đo từ hệ thống thông tin" in html
    data = form_data(
        indicator,
        figure_source="system",
        verification_criteria="Trích xuất từ Cổng dịch vụ công quốc gia",
    )
    assert client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.figure_source == "system"
    assert indicator.verification_criteria == "Trích xuất từ Cổng dịch vụ công quốc gia"
    # A post without the source keeps the one stored.
    del data["figure_source"]
    assert client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.figure_source == "system"
