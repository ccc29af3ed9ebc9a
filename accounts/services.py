"""Staff accounts of a commune, managed by its standing office, and the invitations that add them.

An invitation never changes an existing account: it is an offer that the person holding the
e-mail address accepts, logged in as themselves or by choosing the password of a new account.
Only then is the membership created. A deactivated account stays deactivated: only an
administrator brings it back (`user_reactivate`), and that is audited.
"""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.security import second_factor_required_by_role
from communes.access import scope_for
from communes.audit import audit_record
from communes.invitations import COMMUNE_ROLES, invitation_token_digest, mail_on_commit, portal_url
from communes.models import AuditAction, Commune, Invitation, Membership


def password_set_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return portal_url(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("commune", "unit")
        .filter(token_digest=invitation_token_digest(token))
        .first()
    )


def invitation_accounts(invitation: Invitation):
    """The existing accounts of the invited address (by e-mail or by a login name equal to it)."""
    return User.objects.filter(email__iexact=invitation.email) | User.objects.filter(
        username__iexact=invitation.email
    )


def _invitation_locked(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(
            _("This invitation is no longer valid: it was used, withdrawn or it expired.")
        )
    return invitation


def _membership_from_invitation(*, invitation: Invitation, user: User) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user,
        role=invitation.role,
        commune=invitation.commune,
        unit=invitation.unit,
        province=None,
        defaults={"is_active": True},
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        commune=invitation.commune,
        obj=membership,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        field="" if created else "is_active",
        new=membership if created else True,
        reason=_("Invitation accepted"),
    )
    return membership


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The logged-in holder of the invited address accepts: the membership is created now."""
    invitation = _invitation_locked(invitation)
    if not user.is_active:
        raise PermissionDenied
    if (user.email or "").lower() != invitation.email:
        raise ValidationError(
            _("This invitation is for %(email)s: log in with that account to accept it.")
            % {"email": invitation.email}
        )
    return _membership_from_invitation(invitation=invitation, user=user)


@transaction.atomic
def invitation_accept_with_new_account(*, invitation: Invitation, password: str) -> User:
    """A person without an account accepts by choosing a password: account and membership."""
    invitation = _invitation_locked(invitation)
    if invitation_accounts(invitation).exists():
        raise ValidationError(
            _("An account with this address exists already: log in to accept the invitation.")
        )
    user = User(username=invitation.email, email=invitation.email, full_name=invitation.full_name)
    user.set_password(password)
    user.save()
    audit_record(
        actor=user, commune=invitation.commune, obj=user, action=AuditAction.CREATE, new=user
    )
    _membership_from_invitation(invitation=invitation, user=user)
    return user


@transaction.atomic
def invitation_revoke(*, actor, commune: Commune, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, commune=commune, obj=invitation, field="revoked_at", new=_("withdrawn")
    )


def commune_invitations_pending(commune: Commune):
    return Invitation.objects.filter(
        commune=commune,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("unit", "invited_by")


# ---- accounts


@transaction.atomic
def user_reactivate(*, actor, user: User, reason: str = "") -> None:
    """Bring back a deactivated account: an administrator's decision alone, audited."""
    if not scope_for(actor).is_admin:
        raise PermissionDenied
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor, commune=None, obj=user, field="is_active", old=False, new=True, reason=reason
    )


@transaction.atomic
def staff_password_reset_send(*, actor, commune: Commune, membership: Membership) -> None:
    audit_record(
        actor=actor, commune=commune, obj=membership, field="password", new="reset link sent"
    )
    user = membership.user
    mail_on_commit(
        "accounts/email/password_set_subject.txt",
        "accounts/email/password_set.txt",
        {"user": user, "commune": commune, "link": password_set_link(user), "invited": False},
        user.email,
    )


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


# ---- sign-in security

RECOVERY_CODE_COUNT = 10


def login_unlock(*, actor, user: User, commune: Commune | None = None) -> int:
    """Lift a login lock-out of `user`: an administrator anywhere, a standing office for the
    staff of its commune (`commune` given). Audited; returns the failed attempts removed."""
    scope = scope_for(actor)
    if not scope.is_admin:
        if commune is None or not scope.can_manage_commune(commune):
            raise PermissionDenied
        if not user.memberships.filter(commune=commune, role__in=COMMUNE_ROLES).exists():
            raise PermissionDenied
    with transaction.atomic():
        removed = axes_reset(username=user.username)
        audit_record(
            actor=actor, commune=commune, obj=user, field="login lock-out", new=_("unlocked")
        )
    return removed


def _recovery_codes_make(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_device_to_scan(*, user: User, key: str) -> TOTPDevice:
    """The authenticator device of a key being set up: the page shows its QR code before
    anything is stored (a GET writes nothing); the first code typed saves it, with the tries'
    throttling, and the right one confirms it (`second_factor_confirm`)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False, key=key).first() or TOTPDevice(
        user=user, name="authenticator", confirmed=False, key=key
    )


@transaction.atomic
def second_factor_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """The first code from the app confirms the device (replacing any older one) and makes a
    fresh set of recovery codes, returned once. None if the code is wrong."""
    if device.user_id != user.pk or not device.verify_token(token.strip().replace(" ", "")):
        return None  # a wrong code counts against the device's tries (it is saved for them)
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_make(user)
    audit_record(actor=user, commune=None, obj=user, field="second factor", new=_("turned on"))
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    codes = _recovery_codes_make(user)
    audit_record(
        actor=user, commune=None, obj=user, field="recovery codes", new=_("new codes made")
    )
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def second_factor_disable(*, actor, user: User) -> None:
    """Turn off one's own second factor; not for those whose role requires it."""
    if actor.pk != user.pk or second_factor_required_by_role(user):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, commune=None, obj=user, field="second factor", new=_("turned off"))


@transaction.atomic
def second_factor_reset(*, actor, user: User) -> None:
    """An administrator removes a person's devices (a lost phone and lost recovery codes): the
    next login sets up a new one. Audited."""
    if not scope_for(actor).is_admin:
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, commune=None, obj=user, field="second factor", new=_("reset"))
