from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from communes.access import ACT, MANAGE
from communes.mixins import CommuneMixin, PermissionsMixin
from reminders.forms import ReminderPolicyForm, ReminderPreferenceForm
from reminders.models import ReminderPolicy
from reminders.selectors import reminder_policy_of, reminder_preference_of, reminders_recent
from reminders.services import reminder_policy_save, reminder_preference_save

RECENT_DAYS = 14


class ReminderPolicyView(CommuneMixin, TemplateView):
    """The standing office sets when reminders go out and sees the last two weeks' reminders."""

    permissions = {"GET": MANAGE, "POST": MANAGE}
    template_name = "reminders/policy.html"

    def policy(self) -> ReminderPolicy:
        return reminder_policy_of(self.commune)

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


class PreferencesView(PermissionsMixin, View):
    """Anyone chooses separate mails or one summary a day; province officers get no reminders.
    A page only to act: refused to a read-only person even for reading."""

    permissions = {"GET": ACT, "POST": ACT}

    def get(self, request):
        return self.page(ReminderPreferenceForm(initial=self.initial()), status=200)

    def post(self, request):
        form = ReminderPreferenceForm(request.POST, initial=self.initial())
        if form.is_valid():
            reminder_preference_save(
                user=request.user, daily_digest=form.cleaned_data["daily_digest"]
            )
            messages.success(request, _("Your notification settings were saved."))
            return HttpResponseRedirect(reverse("reminders:preferences"))
        return self.page(form, status=400)

    def initial(self) -> dict:
        current = reminder_preference_of(self.request.user)
        return {"daily_digest": "1" if current and current.daily_digest else "0"}

    def page(self, form, *, status: int):
        scope = self.scope
        receives = bool(scope.unit_ids or scope.managed_commune_ids or scope.led_commune_ids)
        return render(
            self.request,
            "reminders/preferences.html",
            {"form": form, "receives": receives, "email": self.request.user.email},
            status=status,
        )
