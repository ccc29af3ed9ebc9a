"""Invitations: the offer of one commune role to an e-mail address (`Invitation`).

Making one changes no account. The person who holds the address accepts it, logged in or by
choosing the password of a new account (`accounts.services.invitation_accept`); only then is the
membership created. It lives with the tenancy because a commune's creation invites its standing
office (`communes.services`) as its standing office invites its staff.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.audit import audit_record
from communes.models import AuditAction, Commune, Invitation, Role, Unit, UnitKind

# A commune's inspector (its Party inspection committee, its People's Council) is invited like its
# staff; a province's inspector is created by an administrator (Django admin, Memberships).
COMMUNE_ROLES = (Role.UNIT_STAFF, Role.STANDING_OFFICE, Role.COMMUNE_LEADER, Role.INSPECTOR)


def portal_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def mail_on_commit(subject_template: str, body_template: str, context: dict, to: str) -> None:
    subject = render_to_string(subject_template, context).strip()
    body = render_to_string(body_template, context)
    # After commit: a rolled-back change must not leave a mail with a dead link behind.
    transaction.on_commit(lambda: send_mail(subject, body, None, [to]))


def invitation_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_validate(*, commune: Commune, role: str, unit: Unit | None) -> None:
    if role not in COMMUNE_ROLES:
        raise ValidationError(
            {"role": _("A commune can invite its staff, office and leaders only.")}
        )
    if role == Role.UNIT_STAFF:
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit this person reports for.")})
        if unit.commune_id != commune.pk or unit.kind == UnitKind.EXTERNAL or not unit.is_active:
            raise ValidationError({"unit": _("The unit belongs to another commune.")})


@transaction.atomic
def staff_invite(
    *, actor, commune: Commune, email: str, full_name: str, role: str, unit: Unit | None = None
) -> Invitation:
    """Offer a role of the commune to an e-mail address. No account is created or changed here.

    The caller has checked that `actor` may invite for `commune` (its standing office: the
    staff pages resolve the commune with `manage=True`).
    """
    email = BaseUserManager.normalize_email(email).strip().lower()
    unit = unit if role == Role.UNIT_STAFF else None
    _invitation_validate(commune=commune, role=role, unit=unit)
    now = timezone.now()
    # A new invitation for the same role replaces the ones still pending: one live link.
    Invitation.objects.filter(
        commune=commune,
        email__iexact=email,
        role=role,
        unit=unit,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name,
        role=role,
        commune=commune,
        unit=unit,
        token_digest=invitation_token_digest(token),
        invited_by=actor if getattr(actor, "pk", None) else None,
        expires_at=now + timedelta(seconds=settings.ACCOUNTS_INVITATION_TIMEOUT),
    )
    audit_record(
        actor=actor, commune=commune, obj=invitation, action=AuditAction.INVITE, new=invitation
    )
    mail_on_commit(
        "accounts/email/invitation_subject.txt",
        "accounts/email/invitation.txt",
        {
            "invitation": invitation,
            "commune": commune,
            "link": portal_url(reverse("accounts:invitation", args=[token])),
        },
        email,
    )
    return invitation
