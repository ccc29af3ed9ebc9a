"""A unit's report through the API: the browser's workflow, rules and roles, with lost-update guards."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.models import TokenScope
from communes.models import AuditEntry, Commune, Notification, Role
from indicators.models import Indicator
from reporting.models import IndicatorValue, ReportingSchedule, Submission, SubmissionStatus
from tasks.models import TaskStatus
from tests.api.conftest import client_with_session, client_with_token
from tests.conftest import person

pytestmark = pytest.mark.django_db

BASE = "/api/v1/communes/an-nong/"


@pytest.fixture
def an_nong(seeds):
    commune = Commune.objects.get(code="an-nong")
    centre = commune.units.get(short_name="Trung tâm phục vụ hành chính công")
    police = commune.units.get(short_name="Công an xã")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=centre)
    return {
        "commune": commune,
        "centre": centre,
        "police": police,
        "clerk": clerk,
        "clerk_api": client_with_token(clerk, TokenScope.READ_WRITE),
        "police_clerk": person(Role.UNIT_STAFF, commune=commune, unit=police),
        "office": person(Role.STANDING_OFFICE, commune=commune),
        "leader": person(Role.COMMUNE_LEADER, commune=commune),
        "indicator": {
            code: Indicator.objects.get(commune=commune, code=code)
            for code in ("8", "9", "10", "11")
        },
    }


def opened(ctx) -> dict:
    response = ctx["clerk_api"].post(
        BASE + "submissions/", {"period": "202606", "unit": ctx["centre"].pk}, format="json"
    )
    assert response.status_code in (200, 201), response.content
    return response.json() | {"etag": response["ETag"]}


def url(submission: dict, action: str = "") -> str:
    return f"{BASE}submissions/{submission['id']}/{action + '/' if action else ''}"


def ratios(ctx, pairs: dict[str, tuple]) -> list[dict]:
    return [
        {"indicator": ctx["indicator"][code].pk, "numerator": a, "denominator": b}
        for code, (a, b) in pairs.items()
    ]


def filled(ctx, submission: dict) -> dict:
    """Every figure and task the centre leads, filled in."""
    response = ctx["clerk_api"].patch(
        url(submission),
        {
            "version": submission["version"],
            "values": ratios(
                ctx, {"8": ("350", "400"), "9": (90, 100), "10": ("45.5", "50"), "11": (7, 8)}
            ),
            "progress": [
                {"task": item["id"], "status": TaskStatus.IN_PROGRESS, "percent": 60}
                for item in submission["items"]["tasks"]
                if item["role"] == "lead"
            ],
            "results": "Đã số hoá 350/400 hồ sơ.",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json() | {"etag": response["ETag"]}


def test_the_unit_opens_its_report_once_and_sees_what_it_reports_on(an_nong):
    first = opened(an_nong)
    assert first["status"] == SubmissionStatus.DRAFT and first["version"] == 1
    assert first["etag"] == f'"submission-{first["id"]}-v1"'
    leads = {item["id"] for item in first["items"]["indicators"] if item["role"] == "lead"}
    assert leads == {indicator.pk for indicator in an_nong["indicator"].values()}
    again = an_nong["clerk_api"].post(
        BASE + "submissions/", {"period": "202606", "unit": an_nong["centre"].pk}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert Submission.objects.filter(unit=an_nong["centre"]).count() == 1


def test_opening_a_report_checks_unit_and_period(an_nong, seeds):
    client = an_nong["clerk_api"]
    other_unit = client.post(
        BASE + "submissions/", {"period": "202606", "unit": an_nong["police"].pk}, format="json"
    )
    assert other_unit.status_code == 403
    foreign_unit = seeds["dien-quang"].units.first()
    response = client.post(
        BASE + "submissions/", {"period": "202606", "unit": foreign_unit.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["unit"] == ["Xã không có đơn vị này."]
    for code, message in (("2026-06", "Mã kỳ không hợp lệ"), ("2099", "chưa bắt đầu")):
        response = client.post(
            BASE + "submissions/", {"period": code, "unit": an_nong["centre"].pk}, format="json"
        )
        assert response.status_code == 400
        assert message in response.json()["error"]["fields"]["period"][0]
    ReportingSchedule.objects.update_or_create(
        commune=an_nong["commune"],
        kind="quarter",
        defaults={"is_used": False, "deadline_day": 10},
    )
    response = client.post(
        BASE + "submissions/", {"period": "2026Q2", "unit": an_nong["centre"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "không dùng" in response.json()["error"]["fields"]["period"][0]


def test_figures_are_saved_as_decimals_with_a_and_b_and_audited(an_nong):
    submission = opened(an_nong)
    saved = filled(an_nong, submission)
    assert saved["version"] == 2 and saved["etag"] == f'"submission-{saved["id"]}-v2"'
    value = IndicatorValue.objects.get(indicator=an_nong["indicator"]["8"])
    assert (value.numerator, value.denominator) == (Decimal("350"), Decimal("400"))
    row = next(v for v in saved["values"] if v["indicator"] == an_nong["indicator"]["8"].pk)
    assert (row["numerator"], row["denominator"], row["figure"]) == (
        "350.0000",
        "400.0000",
        "87.5000",
    )
    assert saved["results"] == "Đã số hoá 350/400 hồ sơ."
    assert AuditEntry.objects.filter(
        object_id=an_nong["indicator"]["8"].pk, new_value="350", actor=an_nong["clerk"]
    ).exists()
    # Leaving a field out keeps it; null clears it.
    response = an_nong["clerk_api"].patch(
        url(saved),
        {"version": saved["version"], "values": [{"indicator": an_nong["indicator"]["8"].pk}]},
        format="json",
    )
    assert response.status_code == 200
    value.refresh_from_db()
    assert value.numerator == Decimal("350")


@pytest.mark.parametrize(
    "row,field,message",
    [
        ({"numerator": "500", "denominator": "400"}, "numerator", "không được lớn hơn mẫu số"),
        ({"numerator": "5", "denominator": "0"}, "denominator", "không được bằng 0"),
        ({"numerator": "5"}, "denominator", "Nhập cả a và b"),
        ({"value": "87.5"}, "value", "không nhận «value»"),
        ({"numerator": "-1", "denominator": "4"}, "numerator", "phải từ 0 trở lên"),
        ({"numerator": "1.23456", "denominator": "4"}, "numerator", "4 chữ số thập phân"),
        ({"numerator": "mười", "denominator": "4"}, "numerator", "Cần một số hợp lệ"),
    ],
)
def test_the_browser_forms_rules_refuse_bad_figures_in_vietnamese(an_nong, row, field, message):
    submission = opened(an_nong)
    response = an_nong["clerk_api"].patch(
        url(submission),
        {
            "version": submission["version"],
            "values": [{"indicator": an_nong["indicator"]["8"].pk, **row}],
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert message in error["fields"]["values"]["0"][field][0]
    assert not IndicatorValue.objects.exists()  # nothing of a refused request is saved
    assert Submission.objects.get(pk=submission["id"]).version == 1


def test_figures_and_tasks_outside_the_units_report_are_refused(an_nong, seeds):
    submission = opened(an_nong)
    not_ours = Indicator.objects.get(commune=an_nong["commune"], code="14")  # the police's
    foreign = Indicator.objects.filter(commune=seeds["dien-quang"]).first()
    response = an_nong["clerk_api"].patch(
        url(submission),
        {
            "version": 1,
            "values": [
                {"indicator": not_ours.pk, "numerator": 1, "denominator": 2},
                {"indicator": foreign.pk, "value": 1},
            ],
            "progress": [{"task": 999999, "status": "done"}],
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"values"}  # values are checked first
    assert list(fields["values"]) == ["0", "1"]
    assert all("không thuộc báo cáo" in row["indicator"][0] for row in fields["values"].values())


def test_a_task_marked_done_must_be_complete(an_nong):
    submission = opened(an_nong)
    task = next(item["id"] for item in submission["items"]["tasks"] if item["role"] == "lead")
    response = an_nong["clerk_api"].patch(
        url(submission),
        {"version": 1, "progress": [{"task": task, "status": "done", "percent": 50}]},
        format="json",
    )
    assert response.status_code == 400
    assert "100" in response.json()["error"]["fields"]["progress"]["0"]["percent"][0]


def test_lost_updates_are_refused_by_version_or_if_match(an_nong):
    submission = opened(an_nong)
    client = an_nong["clerk_api"]
    body = {"values": ratios(an_nong, {"8": (1, 2)})}
    missing = client.patch(url(submission), body, format="json")
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"

    first = client.patch(url(submission), body, format="json", HTTP_IF_MATCH=submission["etag"])
    assert first.status_code == 200 and first.json()["version"] == 2

    # A second client still holding version 1 loses nothing of the first one's work.
    stale_header = client.patch(
        url(submission), body, format="json", HTTP_IF_MATCH=submission["etag"]
    )
    assert stale_header.status_code == 412
    assert stale_header.json()["error"]["code"] == "precondition_failed"
    stale_body = client.patch(url(submission), body | {"version": 1}, format="json")
    assert stale_body.status_code == 409
    assert stale_body.json()["error"]["code"] == "conflict"
    garbage = client.patch(url(submission), body, format="json", HTTP_IF_MATCH='"abc"')
    assert garbage.status_code == 412
    current = client.get(url(submission))
    assert current["ETag"] == first["ETag"]
    assert (
        client.patch(
            url(submission), body, format="json", HTTP_IF_MATCH=current["ETag"]
        ).status_code
        == 200
    )


def test_submit_needs_every_lead_figure_then_the_office_returns_and_approves(an_nong):
    submission = opened(an_nong)
    clerk, office = an_nong["clerk_api"], client_with_session(an_nong["office"])

    early = clerk.post(url(submission, "submit"), {"version": 1}, format="json")
    assert early.status_code == 400
    missing = early.json()["error"]["fields"]["values"]
    assert set(missing) == {str(i.pk) for i in an_nong["indicator"].values()}
    assert missing[str(an_nong["indicator"]["8"].pk)] == ["Cần nhập trước khi gửi báo cáo."]
    assert "progress" in early.json()["error"]["fields"]

    saved = filled(an_nong, submission)
    sent = clerk.post(url(saved, "submit"), {}, format="json", HTTP_IF_MATCH=saved["etag"])
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == SubmissionStatus.SUBMITTED and sent.json()["submitted_at"]
    again = clerk.post(url(saved, "submit"), {"version": sent.json()["version"]}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"
    locked = clerk.patch(url(saved), {"version": sent.json()["version"]}, format="json")
    assert locked.status_code == 409

    no_comment = office.post(url(saved, "return"), {"comment": "  "}, format="json")
    assert no_comment.status_code == 400 and "comment" in no_comment.json()["error"]["fields"]
    returned = office.post(url(saved, "return"), {"comment": "Bổ sung minh chứng"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == SubmissionStatus.RETURNED
    notices = clerk.get("/api/v1/notifications/", {"is_read": "false"}).json()["results"]
    assert [n["kind"] for n in notices] == ["submission_returned"]
    assert notices[0]["commune"] == "an-nong" and notices[0]["is_read"] is False

    version = returned.json()["version"]
    assert clerk.post(url(saved, "submit"), {"version": version}, format="json").status_code == 200
    approved = office.post(url(saved, "approve"), {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == SubmissionStatus.APPROVED

    figures = client_with_token(person(Role.PROVINCE_OFFICER, province=an_nong["commune"].province))
    rows = figures.get(BASE + "figures/", {"period": "202606"}).json()["results"]
    eight = next(row for row in rows if row["indicator"] == an_nong["indicator"]["8"].pk)
    assert (eight["numerator"], eight["denominator"], eight["value"]) == (
        "350.0000",
        "400.0000",
        "87.5000",
    )

    no_reason = office.post(url(saved, "reopen"), {"reason": ""}, format="json")
    assert no_reason.status_code == 400
    reopened = office.post(url(saved, "reopen"), {"reason": "Sai số liệu tháng 6"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == SubmissionStatus.RETURNED


def test_a_review_with_a_stale_if_match_is_refused(an_nong):
    saved = filled(an_nong, opened(an_nong))
    sent = an_nong["clerk_api"].post(
        url(saved, "submit"), {"version": saved["version"]}, format="json"
    )
    office = client_with_session(an_nong["office"])
    stale = office.post(url(saved, "approve"), {}, format="json", HTTP_IF_MATCH=saved["etag"])
    assert stale.status_code == 412
    fresh = office.post(url(saved, "approve"), {}, format="json", HTTP_IF_MATCH=sent["ETag"])
    assert fresh.status_code == 200


def test_roles_that_only_read_get_403_and_other_units_do_not_see_the_report(an_nong, people):
    submission = opened(an_nong)
    leader = client_with_session(an_nong["leader"])
    assert leader.get(url(submission)).status_code == 200
    for action in ("approve", "return", "reopen"):
        response = leader.post(
            url(submission, action), {"comment": "x", "reason": "x"}, format="json"
        )
        assert response.status_code == 403, action
    assert leader.patch(url(submission), {"version": 1}, format="json").status_code == 403
    assert leader.post(url(submission, "submit"), {"version": 1}, format="json").status_code == 403

    office = client_with_session(an_nong["office"])
    assert office.get(url(submission)).status_code == 200
    assert office.patch(url(submission), {"version": 1}, format="json").status_code == 403
    assert office.post(url(submission, "submit"), {"version": 1}, format="json").status_code == 403

    # Staff of another unit of the same commune do not see the centre's report at all.
    police = client_with_session(an_nong["police_clerk"])
    assert police.get(url(submission)).status_code == 404
    assert police.post(url(submission, "submit"), {"version": 1}, format="json").status_code == 404
    assert police.get(BASE + "submissions/").json()["count"] == 0
    assert police.get(BASE + "values/").json()["count"] == 0

    officer = client_with_session(
        person(Role.PROVINCE_OFFICER, province=an_nong["commune"].province)
    )
    assert officer.get(url(submission)).status_code == 403
    assert officer.post(url(submission, "approve"), {}, format="json").status_code == 403


def test_another_tenant_gets_404_for_the_report_and_its_actions(an_nong, people):
    submission = opened(an_nong)
    for role in ("other_commune_office", "quang_ngai", "standing_office"):
        client = client_with_session(people[role])  # Trường Giang, Quảng Ngãi, Điền Quang
        for action in ("", "submit", "return", "approve", "reopen"):
            method = client.get if not action else client.post
            response = method(url(submission, action), {}, format="json")
            assert response.status_code == 404, (role, action, response.status_code)
        # Through one's own commune: still nothing.
        own = "/api/v1/communes/dien-quang/" if role == "standing_office" else None
        if own:
            assert client.get(f"{own}submissions/{submission['id']}/").status_code == 404
            response = client.patch(
                f"{own}submissions/{submission['id']}/", {"version": 1}, format="json"
            )
            assert response.status_code == 404


def test_values_and_task_progress_lists_filter_by_period_unit_and_indicator(an_nong):
    saved = filled(an_nong, opened(an_nong))
    client = an_nong["clerk_api"]
    values = client.get(BASE + "values/", {"period": "202606"}).json()
    assert values["count"] == 4
    assert {row["unit"] for row in values["results"]} == {an_nong["centre"].pk}
    eight = client.get(BASE + "values/", {"indicator": an_nong["indicator"]["8"].pk}).json()
    assert [row["figure"] for row in eight["results"]] == ["87.5000"]
    assert client.get(BASE + "values/", {"period": "202605"}).json()["count"] == 0
    progress = client.get(BASE + "task-progress/", {"unit": an_nong["centre"].pk}).json()
    assert progress["count"] == len([i for i in saved["items"]["tasks"] if i["role"] == "lead"])
    submissions = client.get(BASE + "submissions/", {"status": "draft", "period": "202606"}).json()
    assert [row["id"] for row in submissions["results"]] == [saved["id"]]


def test_the_api_and_the_browser_share_the_version(an_nong, client):
    """A save in the browser makes an API client's version stale, and the other way round."""
    submission = opened(an_nong)
    client.force_login(an_nong["clerk"])
    browser_url = f"/communes/an-nong/reporting/202606/units/{an_nong['centre'].pk}/"
    eight = an_nong["indicator"]["8"].pk
    response = client.post(
        browser_url,
        {"version": "1", "action": "save", f"ind_{eight}_a": "3", f"ind_{eight}_b": "4"},
    )
    assert response.status_code == 302
    stale = an_nong["clerk_api"].patch(
        url(submission), {"version": 1, "values": ratios(an_nong, {"8": (1, 2)})}, format="json"
    )
    assert stale.status_code == 409


def test_notifications_are_ones_own_and_marked_read(an_nong, people):
    mine = Notification.objects.create(user=an_nong["clerk"], kind="x", title="Của tôi")
    theirs = Notification.objects.create(
        user=an_nong["police_clerk"], kind="x", title="Của người khác"
    )
    client = an_nong["clerk_api"]
    listed = client.get("/api/v1/notifications/").json()["results"]
    assert [n["id"] for n in listed] == [mine.pk]
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    one = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert one.status_code == 200 and one.json()["is_read"] is True
    Notification.objects.create(user=an_nong["clerk"], kind="x", title="Thêm")
    marked = client.post("/api/v1/notifications/read/", {"ids": [theirs.pk]}, format="json")
    assert marked.json() == {"marked": 0}
    assert client.post("/api/v1/notifications/read/", {}, format="json").json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
