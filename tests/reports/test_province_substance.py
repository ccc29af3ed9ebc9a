"""The province's report with substance: its values in the body, the communes' narratives under
the right headings (each item naming its commune), late and missing units named by commune,
and the officer's form for number, date, addressee, recipients and signer."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from communes.models import Role
from plans.models import SigningAuthority
from reports.models import CommuneReportText, ProvinceReportText
from reports.rendering import province_report_document, province_report_file
from reports.synthetic import synthetic_province_create
from tests.conftest import person

pytestmark = pytest.mark.django_db
TODAY = date(2025, 12, 20)


@pytest.fixture
def synthetic():
    synthetic = synthetic_province_create(communes=3, indicators=6, tasks=2, code="sub")
    first, second, _third = synthetic.communes
    for commune, texts in (
        (first, {"difficulties": "Thiếu máy tính.", "causes": "Kinh phí chưa bố trí."}),
        (second, {"difficulties": "Mạng yếu ở thôn 3.", "proposals": "Hỗ trợ trạm 4G."}),
    ):
        CommuneReportText.objects.create(
            commune=commune,
            period=commune.periods.get(code=synthetic.period_code),
            summary="Báo cáo",
            signing_authority=SigningAuthority.ON_BEHALF,
            signer_title="CHỦ TỊCH",
            **texts,
        )
    return synthetic


def _section(body: list[str], heading: str) -> list[str]:
    start = next(i for i, text in enumerate(body) if text.endswith(heading))
    end = next(
        (i for i in range(start + 1, len(body)) if body[i][:1] in "IVX" and ". " in body[i][:6]),
        len(body),
    )
    return body[start + 1 : end]


def test_each_commune_item_under_its_heading(synthetic):
    first, second, third = synthetic.communes
    doc = province_report_document(synthetic.province, synthetic.period_code, today=TODAY)
    body = [block.text for block in doc.body]
    difficulties = _section(body, "TỒN TẠI, HẠN CHẾ")
    assert difficulties[:2] == [
        f"- Xã {first.name}: Thiếu máy tính",
        f"- Xã {second.name}: Mạng yếu ở thôn 3",
    ]
    # A commune without saved texts: its units' approved narrative, each unit named (the same
    # text from several units once, naming them all).
    (unsaved,) = difficulties[2:]
    assert unsaved.startswith(f"- Xã {third.name}: Phòng VH-XH, ")
    assert _section(body, "NGUYÊN NHÂN") == [f"- Xã {first.name}: Kinh phí chưa bố trí"]
    proposals = _section(body, "KIẾN NGHỊ, ĐỀ XUẤT")
    assert proposals[0] == f"- Xã {second.name}: Hỗ trợ trạm 4G"
    assert proposals[-1].endswith("./.")  # the end of the body


def test_the_province_values_stand_in_the_body_by_group(synthetic):
    doc = province_report_document(synthetic.province, synthetic.period_code, today=TODAY)
    body = [block.text for block in doc.body]
    groups = [
        text for text in body if text[:3] in ("a) ", "b) ", "c) ") and "chỉ tiêu có số liệu" in text
    ]
    assert groups
    values = [text for text in body if text.startswith("- Chỉ tiêu thử nghiệm số")]
    assert values and any("xã đạt kế hoạch" in text for text in values)


def test_the_officer_sets_number_date_addressee_recipients_and_signer(client, synthetic):
    province = synthetic.province
    officer = person(Role.PROVINCE_OFFICER, province=province)
    client.force_login(officer)
    url = reverse("reports:province_report", args=[province.code])
    page = client.get(url, {"period": synthetic.period_code})
    assert 'data-testid="province-texts"' in page.content.decode()
    form = {
        "action": "save",
        "period": synthetic.period_code,
        "document_number": "12",
        "issued_on": "2025-12-22",
        "addressee": "Ủy ban nhân dân tỉnh Thử nghiệm",
        "difficulties": "- Xã Thử 001: Thiếu máy tính",
        "recipients": "Như trên;\nBộ Khoa học và Công nghệ;\nLưu: VT.",
        "deputy": "on",
        "signer_title": "Phó Giám đốc",
        "signer_name": "Trần Thị C",
    }
    assert client.post(url + f"?period={synthetic.period_code}", form).status_code == 302
    saved = ProvinceReportText.objects.get(province=province, period_code=synthetic.period_code)
    assert saved.signer_name == "Trần Thị C"
    doc = province_report_document(province, synthetic.period_code, today=TODAY)
    assert doc.number == "12/BC-SKHCN"
    assert doc.place_date == "Thử nghiệm, ngày 22 tháng 12 năm 2025"
    assert doc.signature_lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert doc.signer_name == "Trần Thị C"
    assert doc.recipients == ["- Như trên;", "- Bộ Khoa học và Công nghệ;", "- Lưu: VT."]
    word = Document(BytesIO(province_report_file(province, synthetic.period_code, "docx")))
    tasks = word.tables[-1]  # Phụ lục IV: the tasks of each commune
    assert [c.text for c in tasks.rows[0].cells][:3] == ["TT", "Xã, phường", "Tổng số nhiệm vụ"]
    assert len(tasks.rows) == 1 + 3 and tasks.rows[1].cells[2].text == "2"
    signature = [p.text for p in word.tables[1].rows[0].cells[1].paragraphs]
    assert signature == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị C"]
    # A slash in the number is refused with the reason; nothing is saved.
    form["document_number"] = "12/BC"
    refused = client.post(url + f"?period={synthetic.period_code}", form)
    assert refused.status_code == 400 and "/BC-SKHCN" in refused.content.decode()


def test_a_commune_office_cannot_save_the_province_texts(client, people, seeds):
    client.force_login(people["standing_office"])
    province = seeds["dien-quang"].province
    url = reverse("reports:province_report", args=[province.code])
    response = client.post(url + "?period=2025", {"action": "save", "period": "2025"})
    assert response.status_code in (403, 404)


def test_demo_figures_fill_the_province_value_of_ratios(settings, seeds):
    """The demo reports a and b for percentages, as units do: the seed provinces' value column
    (Σa/Σb) is filled for ratios."""
    from indicators.models import MeasureKind
    from reporting.consolidation import province_consolidation
    from reporting.demo import demo_figures_create

    settings.DEMO_DATA_ALLOWED = True
    demo_figures_create(demo=True, today=date(2025, 12, 20))
    consolidation = province_consolidation(seeds["dien-quang"].province, "2025")
    ratios = [
        row
        for row in consolidation.rows
        if row.indicator.measure_kind == MeasureKind.PERCENT and row.communes_reporting
    ]
    assert ratios
    assert all(row.value is not None and row.denominator for row in ratios)
