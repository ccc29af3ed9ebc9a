"""A unit's report moves draft → submitted → returned → submitted → approved; figures are derived."""

from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from communes.models import AuditEntry, Commune, Notification, Role
from indicators.models import Indicator, MeasureKind
from reporting.models import IndicatorValue, Submission
from reporting.selectors import commune_figures
from reporting.services import period_ensure
from tests.conftest import person
from tests.queries import assert_flat, queries_of_get

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
        "leader": person(Role.COMMUNE_LEADER, commune=commune),
        "period": period_ensure(commune, "202606"),
        "eight": Indicator.objects.get(plan__commune=commune, code="8"),  # ratio led by the centre
    }


def url(ctx, unit=None):
    return reverse(
        "reporting:submission", args=["an-nong", ctx["period"].code, (unit or ctx["centre"]).pk]
    )


def current_form_data(client, ctx):
    html = client.get(url(ctx)).content.decode()
    version = html.split('name="version" value="')[1].split('"')[0]
    return {"version": version}


def test_clerk_sees_what_the_unit_leads_and_supports_with_target_and_guidance(client, an_nong):
    client.force_login(an_nong["clerk"])
    html = client.get(url(an_nong)).content.decode()
    for code in ("8", "9", "10", "11"):  # the centre leads these four ratios in 28/KH-UBND
        assert (
            f'id="entry-ind-{Indicator.objects.get(plan__commune=an_nong["commune"], code=code).pk}"'
            in html
        )
    assert "chủ trì" in html and "90%" in html  # the 2026 target of indicator 8
    assert "Hệ thống thông tin giải quyết TTHC" in html  # data source / guidance


def test_vietnamese_numbers_are_accepted_stored_as_decimal_and_shown_back(client, an_nong):
    client.force_login(an_nong["clerk"])
    eight = an_nong["eight"].pk
    data = current_form_data(client, an_nong) | {
        f"ind_{eight}_a": "1.250",
        f"ind_{eight}_b": "1.250,5",
    }
    # a > b is refused for a ratio bounded by 100%: use a valid pair first
    data[f"ind_{eight}_a"] = "350"
    data[f"ind_{eight}_b"] = "400"
    response = client.post(url(an_nong), data | {"action": "save"})
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator_id=eight)
    assert (value.numerator, value.denominator) == (Decimal("350"), Decimal("400"))
    html = client.get(url(an_nong)).content.decode()
    assert "87,5% (350/400)" in html


@pytest.mark.parametrize(
    "a,b,message",
    [
        ("abc", "400", "không phải là số"),
        ("401", "400", "không được lớn hơn mẫu số"),
        ("10", "0", "Mẫu số (b) không được bằng 0"),
        ("-5", "400", "Giá trị phải từ 0 trở lên"),
        ("1.25", "400", "phân cách hàng nghìn"),
    ],
)
def test_bad_input_gets_a_message_and_nothing_typed_or_saved_is_lost(
    client, an_nong, a, b, message
):
    client.force_login(an_nong["clerk"])
    eight = an_nong["eight"].pk
    nine = Indicator.objects.get(plan__commune=an_nong["commune"], code="9").pk
    base = current_form_data(client, an_nong)
    client.post(
        url(an_nong), base | {f"ind_{nine}_a": "86", f"ind_{nine}_b": "100", "action": "save"}
    )
    base = current_form_data(client, an_nong)
    response = client.post(
        url(an_nong),
        base
        | {
            f"ind_{eight}_a": a,
            f"ind_{eight}_b": b,
            f"ind_{nine}_a": "86",
            f"ind_{nine}_b": "100",
            "results": "Đã làm được nhiều việc",
            "action": "save",
        },
    )
    html = response.content.decode()
    assert message in html, html[html.find("has-error") - 200 : html.find("has-error") + 800]
    assert f'value="{a}"' in html and f'value="{b}"' in html and "Đã làm được nhiều việc" in html
    saved = Submission.objects.get(unit=an_nong["centre"], period=an_nong["period"])
    assert saved.results == "Đã làm được nhiều việc"  # the valid entries were saved
    assert IndicatorValue.objects.get(submission=saved, indicator_id=nine).numerator == 86
    # what was typed in error survives a reload (another visit, another computer)
    again = client.get(url(an_nong)).content.decode()
    assert f'value="{a}"' in again


def test_percentage_above_100_is_refused_where_impossible(client, seeds):
    commune = Commune.objects.get(code="dien-quang")
    office_unit = commune.units.get(kind="standing_office")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=office_unit)
    period = period_ensure(commune, "202509")
    client.force_login(clerk)
    one = Indicator.objects.get(
        plan__commune=commune, code="1"
    ).pk  # "%" without a/b, led by nobody → office
    u = reverse("reporting:submission", args=["dien-quang", period.code, office_unit.pk])
    html = client.get(u).content.decode()
    version = html.split('name="version" value="')[1].split('"')[0]
    html = client.post(
        u, {"version": version, f"ind_{one}_value": "120%", "action": "save"}
    ).content.decode()
    assert "Tỷ lệ phần trăm không được vượt quá 100" in html and 'value="120%"' in html
    version = int(version) + 1  # the first save kept the valid entries and bumped the version
    client.post(u, {"version": version, f"ind_{one}_value": "35,4", "action": "save"})
    assert IndicatorValue.objects.get(indicator_id=one).value == Decimal("35.4")


def test_submission_requires_every_led_figure(client, an_nong):
    client.force_login(an_nong["clerk"])
    data = current_form_data(client, an_nong) | {"action": "submit"}
    response = client.post(url(an_nong), data)
    assert response.status_code == 400
    assert "Cần nhập trước khi gửi báo cáo" in response.content.decode()
    assert Submission.objects.get(unit=an_nong["centre"]).status == "draft"


def fill_all(client, ctx, figures=("350", "400")):
    html = client.get(url(ctx)).content.decode()
    version = html.split('name="version" value="')[1].split('"')[0]
    data = {"version": version}
    import re

    for name in re.findall(r'name="(ind_\d+_[ab])"', html):
        data[name] = figures[0] if name.endswith("_a") else figures[1]
    for name in re.findall(r'name="(task_\d+_status)"', html):
        data[name] = "in_progress"
    return data


def test_full_journey_with_return_notification_and_approval(client, an_nong):
    ctx = an_nong
    client.force_login(ctx["clerk"])
    with time_machine.travel("2026-07-10 09:00 +0700"):
        response = client.post(
            url(ctx), fill_all(client, ctx) | {"action": "submit", "confirmed": "1"}
        )
    assert response.status_code == 302
    submission = Submission.objects.get(unit=ctx["centre"], period=ctx["period"])
    assert submission.status == "submitted" and not submission.is_late

    client.force_login(ctx["office"])
    client.post(url(ctx), {"action": "return", "comment": "Kiểm tra lại số hồ sơ số hóa"})
    submission.refresh_from_db()
    assert submission.status == "returned"
    note = Notification.objects.get(user=ctx["clerk"])
    assert "bị trả lại" in note.title and note.body == "Kiểm tra lại số hồ sơ số hóa"

    client.force_login(ctx["clerk"])
    html = client.get(reverse("home")).content.decode()
    html = client.get(url(ctx)).content.decode()
    assert "Kiểm tra lại số hồ sơ số hóa" in html and 'data-testid="unread-count">1<' in html
    with time_machine.travel("2026-07-20 09:00 +0700"):
        client.post(
            url(ctx), fill_all(client, ctx, ("360", "400")) | {"action": "submit", "confirmed": "1"}
        )
    submission.refresh_from_db()
    assert submission.status == "submitted" and submission.is_late  # after 15/07

    client.force_login(ctx["office"])
    client.post(url(ctx), {"action": "approve", "confirmed": "1"})
    submission.refresh_from_db()
    assert submission.status == "approved"
    figure = commune_figures(ctx["commune"], ctx["period"])[ctx["eight"].pk]
    assert (figure.numerator, figure.denominator, figure.value) == (360, 400, 90)
    assert AuditEntry.objects.filter(object_id=submission.pk, action="approve").exists()

    # Approval locks the values.
    client.force_login(ctx["clerk"])
    data = fill_all(client, ctx, ("1", "400")) | {"action": "save"}
    response = client.post(url(ctx), data)
    assert response.status_code == 400
    assert (
        IndicatorValue.objects.get(submission=submission, indicator=ctx["eight"]).numerator == 360
    )

    # Reopening takes the standing office and a reason.
    client.force_login(ctx["office"])
    client.post(url(ctx), {"action": "reopen", "comment": ""})
    submission.refresh_from_db()
    assert submission.status == "approved"
    client.post(url(ctx), {"action": "reopen", "comment": "Sở yêu cầu điều chỉnh"})
    submission.refresh_from_db()
    assert submission.status == "returned"


def test_second_editor_gets_a_conflict_and_keeps_input(client, an_nong):
    client.force_login(an_nong["clerk"])
    stale = fill_all(client, an_nong)
    client.post(url(an_nong), stale | {"action": "save"})  # first save bumps the version
    stale[f"ind_{an_nong['eight'].pk}_a"] = "399"
    response = client.post(url(an_nong), stale | {"action": "save"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Người khác đã lưu báo cáo này" in html and 'value="399"' in html
    assert IndicatorValue.objects.get(indicator=an_nong["eight"]).numerator == 350


def test_autosave_returns_json_with_field_errors(client, an_nong):
    client.force_login(an_nong["clerk"])
    eight = an_nong["eight"].pk
    data = current_form_data(client, an_nong) | {
        f"ind_{eight}_a": "abc",
        f"ind_{eight}_b": "400",
        "action": "autosave",
    }
    result = client.post(url(an_nong), data).json()
    assert result["ok"] and f"ind_{eight}_a" in result["errors"]
    assert int(result["version"]) == int(data["version"]) + 1


def test_other_unit_cannot_open_or_post_and_leader_reads_only(client, an_nong, people):
    commune = an_nong["commune"]
    kinh_te = person(
        Role.UNIT_STAFF, commune=commune, unit=commune.units.get(short_name="Phòng Kinh tế")
    )
    client.force_login(kinh_te)
    assert client.get(url(an_nong)).status_code == 403
    assert client.post(url(an_nong), {"action": "save", "version": "1"}).status_code == 403
    client.force_login(an_nong["leader"])
    html = client.get(url(an_nong)).content.decode()
    assert "<fieldset disabled>" in html and "Gửi Phòng VH-XH" not in html
    assert client.post(url(an_nong), {"action": "save", "version": "1"}).status_code == 403
    client.force_login(people["thanh_hoa"])  # the province reads approved figures, not drafts
    assert client.get(url(an_nong)).status_code == 403
    client.force_login(people["quang_ngai"])
    assert client.get(url(an_nong)).status_code == 404
    client.force_login(people["other_commune_office"])
    assert client.get(url(an_nong)).status_code == 404


def test_closed_period_refuses_late_submissions(client, an_nong):
    client.force_login(an_nong["office"])
    client.post(reverse("reporting:period_close", args=["an-nong", "202606"]), {"confirmed": "1"})
    client.force_login(an_nong["clerk"])
    response = client.post(
        url(an_nong), fill_all(client, an_nong) | {"action": "submit", "confirmed": "1"}
    )
    assert Submission.objects.get(unit=an_nong["centre"]).status == "draft"
    assert response.status_code in (302, 400)


def test_approved_figure_shows_on_the_plan_page_for_the_province(client, an_nong, people):
    ctx = an_nong
    client.force_login(ctx["clerk"])
    client.post(
        url(ctx), fill_all(client, ctx, ("35,4", "100")) | {"action": "submit", "confirmed": "1"}
    )
    plan_url = reverse("reporting:plan", args=["an-nong", ctx["eight"].plan_id])
    client.force_login(people["thanh_hoa"])
    assert 'data-testid="actual-8"' not in client.get(plan_url).content.decode()  # not approved yet
    client.force_login(ctx["office"])
    client.post(url(ctx), {"action": "approve", "confirmed": "1"})
    client.force_login(people["thanh_hoa"])
    html = client.get(plan_url).content.decode()
    cell = html.split('data-testid="actual-8">')[1].split("</td>")[0]
    assert "35,4%" in cell and "35,4/100" in cell


def test_outlier_is_a_warning_to_confirm_not_an_error(client, an_nong):
    from reporting.services import period_ensure as ensure

    ctx = an_nong
    eight = ctx["eight"].pk
    # An approved history around 85% for the centre.
    for code in ("202603", "202604"):
        period = ensure(ctx["commune"], code)
        submission = Submission.objects.create(
            period=period, unit=ctx["centre"], commune=ctx["commune"], status="approved"
        )
        IndicatorValue.objects.create(
            submission=submission,
            commune=ctx["commune"],
            indicator_id=eight,
            numerator=85,
            denominator=100,
        )
    client.force_login(ctx["clerk"])
    data = fill_all(client, ctx, ("350", "400"))
    data[f"ind_{eight}_a"], data[f"ind_{eight}_b"] = "3", "100"  # 3% against a history of 85%
    response = client.post(url(ctx), data | {"action": "submit", "confirmed": "1"})
    html = response.content.decode()
    assert response.status_code == 400 and "khác xa số liệu các kỳ trước" in html
    assert (
        IndicatorValue.objects.get(submission__period=ctx["period"], indicator_id=eight).numerator
        == 3
    )  # saved, not refused
    data["version"] = str(int(data["version"]) + 1)
    data[f"ind_{eight}_confirm"] = "on"
    assert client.post(url(ctx), data | {"action": "submit", "confirmed": "1"}).status_code == 302
    assert Submission.objects.get(period=ctx["period"], unit=ctx["centre"]).status == "submitted"


def test_evidence_file_of_wrong_type_or_too_large_is_refused(client, an_nong, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    ctx = an_nong
    client.force_login(ctx["clerk"])
    data = fill_all(client, ctx)
    task_field = next(k for k in data if k.startswith("task_")).replace("_status", "_evidence_file")
    bad = SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream")
    html = client.post(url(ctx), data | {task_field: bad, "action": "save"}).content.decode()
    assert "không đúng loại cho phép" in html
    big = SimpleUploadedFile(
        "bien-ban.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf"
    )
    data["version"] = str(int(data["version"]) + 1)
    html = client.post(url(ctx), data | {task_field: big, "action": "save"}).content.decode()
    assert "lớn hơn 10 MB" in html
    good = SimpleUploadedFile(
        "bien-ban.pdf", b"%PDF-1.4 minh chung", content_type="application/pdf"
    )
    data["version"] = str(int(data["version"]) + 1)
    assert client.post(url(ctx), data | {task_field: good, "action": "save"}).status_code == 302
    from reporting.models import TaskProgress

    progress = TaskProgress.objects.get(evidence_file__endswith=".pdf")
    download = reverse("reporting:evidence", args=["an-nong", progress.pk])
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.4 minh chung"
    client.force_login(ctx["office"])
    assert client.get(download).status_code == 200
    other = person(
        Role.UNIT_STAFF,
        commune=ctx["commune"],
        unit=ctx["commune"].units.get(short_name="Công an xã"),
    )
    client.force_login(other)
    assert client.get(download).status_code == 403
    foreign = person(Role.STANDING_OFFICE, commune=Commune.objects.get(code="dien-quang"))
    client.force_login(foreign)
    assert client.get(download).status_code == 404


def test_evidence_is_checked_by_content_and_a_replaced_file_is_deleted(
    client, an_nong, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reporting.models import TaskProgress

    settings.MEDIA_ROOT = tmp_path
    ctx = an_nong
    client.force_login(ctx["clerk"])
    data = fill_all(client, ctx)
    task_field = next(k for k in data if k.startswith("task_")).replace("_status", "_evidence_file")

    def post(upload):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url(ctx), data | {task_field: upload, "action": "save"})
        data["version"] = str(int(data["version"]) + 1)  # every save bumps it, refused or not
        return response

    renamed = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 a program", "application/pdf")
    assert "nội dung không khớp" in post(renamed).content.decode()
    fake_docx = SimpleUploadedFile("bao-cao.docx", b"PK\x03\x04 not a document", "application/zip")
    assert "nội dung không khớp" in post(fake_docx).content.decode()
    assert not TaskProgress.objects.exclude(evidence_file="").exists()

    assert (
        post(SimpleUploadedFile("lan-1.pdf", b"%PDF-1.4 first", "application/pdf")).status_code
        == 302
    )
    first = TaskProgress.objects.exclude(evidence_file="").get().evidence_file
    first_path = Path(first.path)
    assert first_path.exists()
    assert (
        post(SimpleUploadedFile("lan-2.png", b"\x89PNG\r\n\x1a\n...", "image/png")).status_code
        == 302
    )
    second = TaskProgress.objects.exclude(evidence_file="").get().evidence_file
    assert second.name.endswith(".png") and Path(second.path).exists()
    assert not first_path.exists()  # the replaced file is gone, not left behind


def test_nfd_text_is_stored_nfc(client, an_nong):
    import unicodedata

    client.force_login(an_nong["clerk"])
    data = current_form_data(client, an_nong) | {
        "results": unicodedata.normalize("NFD", "Hoàn thành số hóa"),
        "action": "save",
    }
    client.post(url(an_nong), data)
    assert Submission.objects.get(unit=an_nong["centre"]).results == "Hoàn thành số hóa"


def test_entry_form_and_review_page_query_counts_do_not_grow(
    client, an_nong, django_assert_num_queries
):
    from tests.factories import IndicatorFactory, TaskFactory, UnitFactory

    ctx = an_nong
    plan = ctx["eight"].plan

    def counts():
        client.force_login(ctx["clerk"])
        entry = queries_of_get(client, url(ctx))
        client.force_login(ctx["office"])
        review_url = reverse("reporting:period", args=["an-nong", ctx["period"].code])
        return entry, queries_of_get(client, review_url)

    counts()  # warm both pages' caches (content types, …), whatever ran before this test
    before = counts()
    group = plan.indicator_groups.first()
    for i in range(8):
        indicator = IndicatorFactory(
            group=group, code=f"T{i}", numerator_definition="a", denominator_definition="b"
        )
        indicator.lead_units.add(ctx["centre"])
        TaskFactory(plan=plan, code=f"T{i}").lead_units.add(ctx["centre"])
        UnitFactory(commune=ctx["commune"]).led_tasks.add(TaskFactory(plan=plan, code=f"U{i}"))
    entry, review = counts()
    assert_flat(before[0], entry, "entry form")
    assert_flat(before[1], review, "review page")


@pytest.mark.parametrize(
    "typed,stored,shown",
    [
        ("35,4", "35.4", "35,4"),
        ("1.250", "1250", "1.250"),
        ("1.250,5", "1250.5", "1.250,5"),
        ("87,5%", "87.5", "87,5"),
    ],
)
def test_each_vietnamese_literal_is_accepted_and_shown_back(client, seeds, typed, stored, shown):
    commune = Commune.objects.get(code="truong-giang")
    unit = commune.units.get(short_name="Phòng VH-XH")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
    period = period_ensure(commune, "202510")
    # 1.1 counts enterprises ("Doanh nghiệp"); 1.2 is a percentage: use the kind each literal fits
    code = "1.2" if typed.endswith("%") or typed == "35,4" else "7"
    indicator = Indicator.objects.get(plan__commune=commune, code=code)
    if typed == "1.250,5":  # a count is a whole number: take a rate per 10,000 people
        indicator.measure_kind = MeasureKind.RATE_PER_10K
        indicator.save(update_fields=["measure_kind"])
    u = reverse("reporting:submission", args=["truong-giang", period.code, unit.pk])
    client.force_login(clerk)
    html = client.get(u).content.decode()
    version = html.split('name="version" value="')[1].split('"')[0]
    assert (
        client.post(
            u, {"version": version, f"ind_{indicator.pk}_value": typed, "action": "save"}
        ).status_code
        == 302
    )
    assert IndicatorValue.objects.get(indicator=indicator).value == Decimal(stored)
    assert f'value="{shown}"' in client.get(u).content.decode()


def test_demo_figures_are_refused_when_debug_is_off(settings, seeds):
    from django.core.exceptions import ImproperlyConfigured

    from reporting.demo import demo_figures_create

    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(ImproperlyConfigured):
        demo_figures_create(demo=True)


def test_demo_figures_mix_on_time_late_returned_and_missing(settings, seeds):
    from datetime import date

    from reporting.demo import demo_figures_create
    from reporting.selectors import review_rows

    settings.DEMO_DATA_ALLOWED = True
    counts = demo_figures_create(demo=True, today=date(2025, 12, 20))
    assert counts["submissions"] > 50 and counts["missing"] > 0
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert statuses == {"approved", "returned"}
    assert Submission.objects.filter(is_late=True).exists()
    assert all(s.results.startswith("[DEMO]") for s in Submission.objects.all())
    commune = Commune.objects.get(code="dien-quang")
    june = commune.periods.get(code="202506")
    assert {row.state for row in review_rows(commune, june)} <= {"on_time", "late", "missing"}


def test_phong_kinh_te_cannot_open_or_post_cong_an_xa_submission(client, seeds):
    commune = Commune.objects.get(code="dien-quang")
    police = commune.units.get(short_name="Công an xã")
    kinh_te = person(
        Role.UNIT_STAFF, commune=commune, unit=commune.units.get(short_name="Phòng Kinh tế")
    )
    police_clerk = person(Role.UNIT_STAFF, commune=commune, unit=police)
    period = period_ensure(commune, "202509")
    u = reverse("reporting:submission", args=["dien-quang", period.code, police.pk])
    client.force_login(police_clerk)
    assert client.get(u).status_code == 200
    client.force_login(kinh_te)
    assert client.get(u).status_code == 403
    assert client.post(u, {"action": "submit", "version": "1"}).status_code == 403
    assert not Submission.objects.filter(unit=police, status="submitted").exists()
    # A unit of another commune gets 404, exactly like a missing one.
    other = Commune.objects.get(code="an-nong")
    foreign = person(Role.UNIT_STAFF, commune=other, unit=other.units.get(short_name="Công an xã"))
    client.force_login(foreign)
    assert client.get(u).status_code == 404
    assert client.get(reverse("reporting:periods", args=["dien-quang"])).status_code == 404
    assert (
        client.get(reverse("reporting:period", args=["dien-quang", period.code])).status_code == 404
    )


def test_marking_a_notification_read_never_redirects_off_site(client, an_nong):
    Notification.objects.create(user=an_nong["clerk"], kind="x", title="Thử", url="/")
    client.force_login(an_nong["clerk"])
    response = client.post(reverse("reporting:notifications_read"), {"next": "//evil.example/"})
    assert response.url == reverse("reporting:notifications")
    assert not Notification.objects.filter(user=an_nong["clerk"], read_at__isnull=True).exists()
