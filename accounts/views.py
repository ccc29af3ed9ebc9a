from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.forms import StaffInviteForm
from accounts.models import Membership
from accounts.services import (
    COMMUNE_ROLES,
    commune_staff,
    membership_deactivate,
    staff_invite,
    staff_password_reset_send,
)
from communes.access import access_in_commune
from communes.mixins import CommuneMixin


class StaffListView(CommuneMixin, TemplateView):
    manage = True
    template_name = "accounts/staff_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = commune_staff(self.commune)
        return context


class StaffInviteView(CommuneMixin, FormView):
    manage = True
    form_class = StaffInviteForm
    template_name = "communes/object_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.commune}

    def form_valid(self, form):
        membership = staff_invite(
            actor=self.request.user, commune=self.commune, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("%(email)s was invited: a link to choose a password was sent by e-mail.")
            % {"email": membership.user.email},
        )
        return HttpResponseRedirect(reverse("accounts:staff", args=[self.commune.code]))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Invite a staff member")}


class StaffActionView(CommuneMixin, View):
    """POST-only actions on one membership of the commune: send a reset link, deactivate."""

    manage = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if kwargs["action"] not in ("reset", "deactivate"):
            raise Http404
        queryset = Membership.objects.filter(role__in=COMMUNE_ROLES).select_related("user")
        membership = access_in_commune(queryset, self.commune, kwargs["pk"])
        if kwargs["action"] == "reset":
            staff_password_reset_send(
                actor=request.user, commune=self.commune, membership=membership
            )
            messages.success(
                request,
                _("A password reset link was sent to %(email)s.")
                % {"email": membership.user.email},
            )
        else:
            membership_deactivate(actor=request.user, commune=self.commune, membership=membership)
            messages.success(
                request,
                _("%(user)s can no longer act for this commune in that role.")
                % {"user": membership.user},
            )
        return HttpResponseRedirect(reverse("accounts:staff", args=[self.commune.code]))
