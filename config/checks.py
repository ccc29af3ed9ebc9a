"""Deployment checks that `manage.py check --deploy` adds to Django's own."""

from django.conf import settings
from django.core import checks

# Backends that deliver nothing: with one of them a reminder would be marked sent and never arrive.
UNDELIVERING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@checks.register(checks.Tags.security, deploy=True)
def mail_is_delivered(app_configs, **kwargs):
    if settings.NO_MAIL or settings.EMAIL_BACKEND not in UNDELIVERING_BACKENDS:
        return []
    return [
        checks.Error(
            "EMAIL_URL does not name a mail server: reminders and invitations would be printed "
            "or kept locally and marked sent, and never reach anyone.",
            hint="Set EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.vn:587), or "
            "NO_MAIL=true to run without mail (reminders are then recorded as not sent).",
            id="portal.E001",
        )
    ]
