"""The unit's report form: one input per figure, shaped by the indicator's kind of measure."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.fields import VietnameseDecimalField
from indicators.models import MeasureKind
from indicators.numbers import decimal_format_vi
from reporting.models import EVIDENCE_EXTENSIONS, EVIDENCE_MAX_BYTES
from reporting.selectors import UnitReport, indicator_figure
from tasks.models import TaskStatus

# Shares that cannot exceed the whole (a percentage of people, of the budget, of GRDP).
BOUNDED_KINDS = {MeasureKind.PERCENT, MeasureKind.SHARE_BUDGET, MeasureKind.SHARE_GRDP}
MILESTONE_CHOICES = [("", "—"), ("done", _("done")), ("not_done", _("not done"))]
# A value outside [min / OUTLIER_FACTOR, max × OUTLIER_FACTOR] of the unit's own approved history is
# worth a second look (DHIS2's min-max check); the person confirms it, it is never refused.
OUTLIER_FACTOR = Decimal(2)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


class EvidenceFileField(forms.FileField):
    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size"):
            extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if extension not in EVIDENCE_EXTENSIONS:
                raise forms.ValidationError(
                    _("«%(name)s» is not an accepted file type. Accepted: %(types)s."),
                    code="file_type",
                    params={"name": upload.name, "types": ", ".join(EVIDENCE_EXTENSIONS)},
                )
            if upload.size > EVIDENCE_MAX_BYTES:
                raise forms.ValidationError(
                    _("«%(name)s» is larger than %(limit)s MB."),
                    code="file_size",
                    params={"name": upload.name, "limit": EVIDENCE_MAX_BYTES // (1024 * 1024)},
                )
        return upload


class SubmissionForm(forms.Form):
    """Built from a `UnitReport`: field names carry the indicator or task id."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    results = forms.CharField(
        label=_("Results achieved"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    difficulties = forms.CharField(
        label=_("Difficulties and obstacles"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposals = forms.CharField(
        label=_("Proposals and recommendations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, report: UnitReport, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        submission = report.submission
        self.fields["version"].initial = submission.version
        for name in ("results", "difficulties", "proposals"):
            self.fields[name].initial = getattr(submission, name)
        for item in report.indicators:
            self._indicator_fields(item)
        for item in report.tasks:
            self._task_fields(item)
        if not self.is_bound and submission.pending_inputs:
            # What was typed but could not be saved comes back exactly as typed.
            self.initial.update(submission.pending_inputs)
        self.warnings: dict[str, str] = {}

    # ---- building
    def _indicator_fields(self, item) -> None:
        indicator, value = item.indicator, item.value
        prefix = f"ind_{indicator.pk}"
        if indicator.is_ratio:
            self.fields[f"{prefix}_a"] = VietnameseDecimalField(
                label=_("a: %(definition)s") % {"definition": indicator.numerator_definition},
                required=False,
                min_value=Decimal(0),
                initial=value.numerator if value else None,
            )
            self.fields[f"{prefix}_b"] = VietnameseDecimalField(
                label=_("b: %(definition)s") % {"definition": indicator.denominator_definition},
                required=False,
                min_value=Decimal(0),
                initial=value.denominator if value else None,
            )
        elif indicator.measure_kind == MeasureKind.MILESTONE:
            initial = (
                ""
                if not value or value.is_done is None
                else ("done" if value.is_done else "not_done")
            )
            self.fields[f"{prefix}_done"] = forms.ChoiceField(
                label=indicator.name, choices=MILESTONE_CHOICES, required=False, initial=initial
            )
        elif indicator.measure_kind == MeasureKind.TEXT:
            self.fields[f"{prefix}_text"] = forms.CharField(
                label=indicator.name,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=value.text if value else "",
            )
        else:
            self.fields[f"{prefix}_value"] = VietnameseDecimalField(
                label=indicator.name,
                required=False,
                allow_percent=indicator.measure_kind in BOUNDED_KINDS,
                min_value=Decimal(0),
                initial=value.value if value else None,
            )
        self.fields[f"{prefix}_confirm"] = forms.BooleanField(
            label=_("I have checked this unusual value: it is correct."),
            required=False,
            initial=bool(value and value.outlier_confirmed),
        )

    def _task_fields(self, item) -> None:
        progress, prefix = item.progress, f"task_{item.task.pk}"
        self.fields[f"{prefix}_status"] = forms.ChoiceField(
            label=_("Status"),
            choices=[("", "—"), *TaskStatus.choices],
            required=False,
            initial=progress.status if progress else "",
        )
        self.fields[f"{prefix}_percent"] = forms.IntegerField(
            label=_("Percent complete"),
            required=False,
            min_value=0,
            max_value=100,
            initial=progress.percent if progress else None,
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
        )
        self.fields[f"{prefix}_result"] = forms.CharField(
            label=_("Result achieved"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            initial=progress.result if progress else "",
        )
        self.fields[f"{prefix}_evidence_number"] = forms.CharField(
            label=_("Document number"),
            required=False,
            max_length=100,
            initial=progress.evidence_number if progress else "",
        )
        self.fields[f"{prefix}_evidence_date"] = forms.DateField(
            label=_("Document date"),
            required=False,
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            initial=progress.evidence_date if progress else None,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
        self.fields[f"{prefix}_evidence_file"] = EvidenceFileField(
            label=_("Evidence file"), required=False
        )

    # ---- validation
    def clean(self):
        cleaned = super().clean()
        for item in self.report.indicators:
            self._indicator_clean(item, cleaned)
        for item in self.report.tasks:
            prefix = f"task_{item.task.pk}"
            status, percent = cleaned.get(f"{prefix}_status"), cleaned.get(f"{prefix}_percent")
            if (
                status in (TaskStatus.DONE, TaskStatus.DONE_LATE)
                and percent is not None
                and percent < 100
            ):
                self.add_error(
                    f"{prefix}_percent", _("A task marked done must be complete: enter 100.")
                )
        return cleaned

    def _indicator_clean(self, item, cleaned) -> None:
        indicator, prefix = item.indicator, f"ind_{item.indicator.pk}"
        figure = None
        if indicator.is_ratio:
            a, b = cleaned.get(f"{prefix}_a"), cleaned.get(f"{prefix}_b")
            if b is not None and b == 0:
                self.add_error(f"{prefix}_b", _("The denominator (b) cannot be 0."))
            elif (
                a is not None
                and b is not None
                and a > b
                and indicator.measure_kind in BOUNDED_KINDS
            ):
                self.add_error(
                    f"{prefix}_a",
                    _(
                        "The numerator (a = %(a)s) cannot be greater than the denominator (b = %(b)s)."
                    )
                    % {"a": decimal_format_vi(a), "b": decimal_format_vi(b)},
                )
            elif (a is None) != (b is None) and (
                f"{prefix}_a" not in self.errors and f"{prefix}_b" not in self.errors
            ):
                missing = f"{prefix}_b" if b is None else f"{prefix}_a"
                self.add_error(missing, _("Enter both a and b: the portal computes the ratio."))
            elif a is not None and b:
                figure = a * 100 / b
        elif f"{prefix}_value" in self.fields:
            figure = cleaned.get(f"{prefix}_value")
            if figure is not None and indicator.measure_kind in BOUNDED_KINDS and figure > 100:
                self.add_error(f"{prefix}_value", _("A percentage cannot be above 100."))
                figure = None
        if figure is not None and item.history and not cleaned.get(f"{prefix}_confirm"):
            low, high = min(item.history), max(item.history)
            if figure < low / OUTLIER_FACTOR or figure > high * OUTLIER_FACTOR:
                self.warnings[prefix] = _(
                    "%(value)s is far from this unit's earlier figures (%(low)s to %(high)s). Check it, and tick the box to confirm it."
                ) % {
                    "value": decimal_format_vi(figure.quantize(Decimal("0.01"))),
                    "low": decimal_format_vi(low.quantize(Decimal("0.01"))),
                    "high": decimal_format_vi(high.quantize(Decimal("0.01"))),
                }

    # ---- results for the service
    def values(self) -> dict[int, dict]:
        """The indicator values whose fields are valid (a field with an error is left out)."""
        data = self.cleaned_data
        out = {}
        for item in self.report.indicators:
            indicator, prefix = item.indicator, f"ind_{item.indicator.pk}"
            names = [name for name in self.fields if name.startswith(prefix + "_")]
            if any(name in self.errors for name in names):
                continue
            fields = {"outlier_confirmed": bool(data.get(f"{prefix}_confirm"))}
            if indicator.is_ratio:
                fields["numerator"], fields["denominator"] = (
                    data.get(f"{prefix}_a"),
                    data.get(f"{prefix}_b"),
                )
            elif indicator.measure_kind == MeasureKind.MILESTONE:
                choice = data.get(f"{prefix}_done")
                fields["is_done"] = None if not choice else choice == "done"
            elif indicator.measure_kind == MeasureKind.TEXT:
                fields["text"] = _nfc(data.get(f"{prefix}_text", ""))
            else:
                fields["value"] = data.get(f"{prefix}_value")
            out[indicator.pk] = fields
        return out

    def progress(self) -> dict[int, dict]:
        data = self.cleaned_data
        out = {}
        for item in self.report.tasks:
            prefix = f"task_{item.task.pk}"
            names = [name for name in self.fields if name.startswith(prefix + "_")]
            if any(name in self.errors for name in names):
                continue
            fields = {
                "status": data.get(f"{prefix}_status") or "",
                "percent": data.get(f"{prefix}_percent"),
                "result": _nfc(data.get(f"{prefix}_result", "")),
                "evidence_number": _nfc(data.get(f"{prefix}_evidence_number", "")),
                "evidence_date": data.get(f"{prefix}_evidence_date"),
            }
            if data.get(f"{prefix}_evidence_file"):
                fields["evidence_file"] = data[f"{prefix}_evidence_file"]
            out[item.task.pk] = fields
        return out

    def narrative(self) -> dict[str, str]:
        return {
            name: _nfc(self.cleaned_data.get(name, ""))
            for name in ("results", "difficulties", "proposals")
            if name not in self.errors
        }

    def pending(self) -> dict[str, str]:
        """Raw text of the entries in error (every input of that indicator or task), to keep what was typed."""
        prefixes = {
            "_".join(name.split("_")[:2]) + "_"
            for name in self.errors
            if name.startswith(("ind_", "task_"))
        }
        names = {name for name in self.errors if name in self.fields and name != "version"}
        names |= (
            {name for name in self.fields if name.startswith(tuple(prefixes))}
            if prefixes
            else set()
        )
        return {name: self.data.get(name, "") for name in names if not name.endswith("_file")}

    def missing_for_submission(self) -> list[str]:
        """Field names a submission needs: every figure the unit leads and a status for each task it leads."""
        missing = []
        values = self.values()
        for item in self.report.indicators:
            if item.role != "lead":
                continue
            fields = values.get(item.indicator.pk)
            if fields is None:
                continue  # already in error
            if all(v in (None, "") for k, v in fields.items() if k != "outlier_confirmed"):
                prefix = f"ind_{item.indicator.pk}"
                missing.append(next(name for name in self.fields if name.startswith(prefix + "_")))
        for item in self.report.tasks:
            if item.role == "lead" and not self.cleaned_data.get(f"task_{item.task.pk}_status"):
                missing.append(f"task_{item.task.pk}_status")
        return missing


def ratio_preview(value) -> str:
    figure = indicator_figure(value)
    if figure is None:
        return ""
    if value.numerator is not None:
        unit = "" if value.indicator.measure_kind == MeasureKind.RATE_PER_10K else "%"
        return f"{decimal_format_vi(figure.quantize(Decimal('0.1')))}{unit} ({decimal_format_vi(value.numerator)}/{decimal_format_vi(value.denominator)})"
    return decimal_format_vi(figure)
