from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project itself as an app: its deployment checks (config/checks.py)."""

    name = "config"
    verbose_name = "Portal"

    def ready(self):
        from config import checks  # noqa: F401  (registers the checks)
