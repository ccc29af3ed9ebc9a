"""The commune's and the province's reports list the proposals followed and their answers."""

from datetime import date

import pytest
from django.utils import timezone

from reporting.models import ProposalAddressee
from reporting.proposals import proposal_answer, proposal_create
from reporting.services import period_ensure, submission_for
from reports.rendering import commune_report_document, province_report_document
from reports.selectors import commune_report_fingerprint, province_report_fingerprint

pytestmark = pytest.mark.django_db


def test_reports_list_proposals_and_answers(seeds, people):
    commune = seeds["dien-quang"]
    period = period_ensure(commune, "2025")
    unit = commune.units.get(short_name="Phòng Kinh tế")
    submission = submission_for(period, unit)
    common = {"actor": people["standing_office"], "commune": commune, "period": period}
    to_leaders = proposal_create(
        **common,
        submission=submission,
        text="Bố trí kinh phí mua máy quét.",
        addressee=ProposalAddressee.COMMUNE_LEADERSHIP,
        due_date=timezone.localdate(),
    )
    proposal_answer(actor=people["leader"], proposal=to_leaders, answer="Đồng ý, quý I/2026.")
    proposal_create(
        **common,
        text="Tỉnh hỗ trợ đường truyền cho các thôn",
        addressee=ProposalAddressee.PROVINCE,
        due_date=timezone.localdate(),
    )
    due = timezone.localdate().strftime("%d/%m/%Y")
    body = [block.text for block in commune_report_document(period, today=date(2026, 1, 5)).body]
    at = body.index("Kiến nghị và trả lời")
    assert "ĐỀ XUẤT, KIẾN NGHỊ" in body[at - 1]  # no narrative text: the heading for them
    # Those awaiting an answer first, then those answered.
    assert body[at + 1 :] == [
        f"- UBND xã: Tỉnh hỗ trợ đường truyền cho các thôn (gửi UBND tỉnh; chưa trả lời"
        f" (hạn {due}));",
        "- Phòng Kinh tế: Bố trí kinh phí mua máy quét (gửi Lãnh đạo UBND xã;"
        " trả lời: Đồng ý, quý I/2026)./.",
    ]
    # The province reads only what was addressed to it.
    body = [
        block.text
        for block in province_report_document(commune.province, "2025", today=date(2026, 1, 5)).body
    ]
    at = body.index("Kiến nghị và trả lời")
    assert body[at + 1 :] == [
        f"- Xã Điền Quang, UBND xã: Tỉnh hỗ trợ đường truyền cho các thôn (gửi UBND tỉnh;"
        f" chưa trả lời (hạn {due}))./."
    ]


def test_a_file_made_before_an_answer_is_out_of_date(seeds, people):
    commune = seeds["dien-quang"]
    period = period_ensure(commune, "2025")
    proposal = proposal_create(
        actor=people["standing_office"],
        commune=commune,
        period=period,
        text="Tỉnh hỗ trợ đường truyền",
        addressee=ProposalAddressee.PROVINCE,
        due_date=timezone.localdate(),
    )
    before = (
        commune_report_fingerprint(period),
        province_report_fingerprint(commune.province, "2025"),
    )
    proposal_answer(actor=people["thanh_hoa"], proposal=proposal, answer="Đã bố trí.")
    after = (
        commune_report_fingerprint(period),
        province_report_fingerprint(commune.province, "2025"),
    )
    assert before[0] != after[0] and before[1] != after[1]
