""" "Việc cần làm": each role's to-do list for the seed communes with their demo figures on a
controlled day, checked against the database; the query counts stay flat."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from communes.access import scope_for
from communes.models import Role
from reporting.demo import demo_figures_create
from reporting.models import ReportingPeriod, Submission, SubmissionStatus
from reporting.periods import TIME_ZONE
from reporting.selectors import units_expected
from tests.conftest import person
from tests.queries import assert_flat, queries_of_get
from todo.selectors import commune_todo, province_todo

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=TIME_ZONE)


@pytest.fixture(scope="module")
def _demo_figures(django_db_setup, django_db_blocker):
    """The demo figures once for the module (they take a while), removed after it."""
    from django.conf import settings

    with django_db_blocker.unblock():
        allowed = getattr(settings, "DEMO_DATA_ALLOWED", False)
        settings.DEMO_DATA_ALLOWED = True
        try:
            with time_machine.travel(NOW, tick=False):
                demo_figures_create(demo=True, today=TODAY)
        finally:
            settings.DEMO_DATA_ALLOWED = allowed
        yield
        ReportingPeriod.objects.all().delete()


@pytest.fixture
def demo(_demo_figures, seeds):
    with time_machine.travel(NOW, tick=False):
        yield seeds


def owed_by(commune, unit, now):
    """Straight from the tables: the periods open and due whose expected report from `unit`
    is not handed in (the review page's `units_expected`)."""
    owed = {}
    for period in ReportingPeriod.objects.filter(
        commune=commune, closed_at__isnull=True, deadline__lte=now
    ):
        if unit not in units_expected(commune, period):
            continue
        submission = Submission.objects.filter(period=period, unit=unit).first()
        status = submission.status if submission else None
        if status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
            owed[period.code] = status
    return owed


def test_unit_staff_sees_its_late_returned_and_coming_reports(demo):
    commune = demo["an-nong"]
    unit = commune.units.get(short_name="Phòng VH-XH")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
    todo = commune_todo(commune, scope_for(clerk), now=timezone.now())
    owed = owed_by(commune, unit, timezone.now())
    late = {i.url for i in todo.items_of("report_late")}
    returned = {i.url for i in todo.items_of("report_returned")}

    def url(code):
        return reverse("reporting:submission", args=[commune.code, code, unit.pk])

    assert returned == {url(code) for code, status in owed.items() if status == "returned"}
    assert late == {url(code) for code, status in owed.items() if status != "returned"}
    # The period whose deadline is ahead: November's report, due before 10/12 (An Nông).
    due = todo.items_of("report_due")
    assert due and all("ngày" in item.detail for item in due)
    for item in due:
        period = ReportingPeriod.objects.get(
            commune=commune, code=item.url.split("/reporting/")[1].split("/")[0]
        )
        days_left = (period.last_day - TODAY).days
        assert period.deadline > timezone.now() and f"còn {days_left} ngày" in item.detail


def test_standing_office_sees_reviews_late_units_flags_and_reports_to_compile(demo):
    commune = demo["truong-giang"]
    office = person(Role.STANDING_OFFICE, commune=commune)
    # One report waiting for review.
    waiting = Submission.objects.filter(commune=commune, status="approved").first()
    waiting.status = SubmissionStatus.SUBMITTED
    waiting.save()
    # A deadline the portal cannot read.
    from tasks.models import Task

    task = Task.objects.filter(commune=commune).first()
    Task.objects.filter(pk=task.pk).update(deadline_text="Sau Tết", deadline_flagged=True)
    todo = commune_todo(commune, scope_for(office), now=timezone.now())

    reviews = todo.items_of("review")
    submitted = Submission.objects.filter(commune=commune, status=SubmissionStatus.SUBMITTED)
    assert len(reviews) == submitted.count() == 1
    assert reviews[0].url == reverse(
        "reporting:submission", args=[commune.code, waiting.period.code, waiting.unit_id]
    )
    # The open periods past their deadline that some expected unit still owes (owed_by reads
    # each unit's debts once, only where the unit is expected).
    late_periods = {
        code for unit in commune.units.all() for code in owed_by(commune, unit, timezone.now())
    }
    shown = {item.url.rstrip("/").split("/")[-1] for item in todo.items_of("units_late")}
    assert shown == late_periods
    flagged = todo.items_of("deadline_flagged")
    assert [item.url for item in flagged] == [reverse("tasks:edit", args=[commune.code, task.pk])]
    compile_ = todo.items_of("report_to_compile")
    assert compile_, "the latest periods due have no commune report yet"
    assert not todo.items_of("review")[0].detail.endswith("late") or waiting.is_late


def test_leader_and_province_officer(demo):
    commune = demo["an-nong"]
    leader = person(Role.COMMUNE_LEADER, commune=commune)
    todo = commune_todo(commune, scope_for(leader), now=timezone.now())
    assert [section.key for section in todo.sections] == ["sign", "overdue", "proposals"]
    for item in todo.items_of("task_overdue"):
        assert "quá hạn" in item.detail

    officer = person(Role.PROVINCE_OFFICER, province=commune.province)
    todo = province_todo(commune.province, now=timezone.now())
    names = {item.title.split(" · ")[0] for item in todo.items_of("commune_late")}
    assert names <= {"Xã Điền Quang", "Xã An Nông", "Điền Quang", "An Nông"} | {
        c.name for c in commune.province.communes.all()
    }
    assert scope_for(officer).can_manage_province(commune.province)


def test_home_is_the_to_do_page_with_its_count_in_the_menu(client, demo):
    commune = demo["an-nong"]
    unit = commune.units.get(short_name="Phòng VH-XH")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
    client.force_login(clerk)
    response = client.get(reverse("home"))
    assert response.url == reverse("todo:commune", args=[commune.code])
    html = client.get(response.url).content.decode()
    todo = commune_todo(commune, scope_for(clerk), now=timezone.now())
    assert f'data-testid="menu-todo-count">{todo.count}<' in html
    assert "Việc cần làm" in html


def _queries(client, url):
    return queries_of_get(client, url)


@pytest.mark.parametrize("role", [Role.UNIT_STAFF, Role.STANDING_OFFICE, Role.COMMUNE_LEADER])
def test_to_do_page_queries_do_not_grow_with_periods_units_and_tasks(client, demo, role):
    commune = demo["an-nong"]
    unit = commune.units.get(short_name="Phòng VH-XH")
    user = person(role, commune=commune, unit=unit if role == Role.UNIT_STAFF else None)
    client.force_login(user)
    url = reverse("todo:commune", args=[commune.code])
    _queries(client, url)  # periods made on the first visit
    small = _queries(client, url)
    _grow(commune, unit)
    _queries(client, url)
    assert_flat(small, _queries(client, url), f"to-do page of a {role}")


def _grow(commune, unit):
    """More units, tasks led by the clerk's unit, ad-hoc periods, reports waiting and late,
    proposals to answer, to close and answered."""
    from communes.models import Unit
    from plans.selectors import plans_in_force
    from reporting.models import DeadlineExtension, Proposal
    from tasks.models import Task

    plan = plans_in_force(2026, commune=commune).first()
    for n in range(5):
        Unit.objects.create(
            commune=commune, name=f"Thôn {n}", short_name=f"Thôn {n}", kind="village"
        )
        task = Task.objects.create(
            commune=commune,
            plan=plan,
            code=f"T{n}",
            name=f"Nhiệm vụ {n}",
            deadline_text="Tháng 12/2026",
            deadline_kind="date",
            due_date=date(2026, 12, 1 + n),
            deadline_flagged=False,
        )
        task.lead_units.add(unit)
        period = ReportingPeriod.objects.create(
            commune=commune,
            kind="ad_hoc",
            code=f"DX{n}",
            title=f"Đột xuất {n}",
            window_start=date(2026, 11, 1),
            window_end=date(2026, 11, 15),
            deadline=timezone.now() + timedelta(days=n - 2),
        )
        period.requested_units.add(unit)
        submission = Submission.objects.create(
            commune=commune,
            period=period,
            unit=unit,
            status="submitted",
            submitted_at=timezone.now(),
        )
        DeadlineExtension.objects.create(
            commune=commune,
            unit=unit,
            task=task,
            original_date=task.due_date,
            requested_date=task.due_date + timedelta(days=10),
            reason="Chờ kinh phí",
        )
        DeadlineExtension.objects.create(
            commune=commune,
            unit=unit,
            submission=submission,
            original_date=date(2026, 11, 20),
            requested_date=date(2026, 11, 30),
            reason="Chờ số liệu",
            status="refused",
            answer="Không",
            answered_at=timezone.now(),
        )
        # Proposals to answer (the leader), answered to close (the office) and to read (the unit).
        for status in ("open", "answered"):
            Proposal.objects.create(
                commune=commune,
                unit=unit,
                period=period,
                submission=submission,
                text=f"Kiến nghị {n}",
                addressee="commune_leadership",
                due_date=date(2026, 11, 10 + n),
                status=status,
                answer="Đồng ý" if status == "answered" else "",
                answered_at=timezone.now() if status == "answered" else None,
            )


def test_a_report_awaits_the_leaders_sign_off_until_its_signed_pdf_is_uploaded(demo):
    from reports.models import CommuneReportText, Report, ReportFormat, ReportKind, ReportStatus

    commune = demo["an-nong"]
    leader = person(Role.COMMUNE_LEADER, commune=commune)
    period = ReportingPeriod.objects.filter(commune=commune, closed_at__isnull=True).first()
    CommuneReportText.objects.update_or_create(commune=commune, period=period)

    def awaiting() -> list[str]:
        todo = commune_todo(commune, scope_for(leader), now=timezone.now())
        return [item.title for item in todo.items_of("report_to_sign")]

    assert f"Báo cáo của xã: {period.label}" in awaiting()
    report = Report.objects.create(
        kind=ReportKind.COMMUNE,
        province=commune.province,
        commune=commune,
        period=period,
        period_code=period.code,
        format=ReportFormat.PDF,
        status=ReportStatus.DONE,
    )
    assert f"Báo cáo của xã: {period.label}" in awaiting()  # made, not signed yet
    report.signed_file = "signed/2026/11/bao-cao.pdf"
    report.save(update_fields=["signed_file"])
    assert f"Báo cáo của xã: {period.label}" not in awaiting()


@pytest.mark.django_db
def test_province_to_do_page_queries_do_not_grow_with_communes_indicators_and_tasks(client):
    """The officer's page at two province sizes (synthetic provinces of 2 and 9 communes with
    their year's reports): the same number of queries."""
    from reports.synthetic import synthetic_province_create

    def count(synthetic) -> int:
        officer = person(Role.PROVINCE_OFFICER, province=synthetic.province)
        client.force_login(officer)
        url = reverse("todo:province", args=[synthetic.province.code])
        with time_machine.travel(datetime(2026, 2, 10, 9, tzinfo=TIME_ZONE), tick=False):
            _queries(client, url)
            return _queries(client, url)

    small = synthetic_province_create(communes=2, indicators=10, tasks=4, code="t-2")
    large = synthetic_province_create(communes=9, indicators=20, tasks=8, code="t-9")
    assert_flat(count(small), count(large), "province to-do page")
