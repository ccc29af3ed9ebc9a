from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.forms import InvitationPasswordForm, StaffInviteForm
from accounts.security import login_locked_usernames
from accounts.services import (
    commune_invitations_pending,
    commune_staff,
    invitation_accept,
    invitation_accept_with_new_account,
    invitation_accounts,
    invitation_by_token,
    invitation_revoke,
    login_unlock,
    membership_deactivate,
    staff_password_reset_send,
)
from communes.access import MANAGE, access_in_commune
from communes.invitations import COMMUNE_ROLES, staff_invite
from communes.mixins import CommuneMixin
from communes.models import Invitation, Membership


class StaffListView(CommuneMixin, TemplateView):
    permissions = {"GET": MANAGE}
    template_name = "accounts/staff_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memberships = list(commune_staff(self.commune))
        locked = login_locked_usernames({m.user.username for m in memberships})
        for membership in memberships:
            membership.login_locked = membership.user.username in locked
        context["memberships"] = memberships
        context["invitations"] = commune_invitations_pending(self.commune)
        return context


class StaffInviteView(CommuneMixin, FormView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
    form_class = StaffInviteForm
    template_name = "communes/object_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.commune}

    def form_valid(self, form):
        try:
            invitation = staff_invite(
                actor=self.request.user, commune=self.commune, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "%(email)s was invited: the person accepts with the link sent by e-mail, "
                "and only then joins the commune."
            )
            % {"email": invitation.email},
        )
        return HttpResponseRedirect(reverse("accounts:staff", args=[self.commune.code]))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Invite a staff member")}


class StaffActionView(CommuneMixin, View):
    """POST-only actions on one membership of the commune: send a reset link, unlock the
    login, deactivate."""

    permissions = {"POST": MANAGE}
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if kwargs["action"] not in ("reset", "unlock", "deactivate"):
            raise Http404
        membership = access_in_commune(
            Membership.objects.filter(role__in=COMMUNE_ROLES).select_related("user"),
            self.commune,
            kwargs["pk"],
        )
        if kwargs["action"] == "reset":
            staff_password_reset_send(
                actor=request.user, commune=self.commune, membership=membership
            )
            messages.success(
                request,
                _("A password reset link was sent to %(email)s.")
                % {"email": membership.user.email},
            )
        elif kwargs["action"] == "unlock":
            login_unlock(actor=request.user, user=membership.user, commune=self.commune)
            messages.success(
                request,
                _("%(user)s can log in again.") % {"user": membership.user},
            )
        else:
            membership_deactivate(actor=request.user, commune=self.commune, membership=membership)
            messages.success(
                request,
                _("%(user)s can no longer act for this commune in that role.")
                % {"user": membership.user},
            )
        return HttpResponseRedirect(reverse("accounts:staff", args=[self.commune.code]))


class InvitationRevokeView(CommuneMixin, View):
    permissions = {"POST": MANAGE}
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = access_in_commune(
            Invitation.objects.filter(accepted_at__isnull=True), self.commune, kwargs["pk"]
        )
        invitation_revoke(actor=request.user, commune=self.commune, invitation=invitation)
        messages.success(
            request,
            _("The invitation of %(email)s was withdrawn: its link no longer works.")
            % {"email": invitation.email},
        )
        return HttpResponseRedirect(reverse("accounts:staff", args=[self.commune.code]))


INVITATION_SESSION_KEY = "_invitation_token"


class InvitationLinkView(View):
    """The mailed link: its token moves into the session, so the page's address holds no secret
    (it could leak through the browser's history or a Referer), as Django's password reset does."""

    def get(self, request, token):
        request.session[INVITATION_SESSION_KEY] = token
        return HttpResponseRedirect(reverse("accounts:invitation_accept"))


class InvitationAcceptView(View):
    """Who opens the link sees what is offered, and accepts as the logged-in holder of the
    address, or chooses a password if the address has no account. Nothing changes before."""

    template_name = "accounts/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        token = request.session.get(INVITATION_SESSION_KEY)
        self.invitation = invitation_by_token(token) if token else None
        if self.invitation is None or not self.invitation.is_pending:
            return render(request, self.template_name, {"invalid": True}, status=410)
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra) -> dict:
        user = self.request.user
        accounts = invitation_accounts(self.invitation)
        state = "new_account"
        if user.is_authenticated:
            state = "accept" if (user.email or "").lower() == self.invitation.email else "other"
        elif accounts.filter(is_active=True).exists():
            state = "log_in"
        elif accounts.exists():
            state = "deactivated"
        return {"invitation": self.invitation, "state": state, **extra}

    def get(self, request):
        context = self.context()
        if context["state"] == "new_account":
            context["form"] = InvitationPasswordForm(invitation=self.invitation)
        return render(request, self.template_name, context)

    def post(self, request):
        context = self.context()
        try:
            if context["state"] == "accept":
                invitation_accept(invitation=self.invitation, user=request.user)
            elif context["state"] == "new_account":
                form = InvitationPasswordForm(request.POST, invitation=self.invitation)
                if not form.is_valid():
                    return render(request, self.template_name, {**context, "form": form})
                user = invitation_accept_with_new_account(
                    invitation=self.invitation, password=form.cleaned_data["password1"]
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                return render(request, self.template_name, context, status=409)
        except ValidationError as error:
            return render(
                request, self.template_name, {**context, "errors": error.messages}, status=409
            )
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(
            request,
            _("Welcome: you now act for %(commune)s as %(role)s.")
            % {"commune": self.invitation.commune, "role": self.invitation.get_role_display()},
        )
        return HttpResponseRedirect(reverse("plans:commune", args=[self.invitation.commune.code]))
