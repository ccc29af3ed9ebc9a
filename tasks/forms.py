from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import Unit
from indicators.fields import VietnameseDecimalField
from tasks.deadlines import deadline_parse, deadline_problem
from tasks.models import Task, TaskSection


class TaskSectionForm(forms.ModelForm):
    class Meta:
        model = TaskSection
        fields = ["numeral", "title", "order"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.instance.commune = plan.commune


class TaskForm(forms.ModelForm):
    budget_million_vnd = VietnameseDecimalField(
        label=_("budget (million VND)"),
        required=False,
        min_value=Decimal(0),
        help_text=_(
            'Vietnamese notation: "1.250,5" is one thousand two hundred and fifty and a half.'
        ),
    )

    class Meta:
        model = Task
        fields = [
            "section",
            "parent",
            "code",
            "name",
            "is_heading",
            "lead_units",
            "lead_text",
            "support_units",
            "support_text",
            "expected_result",
            "budget_million_vnd",
            "deadline_text",
            "note",
            "order",
        ]
        widgets = {
            "name": forms.Textarea(attrs={"rows": 3}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "lead_units": forms.CheckboxSelectMultiple,
            "support_units": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        self.instance.commune = plan.commune
        self.fields["section"].queryset = TaskSection.objects.filter(plan=plan)
        parents = Task.objects.filter(plan=plan)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        units = Unit.objects.filter(commune=plan.commune, is_active=True)
        self.fields["lead_units"].queryset = units
        self.fields["support_units"].queryset = units
        self.fields["deadline_text"].help_text = _(
            'As printed: "Tháng 7/2025", "Quý IV/2025", "Năm 2026", "Hàng năm", "Thường xuyên", "Khi có đề nghị", "2025-2030", "Sau khi Kế hoạch được ban hành" (due when that happens, never by itself)…'
        )

    def clean(self):
        cleaned = super().clean()
        code, section = cleaned.get("code"), cleaned.get("section")
        if code:
            clash = Task.objects.filter(plan=self.plan, section=section, code=code.strip()).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error(
                    "code",
                    _("Another task of this section already has the code %(code)s.")
                    % {"code": code},
                )
        problem = deadline_problem(cleaned.get("deadline_text") or "")
        if problem:
            self.add_error("deadline_text", problem)
        parent = cleaned.get("parent")
        if parent and parent.section_id != (section.pk if section else None):
            self.add_error(
                "parent", _("A sub-task belongs to the same section as its parent task.")
            )
        if parent and parent.parent_id and parent.parent_id == self.instance.pk:
            self.add_error("parent", _("A task cannot sit under its own sub-item."))
        if cleaned.get("is_heading") and parent:
            self.add_error("is_heading", _("A heading task is not a sub-item of another task."))
        return cleaned

    def save(self, commit=True):
        self.instance.deadline_apply(deadline_parse(self.cleaned_data.get("deadline_text", "")))
        return super().save(commit)
