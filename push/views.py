"""The province's push pages: its endpoint (officers only), the delivery log and the dry run.

The province is resolved through `communes.access` (404 for a province the caller cannot
read); only its officers and administrators read a province at all."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from communes.access import MANAGE, READ, communes_readable
from communes.mixins import ProvinceMixin
from push.forms import PushDryRunForm, PushEndpointForm
from push.payload import KEY_HEADER, SIGNATURE_HEADER
from push.selectors import push_deliveries, push_endpoint_of
from push.services import push_dry_run, push_endpoint_save
from reporting.selectors import period_saved

DELIVERIES_PER_PAGE = 50


class PushSettingsView(ProvinceMixin, TemplateView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
    template_name = "push/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        endpoint = push_endpoint_of(self.province)
        context.setdefault("form", PushEndpointForm(endpoint=endpoint))
        context.setdefault("dry_run_form", PushDryRunForm(communes=self.communes()))
        context.update(
            endpoint=endpoint,
            signature_header=SIGNATURE_HEADER,
            key_header=KEY_HEADER,
        )
        return context

    def communes(self):
        return communes_readable(self.request.user).filter(province=self.province)

    def post(self, request, *args, **kwargs):
        form = PushEndpointForm(request.POST, endpoint=push_endpoint_of(self.province))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        push_endpoint_save(actor=request.user, province=self.province, **form.cleaned_data)
        messages.success(request, _("The push settings were saved."))
        return HttpResponseRedirect(reverse("push:settings", args=[self.province.code]))


class PushDryRunView(PushSettingsView):
    """The body the portal would send for a commune's period, shown and not sent."""

    permissions = {"GET": MANAGE, "POST": MANAGE}  # POST: 405, to its managers only

    template_name = "push/dry_run.html"

    def get(self, request, *args, **kwargs):
        form = PushDryRunForm(request.GET, communes=self.communes())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(dry_run_form=form), status=400)
        commune = self.communes().get(code=form.cleaned_data["commune"])
        period = period_saved(commune, form.cleaned_data["period"])
        if period is None:
            raise Http404
        body = push_dry_run(period=period)
        context = self.get_context_data(
            dry_run_form=form,
            commune=commune,
            period=period,
            body=json.dumps(json.loads(body), ensure_ascii=False, indent=2),
            body_bytes=len(body.encode()),
        )
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        return self.http_method_not_allowed(request, *args, **kwargs)


class PushDeliveryListView(ProvinceMixin, TemplateView):
    permissions = {"GET": READ}
    template_name = "push/deliveries.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(push_deliveries(self.province), DELIVERIES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            page=page, deliveries=page.object_list, endpoint=push_endpoint_of(self.province)
        )
        return context
