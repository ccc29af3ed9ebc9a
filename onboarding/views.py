"""The browser side of plan import: upload, review (each row correctable in place), commit."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from communes.access import MANAGE, access_in_commune
from communes.mixins import CommuneMixin
from communes.selectors import unit_names_active
from reporting.duty import schedules_to_complete_message

from .forms import ColumnMappingForm, IndicatorRowForm, PlanUploadForm, TaskRowForm
from .mapping import mapping_tables
from .models import PlanImport
from .reading import ImportFileError
from .review import review_rows, review_years
from .services import (
    PlanImportError,
    plan_import_alias_confirm,
    plan_import_collective_expand,
    plan_import_columns_map,
    plan_import_document,
    plan_import_merge_decide,
    plan_import_row_update,
    plan_import_save,
    plan_import_upload,
)


class PlanImportUploadView(CommuneMixin, FormView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
    form_class = PlanUploadForm
    template_name = "onboarding/upload.html"

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            plan_import = plan_import_upload(
                actor=self.request.user,
                commune=self.commune,
                name=upload.name,
                data=upload.read(),
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        if plan_import.result.get("unmapped"):
            return redirect("onboarding:columns", self.commune.code, plan_import.pk)
        return redirect("onboarding:review", self.commune.code, plan_import.pk)


class PlanImportMixin(CommuneMixin):
    """A plan import of the commune: the standing office's work, every method."""

    permissions = {"GET": MANAGE, "POST": MANAGE}

    def get_import(self) -> PlanImport:
        return access_in_commune(
            PlanImport.objects.defer("data").select_related("plan"),
            self.commune,
            self.kwargs["pk"],
        )


class PlanImportReviewView(PlanImportMixin, TemplateView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
    template_name = "onboarding/review.html"

    def get(self, request, *args, **kwargs):
        self.plan_import = self.get_import()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, bound=None, **kwargs):

        context = super().get_context_data(**kwargs)
        result = self.plan_import.result
        indicators, tasks = review_rows(result, bound=bound)
        flagged = len([row for row in [*indicators, *tasks] if row.flags])
        row_refs = {
            ref
            for item in [*result.get("indicators", []), *result.get("tasks", [])]
            for ref in item.get("rows") or []
        }
        all_flags = result.get("flags", [])
        skipped = result.get("skipped", [])
        context.update(
            plan_import=self.plan_import,
            plan=result.get("plan", {}),
            indicators=indicators,
            tasks=tasks,
            years=review_years(result),
            indicator_columns=5 + len(review_years(result)),
            flagged_count=flagged,
            skipped=skipped,
            other_flags=[
                flag
                for flag in all_flags[: len(all_flags) - len(skipped)]
                if flag["row"] not in row_refs
            ],
            unmapped=result.get("unmapped", []),
            pending_merges=sum(
                1
                for item in result.get("indicators", [])
                for merge in item.get("merges") or []
                if not merge.get("decision")
            ),
            # The units a collective name can be expanded to (one query, whatever the rows).
            units=unit_names_active(self.commune)
            if any(row.collectives for row in [*indicators, *tasks]) or result.get("proposed_units")
            else [],
            proposed_units=result.get("proposed_units", []),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.plan_import = self.get_import()
        part = request.POST.get("part")
        items = self.plan_import.result.get(part) if part in ("indicators", "tasks") else None
        try:
            index = int(request.POST.get("index", ""))
            items[index]
        except (TypeError, ValueError, IndexError):
            messages.error(request, _("This row is not part of the import."))
            return redirect("onboarding:review", self.commune.code, self.plan_import.pk)
        prefix = f"{part}-{index}"
        if part == "indicators":
            form = IndicatorRowForm(
                request.POST, years=review_years(self.plan_import.result), prefix=prefix
            )
        else:
            form = TaskRowForm(request.POST, prefix=prefix)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(bound=(part, index, form)))
        plan_import_row_update(
            actor=request.user,
            plan_import=self.plan_import,
            part=part,
            index=index,
            fields=form.row_fields(),
        )
        messages.success(
            request, _("The row %(code)s was corrected.") % {"code": items[index]["code"]}
        )
        url = reverse("onboarding:review", args=[self.commune.code, self.plan_import.pk])
        return HttpResponseRedirect(f"{url}#{prefix}")


class PlanImportCommitView(PlanImportMixin, View):
    permissions = {"POST": MANAGE}
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        plan_import = self.get_import()
        try:
            plan = plan_import_save(actor=request.user, plan_import=plan_import)
        except PlanImportError as exc:
            messages.error(request, str(exc))
            return redirect("onboarding:review", self.commune.code, plan_import.pk)
        messages.success(
            request,
            _("Saved as the draft plan %(number)s; check it, then put it in force.")
            % {"number": plan.document_number},
        )
        if plan.schedules_to_complete:
            messages.warning(request, schedules_to_complete_message(plan.schedules_to_complete))
        return redirect("reporting:plan", self.commune.code, plan.pk)


class PlanImportColumnsView(PlanImportMixin, TemplateView):
    """Map the columns of the tables whose header the portal does not recognise, once: the
    mapping is kept for the commune and the file read again, on to the same review."""

    permissions = {"GET": MANAGE, "POST": MANAGE}

    template_name = "onboarding/columns.html"

    def _forms(self, data=None):
        plan_import = access_in_commune(PlanImport.objects.all(), self.commune, self.kwargs["pk"])
        self.plan_import = plan_import
        unmapped = plan_import.result.get("unmapped") or []
        if not unmapped or plan_import.pruned_at is not None:
            return []
        tables = mapping_tables(plan_import_document(plan_import), unmapped)
        return [
            ColumnMappingForm(data, table=table, prefix=f"table-{number}")
            for number, table in enumerate(tables, start=1)
        ]

    def get(self, request, *args, **kwargs):
        forms = self._forms()
        if not forms:
            return redirect("onboarding:review", self.commune.code, self.plan_import.pk)
        return self.render_to_response(self.get_context_data(forms=forms))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan_import"] = self.plan_import
        return context

    def post(self, request, *args, **kwargs):
        forms = self._forms(request.POST)
        if not forms:
            return redirect("onboarding:review", self.commune.code, self.plan_import.pk)
        if not all([form.is_valid() for form in forms]):
            return self.render_to_response(self.get_context_data(forms=forms))
        try:
            plan_import_columns_map(
                actor=request.user,
                plan_import=self.plan_import,
                mappings=[
                    (form.table.key, form.table.header_text, form.column_map()) for form in forms
                ],
            )
        except ImportFileError as exc:
            messages.error(request, str(exc))
            return self.render_to_response(self.get_context_data(forms=forms))
        messages.success(
            request,
            _("The columns are mapped; the next file with the same header is read without asking."),
        )
        if self.plan_import.result.get("unmapped"):
            return redirect("onboarding:columns", self.commune.code, self.plan_import.pk)
        return redirect("onboarding:review", self.commune.code, self.plan_import.pk)


class PlanImportMergeView(PlanImportMixin, View):
    """Confirm a merge across milestone sections, or split it into an indicator of its own."""

    permissions = {"POST": MANAGE}

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        plan_import = self.get_import()
        review = reverse("onboarding:review", args=[self.commune.code, plan_import.pk])
        try:
            index = int(request.POST.get("index", ""))
            plan_import.result["indicators"][index]
            code = plan_import_merge_decide(
                actor=request.user,
                plan_import=plan_import,
                index=index,
                ref=request.POST.get("ref", ""),
                decision=request.POST.get("decision", ""),
            )
        except PlanImportError as exc:  # a ValueError: said before the generic refusal
            messages.error(request, str(exc))
            return HttpResponseRedirect(review)
        except (TypeError, ValueError, IndexError, KeyError):
            messages.error(request, _("This row is not part of the import."))
            return HttpResponseRedirect(review)
        if request.POST.get("decision") == "split":
            messages.success(
                request,
                _("The row is split off as indicator %(code)s.") % {"code": code},
            )
        else:
            messages.success(request, _("The merge of %(code)s is confirmed.") % {"code": code})
        return HttpResponseRedirect(f"{review}#indicators-{index}")


class PlanImportCollectiveView(PlanImportMixin, View):
    """Expand a collective name of a row ("Các phòng chuyên môn") to units of the commune."""

    permissions = {"POST": MANAGE}

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        plan_import = self.get_import()
        review = reverse("onboarding:review", args=[self.commune.code, plan_import.pk])
        part, role = request.POST.get("part"), request.POST.get("role")
        try:
            if part not in ("indicators", "tasks") or role not in ("lead", "support"):
                raise ValueError
            index = int(request.POST.get("index", ""))
            plan_import.result[part][index]
            unit_ids = [int(value) for value in request.POST.getlist("units")]
            plan_import_collective_expand(
                actor=request.user,
                plan_import=plan_import,
                part=part,
                index=index,
                role=role,
                name=request.POST.get("name", ""),
                unit_ids=unit_ids,
            )
        except PlanImportError as exc:  # a ValueError: said before the generic refusal
            messages.error(request, str(exc))
            return HttpResponseRedirect(review)
        except (TypeError, ValueError, IndexError, KeyError):
            messages.error(request, _("This row is not part of the import."))
            return HttpResponseRedirect(review)
        messages.success(
            request,
            _("«%(name)s» now stands for the units chosen.") % {"name": request.POST.get("name")},
        )
        return HttpResponseRedirect(f"{review}#{part}-{index}")


class PlanImportAliasView(PlanImportMixin, View):
    """A printed name the portal did not know is one of the commune's units: keep it as an alias."""

    permissions = {"POST": MANAGE}

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from django.shortcuts import get_object_or_404

        from communes.models import Unit

        plan_import = self.get_import()
        review = reverse("onboarding:review", args=[self.commune.code, plan_import.pk])
        name = request.POST.get("name", "").strip()
        try:
            unit_id = int(request.POST.get("unit", ""))
        except ValueError:
            messages.error(request, _("Choose the unit this name stands for."))
            return HttpResponseRedirect(review)
        unit = get_object_or_404(Unit, commune=self.commune, pk=unit_id)
        if not name:
            messages.error(request, _("Choose the unit this name stands for."))
            return HttpResponseRedirect(review)
        plan_import_alias_confirm(actor=request.user, plan_import=plan_import, name=name, unit=unit)
        messages.success(
            request,
            _("«%(name)s» is %(unit)s: kept for the commune, the next files read it so.")
            % {"name": name, "unit": unit.short_name},
        )
        return HttpResponseRedirect(f"{review}#proposed-units")
