"""The nightly clean-up keeps what a user can still ask for and deletes the rest."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from reminders.models import Reminder, ReminderStatus
from reports.models import Report, ReportKind, ReportStatus

NOW = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)


@pytest.fixture
def report_files(settings, tmp_path, seeds):
    settings.STORAGES = settings.STORAGES | {
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        }
    }
    commune = seeds["dien-quang"]

    def rendering(days_ago: int, status=ReportStatus.DONE, period="2025") -> Report:
        report = Report.objects.create(
            kind=ReportKind.COMMUNE,
            province=commune.province,
            commune=commune,
            period_code=period,
            format="pdf",
            status=status,
        )
        report.file.save(f"r{report.pk}.pdf", ContentFile(b"%PDF"), save=False)
        report.finished_at = NOW - timedelta(days=days_ago)
        report.save()
        return report

    return rendering


def test_old_renderings_go_but_the_newest_of_each_report_stays(report_files, settings):
    settings.REPORT_FILE_RETENTION_DAYS = 90
    oldest, older = report_files(300), report_files(200)
    recent = report_files(10, period="202611")
    only_one_of_its_period = report_files(400, period="2024")
    failed_old = report_files(100, status=ReportStatus.FAILED, period="2024")
    queued = Report.objects.create(
        kind=ReportKind.COMMUNE,
        province=oldest.province,
        commune=oldest.commune,
        period_code="2025",
        format="pdf",
    )
    newest_2025 = report_files(120)  # old, but the newest ready one of 2025: kept
    from reports.retention import report_files_prune

    assert report_files_prune(older_than_days=90, now=NOW) == 3
    kept = set(Report.objects.values_list("id", flat=True))
    assert kept == {recent.id, only_one_of_its_period.id, queued.id, newest_2025.id}
    assert not oldest.file.storage.exists(oldest.file.name)
    assert not older.file.storage.exists(older.file.name)
    assert not failed_old.file.storage.exists(failed_old.file.name)
    assert newest_2025.file.storage.exists(newest_2025.file.name)


def test_finished_reminders_past_retention_go_and_owed_ones_stay(people, seeds):
    from reminders.retention import reminders_prune

    def reminder(run_date: date, status: str, key: str) -> Reminder:
        return Reminder.objects.create(
            user=people["kinh_te"],
            commune=seeds["dien-quang"],
            subject_key=key,
            subject="report",
            audience="unit",
            step=0,
            due_date=run_date,
            run_date=run_date,
            title="Nhắc hạn",
            channel="email",
            status=status,
            inserted_by=uuid.uuid4(),
        )

    old_sent = reminder(date(2025, 1, 5), ReminderStatus.SENT, "a")
    old_pending = reminder(date(2025, 1, 5), ReminderStatus.PENDING, "b")
    recent = reminder(date(2026, 11, 1), ReminderStatus.SENT, "c")
    assert reminders_prune(older_than_days=400, today=date(2026, 12, 1)) == 1
    assert set(Reminder.objects.values_list("id", flat=True)) == {old_pending.id, recent.id}
    assert not Reminder.objects.filter(id=old_sent.id).exists()


def test_the_command_prunes_expired_sessions_too(db, capsys):
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    alive = SessionStore()
    alive.create()
    call_command("prune")
    assert "sessions: 1 deleted" in capsys.readouterr().out
    assert list(Session.objects.values_list("session_key", flat=True)) == [alive.session_key]


def test_old_plan_imports_lose_their_file_and_rows_recent_ones_keep_them(db, capsys):
    """Committed or abandoned, an import untouched for PLAN_IMPORT_RETENTION_DAYS keeps its row
    (file name, uploader, draft plan: the audit trail) but not the file nor the rows read."""
    from onboarding.models import PlanImport
    from plans.models import Plan
    from tests.factories import CommuneFactory

    commune = CommuneFactory()
    plan = Plan.objects.create(
        commune=commune,
        key="kh-1-2026",
        document_number="1/KH-UBND",
        title="Kế hoạch",
        issuing_body="UBND xã",
        period_start=2026,
        period_end=2030,
    )
    rows = {"plan": {"title": "Kế hoạch"}, "indicators": [], "tasks": []}
    committed, abandoned, recent = (
        PlanImport.objects.create(
            commune=commune, file_name=f"{name}.docx", data=b"PK-file", result=rows, plan=linked
        )
        for name, linked in (("committed", plan), ("abandoned", None), ("recent", None))
    )
    old = timezone.now() - timedelta(days=31)
    PlanImport.objects.filter(pk__in=[committed.pk, abandoned.pk]).update(updated_at=old)

    call_command("prune")

    assert "plan import files: 2 deleted" in capsys.readouterr().out
    for item in (committed, abandoned):
        item.refresh_from_db()
        assert bytes(item.data) == b"" and item.result == {} and item.pruned_at is not None
    committed.refresh_from_db()
    assert committed.plan == plan and committed.file_name == "committed.docx"
    recent.refresh_from_db()
    assert bytes(recent.data) == b"PK-file" and recent.result == rows and recent.pruned_at is None
    call_command("prune")  # nothing twice
    assert "plan import files: 0 deleted" in capsys.readouterr().out


def test_a_cleaned_up_import_says_so_and_saves_nothing(client, db):
    from communes.models import Role
    from onboarding.models import PlanImport
    from plans.models import Plan
    from tests.conftest import person
    from tests.factories import CommuneFactory

    commune = CommuneFactory()
    plan_import = PlanImport.objects.create(commune=commune, file_name="kh.docx", data=b"")
    PlanImport.objects.filter(pk=plan_import.pk).update(pruned_at=timezone.now())
    client.force_login(person(Role.STANDING_OFFICE, commune=commune))
    review = f"/communes/{commune.code}/plans/import/{plan_import.pk}/"
    assert (
        "Lần nhập này đã được dọn dẹp; hãy tải tệp lên lại." in client.get(review).content.decode()
    )
    assert client.get(f"{review}columns/")["Location"] == review
    response = client.post(f"{review}commit/", follow=True)
    assert "Lần nhập này đã được dọn dẹp" in response.content.decode()
    assert not Plan.objects.filter(commune=commune).exists()


def test_old_national_reports_go_and_their_provinces_files_stay_the_provinces(report_files):
    from reports.models import NationalReport, NationalReportStatus
    from reports.retention import national_reports_prune

    def national(days_ago: int) -> tuple[NationalReport, Report]:
        made = NationalReport.objects.create(
            period_code="2025",
            format="pdf",
            status=NationalReportStatus.DONE,
            finished_at=NOW - timedelta(days=days_ago),
        )
        made.file.save(f"n{made.pk}.zip", ContentFile(b"PK"), save=True)
        part = Report.objects.create(
            kind=ReportKind.PROVINCE,
            province=Report._meta.get_field("province").related_model.objects.get(code="38"),
            period_code="2025",
            format="pdf",
            status=ReportStatus.DONE,
            finished_at=made.finished_at,
            national_report=made,
        )
        return made, part

    old, old_part = national(120)
    recent, recent_part = national(10)
    storage = old.file.storage
    assert national_reports_prune(older_than_days=90, now=NOW) == 1
    assert list(NationalReport.objects.all()) == [recent]
    assert not storage.exists(old.file.name) and storage.exists(recent.file.name)
    old_part.refresh_from_db()  # kept, as the province's own rendering
    assert old_part.national_report is None
    assert Report.objects.get(pk=recent_part.pk).national_report == recent
