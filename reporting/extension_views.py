"""Pages of deadline extensions (gia hạn): a unit asks, the standing office answers."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from communes.access import (
    INTERNAL,
    READ_UNIT_REPORT,
    REVIEW,
    WRITE_UNIT_REPORT,
    access_in_commune,
)
from communes.audit import audit_trail_for
from communes.models import Unit
from reporting.extensions import (
    ExtensionRefused,
    extension_grant,
    extension_refuse,
    extension_request,
    task_current_due,
)
from reporting.models import DeadlineExtension, ExtensionStatus
from reporting.selectors import submission_read, task_extensions_granted
from reporting.services import submission_for
from reporting.views import ReportingMixin
from tasks.models import Task

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExtensionRequestForm(forms.Form):
    requested_date = forms.DateField(
        label=gettext_lazy("New deadline (last day)"), widget=DATE_INPUT
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class ExtensionAnswerForm(forms.Form):
    granted_date = forms.DateField(
        label=gettext_lazy("New deadline granted (last day)"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("Leave it as asked, or choose another date."),
    )
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Required when you refuse."),
    )


def _form_error(form: forms.Form, error: ExtensionRefused) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class _RequestView(ReportingMixin, TemplateView):
    """A unit asks for more time: its staff (WRITE_UNIT_REPORT on the unit)."""

    permissions = {"GET": INTERNAL, "POST": INTERNAL}
    template_name = "reporting/extension_request.html"

    def setup_subject(self) -> None:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.setup_subject()
        form = ExtensionRequestForm()
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.setup_subject()
        form = ExtensionRequestForm(request.POST)
        if form.is_valid():
            try:
                extension = extension_request(
                    actor=request.user,
                    unit=self.unit,
                    requested_date=form.cleaned_data["requested_date"],
                    reason=form.cleaned_data["reason"],
                    submission=getattr(self, "submission", None),
                    task=getattr(self, "task", None),
                )
            except ExtensionRefused as error:
                _form_error(form, error)
            else:
                messages.success(
                    request, _("Your request was sent to the standing office (Phòng VH-XH).")
                )
                return HttpResponseRedirect(
                    reverse("reporting:extension", args=[self.commune.code, extension.pk])
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            subject=self.subject_label,
            current_last_day=self.current_last_day,
            back_url=self.back_url,
            unit=self.unit,
        )
        return context


class ReportExtensionRequestView(_RequestView):
    permissions = {"GET": INTERNAL, "POST": INTERNAL}  # then WRITE_UNIT_REPORT on the unit

    def setup_subject(self) -> None:
        period = self.get_period()
        unit = get_object_or_404(Unit, commune=self.commune, pk=self.kwargs["unit_pk"])
        self.require(WRITE_UNIT_REPORT, unit)
        # An unsaved draft on GET (`submission_read`); the request itself is a write.
        opened = submission_for if self.request.method == "POST" else submission_read
        self.unit, self.submission = unit, opened(period, unit)
        self.subject_label = _("report %(period)s") % {"period": period.label}
        self.current_last_day = self.submission.last_day
        self.back_url = reverse(
            "reporting:submission", args=[self.commune.code, period.code, unit.pk]
        )


class TaskExtensionRequestView(_RequestView):
    permissions = {"GET": INTERNAL, "POST": INTERNAL}  # then WRITE_UNIT_REPORT on a lead unit

    def setup_subject(self) -> None:
        task = access_in_commune(
            Task.objects.select_related("plan"), self.commune, self.kwargs["pk"]
        )
        unit = next((u for u in task.lead_units.all() if self.allows(WRITE_UNIT_REPORT, u)), None)
        if unit is None:
            raise PermissionDenied
        self.unit, self.task = unit, task
        self.subject_label = _("task %(code)s. %(name)s") % {"code": task.code, "name": task.name}
        moved = task_extensions_granted(task_ids=[task.pk]).get(task.pk)
        _printed, self.current_last_day = task_current_due(task, timezone.localdate(), moved)
        self.back_url = reverse("todo:commune", args=[self.commune.code])


class ExtensionDetailView(ReportingMixin, TemplateView):
    """A request and its answer, with its history; the standing office answers here."""

    # Then READ_UNIT_REPORT on the request's unit, and REVIEW to answer it.
    permissions = {"GET": INTERNAL, "POST": INTERNAL}
    template_name = "reporting/extension_detail.html"

    def setup_extension(self) -> None:
        self.extension = access_in_commune(
            DeadlineExtension.objects.select_related(
                "unit", "task", "submission__period", "requested_by", "answered_by"
            ),
            self.commune,
            self.kwargs["pk"],
        )
        self.require(READ_UNIT_REPORT, self.extension)
        self.can_answer = (
            self.allows(REVIEW, self.extension)
            and self.extension.status == ExtensionStatus.REQUESTED
        )

    def get(self, request, *args, **kwargs):
        self.setup_extension()
        form = ExtensionAnswerForm(initial={"granted_date": self.extension.requested_date})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.setup_extension()
        self.require(REVIEW, self.extension)
        form = ExtensionAnswerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if request.POST.get("action") == "refuse":
                    extension_refuse(
                        actor=request.user, extension=self.extension, answer=data["answer"]
                    )
                    messages.success(request, _("The request was refused; the unit is told why."))
                else:
                    extension = extension_grant(
                        actor=request.user,
                        extension=self.extension,
                        answer=data["answer"],
                        granted_date=data["granted_date"],
                    )
                    messages.success(
                        request,
                        _("More time granted: the new deadline is %(day)s.")
                        % {"day": extension.granted_date.strftime("%d/%m/%Y")},
                    )
            except ExtensionRefused as error:
                _form_error(form, error)
            else:
                return HttpResponseRedirect(reverse("todo:commune", args=[self.commune.code]))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        extension = self.extension
        context.update(
            extension=extension,
            can_answer=self.can_answer,
            history=audit_trail_for(extension).order_by("created_at", "pk"),
        )
        if extension.submission_id:
            period = extension.submission.period
            context["subject_url"] = reverse(
                "reporting:submission", args=[self.commune.code, period.code, extension.unit_id]
            )
        return context
