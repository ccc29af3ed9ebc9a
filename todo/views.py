from django.views.generic import TemplateView

from communes.access import INSPECT, READ
from communes.mixins import CommuneMixin, PermissionsMixin, ProvinceMixin
from communes.selectors import provinces_inspected
from todo.selectors import commune_todo, inspection_communes, province_todo
from todo.templatetags.todo import todo_remember


class CommuneTodoView(CommuneMixin, TemplateView):
    """The home page of a commune's people: their work, by role."""

    permissions = {"GET": READ}
    template_name = "todo/commune_todo.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # As the periods page: a period due that nobody has written to yet counts (and links).
        todo = commune_todo(self.commune, self.scope, unopened=True)
        todo_remember(self.request, ("commune", self.commune.pk), todo)
        context["todo"] = todo
        context["is_province_reader"] = self.scope.is_province_reader_of(self.commune)
        return context


class ProvinceTodoView(ProvinceMixin, TemplateView):
    permissions = {"GET": READ}
    template_name = "todo/province_todo.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        todo = province_todo(self.province)
        todo_remember(self.request, ("province", self.province.pk), todo)
        context["todo"] = todo
        return context


class InspectionHomeView(PermissionsMixin, TemplateView):
    """An inspector's home: the communes of its scope, their plans and periods, to read."""

    permissions = {"GET": INSPECT}
    template_name = "todo/inspection.html"

    def get_context_data(self, **kwargs):
        scope = self.scope
        context = super().get_context_data(**kwargs)
        context["communes"] = inspection_communes(scope)
        context["provinces"] = provinces_inspected(scope)
        return context
