"""The browser side of plan import: upload, review (each row correctable in place), commit."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from communes.access import access_in_commune
from communes.mixins import CommuneMixin

from .forms import IndicatorRowForm, PlanUploadForm, TaskRowForm
from .models import PlanImport
from .reading import ImportFileError
from .review import review_rows, review_years
from .services import PlanImportError, plan_import_row_update, plan_import_save, plan_import_upload


class PlanImportUploadView(CommuneMixin, FormView):
    manage = True
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
        return redirect("onboarding:review", self.commune.code, plan_import.pk)


class PlanImportMixin(CommuneMixin):
    manage = True

    def get_import(self) -> PlanImport:
        return access_in_commune(
            PlanImport.objects.defer("data").select_related("plan"),
            self.commune,
            self.kwargs["pk"],
        )


class PlanImportReviewView(PlanImportMixin, TemplateView):
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
        return redirect("plans:detail", self.commune.code, plan.pk)
