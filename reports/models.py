"""Official-format reports: the commune's issued text for a period, and the files rendered from it."""

from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models import SigningAuthority


def reports_storage():
    """The storage alias "reports" when settings.STORAGES names one, else the default storage."""
    return storages["reports"] if "reports" in settings.STORAGES else default_storage


class ReportKind(models.TextChoices):
    COMMUNE = "commune", _("commune report")
    PROVINCE = "province", _("province consolidated report")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"
    DOCX = "docx", "Word"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("being prepared")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


def report_filename(scope: str, period_code: str, fmt: str) -> str:
    """A report file's name: bao-cao-<the commune's code, or tinh-<the province's code>>-<period
    code>.<format>."""
    return f"bao-cao-{scope}-{period_code}.{fmt}"


class Report(models.Model):
    """One rendering of a report (PDF or Excel), made in the background and kept for download.

    `data_fingerprint` digests the figures, plan rows and texts the rendering read; when the
    same digest computed now differs, the data changed after the file was made: it is stale.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    province = models.ForeignKey(
        "communes.Province", on_delete=models.CASCADE, related_name="+", verbose_name=_("province")
    )
    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    period = models.ForeignKey(
        "reporting.ReportingPeriod",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("period"),
    )
    period_code = models.CharField(_("period code"), max_length=20)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(
        _("file"), storage=reports_storage, upload_to="%Y/%m/", blank=True, max_length=200
    )
    data_fingerprint = models.CharField(_("data fingerprint"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # The outbox: when the render was handed to the broker (null: not yet, e.g. the broker was
    # down; the sweep queues it), and how many times a worker took it up.
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # What the file says of its issue, as it was when the file was made.
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    issued_on = models.DateField(_("date of the report"), null=True, blank=True)
    issued_by = models.CharField(_("issued by (signer)"), max_length=200, blank=True)
    # The official file: the PDF as signed, uploaded back; the generated file stays beside it.
    signed_file = models.FileField(
        _("signed file"),
        storage=reports_storage,
        upload_to="signed/%Y/%m/",
        blank=True,
        max_length=200,
    )
    signed_uploaded_at = models.DateTimeField(_("signed file uploaded"), null=True, blank=True)
    signed_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed file uploaded by"),
    )
    # Who signed it, as the signatures in the file name them (read with pyHanko); empty: none.
    signers = models.CharField(_("signed by"), max_length=500, blank=True)
    signature_count = models.PositiveSmallIntegerField(_("digital signatures"), default=0)
    # A province's file made as part of a national report (its zip); null: asked for alone.
    national_report = models.ForeignKey(
        "reports.NationalReport",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("national report"),
    )

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["commune", "period_code", "-created_at"]),
            models.Index(fields=["province", "kind", "period_code", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="province", commune__isnull=True)
                | models.Q(kind="commune", commune__isnull=False),
                name="report_scope_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        scope = self.commune or self.province
        return f"{scope} · {self.period_code} · {self.get_format_display()}"

    @property
    def awaits_queue(self) -> bool:
        """Recorded, but not yet handed to the workers (the queue was unreachable)."""
        return self.status == ReportStatus.QUEUED and self.queued_at is None

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def filename(self) -> str:
        scope = self.commune.code if self.commune_id else f"tinh-{self.province.code}"
        return report_filename(scope, self.period_code, self.format)

    @property
    def signed_filename(self) -> str:
        return self.filename.replace(".pdf", "-da-ky.pdf")

    @property
    def can_take_signed_file(self) -> bool:
        return self.format == ReportFormat.PDF and self.status == ReportStatus.DONE


class NationalReportStatus(models.TextChoices):
    RENDERING = "rendering", _("the provinces' files are being made")
    ASSEMBLING = "assembling", _("the zip is being assembled")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class NationalReport(models.Model):
    """The consolidated report of the country, or of the provinces chosen: one province report
    file per province (a `Report` each, rendered by the workers in parallel through the reports'
    outbox), put in one zip when the last is finished. Asked for by an administrator."""

    period_code = models.CharField(_("period code"), max_length=20)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    whole_country = models.BooleanField(_("every province"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NationalReportStatus.choices,
        default=NationalReportStatus.RENDERING,
    )
    file = models.FileField(
        _("file"), storage=reports_storage, upload_to="national/%Y/%m/", blank=True, max_length=200
    )
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    # When a worker began putting the zip together (the sweep takes up one a dead worker left).
    assembly_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("national report")
        verbose_name_plural = _("national reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename}"

    @property
    def is_finished(self) -> bool:
        return self.status in (NationalReportStatus.DONE, NationalReportStatus.FAILED)

    @property
    def filename(self) -> str:
        scope = "toan-quoc" if self.whole_country else "cac-tinh"
        return f"bao-cao-{scope}-{self.period_code}-{self.format}.zip"


class CommuneReportText(models.Model):
    """The parts of a commune's periodic report that people write: number, date, narrative, signer.

    Prefilled from the plan and the units' approved narratives (`reports.selectors`), edited by
    the standing office before the report is issued.
    """

    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )
    period = models.OneToOneField(
        "reporting.ReportingPeriod",
        on_delete=models.CASCADE,
        related_name="report_text",
        verbose_name=_("period"),
    )
    document_number = models.CharField(
        _("document number"),
        max_length=20,
        blank=True,
        help_text=_('The number before "/BC-UBND"; leave it blank for the clerk to write by hand.'),
    )
    issued_on = models.DateField(
        _("date of the report"),
        null=True,
        blank=True,
        help_text=_("Leave it blank for the clerk to write by hand."),
    )
    summary = models.TextField(_("summary line (trích yếu)"))
    addressee = models.CharField(
        _("addressed to (Kính gửi)"),
        max_length=300,
        blank=True,
        help_text=_("When the report goes to a higher level; leave it blank otherwise."),
    )
    results = models.TextField(_("results achieved"), blank=True)
    difficulties = models.TextField(_("shortcomings, difficulties and obstacles"), blank=True)
    causes = models.TextField(_("causes"), blank=True)
    next_tasks = models.TextField(_("directions and tasks for the coming period"), blank=True)
    proposals = models.TextField(_("proposals and recommendations"), blank=True)
    recipients = models.TextField(
        _("recipients (Nơi nhận)"), blank=True, help_text=_("One recipient a line.")
    )
    signing_authority = models.CharField(
        _("signing authority"), max_length=40, choices=SigningAuthority.choices
    )
    signer_title = models.CharField(_("signer's title"), max_length=60)
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("commune report text")
        verbose_name_plural = _("commune report texts")

    def __str__(self) -> str:
        return f"{self.commune} · {self.period}"


class ProvinceReportText(models.Model):
    """The parts of the province's consolidated report that its officer writes: number, date,
    addressee, recipients, signer, and the narrative compiled from the communes' reports
    (each item naming its commune), edited before the report is issued."""

    province = models.ForeignKey(
        "communes.Province", on_delete=models.CASCADE, related_name="+", verbose_name=_("province")
    )
    period_code = models.CharField(_("period code"), max_length=20)
    document_number = models.CharField(
        _("document number"),
        max_length=20,
        blank=True,
        help_text=_(
            'The number before "/BC-SKHCN"; leave it blank for the clerk to write by hand.'
        ),
    )
    issued_on = models.DateField(
        _("date of the report"),
        null=True,
        blank=True,
        help_text=_("Leave it blank for the clerk to write by hand."),
    )
    addressee = models.CharField(_("addressed to (Kính gửi)"), max_length=300, blank=True)
    results = models.TextField(_("results achieved"), blank=True)
    difficulties = models.TextField(_("shortcomings, difficulties and obstacles"), blank=True)
    causes = models.TextField(_("causes"), blank=True)
    next_tasks = models.TextField(_("directions and tasks for the coming period"), blank=True)
    proposals = models.TextField(_("proposals and recommendations"), blank=True)
    recipients = models.TextField(
        _("recipients (Nơi nhận)"), blank=True, help_text=_("One recipient a line.")
    )
    deputy = models.BooleanField(_("signed by a deputy (KT. GIÁM ĐỐC)"), default=False)
    signer_title = models.CharField(_("signer's title"), max_length=60, default="GIÁM ĐỐC")
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("province report text")
        verbose_name_plural = _("province report texts")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "period_code"], name="province_report_text_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.province} · {self.period_code}"
