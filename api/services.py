"""Writes of the API app: personal tokens (created, revoked, seen in use)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import ApiToken, TokenScope
from communes.audit import audit_record
from communes.models import AuditAction

TOKEN_LIFETIMES_DAYS = (30, 90, 180, 365)
# Writing `last_used_at` on every request would turn each read into a write; once a minute tells enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """SHA-256 is enough here: the secret is 256 random bits, not a password a person chose."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_split(token: str) -> tuple[str, str] | None:
    """`kpi_<prefix>_<secret>` → (prefix, secret); None for anything else."""
    head, _sep, rest = token.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if head != "kpi" or not prefix or not secret:
        return None
    return prefix, secret


def token_matches(token_row: ApiToken, token: str) -> bool:
    return hmac.compare_digest(token_row.key_hash, token_hash(token))


def api_token_create(*, user, name: str, scope: str, expires_at: datetime) -> tuple[ApiToken, str]:
    """A new token of `user`, and its secret in clear: shown once, never stored."""
    if scope not in TokenScope.values:
        raise ValueError(scope)
    for _attempt in range(5):
        prefix = secrets.token_hex(4)
        token = f"kpi_{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                row = ApiToken.objects.create(
                    user=user,
                    name=name.strip(),
                    prefix=prefix,
                    key_hash=token_hash(token),
                    scope=scope,
                    expires_at=expires_at,
                )
                audit_record(
                    actor=user,
                    commune=None,
                    obj=row,
                    action=AuditAction.CREATE,
                    new=f"{row.get_scope_display()} · {timezone.localtime(expires_at):%d/%m/%Y}",
                )
            return row, token
        except IntegrityError:  # a prefix already taken: draw again
            continue
    raise RuntimeError("Could not draw a free token prefix")


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, commune=None, obj=token, action=AuditAction.DEACTIVATE, field="revoked_at"
        )
    return token


def api_token_mark_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
