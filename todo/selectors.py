""" "Việc cần làm": each person's work for today, by role, each item a link to where it is done.

It reads the one home of each rule and adds none: report timeliness from
`reporting.selectors.period_lines` (extensions included), task due dates from
`tasks.deadlines.task_due_dates` with granted extensions, task states from
`reporting.results.task_results`, target problems from `indicators.targets.target_problem`, the
province's standing of its communes from `reporting.consolidation`. Each list is read in a fixed
number of queries whatever the number of periods, units and tasks (one per plan year at most:
`period_lines`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communes.access import Scope
from communes.models import Commune, Province, Unit
from dashboards.selectors import province_period_choose, province_periods, province_plan_years
from indicators.models import Target
from indicators.targets import target_problem
from plans.models import Plan, PlanStatus
from plans.selectors import plan_years_in_force
from reporting.consolidation import province_standings
from reporting.extensions import day_text, task_current_due
from reporting.models import (
    PROVINCE_ADDRESSEES,
    DeadlineExtension,
    ExtensionStatus,
    FigureVerification,
    Proposal,
    ProposalAddressee,
    ProposalStatus,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
    VerificationStatus,
)
from reporting.periods import PeriodKind, period_parse
from reporting.results import TaskState, task_results
from reporting.selectors import (
    Timeliness,
    period_lines,
    periods_due,
    reporting_start,
    task_extensions_granted,
)
from reports.models import CommuneReportText, Report, ReportKind, ReportStatus
from tasks.models import Task

TASK_HORIZON_DAYS = 30  # unit staff see the tasks they lead falling due within this
REPORT_HORIZON_DAYS = 31  # and the reports coming due within this
ANSWERED_RECENTLY_DAYS = 30  # extension answers stay on the list this long
FINISHED = (TaskState.DONE, TaskState.DONE_LATE, TaskState.CANCELLED)


@dataclass
class TodoItem:
    kind: str  # what to do, for tests and styles: "report_due", "review", "task_overdue"…
    title: str
    url: str
    detail: str = ""
    state: str = ""  # "late", "soon", "ok": how urgent
    action_url: str = ""  # a second link (ask for more time)
    action_label: str = ""


@dataclass
class TodoSection:
    key: str
    title: str
    items: list[TodoItem] = field(default_factory=list)
    empty: str = ""


@dataclass
class TodoList:
    sections: list[TodoSection]

    @property
    def count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    def items_of(self, kind: str) -> list[TodoItem]:
        return [item for section in self.sections for item in section.items if item.kind == kind]


def _days_text(last_day: date, today: date) -> tuple[str, str]:
    """ "3 days left" / "last day today" / "2 days late", and how urgent it is."""
    days = (last_day - today).days
    if days < 0:
        late = -days
        return ngettext("%(count)s day late", "%(count)s days late", late) % {"count": late}, "late"
    if days == 0:
        return _("last day today"), "soon"
    text = ngettext("%(count)s day left", "%(count)s days left", days) % {"count": days}
    return text, "soon" if days <= 3 else "ok"


def _submission_url(commune: Commune, period: ReportingPeriod, unit_id: int) -> str:
    return reverse("reporting:submission", args=[commune.code, period.code, unit_id])


def _open_periods(commune: Commune, unopened: list[ReportingPeriod], *, deadline_by):
    """The commune's open periods due by `deadline_by`, by deadline; with the periods due
    without a row yet (`unopened`, from `reporting.selectors.periods_due`) among them."""
    saved = ReportingPeriod.objects.filter(
        commune=commune, closed_at__isnull=True, deadline__lte=deadline_by
    ).order_by("deadline", "kind")
    if not unopened:
        return saved
    due = [period for period in unopened if period.deadline <= deadline_by]
    return sorted([*saved, *due], key=lambda period: (period.deadline, period.kind))


def _latest_period(commune: Commune, today: date, unopened) -> ReportingPeriod | None:
    """The latest period whose data ended by today: the cut-off task states are read at."""
    saved = (
        ReportingPeriod.objects.filter(commune=commune, window_end__lte=today)
        .exclude(kind=PeriodKind.AD_HOC)
        .order_by("-window_end", "-pk")
        .first()
    )
    ended = [period for period in unopened if period.window_end <= today]
    if saved is not None:
        ended.append(saved)
    return max(ended, key=lambda period: period.window_end, default=None)


def _tasks_of_year(commune: Commune, today: date, unopened):
    period = _latest_period(commune, today, unopened)
    return task_results({commune.pk: period}, year=today.year)[commune.pk]


def _extension_title(extension: DeadlineExtension) -> str:
    return _("%(unit)s: %(subject)s") % {
        "unit": extension.unit.short_name,
        "subject": extension.subject_label,
    }


# ---------------------------------------------------------------------------------------------
# Unit staff


def _unit_reports(commune, units, now, today, unopened) -> TodoSection:
    section = TodoSection(
        "reports", _("Reports due and returned"), empty=_("No report is due or returned.")
    )
    horizon = now + timedelta(days=REPORT_HORIZON_DAYS)
    lines = period_lines(
        commune, _open_periods(commune, unopened, deadline_by=horizon), units, now=now
    )
    for line in lines:
        period = line.period
        for unit, submission, state in line.mine:
            if state not in (Timeliness.RETURNED, Timeliness.MISSING, Timeliness.NOT_DUE):
                continue
            if submission is not None:
                submission.period = period  # read already: spare a query per row
            if state == Timeliness.NOT_DUE and period.window_start > today:
                continue  # not begun: nothing to report yet
            last_day = submission.last_day if submission else period.last_day
            days, urgency = _days_text(last_day, today)
            parts = [unit.short_name, _("last day %(day)s") % {"day": day_text(last_day)}, days]
            if submission is not None and submission.deadline_extended:
                parts.append(_("extended to %(day)s") % {"day": day_text(last_day)})
            if state == Timeliness.RETURNED:
                kind, title = "report_returned", _("Returned for correction: %(period)s")
            elif state == Timeliness.MISSING:
                kind, title = "report_late", _("Overdue report: %(period)s")
            else:
                kind, title = "report_due", _("Report due: %(period)s")
            url = _submission_url(commune, period, unit.pk)
            section.items.append(
                TodoItem(
                    kind=kind,
                    title=title % {"period": period.label},
                    url=url,
                    detail=" · ".join(parts),
                    state="late" if state != Timeliness.NOT_DUE else urgency,
                    action_url=reverse(
                        "reporting:extension_report", args=[commune.code, period.code, unit.pk]
                    ),
                    action_label=_("Ask for more time"),
                )
            )
    section.items.sort(key=lambda item: item.state != "late")
    return section


def _unit_tasks(commune, unit_ids, today, results) -> TodoSection:
    section = TodoSection(
        "tasks",
        _("Tasks you lead due in the next %(days)s days") % {"days": TASK_HORIZON_DAYS},
        empty=_("No task you lead falls due in the next %(days)s days.")
        % {"days": TASK_HORIZON_DAYS},
    )
    moved = task_extensions_granted(commune_ids=[commune.pk])
    horizon = today + timedelta(days=TASK_HORIZON_DAYS)
    for result in results:
        task = result.task
        if result.state in FINISHED or not {u.pk for u in task.lead_units.all()} & unit_ids:
            continue
        printed, due = task_current_due(task, today, moved.get(task.pk))
        if due is None or not today <= due <= horizon:
            continue
        days, urgency = _days_text(due, today)
        parts = [task.deadline_text or "—", _("due %(day)s") % {"day": day_text(due)}, days]
        if due != printed:
            parts.append(_("extended to %(day)s") % {"day": day_text(due)})
        section.items.append(
            TodoItem(
                kind="task_due",
                title=_("Task %(code)s. %(name)s") % {"code": task.code, "name": task.name[:160]},
                url=reverse("reporting:periods", args=[commune.code]),
                detail=" · ".join(parts),
                state=urgency,
                action_url=reverse("reporting:extension_task", args=[commune.code, task.pk]),
                action_label=_("Ask for more time"),
            )
        )
    return section


def _unit_answers(commune, unit_ids, now) -> TodoSection:
    section = TodoSection(
        "answers",
        _("Answers to your requests for more time"),
        empty=_("No answer in the last %(days)s days.") % {"days": ANSWERED_RECENTLY_DAYS},
    )
    answered = (
        DeadlineExtension.objects.filter(
            commune=commune,
            unit_id__in=unit_ids,
            status__in=[ExtensionStatus.GRANTED, ExtensionStatus.REFUSED],
            answered_at__gte=now - timedelta(days=ANSWERED_RECENTLY_DAYS),
        )
        .select_related("unit", "task", "submission__period")
        .order_by("-answered_at")
    )
    for extension in answered:
        if extension.status == ExtensionStatus.GRANTED:
            detail = _("Granted: new deadline %(day)s") % {"day": day_text(extension.granted_date)}
        else:
            detail = _("Refused: %(answer)s") % {"answer": extension.answer}
        section.items.append(
            TodoItem(
                kind=f"extension_{extension.status}",
                title=_extension_title(extension),
                url=reverse("reporting:extension", args=[commune.code, extension.pk]),
                detail=detail,
                state="ok" if extension.status == ExtensionStatus.GRANTED else "late",
            )
        )
    return section


def _figure_checks(commune, status: str, unit_ids=None):
    checks = FigureVerification.objects.filter(commune=commune, status=status)
    if unit_ids is not None:
        checks = checks.filter(value__submission__unit_id__in=unit_ids)
    return checks.select_related(
        "value__indicator", "value__submission__period", "value__submission__unit"
    ).order_by("checked_at" if status == VerificationStatus.QUESTIONED else "answered_at")


def _figure_check_item(commune, check: FigureVerification, *, kind: str, detail: str) -> TodoItem:
    submission = check.value.submission
    return TodoItem(
        kind=kind,
        title=_("%(unit)s · %(period)s · indicator %(code)s")
        % {
            "unit": submission.unit.short_name,
            "period": submission.period.label,
            "code": check.value.indicator.code,
        },
        url=_submission_url(commune, submission.period, submission.unit_id)
        + f"#figure-{check.value_id}",
        detail=detail[:200],
        state="soon",
    )


def _unit_figure_questions(commune, unit_ids) -> TodoSection:
    section = TodoSection(
        "figure_questions",
        _("Questions of the standing office about your figures"),
        empty=_("No question about your figures awaits an answer."),
    )
    for check in _figure_checks(commune, VerificationStatus.QUESTIONED, unit_ids):
        section.items.append(
            _figure_check_item(commune, check, kind="figure_questioned", detail=check.note)
        )
    return section


# ---------------------------------------------------------------------------------------------
# Standing office


def _office_figure_answers(commune) -> TodoSection:
    section = TodoSection(
        "figure_answers",
        _("Answers of the units about their figures"),
        empty=_("No answer about a figure awaits your reading."),
    )
    for check in _figure_checks(commune, VerificationStatus.ANSWERED):
        section.items.append(
            _figure_check_item(commune, check, kind="figure_answered", detail=check.answer)
        )
    return section


def _office_reviews(commune) -> TodoSection:
    section = TodoSection(
        "reviews", _("Reports awaiting your review"), empty=_("No report awaits review.")
    )
    waiting = (
        Submission.objects.filter(commune=commune, status=SubmissionStatus.SUBMITTED)
        .select_related("unit", "period")
        .order_by("submitted_at")
    )
    for submission in waiting:
        period = submission.period
        detail = _("submitted %(when)s") % {
            "when": timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y %H:%M")
        }
        if submission.is_late:
            detail += " · " + _("late")
        section.items.append(
            TodoItem(
                kind="review",
                title=f"{submission.unit.short_name} · {period.label}",
                url=_submission_url(commune, period, submission.unit_id),
                detail=detail,
                state="soon",
            )
        )
    return section


def _office_late_units(commune, now, unopened) -> TodoSection:
    section = TodoSection("late", _("Units late"), empty=_("No unit is late."))
    units = list(Unit.objects.filter(commune=commune).order_by("order", "short_name"))
    periods = _open_periods(commune, unopened, deadline_by=now)
    for line in period_lines(commune, periods, units, now=now):
        late = [
            unit.short_name
            for unit, submission, state in line.mine
            if state == Timeliness.MISSING
            or (
                state == Timeliness.RETURNED
                and (submission.deadline_extended or line.period.deadline) <= now
            )
        ]
        if not late:
            continue
        section.items.append(
            TodoItem(
                kind="units_late",
                title=line.period.label,
                url=reverse("reporting:period", args=[commune.code, line.period.code]),
                detail=ngettext(
                    "%(count)s unit has not submitted: %(units)s",
                    "%(count)s units have not submitted: %(units)s",
                    len(late),
                )
                % {"count": len(late), "units": ", ".join(late)},
                state="late",
            )
        )
    return section


def _office_flags(commune) -> TodoSection:
    section = TodoSection(
        "flags",
        _("Deadlines and targets to check"),
        empty=_("No deadline or target needs checking."),
    )
    live = Q(plan__status__in=[PlanStatus.DRAFT, PlanStatus.IN_FORCE])
    for task in Task.objects.filter(live, commune=commune, deadline_flagged=True).order_by(
        "plan_id", "order"
    ):
        section.items.append(
            TodoItem(
                kind="deadline_flagged",
                title=_("Task %(code)s: deadline «%(text)s» to check")
                % {"code": task.code, "text": task.deadline_text},
                url=reverse("tasks:edit", args=[commune.code, task.pk]),
                detail=_(
                    "The printed deadline could not be read: the standing office should check it."
                ),
                state="soon",
            )
        )
    targets = (
        Target.objects.filter(commune=commune)
        .filter(
            indicator__plan__status__in=[PlanStatus.DRAFT, PlanStatus.IN_FORCE],
        )
        .values_list("indicator_id", "indicator__code", "indicator__measure_kind", "year", "text")
        .order_by("indicator__plan_id", "indicator__order", "year")
    )
    for indicator_id, code, measure_kind, year, text in targets:
        problem = target_problem(text, measure_kind)
        if problem is None:
            continue
        section.items.append(
            TodoItem(
                kind="target_flagged",
                title=_("Indicator %(code)s: target %(year)s «%(text)s» to correct")
                % {"code": code, "year": year, "text": text},
                url=reverse("indicators:edit", args=[commune.code, indicator_id]),
                detail=str(problem),
                state="soon",
            )
        )
    return section


def _office_extensions(commune) -> TodoSection:
    section = TodoSection(
        "extensions",
        _("Requests for more time to answer"),
        empty=_("No request for more time awaits an answer."),
    )
    waiting = (
        DeadlineExtension.objects.filter(commune=commune, status=ExtensionStatus.REQUESTED)
        .select_related("unit", "task", "submission__period")
        .order_by("requested_at")
    )
    for extension in waiting:
        section.items.append(
            TodoItem(
                kind="extension_requested",
                title=_extension_title(extension),
                url=reverse("reporting:extension", args=[commune.code, extension.pk]),
                detail=_("asked for %(day)s: %(reason)s")
                % {"day": day_text(extension.requested_date), "reason": extension.reason[:200]},
                state="soon",
            )
        )
    return section


def _due_periods_of_plan_years(commune, now, unopened) -> list[ReportingPeriod]:
    """The latest period of each kind whose reports are due, in a year with a plan in force."""
    years = plan_years_in_force(Plan.objects.filter(commune=commune))
    latest: dict[str, ReportingPeriod] = {}
    for period in _open_periods(commune, unopened, deadline_by=now):
        if period.kind != PeriodKind.AD_HOC and period.year in years:
            latest[period.kind] = period  # ordered by deadline: the last one wins
    return sorted(latest.values(), key=lambda p: p.deadline)


def _office_compile(commune, now, unopened) -> TodoSection:
    section = TodoSection(
        "compile", _("Commune reports to compile"), empty=_("No commune report to compile.")
    )
    periods = _due_periods_of_plan_years(commune, now, unopened)
    written = set(  # `or [0]`: one query even when no period is due, so the count stays fixed
        CommuneReportText.objects.filter(
            period_id__in=[p.pk for p in periods if p.pk is not None] or [0]
        ).values_list("period_id", flat=True)
    )
    for period in periods:
        if period.pk in written:
            continue
        section.items.append(
            TodoItem(
                kind="report_to_compile",
                title=_("Commune report: %(period)s") % {"period": period.label},
                url=reverse("reports:commune_report", args=[commune.code, period.code]),
                detail=_("units' reports were due before %(day)s")
                % {"day": timezone.localtime(period.deadline).strftime("%d/%m/%Y")},
                state="soon",
            )
        )
    return section


# ---------------------------------------------------------------------------------------------
# Leader


def _leader_sign(commune) -> TodoSection:
    section = TodoSection(
        "sign",
        _("Commune reports awaiting your sign-off"),
        empty=_("No commune report awaits sign-off."),
    )
    # Prepared by the office for an open period, and no signed PDF uploaded back for it yet.
    signed = Report.objects.filter(
        commune=commune, period=OuterRef("period"), kind=ReportKind.COMMUNE
    ).exclude(signed_file="")
    texts = (
        CommuneReportText.objects.filter(commune=commune, period__closed_at__isnull=True)
        .exclude(Exists(signed))
        .select_related("period")
        .order_by("period__deadline")
    )
    for text in texts:
        section.items.append(
            TodoItem(
                kind="report_to_sign",
                title=_("Commune report: %(period)s") % {"period": text.period.label},
                url=reverse("reports:commune_report", args=[commune.code, text.period.code]),
                detail=_("prepared by the standing office, %(when)s")
                % {"when": timezone.localtime(text.updated_at).strftime("%d/%m/%Y")},
                state="soon",
            )
        )
    return section


def _leader_overdue(commune, today, results) -> TodoSection:
    section = TodoSection("overdue", _("Overdue tasks"), empty=_("No task is overdue."))
    for result in results:
        if result.state in FINISHED or result.due_date is None or result.due_date >= today:
            continue
        task = result.task
        leads = ", ".join(u.short_name for u in task.lead_units.all()) or task.lead_text or "—"
        days, _urgency = _days_text(result.due_date, today)
        parts = [leads, _("due %(day)s") % {"day": day_text(result.due_date)}, days]
        if result.extended_to:
            parts.append(_("extended to %(day)s") % {"day": day_text(result.extended_to)})
        section.items.append(
            TodoItem(
                kind="task_overdue",
                title=_("Task %(code)s. %(name)s") % {"code": task.code, "name": task.name[:160]},
                url=reverse("dashboards:commune", args=[commune.code]) + "#tasks",
                detail=" · ".join(parts),
                state="late",
            )
        )
    return section


# ---------------------------------------------------------------------------------------------
# Tracked proposals (kiến nghị): the addressee answers, the unit reads the answer, the office closes


def _proposal_url(proposal: Proposal) -> str:
    return reverse("reporting:proposal", args=[proposal.commune.code, proposal.pk])


def _proposal_title(proposal: Proposal) -> str:
    return _("%(origin)s, %(period)s: %(text)s") % {
        "origin": proposal.origin_label,
        "period": proposal.period.label,
        "text": proposal.text[:160],
    }


def _proposals_to_answer(proposals, today, *, with_commune: bool = False) -> TodoSection:
    section = TodoSection(
        "proposals",
        _("Proposals awaiting your answer"),
        empty=_("No proposal awaits your answer."),
    )
    for proposal in proposals.select_related("commune", "unit", "period").order_by(
        "due_date", "pk"
    ):
        days, urgency = _days_text(proposal.due_date, today)
        parts = [_("answer due by %(day)s") % {"day": day_text(proposal.due_date)}, days]
        if proposal.is_overdue_on(today):
            parts.insert(0, _("overdue"))
        title = _proposal_title(proposal)
        if with_commune:
            title = f"{proposal.commune.name} · {title}"
        section.items.append(
            TodoItem(
                kind="proposal_to_answer",
                title=title,
                url=_proposal_url(proposal),
                detail=" · ".join(parts),
                state=urgency,
            )
        )
    return section


def _leader_proposals(commune, today) -> TodoSection:
    return _proposals_to_answer(
        Proposal.objects.filter(
            commune=commune,
            addressee=ProposalAddressee.COMMUNE_LEADERSHIP,
            status=ProposalStatus.OPEN,
        ),
        today,
    )


def _office_proposals(commune) -> TodoSection:
    section = TodoSection(
        "proposals_answered",
        _("Answered proposals to close"),
        empty=_("No answered proposal awaits closing."),
    )
    answered = (
        Proposal.objects.filter(commune=commune, status=ProposalStatus.ANSWERED)
        .select_related("commune", "unit", "period")
        .order_by("answered_at", "pk")
    )
    for proposal in answered:
        section.items.append(
            TodoItem(
                kind="proposal_to_close",
                title=_proposal_title(proposal),
                url=_proposal_url(proposal),
                detail=_("Answer: %(answer)s") % {"answer": proposal.answer[:200]},
                state="soon",
            )
        )
    return section


def _unit_proposal_answers(commune, unit_ids, now) -> TodoSection:
    section = TodoSection(
        "proposal_answers",
        _("Answers to your unit's proposals"),
        empty=_("No answer in the last %(days)s days.") % {"days": ANSWERED_RECENTLY_DAYS},
    )
    answered = (
        Proposal.objects.filter(
            commune=commune,
            unit_id__in=unit_ids,
            answered_at__gte=now - timedelta(days=ANSWERED_RECENTLY_DAYS),
        )
        .select_related("commune", "unit", "period")
        .order_by("-answered_at", "pk")
    )
    for proposal in answered:
        section.items.append(
            TodoItem(
                kind="proposal_answered",
                title=_proposal_title(proposal),
                url=_proposal_url(proposal),
                detail=_("%(addressee)s answered: %(answer)s")
                % {"addressee": proposal.get_addressee_display(), "answer": proposal.answer[:300]},
                state="ok",
            )
        )
    return section


# ---------------------------------------------------------------------------------------------


def commune_todo(
    commune: Commune, scope: Scope, *, now: datetime | None = None, unopened: bool = False
) -> TodoList:
    """The caller's work in a commune, by the roles it holds there. With `unopened` (the to-do
    page), the periods due that nobody has written to yet count too, as on the periods page;
    the menus' counts read the periods that have their row (the daily `periods_open` gives
    them theirs), in a fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        [p for p in periods_due(commune, today, since=reporting_start(commune)) if p.pk is None]
        if unopened and scope.is_member_of(commune)
        else []
    )
    sections: list[TodoSection] = []
    my_units = (
        list(Unit.objects.filter(commune=commune, pk__in=scope.unit_ids).order_by("order"))
        if scope.unit_ids
        else []
    )
    manages = commune.pk in scope.managed_commune_ids
    leads = commune.pk in scope.led_commune_ids
    results = _tasks_of_year(commune, today, due) if my_units or leads else []
    if my_units:
        unit_ids = {unit.pk for unit in my_units}
        sections += [
            _unit_reports(commune, my_units, now, today, due),
            _unit_tasks(commune, unit_ids, today, results),
            _unit_answers(commune, unit_ids, now),
            _unit_proposal_answers(commune, unit_ids, now),
            _unit_figure_questions(commune, unit_ids),
        ]
    if manages:
        sections += [
            _office_reviews(commune),
            _office_late_units(commune, now, due),
            _office_flags(commune),
            _office_extensions(commune),
            _office_figure_answers(commune),
            # A commune report is written for a period with its row (opened daily, `periods_open`).
            _office_compile(commune, now, []),
            _office_proposals(commune),
        ]
    if leads:
        sections += [
            _leader_sign(commune),
            _leader_overdue(commune, today, results),
            _leader_proposals(commune, today),
        ]
    return TodoList(sections)


def province_todo(province: Province, *, now: datetime | None = None) -> TodoList:
    """A province officer's work: communes late or missing for the latest period due, and the
    consolidated reports ready to download."""
    now = now or timezone.now()
    late = TodoSection(
        "communes", _("Communes late or missing"), empty=_("Every commune has reported.")
    )
    option = province_period_choose(
        province_periods(province), plan_years=province_plan_years(province), now=now
    )
    if option is not None and option.deadline <= now:
        label = period_parse(option.code).label_vi()
        for standing in province_standings(province, option.code):
            if not standing.has_plan:
                continue
            owed = standing.missing
            commune = standing.commune
            if standing.period is None:
                late.items.append(
                    TodoItem(
                        kind="commune_missing",
                        title=f"{commune.name} · {label}",
                        url=reverse("dashboards:commune", args=[commune.code]),
                        detail=_("No unit has opened this period's report."),
                        state="late",
                    )
                )
                continue
            if not owed and not standing.late:
                continue
            parts = []
            if owed:
                parts.append(
                    ngettext(
                        "%(count)s unit has not submitted",
                        "%(count)s units have not submitted",
                        owed,
                    )
                    % {"count": owed}
                )
            if standing.late:
                parts.append(
                    ngettext("%(count)s late", "%(count)s late", standing.late)
                    % {"count": standing.late}
                )
            late.items.append(
                TodoItem(
                    kind="commune_late",
                    title=f"{commune.name} · {label}",
                    url=reverse("dashboards:commune", args=[commune.code])
                    + f"?period={option.code}",
                    detail=" · ".join(parts)
                    + " "
                    + _("(of %(count)s units)") % {"count": standing.units_expected},
                    state="late" if owed else "soon",
                )
            )
    ready = TodoSection(
        "ready", _("Consolidated reports ready"), empty=_("No consolidated report is ready.")
    )
    files = Report.objects.filter(
        kind=ReportKind.PROVINCE, province=province, status=ReportStatus.DONE
    ).order_by("-finished_at", "-pk")[:10]
    for report in files:
        ready.items.append(
            TodoItem(
                kind="consolidated_ready",
                title=_("Consolidated report %(period)s (%(format)s)")
                % {"period": report.period_code, "format": report.get_format_display()},
                url=reverse("reports:province_download", args=[province.code, report.pk]),
                detail=timezone.localtime(report.finished_at).strftime("%d/%m/%Y %H:%M")
                if report.finished_at
                else "",
                state="ok",
            )
        )
    to_answer = _proposals_to_answer(
        Proposal.objects.filter(
            commune__province=province,
            addressee__in=PROVINCE_ADDRESSEES,
            status=ProposalStatus.OPEN,
        ),
        timezone.localdate(now),
        with_commune=True,
    )
    return TodoList([late, ready, to_answer])


# ---------------------------------------------------------------------------------------------
# The inspector's home: what there is to read, never anything to do.

INSPECTION_PERIODS_PER_COMMUNE = 4


@dataclass
class InspectionPeriod:
    period: ReportingPeriod
    submitted: int
    approved: int


@dataclass
class InspectionCommune:
    commune: Commune
    plans: list[Plan] = field(default_factory=list)
    periods: list[InspectionPeriod] = field(default_factory=list)


def inspection_communes(scope: Scope, *, now: datetime | None = None) -> list[InspectionCommune]:
    """The communes an inspector reads (its commune, or every commune of its province), each with
    its plans and its latest periods due within its plans' years (with how many unit reports
    are in and approved).

    Four queries whatever the number of communes, plans and periods; it creates nothing.
    """
    now = now or timezone.now()
    communes = list(
        Commune.objects.filter(
            Q(pk__in=scope.inspected_commune_ids) | Q(province__in=scope.inspected_province_ids)
        )
        .select_related("province")
        .order_by("province__name", "name")
    )
    rows = {commune.pk: InspectionCommune(commune) for commune in communes}
    for plan in Plan.objects.filter(commune__in=rows).order_by("-period_start", "document_number"):
        rows[plan.commune_id].plans.append(plan)
    periods = ReportingPeriod.objects.filter(
        commune__in=rows, deadline__lte=now + timedelta(days=31)
    )
    latest: list[ReportingPeriod] = []
    for period in periods.order_by("commune_id", "-deadline", "code"):
        row = rows[period.commune_id]
        in_a_plan = any(p.period_start <= period.year <= p.period_end for p in row.plans)
        if in_a_plan and len(row.periods) < INSPECTION_PERIODS_PER_COMMUNE:
            latest.append(period)
            row.periods.append(InspectionPeriod(period, 0, 0))
    counts = (
        Submission.objects.filter(
            period__in=[p.pk for p in latest],
            status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED],
        )
        .values_list("period_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_period: dict[int, dict[str, int]] = {}
    for period_id, status, count in counts:
        by_period.setdefault(period_id, {})[status] = count
    for row in rows.values():
        for item in row.periods:
            found = by_period.get(item.period.pk, {})
            item.approved = found.get(SubmissionStatus.APPROVED, 0)
            item.submitted = found.get(SubmissionStatus.SUBMITTED, 0) + item.approved
    return list(rows.values())
