"""The wording a commune would refuse: a Decision cited as a plan, "về về", lowered names and
acronyms, "::", a causes heading over no causes."""

from __future__ import annotations

from datetime import date

import pytest

from plans.models import Plan, SigningAuthority
from reporting.services import period_ensure
from reports.documents import plan_citation
from reports.models import CommuneReportText
from reports.rendering import commune_report_document
from reports.wording import sentence_case

pytestmark = pytest.mark.django_db
TODAY = date(2025, 12, 20)


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("PHÁT TRIỂN Hạ Tầng", "Phát triển hạ tầng"),
        (
            "Chỉ tiêu về Khoa học, công nghệ trên địa bàn xã An Nông năm 2026",
            "Chỉ tiêu về khoa học, công nghệ trên địa bàn xã An Nông năm 2026",
        ),
        ("PHÁT TRIỂN HẠ TẦNG SỐ XÃ AN NÔNG", "Phát triển hạ tầng số xã An Nông"),
        ("Xếp hạng chuyển đổi số cấp xã (DTI)", "Xếp hạng chuyển đổi số cấp xã (DTI)"),
        ("Nâng cao nhận thức về chuyển đổi số:", "Nâng cao nhận thức về chuyển đổi số"),
        ("TỶ LỆ PHỦ SÓNG 5G", "Tỷ lệ phủ sóng 5G"),
    ],
)
def test_group_titles_keep_names_and_acronyms(typed, printed):
    assert sentence_case(typed) == printed


def test_a_decision_is_cited_as_a_decision_and_ve_is_said_once(seeds):
    commune = seeds["truong-giang"]
    decision = Plan.objects.get(commune=commune, document_number="536/QĐ-UBND")
    cited = plan_citation(decision, commune)
    assert cited.startswith("Quyết định số 536/QĐ-UBND ngày 10/9/2025 của UBND xã Trường Giang")
    assert " về việc ban hành Kế hoạch hành động" in cited
    assert "về về" not in cited and "Kế hoạch số 536" not in cited
    plan = Plan(
        document_number="12/KH-UBND",
        issue_date=date(2025, 3, 1),
        title="Phát triển khoa học, công nghệ năm 2025",
    )
    assert plan_citation(plan, commune) == (
        "Kế hoạch số 12/KH-UBND ngày 01/3/2025 của UBND xã Trường Giang"
        " về phát triển khoa học, công nghệ năm 2025"
    )


def _body(commune, *, difficulties="", causes="") -> list[str]:
    period = period_ensure(commune, "2025")
    CommuneReportText.objects.create(
        commune=commune,
        period=period,
        summary="Kết quả năm 2025",
        difficulties=difficulties,
        causes=causes,
        signing_authority=SigningAuthority.ON_BEHALF,
        signer_title="CHỦ TỊCH",
    )
    doc = commune_report_document(period, today=TODAY)
    return [block.text for block in doc.body]


def test_no_causes_heading_over_no_causes(seeds):
    body = _body(seeds["dien-quang"], difficulties="Thiếu kinh phí.")
    assert "II. TỒN TẠI, HẠN CHẾ" in body
    assert not any("NGUYÊN NHÂN" in text or "Nguyên nhân" in text for text in body)
    assert any(text.startswith("Thiếu kinh phí.") for text in body)


def test_both_headings_when_both_are_written(seeds):
    body = _body(seeds["dien-quang"], difficulties="Thiếu kinh phí.", causes="Nhân lực mỏng.")
    assert "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN" in body
    assert body.index("1. Tồn tại, hạn chế, khó khăn, vướng mắc") < body.index("2. Nguyên nhân")


def test_group_titles_in_the_text_have_one_colon(seeds):
    commune = seeds["an-nong"]
    period = period_ensure(commune, "2026")
    doc = commune_report_document(period, today=TODAY)
    text = " ".join(block.text for block in doc.body)
    assert "::" not in text
    assert "an nông" not in text  # the name keeps its capitals
    titles = [group.title for group in doc.indicator_groups]
    assert all("an nông" not in title for title in titles)


def _document_with_sections(sections: int):
    from reports.documents import CommuneDocument, TaskRow, TaskSectionRows

    def row(number):
        return TaskRow(
            str(number),
            f"Nhiệm vụ {number}",
            "Kế hoạch",
            "Tháng 7/2025",
            "UBND xã",
            "Hoàn thành",
            "Đã xong.",
            None,
        )

    return CommuneDocument(
        title="t",
        issuer_superior=[],
        issuer=["ỦY BAN NHÂN DÂN", "XÃ ĐIỀN THỬ"],
        number="05/BC-UBND",
        place_date="Điền Thử, ngày 05 tháng 6 năm 2025",
        summary="Báo cáo",
        addressee="",
        body=[],
        recipients=[],
        signature_lines=["CHỦ TỊCH"],
        signer_name="",
        period_phrase="năm 2025",
        year=2025,
        attached_to="(Kèm theo)",
        indicator_groups=[],
        task_sections=[
            TaskSectionRows(
                f"S{index}", f"Nhóm nhiệm vụ số {index}", [row(index * 10 + n) for n in range(3)]
            )
            for index in range(sections)
        ],
    )


def test_no_group_row_alone_at_the_foot_of_a_page():
    from reports.pdf import pdf_render
    from reports.rendering import commune_report_html
    from tests.reports.pdf_tools import pdf_pages

    pages = pdf_pages(pdf_render(commune_report_html(_document_with_sections(40))))
    task_pages = [page for page in pages if page.landscape and "Nhóm nhiệm vụ" in page.text]
    assert len(task_pages) >= 3
    for page in task_pages:
        lines = [line.strip() for line in page.text.splitlines() if line.strip()]
        assert not lines[-1].startswith("S"), (page.number, lines[-1])
