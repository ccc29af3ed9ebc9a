"""Which reminders are due on a day: report deadlines of units that have not submitted, and task
deadlines of tasks not done, with the people to remind at each step.

`reminders_due` reads everything it needs in a fixed number of queries, whatever the number of
communes, units, periods or tasks (one query per table, then dictionaries), so the daily job can
run over all 3,321 communes.

Proposals (kiến nghị) followed to an answer are reminded to their addressee like any deadline:
the day the answer is due (`Proposal.due_date`, on time through that day) is their last day,
until the proposal is answered or closed.

Days: a deadline's "last day" is the last day on which it is on time. Reports are due "before
the 15th", so the 14th is the last day and the 15th is the first late day; a task due "Tháng
7/2025" ends on 31/07. A step is the number of days from the last day: -7 is a week before,
0 the last day itself, +1 the first late day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from communes.models import Commune, Membership, Role, Unit, UnitKind
from indicators.models import Indicator
from plans.models import Plan, PlanStatus
from reminders.models import (
    Reminder,
    ReminderAudience,
    ReminderPolicy,
    ReminderPreference,
    ReminderSubject,
)
from reporting.models import (
    Proposal,
    ProposalAddressee,
    ProposalStatus,
    ReportingPeriod,
    ReportingSchedule,
    Submission,
    SubmissionStatus,
)
from reporting.periods import (
    TIME_ZONE,
    CutoffRule,
    DeadlineRule,
    Period,
    PeriodKind,
    period_deadline,
    period_last_day,
    period_window,
    periods_between,
)
from reporting.proposals import answerer_key, answerers_filter
from reporting.selectors import (  # a returned report is the unit's to fix again
    HANDED_IN,
    task_extensions_granted,
)
from tasks.deadlines import DeadlineKind, task_deadline, task_due_dates
from tasks.models import Task, TaskStatus

PERIODIC_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR)
TASK_FINISHED = [TaskStatus.DONE, TaskStatus.DONE_LATE, TaskStatus.CANCELLED]
# Units that do not file reports of their own (outside organisations, the committees).
NON_REPORTING_KINDS = {UnitKind.EXTERNAL, UnitKind.COMMITTEE}


@dataclass(frozen=True)
class Recipient:
    user_id: int
    name: str
    email: str
    digest: bool


@dataclass(frozen=True)
class DueReminder:
    """A reminder due on `on`; written as a `Reminder` row unless a run wrote it before."""

    on: date
    recipient: Recipient
    commune: Commune
    subject: str  # ReminderSubject
    audience: str  # ReminderAudience
    step: int
    last_day: date
    deadline: datetime  # the instant from which it is late
    # Reports
    period_code: str = ""
    period_label: str = ""
    period_kind: str = ""
    window: tuple[date, date] | None = None
    period_id: int | None = None  # None: the period has no row yet
    unit_id: int | None = None
    unit_name: str = ""
    returned: bool = False
    extended: bool = False  # the deadline is one a granted extension (gia hạn) set
    missing_units: tuple[str, ...] = ()
    # Tasks
    task_id: int | None = None
    task_code: str = ""
    task_name: str = ""
    deadline_text: str = ""
    lead_units: tuple[str, ...] = ()
    # Proposals
    proposal_id: int | None = None
    proposal_text: str = ""
    proposal_origin: str = ""
    addressee_label: str = ""

    @property
    def subject_key(self) -> str:
        if self.subject == ReminderSubject.TASK:
            return f"task:{self.task_id}:{self.last_day.isoformat()}"
        if self.subject == ReminderSubject.PROPOSAL:
            return f"proposal:{self.proposal_id}:{self.last_day.isoformat()}"
        unit = self.unit_id if self.unit_id is not None else "*"
        return (f"report:{self.commune.pk}:{self.period_code}:{unit}:{self.last_day.isoformat()}")[
            :200
        ]

    @property
    def url(self) -> str:
        code = self.commune.code
        if self.subject == ReminderSubject.PROPOSAL:
            return reverse("reporting:proposal", args=[code, self.proposal_id])
        if self.subject == ReminderSubject.REPORT:
            if self.unit_id is not None:
                return reverse("reporting:submission", args=[code, self.period_code, self.unit_id])
            return reverse("reporting:period", args=[code, self.period_code])
        # Task progress is reported in the unit's periodic report, listed on this page.
        return reverse("reporting:periods", args=[code])


@dataclass
class _ReportSubject:
    commune_id: int
    code: str
    kind: str
    label: str
    year: int
    last_day: date
    deadline: datetime
    window: tuple[date, date]
    period_id: int | None = None
    requested_unit_ids: list[int] = field(default_factory=list)
    extended: bool = False  # a unit's deadline moved by a granted extension


def last_on_time_day(deadline: datetime) -> date:
    """The last day on which something due before `deadline` is on time (local calendar)."""
    return (timezone.localtime(deadline, TIME_ZONE) - timedelta(microseconds=1)).date()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TIME_ZONE)


def _add_months(day: date, months: int) -> date:
    position = day.year * 12 + day.month - 1 + months
    return date(position // 12, position % 12 + 1, 1)


@cache
def _periods_due(kind: str, rule: DeadlineRule, first: date, last: date) -> tuple[Period, ...]:
    """Periods of `kind` whose last on-time day under `rule` falls in [first, last].

    The last day lies in the period's last month shifted by the offset, or the month before it
    (due "before the 1st"), so the candidates are few; pure arithmetic, cached across communes.
    """
    start = _add_months(first, -rule.month_offset)
    end = _add_months(last, -rule.month_offset + 1)
    calendar_months = CutoffRule(31)
    return tuple(
        period
        for period in periods_between(kind, start, end, calendar_months)
        if first <= period_last_day(period, rule) <= last
    )


def _scoped(queryset: QuerySet, commune_ids: Collection[int] | None, path: str = "commune_id"):
    return queryset if commune_ids is None else queryset.filter(**{f"{path}__in": commune_ids})


def reminders_due(on: date, *, commune_ids: Collection[int] | None = None) -> list[DueReminder]:
    """Every reminder due on `on` (all communes, or those of `commune_ids`), in a fixed number
    of queries. Nothing is written: `reminders.services.reminders_send` writes and sends."""
    communes = {
        c.pk: c for c in _scoped(Commune.objects.select_related("province"), commune_ids, "pk")
    }
    policies = {p.commune_id: p for p in _scoped(ReminderPolicy.objects.all(), commune_ids)}
    steps_by_day: dict[int, dict[date, int]] = {}
    policy_of: dict[int, ReminderPolicy] = {}
    for commune_id, commune in communes.items():
        policy = policies.get(commune_id) or ReminderPolicy.default_for(commune)
        if not policy.is_active or not policy.steps:
            continue
        policy_of[commune_id] = policy
        steps_by_day[commune_id] = {on - timedelta(days=step): step for step in policy.steps}
    if not steps_by_day:
        return []
    active_ids = list(steps_by_day) if commune_ids is not None else None
    every_day = [day for days in steps_by_day.values() for day in days]
    first_day, last_day = min(every_day), max(every_day)

    report_subjects = _report_subjects(communes, steps_by_day, active_ids, first_day, last_day)
    extended_subjects = _extended_report_subjects(steps_by_day, active_ids, first_day, last_day)
    tasks = _tasks_due(steps_by_day, active_ids, first_day, last_day)
    proposals = _proposals_due(steps_by_day, active_ids, first_day, last_day)
    if not report_subjects and not extended_subjects and not tasks and not proposals:
        return []

    units = {
        row["pk"]: row
        for row in _scoped(Unit.objects.filter(is_active=True), active_ids).values(
            "pk", "commune_id", "kind", "short_name", "order"
        )
    }
    people = _people(active_ids)
    due: dict[tuple[int, str, int], DueReminder] = {}

    def add(reminder: DueReminder) -> None:
        due.setdefault((reminder.recipient.user_id, reminder.subject_key, reminder.step), reminder)

    if report_subjects:
        expected = _units_expected(report_subjects, units, active_ids)
        handed, extended = _handed_in(report_subjects)
        for subject in report_subjects:
            moved = extended.get(subject.period_id, set())  # reminded at their own deadline
            _report_reminders(
                on,
                subject,
                communes[subject.commune_id],
                policy_of[subject.commune_id],
                steps_by_day[subject.commune_id][subject.last_day],
                [pk for pk in expected[(subject.commune_id, subject.code)] if pk not in moved],
                handed.get(subject.period_id, {}),
                units,
                people,
                add,
            )
    for subject, unit_id, status in extended_subjects:
        if unit_id in units:
            _report_reminders(
                on,
                subject,
                communes[subject.commune_id],
                policy_of[subject.commune_id],
                steps_by_day[subject.commune_id][subject.last_day],
                [unit_id],
                {unit_id: status},
                units,
                people,
                add,
            )
    for task, occurrence, lead_ids, support_ids, extended_task in tasks:
        _task_reminders(
            on,
            task,
            occurrence,
            extended_task,
            communes[task["commune_id"]],
            policy_of[task["commune_id"]],
            steps_by_day[task["commune_id"]][occurrence],
            lead_ids,
            support_ids,
            units,
            people,
            add,
        )
    if proposals:
        answerers = _answerers(proposals)
        for proposal in proposals:
            _proposal_reminders(
                on,
                proposal,
                communes[proposal["commune_id"]],
                steps_by_day[proposal["commune_id"]][proposal["due_date"]],
                answerers,
                add,
            )
    return sorted(
        due.values(),
        key=lambda r: (
            r.commune.name,
            r.last_day,
            r.subject,
            r.period_code,
            r.task_code,
            r.unit_name,
            r.audience,
            r.recipient.name,
        ),
    )


def _report_subjects(communes, steps_by_day, active_ids, first_day, last_day):
    """The periods (with or without a row yet) whose last day is one of a commune's steps."""
    schedules: dict[int, dict[str, ReportingSchedule]] = defaultdict(dict)
    for schedule in _scoped(ReportingSchedule.objects.all(), active_ids):
        schedules[schedule.commune_id][schedule.kind] = schedule
    computed: dict[tuple[int, str], tuple[Period, ReportingSchedule]] = {}
    used: dict[int, set[str]] = {}
    for commune_id, days in steps_by_day.items():
        used[commune_id] = set()
        for kind in PERIODIC_KINDS:
            schedule = schedules[commune_id].get(kind) or ReportingSchedule.default_for(
                communes[commune_id], kind
            )
            if not schedule.is_in_effect:  # unused, or its days not completed yet
                continue
            used[commune_id].add(kind.value)
            for period in _periods_due(kind.value, schedule.deadline_rule, min(days), max(days)):
                if period_last_day(period, schedule.deadline_rule) in days:
                    computed[(commune_id, period.code)] = (period, schedule)

    # Stored periods win over the schedule: their deadline was fixed when they were created, and
    # ad-hoc requests exist only as rows.
    window = Q(deadline__gt=_midnight(first_day), deadline__lte=_midnight(last_day + timedelta(1)))
    codes = {code for _commune, code in computed}
    rows = list(
        _scoped(ReportingPeriod.objects.all(), active_ids).filter(
            window | Q(code__in=codes, kind__in=[k.value for k in PERIODIC_KINDS])
        )
    )
    requested: dict[int, list[int]] = defaultdict(list)
    adhoc_ids = [row.pk for row in rows if row.kind == PeriodKind.AD_HOC]
    if adhoc_ids:
        through = ReportingPeriod.requested_units.through.objects.filter(
            reportingperiod_id__in=adhoc_ids
        ).order_by("unit__order")
        for period_id, unit_id in through.values_list("reportingperiod_id", "unit_id"):
            requested[period_id].append(unit_id)

    subjects = []
    stored = set()
    for row in rows:
        if row.commune_id not in steps_by_day:
            continue
        stored.add((row.commune_id, row.code))
        if row.closed_at is not None:
            continue
        if row.kind != PeriodKind.AD_HOC and row.kind not in used[row.commune_id]:
            continue
        last = last_on_time_day(row.deadline)
        if last not in steps_by_day[row.commune_id]:
            continue
        subjects.append(
            _ReportSubject(
                commune_id=row.commune_id,
                code=row.code,
                kind=row.kind,
                label=row.label,
                year=row.year,
                last_day=last,
                deadline=row.deadline,
                window=(row.window_start, row.window_end),
                period_id=row.pk,
                requested_unit_ids=requested.get(row.pk, []),
            )
        )
    for (commune_id, code), (period, schedule) in computed.items():
        if (commune_id, code) in stored:
            continue
        subjects.append(
            _ReportSubject(
                commune_id=commune_id,
                code=code,
                kind=period.kind,
                label=period.label_vi(),
                year=period.year,
                last_day=period_last_day(period, schedule.deadline_rule),
                deadline=period_deadline(period, schedule.deadline_rule),
                window=period_window(period, schedule.cutoff_rule),
            )
        )
    return subjects


def _units_expected(subjects, units, active_ids) -> dict[tuple[int, str], list[int]]:
    """`reporting.selectors.units_expected` for many periods at once: the units asked by an
    ad-hoc request, else the reporting units involved in a plan in force that year, and the
    standing office."""
    plans = list(
        _scoped(Plan.objects.filter(status=PlanStatus.IN_FORCE), active_ids).only(
            "pk", "commune_id", "status", "period_start", "period_end"
        )
    )
    involved: dict[int, set[int]] = defaultdict(set)  # plan → units
    for model, relation in (
        (Indicator, "lead_units"),
        (Indicator, "support_units"),
        (Task, "lead_units"),
        (Task, "support_units"),
    ):
        through = getattr(model, relation).through
        owner = model._meta.model_name  # "indicator" / "task"
        rows = _scoped(
            through.objects.filter(**{f"{owner}__plan__status": PlanStatus.IN_FORCE}),
            active_ids,
            f"{owner}__commune_id",
        ).values_list(f"{owner}__plan_id", "unit_id")
        for plan_id, unit_id in rows.distinct():
            involved[plan_id].add(unit_id)

    def reporting(unit_id: int) -> bool:
        unit = units.get(unit_id)
        return unit is not None and unit["kind"] not in NON_REPORTING_KINDS

    plans_of: dict[int, list[Plan]] = defaultdict(list)
    for plan in plans:
        plans_of[plan.commune_id].append(plan)
    offices: dict[int, set[int]] = defaultdict(set)
    for pk, unit in units.items():
        if unit["kind"] == UnitKind.STANDING_OFFICE:
            offices[unit["commune_id"]].add(pk)
    expected = {}
    for subject in subjects:
        if subject.kind == PeriodKind.AD_HOC and subject.requested_unit_ids:
            ids = [pk for pk in subject.requested_unit_ids if pk in units]
        else:
            ids = set()
            for plan in plans_of[subject.commune_id]:
                if plan.is_in_force_in(subject.year):
                    ids |= {pk for pk in involved[plan.pk] if reporting(pk)}
            # The standing office compiles, so it reports whenever anyone does; a year without a
            # plan in force asks nobody for anything.
            if ids:
                ids |= offices[subject.commune_id]
            ids = sorted(ids, key=lambda pk: (units[pk]["order"], units[pk]["short_name"]))
        expected[(subject.commune_id, subject.code)] = ids
    return expected


def _handed_in(subjects) -> tuple[dict[int, dict[int, str]], dict[int, set[int]]]:
    """Per stored period, the status of each unit's submission, and the units whose deadline a
    granted extension moved."""
    period_ids = [s.period_id for s in subjects if s.period_id is not None]
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    extended: dict[int, set[int]] = defaultdict(set)
    if period_ids:
        rows = Submission.objects.filter(period_id__in=period_ids).values_list(
            "period_id", "unit_id", "status", "deadline_extended"
        )
        for period_id, unit_id, status, deadline_extended in rows:
            statuses[period_id][unit_id] = status
            if deadline_extended is not None:
                extended[period_id].add(unit_id)
    return statuses, extended


def _extended_report_subjects(steps_by_day, active_ids, first_day, last_day):
    """Reports whose deadline a granted extension moved to one of their commune's step days,
    each with its unit and the status of its submission (one query)."""
    window = Q(
        deadline_extended__gt=_midnight(first_day),
        deadline_extended__lte=_midnight(last_day + timedelta(1)),
    )
    rows = (
        _scoped(Submission.objects.filter(window, period__closed_at__isnull=True), active_ids)
        .exclude(status__in=HANDED_IN)
        .select_related("period")
    )
    found = []
    for row in rows:
        days = steps_by_day.get(row.commune_id)
        last = last_on_time_day(row.deadline_extended)
        if days is None or last not in days:
            continue
        period = row.period
        subject = _ReportSubject(
            commune_id=row.commune_id,
            code=period.code,
            kind=period.kind,
            label=period.label,
            year=period.year,
            last_day=last,
            deadline=row.deadline_extended,
            window=(period.window_start, period.window_end),
            period_id=period.pk,
            extended=True,
        )
        found.append((subject, row.unit_id, row.status))
    return found


def _people(active_ids) -> dict[tuple, list[Recipient]]:
    """Active people by (role, commune) and (unit_staff, unit): no province officers, no admins."""
    rows = (
        _scoped(Membership.objects.all(), active_ids)
        .filter(
            is_active=True,
            user__is_active=True,
            role__in=[Role.UNIT_STAFF, Role.STANDING_OFFICE, Role.COMMUNE_LEADER],
        )
        .values_list(
            "role",
            "commune_id",
            "unit_id",
            "user_id",
            "user__full_name",
            "user__username",
            "user__email",
            "user__reminder_preference__daily_digest",
        )
        .order_by("user__full_name", "user_id")
    )
    people: dict[tuple, list[Recipient]] = defaultdict(list)
    for role, commune_id, unit_id, user_id, full_name, username, email, digest in rows:
        recipient = Recipient(user_id, full_name or username, email or "", bool(digest))
        key = (role, unit_id) if role == Role.UNIT_STAFF else (role, commune_id)
        people[key].append(recipient)
    return people


def _report_reminders(
    on, subject, commune, policy, step, expected, statuses, units, people, add
) -> None:
    missing = [pk for pk in expected if statuses.get(pk) not in HANDED_IN]
    if not missing:
        return
    common = dict(
        on=on,
        commune=commune,
        subject=ReminderSubject.REPORT,
        step=step,
        last_day=subject.last_day,
        deadline=subject.deadline,
        period_code=subject.code,
        period_label=subject.label,
        period_kind=subject.kind,
        window=subject.window,
        period_id=subject.period_id,
        extended=subject.extended,
    )
    for unit_id in missing:
        for recipient in people.get((Role.UNIT_STAFF, unit_id), []):
            add(
                DueReminder(
                    recipient=recipient,
                    audience=ReminderAudience.UNIT,
                    unit_id=unit_id,
                    unit_name=units[unit_id]["short_name"],
                    returned=statuses.get(unit_id) == SubmissionStatus.RETURNED,
                    **common,
                )
            )
    names = tuple(units[pk]["short_name"] for pk in missing)
    for role, audience, from_step in (
        (Role.STANDING_OFFICE, ReminderAudience.STANDING_OFFICE, policy.office_from_step),
        (Role.COMMUNE_LEADER, ReminderAudience.LEADER, policy.leader_from_step),
    ):
        if step >= from_step:
            for recipient in people.get((role, commune.pk), []):
                add(
                    DueReminder(
                        recipient=recipient, audience=audience, missing_units=names, **common
                    )
                )


def _tasks_due(steps_by_day, active_ids, first_day, last_day):
    """Tasks not finished with a due date on one of their commune's step days.

    Dated tasks ("Tháng 7/2025", "Quý IV/2025") fall due once, yearly ones ("Hàng năm") every
    year, a span of years ("2025-2030") at its end. "Thường xuyên" and "Từ năm 2026" are no
    dates: each period's report covers them. "Khi có đề nghị" falls due with an ad-hoc request.
    An unparsed deadline reminds no one; the task stays flagged for the standing office.
    """
    years = set(range(first_day.year, last_day.year + 1))
    month_ends = [
        day
        for day in (first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1))
        if (day + timedelta(days=1)).day == 1
    ]
    wanted = Q(deadline_kind=DeadlineKind.DATE, due_date__gte=first_day, due_date__lte=last_day)
    if month_ends:  # yearly tasks fall due at a month's end, spans on 31/12 of their last year
        months = {d.month for d in month_ends}
        wanted |= Q(deadline_kind=DeadlineKind.YEARLY, recurrence_month__in=months)
        if 12 in months:  # "Hàng năm" without a month means December
            wanted |= Q(deadline_kind=DeadlineKind.YEARLY, recurrence_month__isnull=True)
        wanted |= Q(
            deadline_kind=DeadlineKind.SPAN,
            end_year__in=[d.year for d in month_ends if d.month == 12],
        )
    # Extensions granted: their tasks fall due at the new date, not the printed one.
    moved = task_extensions_granted(commune_ids=active_ids)
    moved_ids = [
        task_id
        for task_id, dates in moved.items()
        if any(first_day <= day <= last_day for day in dates.values())
    ]
    if moved_ids:
        wanted |= Q(pk__in=moved_ids)
    tasks = list(
        _scoped(Task.objects.all(), active_ids)
        .filter(wanted, plan__status=PlanStatus.IN_FORCE, children__isnull=True)
        .exclude(status__in=TASK_FINISHED)
        .values(
            "pk",
            "commune_id",
            "code",
            "name",
            "deadline_text",
            "deadline_kind",
            "due_date",
            "recurrence_month",
            "recurrence_for_next_year",
            "start_year",
            "end_year",
            "plan__period_start",
            "plan__period_end",
        )
    )
    found = []
    for task in tasks:
        days = steps_by_day.get(task["commune_id"])
        if days is None:
            continue
        for occurrence in sorted(_task_occurrences(task, years, moved.get(task["pk"]))):
            if occurrence in days:
                found.append((task, occurrence))
    if not found:
        return []
    task_ids = {task["pk"] for task, _occurrence in found}
    leads, supports = defaultdict(list), defaultdict(list)
    for relation, into in (("lead_units", leads), ("support_units", supports)):
        through = getattr(Task, relation).through.objects.filter(task_id__in=task_ids)
        for task_id, unit_id in through.values_list("task_id", "unit_id"):
            into[task_id].append(unit_id)
    return [
        (
            task,
            occurrence,
            leads[task["pk"]],
            supports[task["pk"]],
            occurrence in moved.get(task["pk"], {}).values(),
        )
        for task, occurrence in found
    ]


def _task_occurrences(task: dict, years: set[int], extended=None) -> list[date]:
    """The task's due dates (`tasks.deadlines.task_due_dates`, with its granted extensions) in
    `years`."""
    plan_years = range(task["plan__period_start"], task["plan__period_end"] + 1)
    dates = task_due_dates(task_deadline(task), plan_years, extended)
    return [day for day in dates if day.year in years]


def _task_reminders(
    on, task, occurrence, extended, commune, policy, step, lead_ids, support_ids, units, people, add
) -> None:
    lead_ids = [pk for pk in lead_ids if pk in units]
    lead_names = tuple(
        units[pk]["short_name"]
        for pk in sorted(lead_ids, key=lambda pk: (units[pk]["order"], units[pk]["short_name"]))
    )
    common = dict(
        on=on,
        commune=commune,
        subject=ReminderSubject.TASK,
        step=step,
        last_day=occurrence,
        deadline=_midnight(occurrence + timedelta(days=1)),
        task_id=task["pk"],
        task_code=task["code"],
        task_name=task["name"],
        deadline_text=task["deadline_text"],
        lead_units=lead_names,
        extended=extended,
    )
    # One reminder per person and step; whoever is several things gets the first of: lead unit,
    # standing office, leader, support unit.
    lead_people = [r for pk in lead_ids for r in people.get((Role.UNIT_STAFF, pk), [])]
    for recipient in lead_people:
        add(DueReminder(recipient=recipient, audience=ReminderAudience.UNIT, **common))
    # Nobody in the portal leads it (UBND xã, an outside organisation): the office chases it.
    office_from = policy.office_from_step if lead_people else min(policy.steps)
    for role, audience, from_step in (
        (Role.STANDING_OFFICE, ReminderAudience.STANDING_OFFICE, office_from),
        (Role.COMMUNE_LEADER, ReminderAudience.LEADER, policy.leader_from_step),
    ):
        if step >= from_step:
            for recipient in people.get((role, commune.pk), []):
                add(DueReminder(recipient=recipient, audience=audience, **common))
    late_steps = [s for s in policy.steps if s > 0]
    if late_steps and step == min(late_steps):  # support units are told once, when it is late
        for pk in support_ids:
            for recipient in people.get((Role.UNIT_STAFF, pk), []):
                add(DueReminder(recipient=recipient, audience=ReminderAudience.SUPPORT, **common))


def _proposals_due(steps_by_day, active_ids, first_day, last_day) -> list[dict]:
    """Proposals awaiting an answer whose answer is due on one of their commune's step days
    (one query); answered and closed ones are no one's to chase."""
    rows = (
        _scoped(Proposal.objects.all(), active_ids)
        .filter(status=ProposalStatus.OPEN, due_date__gte=first_day, due_date__lte=last_day)
        .values(
            "pk",
            "commune_id",
            "commune__province_id",
            "unit__short_name",
            "period__code",
            "period__kind",
            "period__title",
            "text",
            "addressee",
            "due_date",
        )
        .order_by("due_date", "pk")
    )
    return [row for row in rows if row["due_date"] in steps_by_day.get(row["commune_id"], {})]


def _answerers(proposals: list[dict]) -> dict[tuple[str, int], list[Recipient]]:
    """The people who answer these proposals, by `answerer_key` (one query)."""
    keys = {_answerer_key(row) for row in proposals}
    rows = (
        Membership.objects.filter(answerers_filter(keys), user__is_active=True)
        .values_list(
            "role",
            "commune_id",
            "province_id",
            "user_id",
            "user__full_name",
            "user__username",
            "user__email",
            "user__reminder_preference__daily_digest",
        )
        .order_by("user__full_name", "user_id")
    )
    found: dict[tuple[str, int], list[Recipient]] = defaultdict(list)
    for role, commune_id, province_id, user_id, full_name, username, email, digest in rows:
        key = (role, province_id if role == Role.PROVINCE_OFFICER else commune_id)
        recipient = Recipient(user_id, full_name or username, email or "", bool(digest))
        if recipient not in found[key]:
            found[key].append(recipient)
    return found


def _answerer_key(row: dict) -> tuple[str, int]:
    return answerer_key(
        addressee=row["addressee"],
        commune_id=row["commune_id"],
        province_id=row["commune__province_id"],
    )


def _proposal_reminders(on, proposal, commune, step, answerers, add) -> None:
    period = ReportingPeriod(
        kind=proposal["period__kind"],
        code=proposal["period__code"],
        title=proposal["period__title"],
    )
    for recipient in answerers.get(_answerer_key(proposal), []):
        add(
            DueReminder(
                on=on,
                recipient=recipient,
                commune=commune,
                subject=ReminderSubject.PROPOSAL,
                audience=ReminderAudience.ADDRESSEE,
                step=step,
                last_day=proposal["due_date"],
                deadline=_midnight(proposal["due_date"] + timedelta(days=1)),
                period_code=proposal["period__code"],
                period_label=period.label,
                proposal_id=proposal["pk"],
                proposal_text=proposal["text"],
                proposal_origin=proposal["unit__short_name"] or "",
                addressee_label=str(ProposalAddressee(proposal["addressee"]).label),
            )
        )


def reminders_recent(commune: Commune, *, since: date, limit: int = 200) -> QuerySet[Reminder]:
    """The commune's reminders from `since`, newest first, for the standing office's page."""
    return (
        Reminder.objects.filter(commune=commune, run_date__gte=since)
        .select_related("user", "unit", "task")
        .order_by("-run_date", "due_date", "subject_key", "audience", "user__full_name")[:limit]
    )


def reminder_policy_of(commune) -> ReminderPolicy:
    """The commune's reminder policy, or the default one it has not changed (unsaved)."""
    return ReminderPolicy.objects.filter(commune=commune).first() or ReminderPolicy.default_for(
        commune
    )


def reminder_preference_of(user) -> ReminderPreference | None:
    """The person's choice of separate mails or one summary a day (None: never chosen)."""
    return ReminderPreference.objects.filter(user=user).first()
