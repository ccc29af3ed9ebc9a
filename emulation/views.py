"""Pages of the emulation movements: the office defines movements and criteria, marks and adjusts
scores; the commune's members and inspectors read the ranking and the rating table.

Who may do what is declared by each view (`permissions`, capabilities of `communes.access`):
reading is the commune's internal work (INTERNAL: members and inspectors), writing is managing
the commune (MANAGE; SCORE, once the unit's score is found: the standing office). Another
commune's movement, criterion or unit answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from communes.access import INTERNAL, MANAGE, SCORE, access_in_commune
from communes.audit import audit_rows, audit_trail_for
from communes.mixins import CommuneMixin, CommuneObjectFormView
from communes.models import Unit
from emulation.documents import RATING_FORMATS, rating_file, rating_file_name
from emulation.forms import AdjustmentForm, CriterionForm, MarkForm, MovementForm
from emulation.models import Audience, Basis, Criterion, Movement
from emulation.scoring import (
    EvaluationUnknown,
    evaluation_default,
    evaluation_parse,
    evaluations_of,
    movement_ranking,
)
from emulation.selectors import criteria_count, criteria_of, manual_marks_of, movements_of
from emulation.services import (
    ScoringRefused,
    criterion_delete,
    criterion_marks_count,
    manual_mark_set,
    movement_delete,
    movement_delete_refusal,
    movement_phases_set,
    score_adjust,
)


class EmulationReaderMixin(CommuneMixin):
    """The commune's internal work: its members and inspectors read it (403 for the others who
    read the commune, such as a province officer)."""

    permissions = {"GET": INTERNAL}

    def movement_get(self) -> Movement:
        self.movement = access_in_commune(
            Movement.objects.prefetch_related("phases"), self.commune, self.kwargs["pk"]
        )
        return self.movement

    def evaluation_get(self):
        code = self.request.GET.get("period") or ""
        if not code:
            return evaluation_default(self.movement)
        try:
            return evaluation_parse(self.movement, code)
        except EvaluationUnknown as error:
            raise Http404 from error


class MovementListView(EmulationReaderMixin, TemplateView):
    template_name = "emulation/movement_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["movements"] = movements_of(self.commune)
        return context


class MovementFormView(CommuneObjectFormView):
    model = Movement
    form_class = MovementForm
    template_name = "emulation/form.html"

    def get_queryset(self):
        return Movement.objects.prefetch_related("phases")

    def after_save(self, form) -> None:
        phases = form.cleaned_data.get("phase_list", [])
        movement_phases_set(actor=self.request.user, movement=self.object, phases=phases)

    def get_success_url(self):
        return reverse("emulation:movement", args=[self.commune.code, self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["back"] = (
            self.get_success_url()
            if self.object
            else reverse("emulation:movements", args=[self.commune.code])
        )
        if self.object is not None:
            context.update(
                delete_url=reverse(
                    "emulation:movement_delete", args=[self.commune.code, self.object.pk]
                ),
                delete_label=_("Remove the movement"),
            )
        return context


class MovementDetailView(EmulationReaderMixin, TemplateView):
    """The movement: its phases, thresholds and criteria, and the periods to rank."""

    template_name = "emulation/movement_detail.html"

    def get(self, request, *args, **kwargs):
        self.movement_get()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        criteria = criteria_of(self.movement)
        context.update(
            movement=self.movement,
            unit_criteria=[c for c in criteria if c.audience == Audience.UNITS],
            village_criteria=[c for c in criteria if c.audience == Audience.VILLAGES],
            evaluations=evaluations_of(self.movement),
            history=audit_rows(audit_trail_for(self.movement).order_by("created_at", "pk")),
        )
        return context


class CriterionFormView(CommuneObjectFormView):
    model = Criterion
    form_class = CriterionForm
    template_name = "emulation/form.html"

    def setup_object(self):
        super().setup_object()
        if self.object is not None:
            self.movement = self.object.movement
        else:
            self.movement = access_in_commune(
                Movement.objects.all(), self.commune, self.kwargs["movement_pk"]
            )

    def get_queryset(self):
        return Criterion.objects.select_related("movement", "indicator", "task")

    def get_form_extra_kwargs(self) -> dict:
        return {"movement": self.movement}

    def get_success_url(self):
        return reverse("emulation:movement", args=[self.commune.code, self.movement.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(movement=self.movement, back=self.get_success_url())
        if self.object is not None:
            context.update(
                delete_url=reverse(
                    "emulation:criterion_delete", args=[self.commune.code, self.object.pk]
                ),
                delete_label=_("Remove this criterion"),
            )
        return context


class EmulationDeleteView(CommuneMixin, TemplateView):
    """A removal: GET shows what will go and asks to confirm, only POST removes. Who may is who
    may edit the movements and criteria (MANAGE, as `CommuneObjectFormView`)."""

    permissions = {"GET": MANAGE, "POST": MANAGE}
    template_name = "emulation/confirm_delete.html"

    def object_get(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.object = self.object_get()
        return self.render_to_response(self.get_context_data())


class CriterionDeleteView(EmulationDeleteView):
    def object_get(self) -> Criterion:
        return access_in_commune(
            Criterion.objects.select_related("movement"), self.commune, self.kwargs["pk"]
        )

    def post(self, request, *args, **kwargs):
        criterion = self.object_get()
        marks = criterion_delete(actor=request.user, criterion=criterion)
        if marks:
            messages.success(
                request,
                _("The criterion «%(name)s» and its %(count)s marks are removed.")
                % {"name": criterion.name, "count": marks},
            )
        else:
            messages.success(
                request, _("The criterion «%(name)s» is removed.") % {"name": criterion.name}
            )
        return HttpResponseRedirect(
            reverse("emulation:movement", args=[self.commune.code, criterion.movement_id])
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        criterion = self.object
        context.update(
            movement=criterion.movement,
            title=_("Remove the criterion: %(name)s") % {"name": criterion.name},
            criterion=criterion,
            marks=criterion_marks_count(criterion),
            back=reverse("emulation:criterion_edit", args=[self.commune.code, criterion.pk]),
        )
        return context


class MovementDeleteView(EmulationDeleteView):
    def object_get(self) -> Movement:
        return access_in_commune(
            Movement.objects.prefetch_related("phases"), self.commune, self.kwargs["pk"]
        )

    def post(self, request, *args, **kwargs):
        self.object = self.object_get()
        try:
            movement_delete(actor=request.user, movement=self.object)
        except ScoringRefused as error:
            return self.render_to_response(self.get_context_data(refusal=error.message), status=400)
        messages.success(
            request, _("The movement «%(name)s» is removed.") % {"name": self.object.name}
        )
        return HttpResponseRedirect(reverse("emulation:movements", args=[self.commune.code]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        movement = self.object
        context.setdefault("refusal", movement_delete_refusal(movement))
        context.update(
            movement=movement,
            title=_("Remove the movement: %(name)s") % {"name": movement.name},
            criteria_count=criteria_count(movement),
            back=reverse("emulation:movement", args=[self.commune.code, movement.pk]),
        )
        return context


class RankingView(EmulationReaderMixin, TemplateView):
    """Every unit's and village's score for a period, with the reason of every point."""

    template_name = "emulation/ranking.html"

    def get(self, request, *args, **kwargs):
        self.movement_get()
        self.evaluation = self.evaluation_get()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            movement=self.movement,
            evaluation=self.evaluation,
            evaluations=evaluations_of(self.movement),
            ranking=movement_ranking(self.movement, self.evaluation),
            formats=RATING_FORMATS,
        )
        return context


class UnitScoreView(EmulationReaderMixin, TemplateView):
    """One unit's score for a period: every line, the adjustments and their history; the office
    marks the criteria scored by hand and adjusts the score here."""

    permissions = {"GET": INTERNAL, "POST": SCORE}  # SCORE's office check once the score is found
    template_name = "emulation/unit_score.html"

    def setup_unit(self) -> None:
        self.movement_get()
        self.evaluation = self.evaluation_get()
        self.unit = access_in_commune(Unit.objects.all(), self.commune, self.kwargs["unit_pk"])
        self.ranking = movement_ranking(self.movement, self.evaluation)
        self.score = self.ranking.score_of(self.unit.pk)
        if self.score is None:  # not a unit or village the movement scores
            raise Http404

    def get(self, request, *args, **kwargs):
        self.setup_unit()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_unit()
        self.require(SCORE, self.unit)
        action = request.POST.get("action")
        adjustment_form = mark_form = None
        mark_criterion = None
        try:
            if action == "adjust":
                adjustment_form = AdjustmentForm(request.POST)
                if adjustment_form.is_valid():
                    score_adjust(
                        actor=request.user,
                        movement=self.movement,
                        unit=self.unit,
                        evaluation=self.evaluation,
                        **adjustment_form.cleaned_data,
                    )
                    messages.success(request, _("The score is adjusted."))
                    return HttpResponseRedirect(request.get_full_path())
            elif action == "mark":
                mark_criterion = access_in_commune(
                    Criterion.objects.filter(movement=self.movement, basis=Basis.MANUAL),
                    self.commune,
                    request.POST.get("criterion"),
                )
                mark_form = MarkForm(request.POST, prefix=f"mark-{mark_criterion.pk}")
                if mark_form.is_valid():
                    manual_mark_set(
                        actor=request.user,
                        criterion=mark_criterion,
                        unit=self.unit,
                        evaluation=self.evaluation,
                        **mark_form.cleaned_data,
                    )
                    messages.success(request, _("The mark is saved."))
                    return HttpResponseRedirect(request.get_full_path())
            else:
                return HttpResponseBadRequest()
        except ScoringRefused as error:
            form = adjustment_form or mark_form
            form.add_error(error.field if error.field in form.fields else None, error.message)
        return self.render_to_response(
            self.get_context_data(
                adjustment_form=adjustment_form,
                mark_form=mark_form,
                mark_criterion=mark_criterion,
            ),
            status=400,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        manages = self.allows(SCORE, self.unit)
        manual = [line for line in self.score.lines if line.criterion.basis == Basis.MANUAL]
        marks = manual_marks_of(
            [line.criterion for line in manual], unit=self.unit, period_code=self.evaluation.code
        )
        mark_forms = []
        if manages:
            failed, failed_form = kwargs.get("mark_criterion"), kwargs.get("mark_form")
            for line in manual:
                if failed is not None and failed.pk == line.criterion.pk:
                    form = failed_form
                else:
                    mark = marks.get(line.criterion.pk)
                    form = MarkForm(
                        prefix=f"mark-{line.criterion.pk}",
                        initial={"points": mark.points, "note": mark.note} if mark else None,
                    )
                mark_forms.append((line.criterion, form))
        history = audit_trail_for(self.movement).filter(
            field__startswith=f"{self.evaluation.code} · {self.unit.short_name} ·"
        )
        context.update(
            movement=self.movement,
            evaluation=self.evaluation,
            unit=self.unit,
            score=self.score,
            mark_forms=mark_forms,
            adjustment_form=(kwargs.get("adjustment_form") or AdjustmentForm())
            if manages
            else None,
            history=audit_rows(history.order_by("created_at", "pk")),
            ranking_url=reverse("emulation:ranking", args=[self.commune.code, self.movement.pk])
            + f"?period={self.evaluation.code}",
        )
        return context


class RatingFileView(EmulationReaderMixin, TemplateView):
    """The rating table (xếp loại) of a period as PDF, Excel or Word, in the Decree 30 layout."""

    def get(self, request, *args, **kwargs):
        self.movement_get()
        evaluation = self.evaluation_get()
        fmt = request.GET.get("format", "")
        if fmt not in RATING_FORMATS:
            return HttpResponseBadRequest(_("Choose the file's format: PDF, Excel or Word."))
        ranking = movement_ranking(self.movement, evaluation)
        content, content_type = rating_file(ranking, fmt, today=timezone.localdate())
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{rating_file_name(ranking, fmt)}"'
        return response
