from django.utils.translation import gettext_lazy as _

from communes.access import MANAGE
from plans.mixins import PlanChildFormView
from tasks.forms import TaskForm, TaskSectionForm
from tasks.models import Task, TaskSection


class TaskSectionFormView(PlanChildFormView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
    model = TaskSection
    form_class = TaskSectionForm
    success_message = _("The task section was saved.")

    def success_anchor(self):
        return f"#section-{self.object.pk}"


class TaskFormView(PlanChildFormView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
    model = Task
    form_class = TaskForm
    success_message = _("The task was saved.")

    def success_anchor(self):
        return f"#task-{self.object.pk}"
