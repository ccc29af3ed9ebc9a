from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarksConfig(AppConfig):
    """Commands that time the portal across its apps (pages, reminders, reports) on demo data."""

    name = "benchmarks"
    verbose_name = _("Benchmarks")
