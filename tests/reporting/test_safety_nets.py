"""Safety nets on what cannot be undone by a click: closing a period, submitting and approving
ask first and say what will happen; the office reopens a closed period with a reason; a unit
withdraws a report not yet reviewed; a refused submit lists what is missing, each a link."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from communes.models import AuditAction, AuditEntry, Commune, Role
from indicators.models import Indicator
from reporting.models import Submission, SubmissionStatus
from reporting.periods import period_parse
from reporting.services import (
    WorkflowError,
    period_close,
    period_ensure,
    period_reopen,
    submission_withdraw,
)
from tests.conftest import person
from tests.reporting.test_workflow import fill_all, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def an_nong(seeds):
    commune = Commune.objects.get(code="an-nong")
    centre = commune.units.get(short_name="Trung tâm phục vụ hành chính công")
    return {
        "commune": commune,
        "centre": centre,
        "clerk": person(Role.UNIT_STAFF, commune=commune, unit=centre),
        "office": person(Role.STANDING_OFFICE, commune=commune),
        "period": period_ensure(commune, "202606"),
        "eight": Indicator.objects.get(plan__commune=commune, code="8"),
    }


def submission_of(ctx) -> Submission:
    return Submission.objects.get(unit=ctx["centre"], period=ctx["period"])


def submitted(client, ctx) -> Submission:
    client.force_login(ctx["clerk"])
    response = client.post(url(ctx), fill_all(client, ctx) | {"action": "submit", "confirmed": "1"})
    assert response.status_code == 302
    return submission_of(ctx)


def test_closing_a_period_asks_first_naming_the_units_it_locks(client, an_nong):
    """Before: one POST from the «Khóa sổ» button closed the period with no way back."""
    client.force_login(an_nong["office"])
    close = reverse("reporting:period_close", args=["an-nong", "202606"])
    page = client.get(close).content.decode()
    expected = len(
        client.get(reverse("reporting:period", args=["an-nong", "202606"])).context["rows"]
    )
    assert (
        f"Khóa sổ kỳ Tháng 6/2026: {expected} đơn vị sẽ không sửa hay gửi báo cáo được nữa" in page
    )
    assert "Chưa gửi báo cáo: " in page and "Trung tâm phục vụ hành chính công" in page
    # The button alone (no confirmation) changes nothing.
    assert client.post(close).status_code == 200
    an_nong["period"].refresh_from_db()
    assert not an_nong["period"].is_closed
    assert client.post(close, {"confirmed": "1"}).status_code == 302
    an_nong["period"].refresh_from_db()
    assert an_nong["period"].is_closed
    assert AuditEntry.objects.filter(
        object_id=an_nong["period"].pk, action=AuditAction.CLOSE
    ).exists()


def test_the_office_reopens_a_closed_period_with_a_reason_kept_in_its_history(client, an_nong):
    period, office = an_nong["period"], an_nong["office"]
    period_close(actor=office, period=period)
    client.force_login(office)
    review = reverse("reporting:period", args=["an-nong", "202606"])
    reopen = reverse("reporting:period_reopen", args=["an-nong", "202606"])
    assert "Mở lại kỳ báo cáo" in client.get(review).content.decode()
    client.post(reopen, {"reason": "  "})
    period.refresh_from_db()
    assert period.is_closed  # no reason, no reopening
    client.post(reopen, {"reason": "Sở yêu cầu bổ sung số liệu tháng 6"})
    period.refresh_from_db()
    assert not period.is_closed
    entry = AuditEntry.objects.get(object_id=period.pk, action=AuditAction.REOPEN)
    assert entry.reason == "Sở yêu cầu bổ sung số liệu tháng 6" and entry.actor == office
    history = client.get(review).content.decode()
    history = history[history.find('data-testid="history"') :]
    assert "mở lại" in history and "Sở yêu cầu bổ sung số liệu tháng 6" in history
    assert "khóa sổ kỳ báo cáo" in history
    # The units may save and submit again.
    submitted(client, an_nong)
    with pytest.raises(WorkflowError):
        period_reopen(actor=office, period=period, reason="again")


def test_a_unit_staff_cannot_close_or_reopen(client, an_nong):
    client.force_login(an_nong["clerk"])
    close = reverse("reporting:period_close", args=["an-nong", "202606"])
    assert client.post(close, {"confirmed": "1"}).status_code in (403, 404)
    an_nong["period"].refresh_from_db()
    assert not an_nong["period"].is_closed


def test_submit_and_approve_ask_first_and_say_what_happens(client, an_nong):
    """Before: «Gửi» and «Duyệt» acted on the first click."""
    client.force_login(an_nong["clerk"])
    response = client.post(url(an_nong), fill_all(client, an_nong) | {"action": "submit"})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="confirmation"' in html
    assert "Gửi báo cáo của Trung tâm phục vụ hành chính công kỳ Tháng 6/2026" in html
    assert submission_of(an_nong).status == SubmissionStatus.DRAFT  # the figures are saved, no more
    version = re.search(r'name="version" value="(\d+)"', html)[1]
    sent = client.post(
        url(an_nong), {"action": "submit_confirmed", "confirmed": "1", "version": version}
    )
    assert sent.status_code == 302 and submission_of(an_nong).status == SubmissionStatus.SUBMITTED

    client.force_login(an_nong["office"])
    asked = client.post(url(an_nong), {"action": "approve"}).content.decode()
    assert "số liệu sẽ bị khóa" in asked
    assert submission_of(an_nong).status == SubmissionStatus.SUBMITTED
    client.post(url(an_nong), {"action": "approve", "confirmed": "1"})
    assert submission_of(an_nong).status == SubmissionStatus.APPROVED


def test_a_unit_withdraws_a_report_not_yet_reviewed_back_to_draft_audited(client, an_nong):
    submission = submitted(client, an_nong)
    page = client.get(url(an_nong)).content.decode()
    assert "Rút lại báo cáo (trở về bản nháp)" in page
    response = client.post(url(an_nong), {"action": "withdraw", "version": submission.version})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT and submission.submitted_at is None
    entry = AuditEntry.objects.get(object_id=submission.pk, action=AuditAction.WITHDRAW)
    assert (entry.old_value, entry.new_value, entry.actor) == (
        "submitted",
        "draft",
        an_nong["clerk"],
    )
    history = client.get(url(an_nong)).content.decode()
    history = history[history.find('data-testid="history"') :]
    assert "đơn vị rút lại" in history and "đã gửi" in history
    # Once the office has reviewed it, it is the office's to reopen.
    submission = submitted(client, an_nong)
    client.force_login(an_nong["office"])
    client.post(url(an_nong), {"action": "approve", "confirmed": "1"})
    client.force_login(an_nong["clerk"])
    assert "Rút lại báo cáo" not in client.get(url(an_nong)).content.decode()
    client.post(url(an_nong), {"action": "withdraw", "version": submission_of(an_nong).version})
    assert submission_of(an_nong).status == SubmissionStatus.APPROVED
    with pytest.raises(WorkflowError):
        submission_withdraw(
            actor=an_nong["clerk"],
            submission=submission_of(an_nong),
            version=submission_of(an_nong).version,
        )


def test_only_the_units_staff_withdraw(client, an_nong):
    submitted(client, an_nong)
    client.force_login(an_nong["office"])
    version = submission_of(an_nong).version
    assert client.post(url(an_nong), {"action": "withdraw", "version": version}).status_code == 403
    assert submission_of(an_nong).status == SubmissionStatus.SUBMITTED


def test_withdraw_through_the_api(an_nong):
    submission = submitted(__import__("django.test").test.Client(), an_nong)
    api = APIClient()
    api.force_login(an_nong["clerk"])
    base = f"/api/v1/communes/an-nong/submissions/{submission.pk}/"
    stale = api.post(base + "withdraw/", {"version": submission.version - 1}, format="json")
    assert stale.status_code == 409
    done = api.post(base + "withdraw/", {"version": submission.version}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == SubmissionStatus.DRAFT
    again = api.post(base + "withdraw/", {"version": done.json()["version"]}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"


def test_a_refused_submit_lists_what_is_missing_each_a_link_to_its_field(client, an_nong):
    """Before: «the report cannot be submitted yet» and nothing to say what or where."""
    client.force_login(an_nong["clerk"])
    html = client.get(url(an_nong)).content.decode()
    version = re.search(r'name="version" value="(\d+)"', html)[1]
    response = client.post(url(an_nong), {"version": version, "action": "submit"})
    assert response.status_code == 400
    html = response.content.decode()
    refusal = html[html.find('data-testid="submit-refusal"') :]
    refusal = refusal[: refusal.find("</div>")]
    links = re.findall(
        r'<a href="#(id_[a-z0-9_]+)" data-testid="missing-link">([^<]*)</a>', refusal
    )
    led = [item for item in response.context["report"].indicators if item.role == "lead"] + [
        item for item in response.context["report"].tasks if item.role == "lead"
    ]
    assert len(links) == len(led) > 0
    for anchor, _text in links:
        assert f'id="{anchor}"' in html, anchor  # each link lands on its field
    eight = an_nong["eight"]
    assert any(
        anchor == f"id_ind_{eight.pk}_a" and text.startswith("Chỉ tiêu 8. ")
        for anchor, text in links
    )
    assert "Cần nhập trước khi gửi báo cáo." in refusal
    assert submission_of(an_nong).status == SubmissionStatus.DRAFT


def test_the_api_refuses_a_submit_with_the_same_sentence(client, an_nong):
    client.force_login(an_nong["clerk"])
    html = client.get(url(an_nong)).content.decode()
    version = re.search(r'name="version" value="(\d+)"', html)[1]
    browser = client.post(url(an_nong), {"version": version, "action": "submit"})
    sentence = (
        [str(m) for m in browser.context["messages"]] if browser.context.get("messages") else []
    )
    api = APIClient()
    api.force_login(an_nong["clerk"])
    submission = submission_of(an_nong)
    refused = api.post(
        f"/api/v1/communes/an-nong/submissions/{submission.pk}/submit/",
        {"version": submission.version},
        format="json",
    )
    assert refused.status_code == 400
    message = refused.json()["error"]["message"]
    count = len(browser.context["submit_refusal"].items)
    assert message.startswith(f"Chưa gửi được báo cáo: còn {count} mục cần hoàn thành hoặc sửa: ")
    assert message == str(browser.context["submit_refusal"])
    assert "values" in refused.json()["error"]["fields"]
    del sentence


@pytest.mark.parametrize(
    "code,vietnamese,english",
    [
        ("202506", "Tháng 6/2025", "June 2025"),
        ("202512", "Tháng 12/2025", "December 2025"),
        ("2025Q2", "Quý II/2025", "Q2 2025"),
        ("2025S1", "6 tháng đầu năm 2025", "First half of 2025"),
        ("2025S2", "6 tháng cuối năm 2025", "Second half of 2025"),
        ("2025", "Năm 2025", "Year 2025"),
    ],
)
def test_period_names_are_in_the_readers_language(code, vietnamese, english):
    parsed = period_parse(code)
    assert parsed.label() == vietnamese == parsed.label_vi()
    with translation.override("en"):
        assert parsed.label() == english


def test_the_english_ui_names_periods_and_statuses_in_english(client, an_nong):
    """Before: «Tháng 6/2026» on every English page; the history read «status | draft | submitted»."""
    submitted(client, an_nong)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url(an_nong)).content.decode()
    assert "June 2026" in html and "Tháng 6/2026" not in html
    periods = client.get(reverse("reporting:periods", args=["an-nong"])).content.decode()
    assert "December 2026" in periods and "Year 2026" in periods and "Tháng 12/2026" not in periods


def test_history_uses_the_status_names_of_the_ui(client, an_nong):
    submitted(client, an_nong)
    html = client.get(url(an_nong)).content.decode()
    history = html[html.find('data-testid="history"') :]
    draft, sent = str(SubmissionStatus.DRAFT.label), str(SubmissionStatus.SUBMITTED.label)
    assert (draft, sent) == ("dự thảo", "đã gửi")
    row = next(r for r in history.split("<tr>") if "trạng thái" in r)
    assert f"<td>{draft}</td><td>{sent}</td>" in row
    assert ">draft<" not in history and ">submitted<" not in history and ">status<" not in history
    # A figure's history, on its indicator's page, names the field in the reader's words.
    page = client.get(
        reverse("dashboards:indicator", args=["an-nong", an_nong["eight"].pk])
    ).content.decode()
    rows = [r for r in page[page.find('data-testid="history"') :].split("<tr>") if "202606 · " in r]
    assert rows and any("tử số (a)" in r for r in rows)
    assert all("· numerator<" not in r and "· denominator<" not in r for r in rows)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url(an_nong)).content.decode()
    english = english[english.find('data-testid="history"') :]
    assert "<td>draft</td><td>submitted</td>" in english and "submitted · status" in english
