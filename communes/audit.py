"""Audit rows, written inside the same transaction as the change they describe."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

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
    ).select_related("actor", "content_type")


# --- Reading the history: what the reader sees, in the reader's language ----------------------

# Names the services write in `field` that are no model field's own name on the audited object
# (a figure's fields are written on its indicator, "closed" on a period).
_FIELD_LABELS = {
    "value": _lazy("value"),
    "numerator": _lazy("numerator (a)"),
    "denominator": _lazy("denominator (b)"),
    "is_done": _lazy("done"),
    "text": _lazy("text"),
    "status": _lazy("status"),
    "percent": _lazy("percent complete"),
    "result": _lazy("result achieved"),
    "evidence_number": _lazy("document number"),
    "evidence_date": _lazy("document date"),
    "evidence_file": _lazy("evidence file"),
    "closed": _lazy("closing of the period"),
    "created": _lazy("created"),
    "revoked_at": _lazy("revoked"),
    "second factor": _lazy("second factor"),
    # The emulation scores (emulation.services): a unit's score, a mark, a movement's phases.
    "score": _lazy("score"),
    "points": _lazy("points"),
    "phases": _lazy("phases"),
}
_TARGET = re.compile(r"^target (?P<year>\d{4})$")
_STORED_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


@dataclass(frozen=True)
class AuditRow:
    created_at: object
    actor: object
    action: str
    field: str
    old: str
    new: str
    reason: str


def _field_label(model, name: str) -> str:
    if match := _TARGET.match(name):
        return _("target %(year)s") % {"year": match["year"]}
    if name in _FIELD_LABELS:
        return str(_FIELD_LABELS[name])
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (FieldDoesNotExist, AttributeError):
        return name


def _field_text(model, field: str) -> str:
    """ "202606 · Phòng VH-XH · numerator" → its last part in the reader's words; "status,
    percent" → each name so."""
    *where, names = field.split(" · ")
    label = ", ".join(_field_label(model, name.strip()) for name in names.split(","))
    return " · ".join([*where, label]) if names else " · ".join(where)


def _value_text(model, field: str, value: str) -> str:
    """A stored value as the UI shows it: a choice's name, a moment as dd/mm/yyyy hh:mm."""
    if not value:
        return ""
    name = field.split(" · ")[-1].strip()
    try:
        model_field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        model_field = None
    if model_field is not None and getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if value in ("True", "False"):
        return str(_("yes") if value == "True" else _("no"))
    if _STORED_MOMENT.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "d/m/Y H:i")
    return value


def audit_rows(entries) -> list[AuditRow]:
    """History entries as the reader reads them: action and field names in the reader's
    language, a status by the name the UI gives it ("nháp → đã gửi", not "draft | submitted")."""
    rows = []
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        rows.append(
            AuditRow(
                created_at=entry.created_at,
                actor=entry.actor,
                action=str(entry.get_action_display()),
                field=_field_text(model, entry.field) if entry.field else "",
                old=_value_text(model, entry.field, entry.old_value),
                new=_value_text(model, entry.field, entry.new_value),
                reason=entry.reason,
            )
        )
    return rows
