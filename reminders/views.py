from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from communes.access import refuse_read_only, scope_for
from communes.mixins import CommuneMixin
from reminders.forms import ReminderPolicyForm, ReminderPreferenceForm
from reminders.models import ReminderPolicy, ReminderPreference
from reminders.selectors import reminders_recent
from reminders.services import reminder_policy_save, reminder_preference_save

RECENT_DAYS = 14


class ReminderPolicyView(CommuneMixin, TemplateView):
    """The standing office sets when reminders go out and sees the last two weeks' reminders."""

    manage = True
    template_name = "reminders/policy.html"

    def policy(self) -> ReminderPolicy:
        return ReminderPolicy.objects.filter(
            commune=self.commune
        ).first() or ReminderPolicy.default_for(self.commune)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ReminderPolicyForm.for_policy(self.policy()))
        since = timezone.localdate() - timedelta(days=RECENT_DAYS)
        context.update(reminders=reminders_recent(self.commune, since=since), since=since)
        return context

    def post(self, request, *args, **kwargs):
        form = ReminderPolicyForm.for_policy(self.policy(), data=request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        reminder_policy_save(
            actor=request.user,
            commune=self.commune,
            steps=form.steps,
            office_from_step=form.cleaned_data["office_from"],
            leader_from_step=form.cleaned_data["leader_from"],
            is_active=form.cleaned_data["is_active"],
        )
        messages.success(request, _("The reminder settings were saved."))
        return HttpResponseRedirect(reverse("reminders:policy", args=[self.commune.code]))


@login_required
def preferences(request):
    """Anyone chooses separate mails or one summary a day; province officers get no reminders."""
    refuse_read_only(request.user)
    current = ReminderPreference.objects.filter(user=request.user).first()
    initial = {"daily_digest": "1" if current and current.daily_digest else "0"}
    if request.method == "POST":
        form = ReminderPreferenceForm(request.POST, initial=initial)
        if form.is_valid():
            reminder_preference_save(
                user=request.user, daily_digest=form.cleaned_data["daily_digest"]
            )
            messages.success(request, _("Your notification settings were saved."))
            return HttpResponseRedirect(reverse("reminders:preferences"))
        status = 400
    else:
        form, status = ReminderPreferenceForm(initial=initial), 200
    scope = scope_for(request.user)
    receives = bool(scope.unit_ids or scope.managed_commune_ids or scope.led_commune_ids)
    return render(
        request,
        "reminders/preferences.html",
        {"form": form, "receives": receives, "email": request.user.email},
        status=status,
    )
