"""Sign-in security: the login lock-out (django-axes) and the second factor (django-otp).

- A wrong password counts against the account and against the client's address; after
  `AXES_FAILURE_LIMIT` of either, login is refused (HTTP 429, in Vietnamese) until the cool-off
  ends or someone unlocks it (`accounts.services.login_unlock`).
- Province officers, province inspectors and administrators (and anyone who turned it on) must verify a code from
  their authenticator app, or a recovery code, before any other page: `SecondFactorMiddleware`.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from communes.access import scope_for

# Set at login: the person enrolled a device of their own accord, so the session asks for it too.
SECOND_FACTOR_ENROLLED_SESSION_KEY = "_second_factor_enrolled"


def client_ip(request) -> str | None:
    """The address counted by the lock-out: behind our TLS proxy, the one it appended."""
    if settings.LOGIN_CLIENT_IP_FROM_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    message = _(
        "Too many failed logins (%(limit)s) for this account or from this address: logging in is "
        "locked for %(minutes)s minutes. Ask your commune's standing office or the "
        "administrator to unlock it, or try again later."
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": lockout_minutes()}
    return render(
        request,
        "registration/locked_out.html",
        {"message": message},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def login_locked_usernames(usernames) -> set[str]:
    """Which of these login names are locked out now (failures within the cool-off)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(username__in=list(usernames), attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


def second_factor_required_by_role(user) -> bool:
    """Province officers, province inspectors and administrators always verify a second factor.

    A province's inspector reads every unit report of every commune of the province (names,
    figures, evidence): a stolen password would open more than any commune role does. A commune's
    inspector reads what its leader reads, and like the leader is not required to."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    scope = scope_for(user)
    return scope.is_admin or bool(scope.province_ids or scope.inspected_province_ids)


def second_factor_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_second_factor_required(request) -> bool:
    user = request.user
    if second_factor_required_by_role(user):
        return True
    enrolled = request.session.get(SECOND_FACTOR_ENROLLED_SESSION_KEY)
    if enrolled is None:  # a session from before the login hook: look once, then remember
        enrolled = second_factor_enrolled(user)
        request.session[SECOND_FACTOR_ENROLLED_SESSION_KEY] = enrolled
    return enrolled


def session_verified(request) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    if is_verified is not None:
        return is_verified()
    return DEVICE_ID_SESSION_KEY in request.session


def remember_enrolment_at_login(sender, request, user, **kwargs):
    """On `user_logged_in`: note once per session whether the person uses a second factor."""
    if request is not None and hasattr(request, "session"):
        request.session[SECOND_FACTOR_ENROLLED_SESSION_KEY] = second_factor_enrolled(user)
