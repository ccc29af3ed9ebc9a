"""Unit reporting: the commune's schedule, its periods, each unit's submission and its figures."""

from datetime import date, timedelta

from django.core.validators import FileExtensionValidator, MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from indicators.fields import FigureField
from reporting.periods import DEFAULT_DEADLINES, CutoffRule, DeadlineRule, PeriodKind, period_parse
from tasks.models import TaskStatus

EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "odt", "ods"]
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class ReportingSchedule(models.Model):
    """One report kind a commune uses, with its deadline and data cut-off: data, not code."""

    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.CASCADE,
        related_name="schedules",
        verbose_name=_("commune"),
    )
    kind = models.CharField(
        _("report kind"),
        max_length=20,
        choices=[(k.value, k.label) for k in PeriodKind if k != PeriodKind.AD_HOC],
    )
    is_used = models.BooleanField(_("used by the commune"), default=True)
    deadline_day = models.PositiveSmallIntegerField(
        _("due before day"), help_text=_("The report is due before this day of the month.")
    )
    deadline_month_offset = models.SmallIntegerField(
        _("months after the period"),
        default=1,
        help_text=_("0: in the period's last month; 1: in the month after it."),
    )
    cutoff_day = models.PositiveSmallIntegerField(
        _("data cut-off day"),
        default=14,
        help_text=_("Decree 09/2019: data run to the 14th of the period's last month."),
    )
    # A plan's duty that fixes no day ("định kỳ hàng năm hoặc đột xuất"): the days above are
    # placeholders until the standing office completes the entry; nothing is due meanwhile.
    needs_completion = models.BooleanField(_("to be completed by the office"), default=False)
    duty_text = models.TextField(_("reporting duty as printed"), blank=True)

    class Meta:
        verbose_name = _("reporting schedule")
        verbose_name_plural = _("reporting schedules")
        constraints = [
            models.UniqueConstraint(fields=["commune", "kind"], name="schedule_kind_unique")
        ]

    def __str__(self) -> str:
        return f"{self.commune} · {self.get_kind_display()}"

    @property
    def is_in_effect(self) -> bool:
        """Reports of this kind fall due: the kind is used and its days are complete."""
        return self.is_used and not self.needs_completion

    @property
    def deadline_rule(self) -> DeadlineRule:
        return DeadlineRule(self.deadline_day, self.deadline_month_offset)

    @property
    def cutoff_rule(self) -> CutoffRule:
        return CutoffRule(self.cutoff_day)

    @classmethod
    def default_for(cls, commune, kind: str) -> "ReportingSchedule":
        rule = DEFAULT_DEADLINES[kind]
        return cls(
            commune=commune,
            kind=kind,
            deadline_day=rule.day,
            deadline_month_offset=rule.month_offset,
        )


class ReportingPeriod(models.Model):
    """A period a commune's units report on: a calendar period ("202506") or an ad-hoc request."""

    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=_("commune"),
    )
    kind = models.CharField(_("report kind"), max_length=20, choices=PeriodKind.choices)
    code = models.CharField(_("period code"), max_length=20)
    title = models.CharField(_("title"), max_length=300, blank=True)
    window_start = models.DateField(_("data from"))
    window_end = models.DateField(_("data to"))
    deadline = models.DateTimeField(
        _("deadline"), help_text=_("Submissions at or after this instant are late.")
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Ad-hoc requests (đột xuất): who is asked, about what.
    requested_units = models.ManyToManyField(
        "communes.Unit", blank=True, related_name="adhoc_requests", verbose_name=_("units asked")
    )
    requested_indicators = models.ManyToManyField(
        "indicators.Indicator",
        blank=True,
        related_name="adhoc_requests",
        verbose_name=_("indicators asked"),
    )
    questions = models.TextField(_("questions"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["commune", "-window_end", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="period_code_unique")
        ]
        indexes = [models.Index(fields=["commune", "kind", "window_end"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.AD_HOC:
            return self.title
        return period_parse(self.code).label()

    @property
    def year(self) -> int:
        return self.year_of(self.kind, self.code, self.window_end)

    @staticmethod
    def year_of(kind: str, code: str, window_end: date) -> int:
        """The year a period reports on: its code's, or an ad-hoc request's last day's."""
        return window_end.year if kind == PeriodKind.AD_HOC else period_parse(code).year

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def last_day(self) -> date:
        """The last day on which a submission is on time."""
        return timezone.localtime(self.deadline).date() - timedelta(days=1)

    def is_late_at(self, moment) -> bool:
        return moment >= self.deadline


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


class Submission(models.Model):
    """A unit's report for a period: its figures, task progress and narrative."""

    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("period"),
    )
    unit = models.ForeignKey(
        "communes.Unit",
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("unit"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    # Optimistic locking: every save bumps it; a save against an older version is refused.
    version = models.PositiveIntegerField(default=1)
    results = models.TextField(_("results achieved"), blank=True)
    difficulties = models.TextField(_("difficulties and obstacles"), blank=True)
    proposals = models.TextField(_("proposals and recommendations"), blank=True)
    # What the person typed that could not be saved yet (bad numbers…), so nothing typed is lost.
    pending_inputs = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    # Set by a granted extension (`DeadlineExtension`): the instant from which this unit's report
    # is late instead of the period's deadline.
    deadline_extended = models.DateTimeField(_("deadline extended to"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("unit submission")
        verbose_name_plural = _("unit submissions")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="submission_unique")]
        indexes = [models.Index(fields=["commune", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"

    @property
    def deadline(self):
        """The instant from which this report is late: the period's, or a granted extension's."""
        return self.deadline_extended or self.period.deadline

    @property
    def last_day(self) -> date:
        """The last day on which this report is on time."""
        return timezone.localtime(self.deadline).date() - timedelta(days=1)

    @property
    def is_editable(self) -> bool:
        return (
            self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
            and not self.period.is_closed
        )


class IndicatorValue(models.Model):
    """A unit's figure for an indicator in a period. Ratios keep their numerator and denominator."""

    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="values"
    )
    value = FigureField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    numerator = FigureField(
        _("numerator (a)"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    denominator = FigureField(
        _("denominator (b)"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    is_done = models.BooleanField(_("done"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    outlier_confirmed = models.BooleanField(_("unusual value confirmed"), default=False)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["submission", "indicator"], name="value_unique")
        ]
        indexes = [models.Index(fields=["commune", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"

    @property
    def is_empty(self) -> bool:
        return (
            self.value is None and self.numerator is None and self.is_done is None and not self.text
        )


class TaskProgress(models.Model):
    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="task_progress"
    )
    task = models.ForeignKey(
        "tasks.Task", on_delete=models.PROTECT, related_name="progress_reports"
    )
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, blank=True)
    percent = models.PositiveSmallIntegerField(
        _("percent complete"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    result = models.TextField(_("result achieved"), blank=True)
    evidence_number = models.CharField(_("document number"), max_length=100, blank=True)
    evidence_date = models.DateField(_("document date"), null=True, blank=True)
    evidence_file = models.FileField(
        _("evidence file"),
        upload_to="evidence/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )
    # The end of the submission's period (periods never move), copied so that an index on
    # (task, period end) answers "the latest progress of each task" without reading its history.
    period_end = models.DateField(editable=False)

    class Meta:
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        constraints = [
            models.UniqueConstraint(fields=["submission", "task"], name="task_progress_unique")
        ]
        indexes = [
            models.Index(fields=["task", "-period_end"], name="task_progress_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code}: {self.status}"

    def save(self, *args, **kwargs):
        if self.period_end is None:
            self.period_end = self.submission.period.window_end
        super().save(*args, **kwargs)


class TaskLatestProgress(models.Model):
    """A task's latest approved progress over its whole history (a lead unit's before a support
    unit's: `reporting.results.latest_progress_kept`), kept by
    `reporting.services.task_latest_progress_refresh` whenever a report is approved, reopened or
    corrected after approval. It holds for every period that ends on or after `through`, the latest
    period end of the task's approved progress; for an earlier period, or a task without a row
    here, the reading falls back to the task's history (`reporting.results`)."""

    task = models.OneToOneField(
        "tasks.Task", primary_key=True, on_delete=models.CASCADE, related_name="latest_progress"
    )
    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    progress = models.ForeignKey(TaskProgress, on_delete=models.CASCADE, related_name="+")
    through = models.DateField()

    class Meta:
        verbose_name = _("latest task progress")
        verbose_name_plural = _("latest task progress")

    def __str__(self) -> str:
        return f"{self.task_id}: {self.progress_id} ({self.through})"


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("awaiting an answer")
    GRANTED = "granted", _("granted")
    REFUSED = "refused", _("refused")


class DeadlineExtension(models.Model):
    """A unit's request for a later deadline (gia hạn) for a task or for its report of a period,
    and the standing office's answer. Dates are last on-time days, as the plans print them.

    A granted report extension is copied onto `Submission.deadline_extended`, which every status
    reads; a granted task extension moves that occurrence of the task's due date
    (`tasks.deadlines.task_due_dates`, `extended`)."""

    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )
    unit = models.ForeignKey(
        "communes.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="extensions",
        verbose_name=_("unit report"),
    )
    task = models.ForeignKey(
        "tasks.Task",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="extensions",
        verbose_name=_("task"),
    )
    original_date = models.DateField(_("deadline (last day)"))
    requested_date = models.DateField(_("new deadline asked for"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.REQUESTED,
    )
    granted_date = models.DateField(_("new deadline granted"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["commune", "status"])]
        constraints = [
            models.CheckConstraint(
                name="extension_for_task_or_report",
                condition=models.Q(task__isnull=True, submission__isnull=False)
                | models.Q(task__isnull=False, submission__isnull=True),
            ),
            models.CheckConstraint(
                name="extension_granted_has_date",
                condition=~models.Q(status="granted") | models.Q(granted_date__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        subject = self.task.code if self.task_id else str(self.submission.period)
        return f"{self.unit} · {subject} · {self.requested_date:%d/%m/%Y}"

    @property
    def subject_label(self) -> str:
        if self.task_id:
            return _("task %(code)s. %(name)s") % {
                "code": self.task.code,
                "name": self.task.name[:120],
            }
        return _("report %(period)s") % {"period": self.submission.period.label}


class ProposalAddressee(models.TextChoices):
    COMMUNE_LEADERSHIP = "commune_leadership", _("commune leadership (Lãnh đạo UBND xã)")
    PROVINCE_DEPARTMENT = "province_department", _("a province department (Sở, ngành tỉnh)")
    PROVINCE = "province", _("the province (UBND tỉnh)")


# Who answers: the commune's leaders the first, the province's officers the two others.
PROVINCE_ADDRESSEES = (ProposalAddressee.PROVINCE_DEPARTMENT, ProposalAddressee.PROVINCE)


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("awaiting an answer")
    ANSWERED = "answered", pgettext_lazy("proposal", "answered")
    CLOSED = "closed", pgettext_lazy("proposal", "closed")


class Proposal(models.Model):
    """A proposal (kiến nghị) made in a report, followed to its answer: the standing office
    addresses it and sets when it should be answered, the addressee answers, the office closes
    it. `unit` is the unit whose report made it; empty for the commune's own."""

    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )
    unit = models.ForeignKey(
        "communes.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("period"),
    )
    submission = models.ForeignKey(
        Submission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tracked_proposals",
        verbose_name=_("unit report"),
    )
    text = models.TextField(_("proposal"))
    addressee = models.CharField(
        _("addressed to"), max_length=30, choices=ProposalAddressee.choices
    )
    due_date = models.DateField(_("answer due by"))
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["commune", "status", "due_date"]),
            models.Index(fields=["addressee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.text[:80]}"

    @property
    def origin_label(self) -> str:
        return self.unit.short_name if self.unit_id else str(_("the commune (UBND xã)"))

    @property
    def is_for_province(self) -> bool:
        return self.addressee in PROVINCE_ADDRESSEES

    @property
    def answerer_key(self) -> tuple[str, int]:
        """Who answers it, as (role, commune or province id): `reporting.proposals.answerer_key`."""
        from reporting.proposals import answerer_key  # the rule's home imports this module

        return answerer_key(
            addressee=self.addressee,
            commune_id=self.commune_id,
            province_id=self.commune.province_id,
        )

    def is_overdue_on(self, today: date) -> bool:
        return self.status == ProposalStatus.OPEN and self.due_date < today


class VerificationStatus(models.TextChoices):
    VERIFIED = "verified", _("verified")
    QUESTIONED = "questioned", _("questioned")
    ANSWERED = "answered", _("answered by the unit")


class FigureVerification(models.Model):
    """The standing office's check of an approved figure (kiểm chứng): verified, with the evidence
    it looked at, or questioned, until the unit answers. One current record per figure; the
    history of its changes is in the audit rows."""

    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )
    value = models.OneToOneField(
        IndicatorValue,
        on_delete=models.CASCADE,
        related_name="verification",
        verbose_name=_("figure"),
    )
    status = models.CharField(_("status"), max_length=20, choices=VerificationStatus.choices)
    note = models.TextField(_("evidence or question"))
    checked_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("figure verification")
        verbose_name_plural = _("figure verifications")
        indexes = [models.Index(fields=["commune", "status"])]

    def __str__(self) -> str:
        return str(self.value)
