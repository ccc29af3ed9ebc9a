"""The upload form and the in-place correction of one row of the review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import MeasureKind

from .reading import MAX_FILE_BYTES


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Plan file (.docx or .xlsx)"),
        help_text=_("The plan as the commune issued it, with its appendices; at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class IndicatorRowForm(forms.Form):
    name = forms.CharField(label=_("Name"), widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.CharField(label=_("Unit of measure"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("Kind of measure"), choices=MeasureKind.choices)
    lead_text = forms.CharField(label=_("Lead unit"), required=False, max_length=300)
    support_text = forms.CharField(label=_("Support units"), required=False, max_length=500)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        for year in self.years:
            self.fields[f"target_{year}"] = forms.CharField(
                label=_("Target %(year)s") % {"year": year}, required=False, max_length=500
            )

    def row_fields(self) -> dict:
        data = self.cleaned_data
        targets = {
            year: data[f"target_{year}"].strip()
            for year in self.years
            if data[f"target_{year}"].strip()
        }
        return {
            "name": data["name"].strip(),
            "unit": data["unit"].strip(),
            "kind": data["kind"],
            "targets": targets,
            "lead_text": data["lead_text"].strip(),
            "support_text": data["support_text"].strip(),
        }

    def year_fields(self):
        return [self[f"target_{year}"] for year in self.years]


class TaskRowForm(forms.Form):
    name = forms.CharField(label=_("Name"), widget=forms.Textarea(attrs={"rows": 2}))
    lead_text = forms.CharField(label=_("Lead unit"), required=False, max_length=300)
    support_text = forms.CharField(label=_("Support units"), required=False, max_length=500)
    result = forms.CharField(label=_("Expected result"), required=False)
    budget = forms.CharField(label=_("Budget (million đồng)"), required=False, max_length=100)
    deadline = forms.CharField(label=_("Deadline"), required=False, max_length=200)

    def row_fields(self) -> dict:
        return {name: value.strip() for name, value in self.cleaned_data.items()}


class ColumnMappingForm(forms.Form):
    """One header to map: the kind of table, its header rows, and a field for each column."""

    def __init__(self, *args, table, **kwargs):
        from .mapping import KIND_CHOICES, MAX_HEADER_ROWS, field_choices

        super().__init__(*args, **kwargs)
        self.table = table
        self.fields["kind"] = forms.ChoiceField(
            label=_("This table holds"), choices=KIND_CHOICES, initial=table.kind
        )
        self.fields["header_rows"] = forms.TypedChoiceField(
            label=_("Header rows (above the first data row)"),
            choices=[(number, number) for number in range(1, MAX_HEADER_ROWS + 1)],
            coerce=int,
            initial=table.header_rows,
        )
        choices = field_choices()
        for column in table.columns:
            self.fields[f"column_{column.index}"] = forms.ChoiceField(
                label=column.header or _("Column %(number)s") % {"number": column.index + 1},
                choices=choices,
                required=False,
                initial=column.role,
            )

    def column_fields(self):
        return [(column, self[f"column_{column.index}"]) for column in self.table.columns]

    def roles(self) -> list[str]:
        return [
            self.cleaned_data.get(f"column_{column.index}") or "" for column in self.table.columns
        ]

    def clean(self):
        from .mapping import column_roles_check

        data = super().clean()
        if "kind" in data:
            for error in column_roles_check(
                data["kind"], self.roles(), [column.header for column in self.table.columns]
            ):
                self.add_error(None, error)
        return data

    def column_map(self):
        from .mapping import column_map_build

        return column_map_build(
            kind=self.cleaned_data["kind"],
            header_rows=self.cleaned_data["header_rows"],
            roles=self.roles(),
        )
