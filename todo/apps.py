from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TodoConfig(AppConfig):
    """Each person's to-do page ("Việc cần làm"): above reporting and reports, which it reads."""

    name = "todo"
    verbose_name = _("To do")
