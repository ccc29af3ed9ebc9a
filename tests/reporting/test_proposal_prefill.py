"""A proposal is created from the "Kiến nghị, đề xuất" a unit wrote in its report or the
commune wrote in its own report's texts: the page offers "Tạo kiến nghị từ nội dung này" to the
standing office, prefills the form with that text, and the proposal links back to its source."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.models import Proposal, SubmissionStatus
from reporting.services import period_ensure, submission_for
from reports.selectors import commune_report_text

pytestmark = pytest.mark.django_db

UNIT_TEXT = "Đề nghị UBND xã bố trí kinh phí mua máy quét tài liệu cho bộ phận một cửa."
COMMUNE_TEXT = "Đề nghị Sở Khoa học và Công nghệ hỗ trợ đường truyền cho các thôn vùng cao."
OFFER = "Tạo kiến nghị từ nội dung này"


@pytest.fixture
def period(seeds):
    return period_ensure(seeds["dien-quang"], "2025")


def test_from_a_unit_report(client, people, period):
    unit = period.commune.units.get(short_name="Phòng Kinh tế")
    submission = submission_for(period, unit)
    submission.proposals = UNIT_TEXT
    submission.status = SubmissionStatus.SUBMITTED
    submission.save()
    page = reverse("reporting:submission", args=["dien-quang", "2025", unit.pk])
    create = reverse("reporting:proposal_create", args=["dien-quang"]) + (
        f"?submission={submission.pk}"
    )
    for who in ("leader", "kinh_te"):  # only the office follows proposals
        client.force_login(people[who])
        assert OFFER not in client.get(page).content.decode()
    client.force_login(people["standing_office"])
    html = client.get(page).content.decode()
    assert OFFER in html and f"?submission={submission.pk}" in html
    form = client.get(create)
    assert UNIT_TEXT in form.content.decode()
    due = (timezone.localdate() + timedelta(days=15)).isoformat()
    response = client.post(
        create, {"text": UNIT_TEXT, "addressee": "commune_leadership", "due_date": due}
    )
    assert response.status_code == 302, response.content.decode()
    proposal = Proposal.objects.get()
    assert (proposal.submission, proposal.unit, proposal.period) == (submission, unit, period)
    detail = client.get(response["Location"]).content.decode()
    assert page in detail  # the link back to the unit's report


def test_from_the_commune_report(client, people, period):
    report_page = reverse("reports:commune_report", args=["dien-quang", "2025"])
    create = reverse("reporting:proposal_create", args=["dien-quang"]) + "?commune_report=2025"
    client.force_login(people["standing_office"])
    assert OFFER not in client.get(report_page).content.decode()  # no texts saved yet
    text = commune_report_text(period, today=date(2026, 1, 5))
    text.proposals = COMMUNE_TEXT
    text.save()
    html = client.get(report_page).content.decode()
    assert OFFER in html and "?commune_report=2025" in html
    form = client.get(create).content.decode()
    assert COMMUNE_TEXT in form and "Từ báo cáo của xã kỳ Năm 2025" in form
    due = (timezone.localdate() + timedelta(days=15)).isoformat()
    # The period and the unit are the report's, whatever is posted.
    other = period_ensure(period.commune, "202506")
    some_unit = period.commune.units.first()
    response = client.post(
        create,
        {
            "period": other.pk,
            "unit": some_unit.pk,
            "text": COMMUNE_TEXT,
            "addressee": "province",
            "due_date": due,
        },
    )
    assert response.status_code == 302, response.content.decode()
    proposal = Proposal.objects.get()
    assert (proposal.period, proposal.unit, proposal.submission) == (period, None, None)
    assert proposal.text == COMMUNE_TEXT
    detail = client.get(response["Location"]).content.decode()
    assert f'href="{report_page}"' in detail  # the link back to the commune's report
    # The leader reads the report but follows nothing: no offer.
    client.force_login(people["leader"])
    assert OFFER not in client.get(report_page).content.decode()


def test_another_commune_or_a_missing_period_is_not_found(client, people, seeds):
    period_ensure(seeds["truong-giang"], "2025")
    client.force_login(people["standing_office"])
    url = reverse("reporting:proposal_create", args=["dien-quang"])
    assert client.get(url + "?commune_report=1999").status_code == 404
    client.force_login(people["other_commune_office"])
    assert client.get(url + "?commune_report=2025").status_code == 404
