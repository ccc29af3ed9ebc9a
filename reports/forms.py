import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import Province
from reporting.periods import period_parse
from reports.models import CommuneReportText, ProvinceReportText, ReportFormat
from reports.services import TEXT_FIELDS

TEXT_WIDGETS = {
    "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "summary": forms.Textarea(attrs={"rows": 2}),
    "results": forms.Textarea(attrs={"rows": 6}),
    "difficulties": forms.Textarea(attrs={"rows": 5}),
    "causes": forms.Textarea(attrs={"rows": 4}),
    "next_tasks": forms.Textarea(attrs={"rows": 4}),
    "proposals": forms.Textarea(attrs={"rows": 4}),
    "recipients": forms.Textarea(attrs={"rows": 5}),
}


class ReportTextForm(forms.ModelForm):
    """What the commune's and the province's report forms share: the number (the portal adds
    the rest, `number_refused` says which), the date, the texts stored composed (NFC)."""

    number_refused = ""

    class Meta:
        labels = {"document_number": _("Number of the report")}
        widgets = TEXT_WIDGETS

    def clean(self):
        cleaned = super().clean()
        # Some Vietnamese keyboards send decomposed letters: store composed (NFC) text only.
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = unicodedata.normalize("NFC", value)
        return cleaned

    def clean_document_number(self):
        number = self.cleaned_data["document_number"].strip()
        if "/" in number:
            raise forms.ValidationError(self.number_refused)
        return number


class CommuneReportTextForm(ReportTextForm):
    number_refused = _('Enter only the number: "/BC-UBND" is added by the portal.')

    class Meta(ReportTextForm.Meta):
        model = CommuneReportText
        fields = list(TEXT_FIELDS)


class ReportRequestForm(forms.Form):
    format = forms.ChoiceField(choices=ReportFormat.choices)


class NationalReportForm(forms.Form):
    """The provinces (every one unless some are chosen), the period and the format of a
    national report."""

    period = forms.CharField(label=_("Period"), max_length=20)
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)
    provinces = forms.ModelMultipleChoiceField(
        label=_("Provinces"),
        queryset=Province.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every province."),
    )

    def clean_period(self):
        try:
            return period_parse(self.cleaned_data["period"]).code
        except ValueError:
            raise forms.ValidationError(_("Not a reporting period.")) from None


class SignedFileForm(forms.Form):
    file = forms.FileField(
        label=_("Signed PDF"),
        help_text=_("The report as the signing tool saved it, with its digital signature."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )


PROVINCE_TEXT_FIELDS = (
    "document_number",
    "issued_on",
    "addressee",
    "results",
    "difficulties",
    "causes",
    "next_tasks",
    "proposals",
    "recipients",
    "deputy",
    "signer_title",
    "signer_name",
)


class ProvinceReportTextForm(ReportTextForm):
    number_refused = _('Enter only the number: "/BC-SKHCN" is added by the portal.')

    class Meta(ReportTextForm.Meta):
        model = ProvinceReportText
        fields = list(PROVINCE_TEXT_FIELDS)
        widgets = {**TEXT_WIDGETS, "recipients": forms.Textarea(attrs={"rows": 4})}
