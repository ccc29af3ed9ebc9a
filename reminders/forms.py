import re

from django import forms
from django.utils.translation import gettext_lazy as _

from reminders.models import MAX_STEP_DAYS, ReminderPolicy


def _days_parse(text: str) -> list[int]:
    days = []
    for part in re.split(r"[\s,;]+", text.strip()):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= MAX_STEP_DAYS:
            raise forms.ValidationError(
                _("Write whole numbers of days between 1 and %(max)s, separated by commas."),
                params={"max": MAX_STEP_DAYS},
            )
        days.append(int(part))
    return sorted(set(days))


def _days_text(days) -> str:
    return ", ".join(str(day) for day in days)


class ReminderPolicyForm(forms.Form):
    """The policy in a clerk's words: days before, the last day, days late, who is copied when."""

    is_active = forms.BooleanField(label=_("Send deadline reminders"), required=False)
    days_before = forms.CharField(
        label=_("Days before the last day"),
        required=False,
        help_text=_('For example "7, 3, 1": a week, three days and the day before.'),
    )
    on_last_day = forms.BooleanField(label=_("On the last day itself"), required=False)
    days_late = forms.CharField(
        label=_("Days late"),
        required=False,
        help_text=_('For example "1, 3, 7": reminders go on until the report or task is done.'),
    )
    office_from = forms.IntegerField(
        label=_("Copy the standing office from this many days late"),
        min_value=0,
        max_value=MAX_STEP_DAYS,
        help_text=_("0: from the last day."),
    )
    leader_from = forms.IntegerField(
        label=_("Copy the commune leader from this many days late"),
        min_value=0,
        max_value=MAX_STEP_DAYS,
    )

    @classmethod
    def for_policy(cls, policy: ReminderPolicy, data=None) -> "ReminderPolicyForm":
        steps = policy.steps
        return cls(
            data,
            initial={
                "is_active": policy.is_active,
                "days_before": _days_text(sorted((-s for s in steps if s < 0), reverse=True)),
                "on_last_day": 0 in steps,
                "days_late": _days_text(sorted(s for s in steps if s > 0)),
                "office_from": max(policy.office_from_step, 0),
                "leader_from": max(policy.leader_from_step, 0),
            },
        )

    def clean_days_before(self):
        return _days_parse(self.cleaned_data["days_before"])

    def clean_days_late(self):
        return _days_parse(self.cleaned_data["days_late"])

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("days_before")
            and not cleaned.get("on_last_day")
            and not cleaned.get("days_late")
            and "days_before" not in self.errors
            and "days_late" not in self.errors
        ):
            raise forms.ValidationError(_("Choose at least one day to send reminders on."))
        return cleaned

    @property
    def steps(self) -> list[int]:
        data = self.cleaned_data
        steps = [-day for day in data["days_before"]] + list(data["days_late"])
        if data["on_last_day"]:
            steps.append(0)
        return sorted(steps)


class ReminderPreferenceForm(forms.Form):
    daily_digest = forms.TypedChoiceField(
        label=_("How do you want to receive deadline reminders by e-mail?"),
        choices=[
            ("0", _("One mail per reminder, as soon as it is due")),
            ("1", _("One summary mail a day")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
