"""`check --deploy` refuses a production whose mail would go nowhere."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def _deploy_check():
    call_command("check", deploy=True, tags=["security"], fail_level="ERROR")


def test_console_mail_fails_the_deploy_check(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.NO_MAIL = False
    with pytest.raises(SystemCheckError, match=r"portal\.E001"):
        _deploy_check()


@pytest.mark.parametrize(
    "backend, no_mail",
    [
        ("django.core.mail.backends.smtp.EmailBackend", False),
        ("django.core.mail.backends.dummy.EmailBackend", True),
    ],
)
def test_a_mail_server_or_an_explicit_no_mail_passes(settings, backend, no_mail):
    settings.EMAIL_BACKEND, settings.NO_MAIL = backend, no_mail
    _deploy_check()
