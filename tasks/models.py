"""Tasks (nhiệm vụ) of a plan, with lead and support units and a deadline kept as printed."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from communes.models import UnitAssignment
from tasks.deadlines import DeadlineKind, deadline_event


class TaskSection(models.Model):
    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="task_sections", verbose_name=_("plan")
    )
    numeral = models.CharField(_("numeral"), max_length=10, blank=True)
    title = models.TextField(_("title"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("task section")
        verbose_name_plural = _("task sections")
        ordering = ["plan", "order"]
        indexes = [models.Index(fields=["commune", "plan"])]
        constraints = [
            models.UniqueConstraint(fields=["plan", "numeral"], name="task_section_numeral_unique")
        ]

    def __str__(self) -> str:
        return f"{self.numeral}. {self.title}" if self.numeral else self.title


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DONE_LATE = "done_late", _("done late")
    CANCELLED = "cancelled", _("cancelled")


class Task(UnitAssignment):
    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan")
    )
    section = models.ForeignKey(
        TaskSection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("section"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.TextField(_("name"))
    is_heading = models.BooleanField(
        _("heading task"),
        default=False,
        help_text=_(
            "A heading whose sub-items carry the work: progress is reported on the sub-items (on the heading only while it has none)."
        ),
    )
    expected_result = models.TextField(_("expected result"), blank=True)
    budget_million_vnd = models.DecimalField(
        _("budget (million VND)"), max_digits=16, decimal_places=3, null=True, blank=True
    )
    # The deadline as printed, and what the portal understood of it (tasks.deadlines.deadline_parse).
    deadline_text = models.CharField(_("deadline as printed"), max_length=200, blank=True)
    deadline_kind = models.CharField(
        _("kind of deadline"),
        max_length=20,
        choices=DeadlineKind.choices,
        default=DeadlineKind.NONE,
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    is_continuous = models.BooleanField(_("continuous (every period)"), default=False)
    recurrence_month = models.PositiveSmallIntegerField(
        _("recurs each year in month"), null=True, blank=True
    )
    recurrence_for_next_year = models.BooleanField(_("recurs for the coming year"), default=False)
    start_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    deadline_flagged = models.BooleanField(
        _("deadline not understood"),
        default=False,
        help_text=_("The printed deadline could not be read: the standing office should check it."),
    )
    # Filled by the reporting workflow.
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress_percent = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "order"]
        indexes = [
            models.Index(fields=["commune", "plan", "order"]),
            models.Index(fields=["commune", "due_date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "section", "code"], name="task_code_unique", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=models.Q(progress_percent__lte=100), name="task_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name[:80]}"

    # The structured deadline, derived from `deadline_text` by `deadline_apply`.
    DEADLINE_FIELDS = (
        "deadline_kind",
        "due_date",
        "is_continuous",
        "recurrence_month",
        "recurrence_for_next_year",
        "start_year",
        "end_year",
        "deadline_flagged",
    )

    @property
    def deadline_event(self) -> str:
        """The event an "on an event" deadline waits for, as printed."""
        if self.deadline_kind != DeadlineKind.EVENT:
            return ""
        return deadline_event(self.deadline_text)

    def deadline_apply(self, parsed) -> None:
        """Copy a `ParsedDeadline` onto the structured deadline fields."""
        self.deadline_kind = parsed.kind
        self.due_date = parsed.due_date
        self.is_continuous = parsed.is_continuous
        self.recurrence_month = parsed.recurrence_month
        self.recurrence_for_next_year = parsed.recurrence_for_next_year
        self.start_year = parsed.start_year
        self.end_year = parsed.end_year
        self.deadline_flagged = parsed.flagged
