"""Staff accounts of a commune, managed by its standing office."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership, Role, User
from communes.audit import audit_record
from communes.models import AuditAction, Commune, Unit

COMMUNE_ROLES = (Role.UNIT_STAFF, Role.STANDING_OFFICE, Role.COMMUNE_LEADER)


def password_set_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "password_reset_confirm", kwargs={"uidb64": uid, "token": token}
    )


def _password_mail_send(user: User, *, commune: Commune, invited: bool) -> None:
    context = {
        "user": user,
        "commune": commune,
        "link": password_set_link(user),
        "invited": invited,
    }
    subject = render_to_string("accounts/email/password_set_subject.txt", context).strip()
    body = render_to_string("accounts/email/password_set.txt", context)
    # After commit: a rolled-back invitation must not leave a mail with a dead link behind.
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


@transaction.atomic
def staff_invite(
    *, actor, commune: Commune, email: str, full_name: str, role: str, unit: Unit | None = None
) -> Membership:
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(username=email, email=email, full_name=full_name)
        user.set_unusable_password()
        user.save()
    elif not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    membership, _ = Membership.objects.update_or_create(
        user=user,
        role=role,
        commune=commune,
        unit=unit if role == Role.UNIT_STAFF else None,
        province=None,
        defaults={"is_active": True},
    )
    audit_record(
        actor=actor,
        commune=commune,
        obj=membership,
        action=AuditAction.INVITE,
        new=f"{email} · {membership.get_role_display()}" + (f" · {unit}" if unit else ""),
    )
    if created or not user.has_usable_password():
        _password_mail_send(user, commune=commune, invited=True)
    return membership


@transaction.atomic
def staff_password_reset_send(*, actor, commune: Commune, membership: Membership) -> None:
    audit_record(
        actor=actor, commune=commune, obj=membership, field="password", new="reset link sent"
    )
    _password_mail_send(membership.user, commune=commune, invited=False)


@transaction.atomic
def membership_deactivate(*, actor, commune: Commune, membership: Membership) -> None:
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_record(actor=actor, commune=commune, obj=membership, action=AuditAction.DEACTIVATE)
    user = membership.user
    if not user.memberships.filter(is_active=True).exists() and not user.is_superuser:
        user.is_active = False
        user.save(update_fields=["is_active"])


def commune_staff(commune: Commune):
    return (
        Membership.objects.filter(commune=commune, role__in=COMMUNE_ROLES)
        .select_related("user", "unit")
        .order_by("-is_active", "role", "unit__order", "user__username")
    )
