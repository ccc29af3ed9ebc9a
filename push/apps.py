from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushConfig(AppConfig):
    name = "push"
    verbose_name = _("Push to the province")

    def ready(self) -> None:
        from push.receivers import period_closed_record_push
        from reporting.signals import period_closed

        period_closed.connect(period_closed_record_push, dispatch_uid="push.period_closed")
