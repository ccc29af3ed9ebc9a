"""Verification of approved figures (kiểm chứng): the standing office verifies or questions a
figure, the unit that reported it answers, the to-do pages show what waits; only those roles act,
and every step is audited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from communes.access import scope_for
from communes.audit import audit_trail_for
from communes.models import Notification, Role
from indicators.models import MeasureKind
from reporting.models import (
    FigureVerification,
    IndicatorValue,
    SubmissionStatus,
    VerificationStatus,
)
from reporting.selectors import unit_report
from reporting.services import period_ensure, submission_for
from reporting.verification import (
    VerificationRefused,
    figure_answer,
    figure_question,
    figure_verify,
)
from tests.conftest import person
from tests.queries import assert_flat, queries_of_get
from todo.selectors import commune_todo

pytestmark = pytest.mark.django_db


def _report(commune, unit, *, code="202506", figures=None, status=SubmissionStatus.APPROVED):
    """A unit's report of `code` with a figure for its first `figures` indicators (all if None)."""
    submission = submission_for(period_ensure(commune, code), unit)
    items = unit_report(submission).indicators
    values = []
    for item in items[:figures] if figures is not None else items:
        kind = item.indicator.measure_kind
        numbers = (
            {"numerator": Decimal("3"), "denominator": Decimal("4")}
            if item.indicator.is_ratio
            else {"is_done": True}
            if kind == MeasureKind.MILESTONE
            else {"text": "Đã triển khai"}
            if kind == MeasureKind.TEXT
            else {"value": Decimal("7")}
        )
        values.append(
            IndicatorValue.objects.create(
                commune=commune, submission=submission, indicator=item.indicator, **numbers
            )
        )
    submission.status = status
    submission.save()
    return submission, values


@pytest.fixture
def approved(people, seeds):
    commune = seeds["dien-quang"]
    unit = commune.units.get(short_name="Phòng VH-XH")
    submission, values = _report(commune, unit, figures=2)
    assert len(values) == 2, "Phòng VH-XH reports at least two indicators"
    people["clerk"] = person(Role.UNIT_STAFF, commune=commune, unit=unit)
    return {"commune": commune, "unit": unit, "submission": submission, "values": values}


def _page(commune, submission):
    return reverse(
        "reporting:submission", args=[commune.code, submission.period.code, submission.unit_id]
    )


def _post(client, commune, value, action, text):
    return client.post(
        reverse("reporting:figure_verification", args=[commune.code, value.pk]),
        {"action": action, "text": text},
    )


def test_office_verifies_one_figure_questions_another_the_unit_answers(client, people, approved):
    commune, submission = approved["commune"], approved["submission"]
    first, second = approved["values"]
    office, clerk = people["standing_office"], people["clerk"]

    client.force_login(office)
    page = client.get(_page(commune, submission)).content.decode()
    assert page.count('data-testid="figure-check"') == 2 and "Kiểm chứng số liệu" in page
    response = _post(client, commune, first, "verify", "Đối chiếu sổ theo dõi của phòng")
    assert response.status_code == 302 and response.url.endswith(f"#figure-{first.pk}")
    _post(client, commune, second, "question", "Đề nghị gửi danh sách hộ kèm theo")
    first_check, second_check = (FigureVerification.objects.get(value=v) for v in (first, second))
    assert first_check.status == VerificationStatus.VERIFIED
    assert (
        first_check.note == "Đối chiếu sổ theo dõi của phòng" and first_check.checked_by == office
    )
    assert second_check.status == VerificationStatus.QUESTIONED
    assert Notification.objects.filter(user=clerk, kind="figure_questioned").exists()

    # The clerk finds the question on its to-do page and answers it from the report page.
    client.force_login(clerk)
    todo = client.get(reverse("todo:commune", args=[commune.code])).content.decode()
    assert "Đề nghị gửi danh sách hộ kèm theo" in todo and f"#figure-{second.pk}" in todo
    page = client.get(_page(commune, submission)).content.decode()
    assert page.count('data-testid="check-answer-send"') == 1
    _post(client, commune, second, "answer", "Đã bổ sung danh sách 120 hộ")
    second_check.refresh_from_db()
    assert second_check.status == VerificationStatus.ANSWERED and second_check.answered_by == clerk
    assert Notification.objects.filter(user=office, kind="figure_answered").exists()
    assert not commune_todo(commune, scope_for(clerk)).items_of("figure_questioned")

    # The office reads the answer on its to-do page, then verifies the figure.
    client.force_login(office)
    todo = client.get(reverse("todo:commune", args=[commune.code])).content.decode()
    assert "Đã bổ sung danh sách 120 hộ" in todo
    _post(client, commune, second, "verify", "Danh sách 120 hộ khớp số liệu")
    second_check.refresh_from_db()
    assert second_check.status == VerificationStatus.VERIFIED
    assert not commune_todo(commune, scope_for(office)).items_of("figure_answered")
    history = [(e.old_value, e.new_value) for e in audit_trail_for(second_check).order_by("pk")]
    assert history == [
        ("", "đề nghị làm rõ"),
        ("đề nghị làm rõ", "đơn vị đã trả lời"),
        ("đơn vị đã trả lời", "đã kiểm chứng"),
    ]


def test_steps_out_of_order_are_refused_with_a_reason(people, approved):
    office, clerk = people["standing_office"], people["clerk"]
    value = approved["values"][0]
    with pytest.raises(VerificationRefused):
        figure_answer(actor=clerk, value=value, answer="Chưa ai hỏi")
    with pytest.raises(VerificationRefused):
        figure_verify(actor=office, value=value, note="   ")
    figure_question(actor=office, value=value, question="Nguồn số liệu?")
    with pytest.raises(VerificationRefused):
        figure_question(actor=office, value=value, question="Lần nữa?")
    figure_verify(actor=office, value=value, note="Đã xem báo cáo của xã")
    with pytest.raises(VerificationRefused):
        figure_verify(actor=office, value=value, note="Lần nữa")
    # A figure of a report not approved yet is not checked.
    _submission, (draft_value,) = _report(
        approved["commune"], approved["unit"], code="202507", figures=1, status="submitted"
    )
    with pytest.raises(VerificationRefused):
        figure_verify(actor=office, value=draft_value, note="Xem rồi")


def test_only_the_office_checks_and_only_the_reporting_unit_answers(
    client, people, inspectors, approved
):
    commune, (value, other) = approved["commune"], approved["values"]
    figure_question(actor=people["standing_office"], value=value, question="Nguồn?")
    refused = {
        # Staff of another unit of the commune may not read this unit's report: 403.
        ("cong_an", value, "answer"): 403,
        ("cong_an", other, "verify"): 403,
        ("kinh_te", value, "answer"): 403,
        # The reporting unit answers, but does not verify its own figure.
        ("clerk", other, "verify"): 403,
        ("clerk", other, "question"): 403,
        # The leader reads, the office acts.
        ("leader", other, "verify"): 403,
        # The province officer reads approved figures, not the commune's internal work.
        ("thanh_hoa", other, "verify"): 404,
        ("other_commune_office", other, "verify"): 404,
        # The office does not answer for the unit.
        ("standing_office", value, "answer"): 403,
    }
    callers = {**people, **inspectors}
    for (role, figure, action), status in refused.items():
        client.force_login(callers[role])
        response = _post(client, commune, figure, action, "Thử")
        expected = {403, 404} if role == "thanh_hoa" else {status}
        assert response.status_code in expected, (role, action, response.status_code)
    for role in ("inspector", "inspector_thanh_hoa"):
        client.force_login(inspectors[role])
        for action in ("verify", "question", "answer"):
            assert _post(client, commune, value, action, "Thử").status_code == 403, role
        page = client.get(_page(commune, approved["submission"])).content.decode()
        assert 'data-testid="figure-checks"' in page and "check-verify" not in page
    # Under another commune's code the figure does not exist.
    client.force_login(people["other_commune_office"])
    response = client.post(
        reverse("reporting:figure_verification", args=["truong-giang", value.pk]),
        {"action": "verify", "text": "Thử"},
    )
    assert response.status_code == 404
    assert FigureVerification.objects.get(value=value).status == VerificationStatus.QUESTIONED
    assert not FigureVerification.objects.filter(value=other).exists()


def test_a_unit_answering_from_its_own_scope_only(people, approved, seeds):
    """The service refuses on its own, whatever view calls it."""
    from django.core.exceptions import PermissionDenied

    value = approved["values"][0]
    with pytest.raises(PermissionDenied):
        figure_verify(actor=people["clerk"], value=value, note="Tự kiểm")
    figure_question(actor=people["standing_office"], value=value, question="Nguồn?")
    with pytest.raises(PermissionDenied):
        figure_answer(actor=people["cong_an"], value=value, answer="Không phải tôi")
    outsider = person(Role.STANDING_OFFICE, commune=seeds["truong-giang"])
    with pytest.raises(PermissionDenied):
        figure_verify(actor=outsider, value=value, note="Không phải xã tôi")


def test_review_and_todo_pages_read_in_the_same_number_of_queries_with_more_figures(
    client, people, seeds
):
    commune = seeds["dien-quang"]
    unit = commune.units.get(short_name="Phòng VH-XH")
    office = people["standing_office"]
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
    small, (one,) = _report(commune, unit, code="202503", figures=1)
    large, many = _report(commune, unit, code="202504")
    assert len(many) >= 3
    for index, value in enumerate([one, *many]):
        if index % 2:
            figure_verify(actor=office, value=value, note=f"Minh chứng {index}")
        else:
            figure_question(actor=office, value=value, question=f"Câu hỏi {index}")
            if index % 4 == 2:
                figure_answer(actor=clerk, value=value, answer=f"Trả lời {index}")
    client.force_login(office)
    assert_flat(
        queries_of_get(client, _page(commune, small)),
        queries_of_get(client, _page(commune, large)),
        "the office's review page of a report",
    )
    client.force_login(clerk)
    assert_flat(
        queries_of_get(client, _page(commune, small)),
        queries_of_get(client, _page(commune, large)),
        "the unit's report page",
    )
    # The to-do pages: one question waiting against many.
    todo = reverse("todo:commune", args=[commune.code])
    FigureVerification.objects.filter(value__submission=large).delete()
    for who in (clerk, office):
        client.force_login(who)
        client.get(todo)  # a first visit, so that both counts are of a warm page
        few = queries_of_get(client, todo)
        for value in many:
            FigureVerification.objects.filter(value=value).delete()
        for index, value in enumerate(many):
            figure_question(actor=office, value=value, question=f"Hỏi {index}")
            if who is office:
                figure_answer(actor=clerk, value=value, answer=f"Đáp {index}")
        client.force_login(who)
        more = queries_of_get(client, todo)
        assert_flat(few, more, f"the to-do page of {who}")
        body = client.get(todo).content.decode()
        assert body.count(f"#figure-{many[-1].pk}") == 1


def test_dashboards_show_the_share_of_approved_figures_verified(client, people, approved, seeds):
    commune, (first, second) = approved["commune"], approved["values"]
    office = people["standing_office"]
    # A figure of a report not approved does not count.
    _report(
        commune, commune.units.get(short_name="Phòng Kinh tế"), figures=None, status="submitted"
    )
    figure_verify(actor=office, value=first, note="Sổ theo dõi")
    figure_question(actor=office, value=second, question="Nguồn?")
    client.force_login(people["leader"])
    page = client.get(reverse("dashboards:commune", args=[commune.code]), {"period": "202506"})
    share = page.content.decode().split('data-testid="verified-share"')[1].split("</p>")[0]
    assert "50%" in share and "1/2 số liệu đã duyệt được kiểm chứng" in share
    client.force_login(people["thanh_hoa"])
    url = reverse("dashboards:province", args=[commune.province.code])
    body = client.get(url, {"period": "202506"}).content.decode()
    cell = body.split('data-testid="verified-dien-quang"')[1].split("</td>")[0]
    assert "1/2" in cell and "(50%)" in cell
    # A period without approved figures: nothing to verify, not 0 %.
    period_ensure(commune, "202505")
    client.force_login(people["leader"])
    page = client.get(reverse("dashboards:commune", args=[commune.code]), {"period": "202505"})
    share = page.content.decode().split('data-testid="verified-share"')[1].split("</p>")[0]
    assert "—" in share and "chưa có số liệu được duyệt" in share
