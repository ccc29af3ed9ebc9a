from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from communes.access import (
    ANSWER_FOR_FIGURE,
    INTERNAL,
    MANAGE,
    READ,
    READ_UNIT_REPORT,
    REVIEW,
    VERIFY_FIGURES,
    WRITE_UNIT_REPORT,
    access_in_commune,
)
from communes.audit import audit_rows, audit_trail_for
from communes.mixins import CommuneMixin, PermissionsMixin
from communes.models import Unit
from communes.selectors import units_among, units_askable
from communes.services import model_form_save
from indicators.models import Indicator
from reporting.forms import SubmissionForm
from reporting.models import (
    IndicatorValue,
    ReportingPeriod,
    ReportingSchedule,
    SubmissionStatus,
    TaskProgress,
)
from reporting.periods import PeriodKind
from reporting.rules import (
    BOUNDED_KINDS,
    FiguresRefused,
    SubmitRefused,
    submit_problem_list,
    submit_problems,
)
from reporting.selectors import (
    figure_check_rows,
    indicators_askable,
    notifications_of,
    period_by_code,
    period_lines,
    periods_listed,
    review_rows,
    schedule_for,
    submission_fresh,
    submission_read,
    unit_report,
)
from reporting.services import (
    SubmissionConflict,
    WorkflowError,
    adhoc_request_create,
    notification_mark_read,
    period_close,
    period_close_summary,
    period_opened,
    period_reopen,
    submission_approve,
    submission_for,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
    submission_withdraw,
)
from reporting.verification import (
    VerificationRefused,
    figure_answer,
    figure_question,
    figure_verify,
)


class ReportingMixin(CommuneMixin):
    """Submissions are the commune's internal work: its members and inspectors read them,
    province officers read approved figures only (INTERNAL)."""

    permissions = {"GET": INTERNAL}

    def get_period(self) -> ReportingPeriod:
        """The period of the URL: its row, or a period due without one yet (read as not started)."""
        period = period_by_code(self.commune, self.kwargs["period_code"])
        if period is None:
            raise Http404
        return period


class PeriodListView(ReportingMixin, TemplateView):
    permissions = {"GET": INTERNAL}
    template_name = "reporting/period_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        periods = periods_listed(self.commune, timezone.localdate())
        my_units = units_among(self.commune, self.scope.unit_ids)
        rows = period_lines(self.commune, periods, my_units, now=timezone.now())
        context.update(rows=rows, now=timezone.now())
        return context


class PeriodReviewView(ReportingMixin, TemplateView):
    permissions = {"GET": INTERNAL}
    template_name = "reporting/period_review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.get_period()
        rows = review_rows(self.commune, period)
        context.update(
            period=period,
            rows=rows,
            audit_entries=audit_rows(audit_trail_for(period)[:50]),
            returned_rows=[row for row in rows if row.state == "returned"],
            overdue_units={row.unit.pk for row in rows if row.is_overdue(period, timezone.now())},
            counts={
                state: sum(1 for row in rows if row.state == state)
                for state in ("on_time", "late", "returned", "missing")
            },
        )
        return context


class FigureVerificationView(CommuneMixin, View):
    """The standing office verifies or questions an approved figure; the unit answers. The POST's
    `action` says what is done, and by whom (`actions`)."""

    permissions = {"POST": READ}  # then READ_UNIT_REPORT on its report, and the action's
    actions = {"verify": VERIFY_FIGURES, "question": VERIFY_FIGURES, "answer": ANSWER_FOR_FIGURE}
    other_methods_first = True  # POST only: 405 to any other method, first

    def post(self, request, *args, **kwargs):
        commune = self.commune
        value = access_in_commune(
            IndicatorValue.objects.select_related("submission__period"), commune, kwargs["pk"]
        )
        submission = value.submission
        self.require(READ_UNIT_REPORT, submission)
        action, text = request.POST.get("action"), request.POST.get("text", "")
        if action not in self.actions:
            raise PermissionDenied
        self.require(self.actions[action], submission)
        steps = {
            "verify": (figure_verify, "note", _("The figure is marked verified.")),
            "question": (figure_question, "question", _("Your question was sent to the unit.")),
            "answer": (figure_answer, "answer", _("Your answer was sent to the standing office.")),
        }
        service, argument, done = steps[action]
        try:
            service(actor=request.user, value=value, **{argument: text})
        except VerificationRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(
            reverse(
                "reporting:submission",
                args=[commune.code, submission.period.code, submission.unit_id],
            )
            + f"#figure-{value.pk}"
        )


class PeriodCloseView(CommuneMixin, View):
    """Closing a period asks first, naming the units it locks; only the confirmed POST closes."""

    permissions = {"GET": MANAGE, "POST": MANAGE}

    def get(self, request, *args, **kwargs):
        return period_close_page(request, self.commune, kwargs["period_code"])

    post = get


def period_close_page(request, commune, period_code):
    period = period_by_code(commune, period_code)
    if period is None:
        raise Http404
    back = reverse("reporting:period", args=[commune.code, period.code])
    if period.is_closed:
        messages.info(request, _("This period is already closed."))
        return HttpResponseRedirect(back)
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            period_close(actor=request.user, period=period_opened(period))
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The period is closed: units can no longer submit for it."))
        return HttpResponseRedirect(back)
    summary = period_close_summary(period)
    locked = len(summary["locked"])
    return render(
        request,
        "reporting/confirm.html",
        {
            "commune": commune,
            "period": period,
            "title": _("Close the period %(period)s?") % {"period": period.label},
            "consequence": ngettext(
                "Close the period %(period)s: %(count)s unit will no longer be able to edit or "
                "submit its report.",
                "Close the period %(period)s: %(count)s units will no longer be able to edit or "
                "submit their reports.",
                locked,
            )
            % {"period": period.label, "count": locked},
            "details": [
                _("Not submitted yet: %(units)s.")
                % {"units": ", ".join(unit.short_name for unit in summary["missing"])}
            ]
            if summary["missing"]
            else [],
            "note": _("The standing office can reopen the period later, giving a reason."),
            "action_url": reverse("reporting:period_close", args=[commune.code, period.code]),
            "fields": {},
            "confirm_label": _("Close the period"),
            "cancel_url": back,
            "danger": True,
        },
    )


class PeriodReopenView(CommuneMixin, View):
    permissions = {"POST": MANAGE}
    other_methods_first = True  # POST only: 405 to any other method, first

    def post(self, request, *args, **kwargs):
        commune = self.commune
        period = get_object_or_404(ReportingPeriod, commune=commune, code=kwargs["period_code"])
        try:
            period_reopen(actor=request.user, period=period, reason=request.POST.get("reason", ""))
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The period is open again: units can save and submit for it.")
            )
        return HttpResponseRedirect(reverse("reporting:period", args=[commune.code, period.code]))


class SubmissionView(ReportingMixin, TemplateView):
    """A unit's report: read by whoever reads it; the POST's `action` says what is done, and by
    whom (`actions`): the unit's staff write, submit and withdraw it, the standing office reviews."""

    permissions = {"GET": INTERNAL, "POST": INTERNAL}  # then READ_UNIT_REPORT on the unit
    actions = {"return": REVIEW, "approve": REVIEW, "reopen": REVIEW}  # others: WRITE_UNIT_REPORT
    template_name = "reporting/submission.html"

    def setup_submission(self):
        self.period = self.get_period()
        self.unit = get_object_or_404(Unit, commune=self.commune, pk=self.kwargs["unit_pk"])
        self.can_write = self.allows(WRITE_UNIT_REPORT, self.unit)
        self.can_review = self.allows(REVIEW, self.unit)
        self.require(READ_UNIT_REPORT, self.unit)
        # Read on GET (an unsaved draft until the first write); created with its period on POST,
        # once the caller may do what it asks.
        if self.request.method == "POST":
            action = self.request.POST.get("action", "save")
            self.require(self.actions.get(action, WRITE_UNIT_REPORT), self.unit)
            self.period = period_opened(self.period)
            self.submission = submission_for(self.period, self.unit)
        else:
            self.submission = submission_read(self.period, self.unit)
        self.report = unit_report(self.submission)

    def get(self, request, *args, **kwargs):
        self.setup_submission()
        form = SubmissionForm(report=self.report)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.setup_submission()
        action = request.POST.get("action", "save")
        if action in ("return", "approve", "reopen"):
            return self.review_action(action)
        if action in ("withdraw", "submit_confirmed"):
            return self.unit_action(action)
        form = SubmissionForm(request.POST, request.FILES, report=self.report)
        form.is_valid()
        autosave = action == "autosave"
        version = form.cleaned_data.get("version") or self.submission.version
        try:
            if self.submission.is_editable:
                submission_save(
                    actor=request.user,
                    submission=self.submission,
                    version=version,
                    values=form.values(),
                    progress=form.progress(),
                    narrative=form.narrative(),
                    pending=form.pending(),
                )
            elif not autosave:
                raise WorkflowError(
                    _("This report is locked: it was approved or the period is closed.")
                )
        except SubmissionConflict:
            message = _(
                "Someone else saved this report while you were editing it. Your input is kept below: "
                "check their changes (open the report in a new tab), then save again."
            )
            if autosave:
                return JsonResponse({"ok": False, "conflict": True, "message": message}, status=409)
            messages.error(request, message)
            form.data = form.data.copy()
            form.data["version"] = str(submission_fresh(self.submission).version)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except (WorkflowError, FiguresRefused) as exc:
            if autosave:
                return JsonResponse({"ok": False, "message": str(exc)}, status=400)
            messages.error(request, str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)

        if autosave:
            return JsonResponse(
                {
                    "ok": True,
                    "version": self.submission.version,
                    "saved_at": timezone.localtime().strftime("%H:%M:%S"),
                    "errors": {
                        name: [str(e) for e in errors] for name, errors in form.errors.items()
                    },
                    "warnings": {name: str(text) for name, text in form.warnings.items()},
                }
            )
        if action == "submit" and not form.errors:
            # What a submit requires is the service's rule (`reporting.rules.submit_problems`):
            # checked before asking, so that the confirmation only comes when it can be sent.
            try:
                if request.POST.get("confirmed") != "1":
                    if refused := self.submit_check():
                        raise refused
                    return self.submit_confirmation()
                submission_submit(
                    actor=request.user, submission=self.submission, version=self.submission.version
                )
            except SubmitRefused as exc:
                form.submit_problems(exc.problems)
                self.submit_refusal = exc
            except WorkflowError as exc:
                messages.error(request, str(exc))
                return self.redirect()
            else:
                if self.submission.is_late:
                    messages.warning(
                        request, _("Report submitted after the deadline: it is marked late.")
                    )
                else:
                    messages.success(request, _("Report submitted to the standing office."))
                return self.redirect()
        if form.errors:
            # The valid entries were saved under a new version: the re-shown form must carry it.
            form.data = form.data.copy()
            form.data["version"] = str(self.submission.version)
            messages.error(
                request,
                _(
                    "Some entries need correcting. What you typed is kept; the valid entries were saved."
                ),
            )
            self.report = unit_report(submission_fresh(self.submission))
            return self.render_to_response(
                self.get_context_data(form=form), status=400 if action == "submit" else 200
            )
        messages.success(request, _("Draft saved."))
        return self.redirect()

    submit_refusal: SubmitRefused | None = None

    def submit_check(self) -> SubmitRefused | None:
        """What the service would refuse, asked before the confirmation (nothing written)."""
        report = unit_report(submission_fresh(self.submission))
        problems = submit_problems(report)
        return SubmitRefused(problems, submit_problem_list(report, problems)) if problems else None

    def submit_confirmation(self):
        submission = submission_fresh(self.submission)
        return self.confirmation(
            title=_("Submit the report?"),
            consequence=_(
                "Submit the report of %(unit)s for %(period)s to the standing office: once "
                "submitted, it can no longer be edited, unless you withdraw it before the office "
                "reviews it or the office returns it."
            )
            % {"unit": self.unit.short_name, "period": self.period.label},
            details=[_("This report is late: it will be marked late.")]
            if self.period.is_late_at(timezone.now())
            else [],
            action="submit_confirmed",
            version=submission.version,
            confirm_label=_("Submit to the standing office"),
        )

    def confirmation(self, *, title, consequence, details, action, version, confirm_label):
        return render(
            self.request,
            "reporting/confirm.html",
            {
                "commune": self.commune,
                "period": self.period,
                "title": title,
                "consequence": consequence,
                "details": details,
                "action_url": self.request.path,
                "fields": {"action": action, "confirmed": "1", "version": version},
                "confirm_label": confirm_label,
                "cancel_url": self.request.path,
            },
        )

    def unit_action(self, action: str):
        """Submit once confirmed, or withdraw a report not yet reviewed: the unit's staff only
        (WRITE_UNIT_REPORT, checked by `setup_submission`)."""
        try:
            version = int(self.request.POST.get("version", ""))
        except ValueError:
            version = self.submission.version
        try:
            if action == "withdraw":
                submission_withdraw(
                    actor=self.request.user, submission=self.submission, version=version
                )
                messages.success(
                    self.request,
                    _("The report was withdrawn: it is a draft again, to correct and submit."),
                )
            else:
                submission_submit(
                    actor=self.request.user, submission=self.submission, version=version
                )
                if self.submission.is_late:
                    messages.warning(
                        self.request, _("Report submitted after the deadline: it is marked late.")
                    )
                else:
                    messages.success(self.request, _("Report submitted to the standing office."))
        except SubmitRefused as exc:
            self.report = unit_report(self.submission)
            form = SubmissionForm(report=self.report)
            form.submit_problems(exc.problems)
            self.submit_refusal = exc
            messages.error(self.request, str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except SubmissionConflict:
            messages.error(
                self.request,
                _("Someone else saved this report meanwhile: check it, then try again."),
            )
        except WorkflowError as exc:
            messages.error(self.request, str(exc))
        return self.redirect()

    def review_action(self, action: str):
        """Return, approve, reopen: the standing office (REVIEW, checked by `setup_submission`)."""
        comment = self.request.POST.get("comment", "")
        if action == "approve" and self.request.POST.get("confirmed") != "1":
            if self.submission.status != SubmissionStatus.SUBMITTED:
                messages.error(
                    self.request, _("Only a submitted report can be returned or approved.")
                )
                return self.redirect()
            return self.confirmation(
                title=_("Approve the report?"),
                consequence=_(
                    "Approve the report of %(unit)s for %(period)s: its figures are locked and "
                    "count in the commune's figures; only a reopening with a reason changes them."
                )
                % {"unit": self.unit.short_name, "period": self.period.label},
                details=[],
                action="approve",
                version=self.submission.version,
                confirm_label=_("Approve"),
            )
        try:
            if action == "return":
                submission_return(
                    actor=self.request.user, submission=self.submission, comment=comment
                )
                messages.success(
                    self.request, _("The report was returned to the unit with your comment.")
                )
            elif action == "approve":
                submission_approve(actor=self.request.user, submission=self.submission)
                messages.success(
                    self.request, _("The report was approved: its figures are locked.")
                )
            else:
                submission_reopen(
                    actor=self.request.user, submission=self.submission, reason=comment
                )
                messages.success(self.request, _("The report was reopened for the unit."))
        except WorkflowError as exc:
            messages.error(self.request, str(exc))
        return self.redirect()

    def redirect(self):
        return HttpResponseRedirect(
            reverse(
                "reporting:submission", args=[self.commune.code, self.period.code, self.unit.pk]
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            period=self.period,
            unit=self.unit,
            submission=self.submission,
            report=self.report,
            can_write=self.can_write and self.submission.is_editable,
            can_review=self.can_review,
            audit_entries=audit_rows(audit_trail_for(self.submission)[:50]),
            statuses=SubmissionStatus,
            bounded_kinds=BOUNDED_KINDS,
            can_withdraw=self.scope.can_write_for_unit(self.unit.pk)
            and self.submission.status == SubmissionStatus.SUBMITTED
            and not self.period.is_closed,
            submit_refusal=self.submit_refusal,
            figure_checks=figure_check_rows(self.report),
            can_verify=self.allows(VERIFY_FIGURES, self.unit),
            can_answer=self.allows(ANSWER_FOR_FIGURE, self.unit),
        )
        return context


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportingSchedule
        fields = ["is_used", "deadline_day", "deadline_month_offset", "cutoff_day"]

    def clean(self):
        cleaned = super().clean()
        for name in ("deadline_day", "cutoff_day"):
            day = cleaned.get(name)
            if day is not None and not 1 <= day <= 31:
                self.add_error(name, gettext_lazy("Enter a day between 1 and 31."))
        offset = cleaned.get("deadline_month_offset")
        if offset is not None and not -11 <= offset <= 12:
            self.add_error(
                "deadline_month_offset",
                gettext_lazy("Enter a number of months between -11 and 12."),
            )
        # The office saving the days completes an entry a plan's duty left without them.
        self.instance.needs_completion = False
        return cleaned


class ScheduleView(CommuneMixin, TemplateView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
    template_name = "reporting/schedule.html"
    kinds = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR)

    def forms(self, data=None):
        out = []
        for kind in self.kinds:
            instance = schedule_for(self.commune, kind)
            out.append((kind.label, ScheduleForm(data, instance=instance, prefix=kind.value)))
        return out

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("schedule_forms", self.forms())
        return context

    def post(self, request, *args, **kwargs):
        schedule_forms = self.forms(request.POST)
        if all(form.is_valid() for _label, form in schedule_forms):
            for _label, form in schedule_forms:
                model_form_save(actor=request.user, commune=self.commune, form=form)
            messages.success(
                request,
                _("The reporting schedule was saved. It applies to periods not created yet."),
            )
            return HttpResponseRedirect(reverse("reporting:periods", args=[self.commune.code]))
        return self.render_to_response(self.get_context_data(schedule_forms=schedule_forms))


class AdHocRequestForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    deadline = forms.DateTimeField(
        label=gettext_lazy("Deadline"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units asked"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    indicators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Indicators asked"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    questions = forms.CharField(
        label=gettext_lazy("Questions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units_askable(commune)
        self.fields["indicators"].queryset = indicators_askable(commune, timezone.localdate().year)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError(gettext_lazy("The deadline must be in the future."))
        return deadline


class AdHocRequestView(CommuneMixin, TemplateView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
    template_name = "communes/object_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", AdHocRequestForm(commune=self.commune))
        context["title"] = _("New ad-hoc report request")
        return context

    def post(self, request, *args, **kwargs):
        form = AdHocRequestForm(request.POST, commune=self.commune)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        period = adhoc_request_create(actor=request.user, commune=self.commune, **form.cleaned_data)
        messages.success(request, _("The request was sent to the units."))
        return HttpResponseRedirect(
            reverse("reporting:period", args=[self.commune.code, period.code])
        )


class NotificationListView(PermissionsMixin, View):
    """One's own notifications (the bell)."""

    permissions = {"GET": READ}

    def get(self, request, *args, **kwargs):
        notifications = notifications_of(request.user)[:100]
        return render(request, "reporting/notifications.html", {"notifications": notifications})


class NotificationReadView(PermissionsMixin, View):
    """Marking one's own notifications read: one's own session's business, even read-only."""

    permissions = {"POST": READ}
    other_methods_first = True  # POST only: 405 to any other method, first

    def post(self, request, *args, **kwargs):
        ids = request.POST.getlist("id")
        notification_mark_read(
            user=request.user, notification_ids=[int(i) for i in ids if i.isdigit()] or None
        )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("reporting:notifications")
        return HttpResponseRedirect(target)


class EvidenceDownloadView(CommuneMixin, View):
    """An uploaded evidence file, for those who may read the submission it belongs to."""

    permissions = {"GET": READ}  # then READ_UNIT_REPORT on its report

    def get(self, request, *args, **kwargs):
        progress = access_in_commune(
            TaskProgress.objects.select_related("submission"), self.commune, kwargs["pk"]
        )
        self.require(READ_UNIT_REPORT, progress.submission)
        if not progress.evidence_file:
            raise Http404
        return FileResponse(
            progress.evidence_file.open("rb"),
            as_attachment=True,
            filename=progress.evidence_file.name.rsplit("/", 1)[-1],
        )
