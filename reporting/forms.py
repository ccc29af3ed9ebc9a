"""The unit's report form: one input per figure, shaped by the indicator's kind of measure."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from communes.numbers import decimal_format_vi
from indicators.fields import VietnameseNumberInput
from indicators.models import MeasureKind
from reporting import rules
from reporting.selectors import UnitReport, indicator_figure, ratio_scale
from tasks.models import TaskStatus

MILESTONE_CHOICES = [("", "—"), ("done", _("done")), ("not_done", _("not done"))]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


class EvidenceFileField(forms.FileField):
    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        problem = hasattr(upload, "size") and rules.evidence_file_problem(upload)
        if problem:
            raise forms.ValidationError(problem, code="evidence_file")
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
        self.warnings: dict[str, str] = {}
        self.stored_invalid = False
        if not self.is_bound:
            self._stored_errors()
            if submission.pending_inputs:
                # What was typed but could not be saved comes back exactly as typed.
                self.initial.update(submission.pending_inputs)

    # ---- building
    def _number_field(self, label, initial):
        # Parsed and judged by `reporting.rules` in clean(), like every other client's figures.
        return forms.CharField(
            label=label, required=False, strip=True, widget=VietnameseNumberInput, initial=initial
        )

    def _indicator_fields(self, item) -> None:
        indicator, value = item.indicator, item.value
        prefix = f"ind_{indicator.pk}"
        if indicator.is_ratio:
            self.fields[f"{prefix}_a"] = self._number_field(
                _("a: %(definition)s") % {"definition": indicator.numerator_definition},
                _stored_initial(value, "numerator"),
            )
            self.fields[f"{prefix}_b"] = self._number_field(
                _("b: %(definition)s") % {"definition": indicator.denominator_definition},
                _stored_initial(value, "denominator"),
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
            self.fields[f"{prefix}_value"] = self._number_field(
                indicator.name, _stored_initial(value, "value")
            )
        self.fields[f"{prefix}_confirm"] = forms.BooleanField(
            label=_("I have checked this unusual value: it is correct."),
            required=False,
            initial=bool(value and value.outlier_confirmed),
        )

    def _stored_errors(self) -> None:
        """A stored figure the rules refuse is shown as invalid beside its field, to correct."""
        found = {}
        for item in self.report.indicators:
            for field, messages in rules.stored_problems(item.indicator, item.value).items():
                name = field_name(item.indicator.pk, field)
                if name in self.fields:
                    found[name] = self.error_class(messages)
        if found:
            self._errors = ErrorDict(found)
            self.stored_invalid = True

    def add_problems(self, indicator_pk: int, problems: dict[str, list[str]]) -> None:
        """Problems keyed by a figure's field (as `reporting.rules` returns them) → form errors."""
        for field, messages in problems.items():
            name = field_name(indicator_pk, field)
            if name not in self.fields:
                name = next(n for n in self.fields if n.startswith(f"ind_{indicator_pk}_"))
            for message in messages:
                self.add_error(name, message)

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
        numbers, parsed = {}, True
        for field in rules.NUMBER_FIELDS:
            name = field_name(indicator.pk, field)
            if name not in self.fields:
                continue
            number, problems = rules.figure_text_parse(indicator, field, cleaned.get(name) or "")
            if problems:
                parsed = False
                for message in problems:
                    self.add_error(name, message)
            else:
                cleaned[name] = numbers[field] = number
        if not numbers or not parsed:
            return
        problems = rules.value_problems(indicator, numbers)
        if problems:
            self.add_problems(indicator.pk, problems)
            return
        if cleaned.get(f"{prefix}_confirm"):
            return
        a, b = numbers.get("numerator"), numbers.get("denominator")
        if indicator.is_ratio:
            figure = a * ratio_scale(indicator.measure_kind) / b if a is not None and b else None
        else:
            figure = numbers.get("value")
        warning = rules.outlier_warning(figure, item.history)
        if warning:
            self.warnings[prefix] = warning

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

    def submit_problems(self, problems: dict) -> None:
        """A refused submit (`reporting.rules.submit_problems`) → an error beside each field."""
        for indicator_pk, fields in problems.get("values", {}).items():
            self.add_problems(indicator_pk, fields)
            for message in fields.get("outlier_confirmed", []):
                self.warnings[f"ind_{indicator_pk}"] = message  # shows the box to tick
        for task_pk, fields in problems.get("progress", {}).items():
            for message in fields.get("status", []):
                self.add_error(f"task_{task_pk}_status", message)


field_name = rules.input_name


def _stored_initial(value, name: str):
    """What the form shows of a stored number; one the column could not hold, as its text."""
    if value is None:
        return None
    raw = rules.raw_figure(value, name)
    return rules.raw_figure_text(raw) if raw is not None else getattr(value, name)


def ratio_preview(value) -> str:
    figure = indicator_figure(value)
    if figure is None:
        return ""
    if value.numerator is not None:
        unit = "" if value.indicator.measure_kind == MeasureKind.RATE_PER_10K else "%"
        return f"{decimal_format_vi(figure.quantize(Decimal('0.1')))}{unit} ({decimal_format_vi(value.numerator)}/{decimal_format_vi(value.denominator)})"
    return decimal_format_vi(figure)
