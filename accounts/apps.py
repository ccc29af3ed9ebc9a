from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.security import remember_enrolment_at_login

        user_logged_in.connect(remember_enrolment_at_login, dispatch_uid="accounts_2fa_enrolment")
