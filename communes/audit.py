"""Audit rows, written inside the same transaction as the change they describe."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from communes.models import AuditAction, AuditEntry, Commune


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ", ".join(sorted(str(item) for item in value))
    return str(value)


def audit_record(
    *,
    actor,
    commune: Commune | None,
    obj: models.Model,
    action: str = AuditAction.UPDATE,
    field: str = "",
    old=None,
    new=None,
    reason: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        commune=commune,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        reason=reason,
    )


def audit_trail_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
    ).select_related("actor")
