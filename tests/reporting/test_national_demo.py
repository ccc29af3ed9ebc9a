"""`manage.py demo_national`: labelled demo communes with the real provinces' counts, refused on a
database with real communes unless asked; its latest task progress equals the slow reading."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from communes.models import Commune, Membership, Province, Role, Unit
from indicators.models import Indicator
from reporting.models import Submission, SubmissionStatus, TaskLatestProgress, TaskProgress
from reporting.national_demo import commune_counts, provinces_load
from reporting.results import task_row_results
from reporting.services import period_ensure
from tasks.models import Task
from tests.factories import CommuneFactory
from tests.reporting.test_latest_progress import latest_by_history

pytestmark = pytest.mark.django_db


def test_the_provinces_of_2025_and_their_communes():
    provinces = provinces_load()
    counts = commune_counts(provinces, None)
    assert len(provinces) == 34 and sum(counts.values()) == 3321
    assert max(counts.values()) == 168  # Hồ Chí Minh; Thanh Hóa 166
    assert sum(p["dac_khu"] for p in provinces) == 13
    assert sum(p["phuong"] for p in provinces) == 687
    shared = commune_counts(provinces, 340)
    assert 330 <= sum(shared.values()) <= 350 and min(shared.values()) >= 1


def test_refused_without_demo_or_beside_real_communes(settings):
    settings.DEMO_DATA_ALLOWED = True
    with pytest.raises(CommandError, match="--demo"):
        call_command("demo_national", "--communes", "2")
    CommuneFactory(code="xa-that", name="Xã Thật")
    with pytest.raises(CommandError, match="Xã Thật"):
        call_command("demo_national", "--demo", "--communes", "2")
    assert not Commune.objects.filter(code__startswith="demo-").exists()


def test_a_small_national_set_in_every_state(settings, capsys):
    settings.DEMO_DATA_ALLOWED = True
    call_command(  # about 4 communes in all, shared out as the two provinces' real counts
        "demo_national", "--demo", "--province", "12", "--communes", "4", "--province", "38"
    )
    demo = Commune.objects.filter(code__startswith="demo-")
    assert demo.count() == 4  # 1 of Lai Châu's 38 and 3 of Thanh Hóa's 166
    assert all("(mẫu)" in name for name in demo.values_list("name", flat=True))
    # Each commune has a plan of one of the seed plans' shapes, with indicators and tasks.
    for commune in demo:
        assert Indicator.objects.filter(commune=commune).exists(), commune.name
        assert Task.objects.filter(commune=commune).exists(), commune.name
    assert set(Province.objects.filter(communes__in=demo).values_list("name", flat=True)) == {
        "Lai Châu",
        "Thanh Hóa",
    }
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert {SubmissionStatus.APPROVED, SubmissionStatus.RETURNED, SubmissionStatus.SUBMITTED} <= (
        statuses
    )
    assert Membership.objects.filter(role=Role.PROVINCE_OFFICER, province__code="12").exists()
    # Three people in each unit (its head, a deputy, the clerk), each with an account.
    for unit in Unit.objects.filter(commune__in=demo):
        staff = Membership.objects.filter(role=Role.UNIT_STAFF, unit=unit)
        assert staff.count() == 3 and staff.values("user").distinct().count() == 3, unit.name
    call_command("demo_national", "--demo", "--province", "12", "--communes", "3")
    assert "already there" in capsys.readouterr().out
    assert demo.count() == 4

    # The index reading equals the slow one on this data (returned and resubmitted reports).
    periods = {commune.pk: period_ensure(commune, "202606") for commune in demo}
    cutoffs = {pk: period.window_end for pk, period in periods.items()}
    expected = latest_by_history(list(periods), cutoffs)
    results = task_row_results(periods, year=2026)
    read = {
        r.task.id: (r.percent, r.result)
        for rows in results.values()
        for r in rows
        if r.percent is not None or r.result
    }
    recurring = {r.task.id for rows in results.values() for r in rows} - set(read)
    assert {k: v for k, v in expected.items() if k not in recurring} == read
    assert len(read) > 20
    assert TaskProgress.objects.filter(period_end__gt=date(2026, 6, 30)).exists()
    # The latest progress the bulk load kept per task is the slow reading of the whole history.
    whole = latest_by_history(list(periods), dict.fromkeys(periods, date.max))
    kept = TaskLatestProgress.objects.filter(commune__in=demo).select_related("progress")
    assert {row.task_id: (row.progress.percent, row.progress.result) for row in kept} == whole
