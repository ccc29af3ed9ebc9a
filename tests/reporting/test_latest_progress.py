"""The latest progress of each task equals the plain reading of the whole history, on reports
that were returned, reopened and re-approved: read from the row the approving service keeps
(`TaskLatestProgress`) where it holds for the period, else through the index on (task, period
end)."""

import random
from collections import defaultdict

from communes.models import UnitKind
from reporting.models import Submission, SubmissionStatus, TaskLatestProgress, TaskProgress
from reporting.results import task_results, task_row_results
from reporting.services import (
    period_ensure,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_save,
    task_latest_progress_refresh,
)
from tasks.deadlines import deadline_parse
from tasks.models import Task, TaskStatus
from tests.factories import (
    CommuneFactory,
    PlanFactory,
    ProvinceFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from tests.queries import assert_flat, queries_of

MONTHS = [f"2025{month:02d}" for month in range(1, 13)]
QUARTERS = [f"2025Q{quarter}" for quarter in range(1, 5)]


def latest_by_history(commune_ids, cutoffs):
    """The slow reading: every approved row up to the commune's cut-off, oldest first; the last
    one of a lead unit is kept, else the last one of any unit."""
    rows = (
        TaskProgress.objects.filter(
            commune_id__in=commune_ids, submission__status=SubmissionStatus.APPROVED
        )
        .exclude(status="")
        .select_related("submission__period", "task")
        .order_by("submission__period__window_end", "submission__reviewed_at", "pk")
    )
    told = defaultdict(list)
    for row in rows:
        if row.submission.period.window_end <= cutoffs[row.commune_id]:
            told[row.task_id].append(row)
    latest = {}
    for task_id, reports in told.items():
        leads = set(reports[0].task.lead_units.values_list("pk", flat=True))
        kept = None
        for report in reports:
            unit_id = report.submission.unit_id
            if kept is None or unit_id in leads or kept.submission.unit_id not in leads:
                kept = report
        latest[task_id] = (kept.percent, kept.result)
    return latest


def review(submission, actor, rng):
    """Walk a submission through a random review history, as the standing office would."""
    submission.status = SubmissionStatus.SUBMITTED
    submission.save(update_fields=["status"])
    path = rng.choice(["approve", "return", "reopen", "reapprove", "reopen-resubmit", "draft"])
    if path == "draft":
        submission.status = SubmissionStatus.DRAFT
        submission.save(update_fields=["status"])
        return
    if path == "return":
        submission_return(actor=actor, submission=submission, comment="Bổ sung số liệu")
        return
    submission_approve(actor=actor, submission=submission)
    if path in ("reopen", "reapprove", "reopen-resubmit"):
        submission_reopen(actor=actor, submission=submission, reason="Sửa tiến độ")
    if path == "reapprove":
        submission.status = SubmissionStatus.SUBMITTED
        submission.save(update_fields=["status"])
        submission_approve(actor=actor, submission=submission)
    if path == "reopen-resubmit":
        submission.status = SubmissionStatus.SUBMITTED
        submission.save(update_fields=["status"])


def test_latest_progress_equals_the_reading_of_the_whole_history(db):
    rng = random.Random(17)
    province = ProvinceFactory(code="96", name="Tỉnh Thử")
    actor = UserFactory()
    communes, tasks = [], []
    for n in range(3):
        commune = CommuneFactory(province=province, name=f"Xã {n}")
        office = UnitFactory(commune=commune, kind=UnitKind.STANDING_OFFICE, short_name="VH-XH")
        others = [UnitFactory(commune=commune, short_name=f"Đơn vị {k}") for k in range(2)]
        plan = PlanFactory(commune=commune, period_start=2025, period_end=2025)
        for k in range(6):
            task = TaskFactory(plan=plan)
            task.deadline_apply(deadline_parse("Quý IV/2025"))
            task.save()
            if k % 3 != 2:  # some tasks have no lead unit among the reporting units
                task.lead_units.add(rng.choice([office, *others]))
            tasks.append(task)
        communes.append((commune, [office, *others]))
    # Reviewed in a shuffled order: a later review of an earlier period must not win.
    work = [
        (commune, unit, code)
        for commune, units in communes
        for unit in units
        for code in MONTHS + QUARTERS
    ]
    rng.shuffle(work)
    by_commune = defaultdict(list)
    for task in tasks:
        by_commune[task.commune_id].append(task)
    for commune, unit, code in work:
        submission = Submission.objects.create(
            commune=commune, period=period_ensure(commune, code), unit=unit
        )
        for task in rng.sample(by_commune[commune.pk], 3):
            status = rng.choice([TaskStatus.IN_PROGRESS, TaskStatus.DONE, ""])
            TaskProgress.objects.create(
                submission=submission,
                commune=commune,
                task=task,
                status=status,
                percent=rng.randint(0, 100),
                result=f"{code} {unit.short_name}",
            )
        review(submission, actor, rng)

    assert TaskProgress.objects.filter(period_end=None).count() == 0
    # What the services kept along the way is what a reading of the whole history keeps.
    kept = set(TaskLatestProgress.objects.values_list("task_id", "progress_id", "through"))
    assert kept and task_latest_progress_refresh(Task.objects.all()) == len(kept)
    assert set(TaskLatestProgress.objects.values_list("task_id", "progress_id", "through")) == kept
    everything = {commune.pk: period_ensure(commune, "2025Q4") for commune, _ in communes}
    latest = latest_by_history(list(everything), {pk: p.window_end for pk, p in everything.items()})
    assert {
        task_id: (progress.percent, progress.result)
        for task_id, progress in (
            (row.task_id, row.progress)
            for row in TaskLatestProgress.objects.select_related("progress")
        )
    } == latest
    _readings_equal_history(communes)
    # Without the kept rows (a bulk load that wrote reports outside the services), the same.
    TaskLatestProgress.objects.all().delete()
    _readings_equal_history(communes)


def _readings_equal_history(communes):
    for codes in (["202503", "202507", "2025Q4"], ["202512", "202501", "202506"]):
        periods = {
            commune.pk: period_ensure(commune, code)
            for (commune, _), code in zip(communes, codes, strict=True)
        }
        cutoffs = {commune_id: period.window_end for commune_id, period in periods.items()}
        expected = latest_by_history(list(periods), cutoffs)
        for read_tasks in (task_results, task_row_results):
            results = read_tasks(periods, year=2025)
            read = {
                result.task.id: (result.percent, result.result)
                for commune_results in results.values()
                for result in commune_results
                if result.percent is not None or result.result
            }
            assert read == expected
    assert len(expected) > 10  # the data exercises the reading


def test_latest_progress_reads_a_fixed_number_of_queries(db):
    province = ProvinceFactory(code="95", name="Tỉnh Đếm")

    def add_commune(n):
        commune = CommuneFactory(province=province, name=f"Xã {n}")
        unit = UnitFactory(commune=commune, kind=UnitKind.STANDING_OFFICE)
        plan = PlanFactory(commune=commune, period_start=2025, period_end=2025)
        task = TaskFactory(plan=plan)
        task.lead_units.add(unit)
        for code in MONTHS[: 2 + n]:
            submission = Submission.objects.create(
                commune=commune,
                period=period_ensure(commune, code),
                unit=unit,
                status=SubmissionStatus.APPROVED,
            )
            TaskProgress.objects.create(
                submission=submission, commune=commune, task=task, status=TaskStatus.IN_PROGRESS
            )
        return commune

    def count(communes):
        periods = {commune.pk: period_ensure(commune, "202512") for commune in communes}
        return queries_of(lambda: task_row_results(periods, year=2025))

    communes = [add_commune(n) for n in range(2)]
    few = count(communes)
    communes += [add_commune(n) for n in range(2, 8)]
    # Half the tasks read from their kept row, half from their history.
    task_latest_progress_refresh(Task.objects.filter(commune__in=communes[::2]))
    assert_flat(few, count(communes), "latest progress")
    assert_flat(
        queries_of(
            lambda: task_latest_progress_refresh(Task.objects.filter(commune__in=communes[:2]))
        ),
        queries_of(lambda: task_latest_progress_refresh(Task.objects.filter(commune__in=communes))),
        "keeping the latest progress",
    )


def test_a_correction_after_approval_moves_the_kept_progress(db):
    province = ProvinceFactory(code="94", name="Tỉnh Sửa")
    commune = CommuneFactory(province=province, name="Xã Sửa")
    unit = UnitFactory(commune=commune, kind=UnitKind.STANDING_OFFICE)
    task = TaskFactory(plan=PlanFactory(commune=commune, period_start=2025, period_end=2025))
    task.lead_units.add(unit)
    actor = UserFactory()
    reports = []
    for code, percent in (("202501", 30), ("202502", 60)):
        submission = Submission.objects.create(
            commune=commune, period=period_ensure(commune, code), unit=unit
        )
        TaskProgress.objects.create(
            submission=submission,
            commune=commune,
            task=task,
            status=TaskStatus.IN_PROGRESS,
            percent=percent,
        )
        submission.status = SubmissionStatus.SUBMITTED
        submission.save(update_fields=["status"])
        reports.append(submission_approve(actor=actor, submission=submission))
    assert TaskLatestProgress.objects.get(task=task).progress.percent == 60

    # The standing office corrects February's approved report: no status, so January counts.
    february = reports[1]
    submission_save(
        actor=actor,
        submission=february,
        version=february.version,
        values={},
        progress={task.pk: {"status": ""}},
        narrative={},
        pending={},
        reason="Báo cáo nhầm tiến độ",
    )
    assert TaskLatestProgress.objects.get(task=task).progress.percent == 30
    periods = {commune.pk: period_ensure(commune, "202512")}
    ((result,),) = task_row_results(periods, year=2025).values()
    assert result.percent == 30

    submission_reopen(actor=actor, submission=reports[0], reason="Sửa lại")
    assert not TaskLatestProgress.objects.filter(task=task).exists()
    ((result,),) = task_row_results(periods, year=2025).values()
    assert result.percent is None
