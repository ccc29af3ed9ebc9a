"""Writes shared by the plan-management forms: one transaction, validation, an audit row per change."""

from __future__ import annotations

from django import forms
from django.db import models, transaction

from communes.audit import audit_record
from communes.models import AuditAction, Commune


def _display(field: forms.Field, value):
    if isinstance(field, forms.ModelChoiceField) and not isinstance(
        value, models.Model | list | tuple
    ):
        return field.queryset.filter(pk=value).first() if value not in (None, "") else None
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return dict(field.choices).get(value, value)
    return value


@transaction.atomic
def model_form_save(
    *, actor, commune: Commune, form: forms.ModelForm, reason: str = ""
) -> models.Model:
    """Save a validated ModelForm of a commune's object and record what changed."""
    creating = form.instance.pk is None
    changes = []
    for name in form.changed_data:
        if name not in form.Meta.fields:
            continue
        field = form.fields[name]
        changes.append(
            (
                str(field.label),
                _display(field, form.initial.get(name)),
                _display(field, form.cleaned_data[name]),
            )
        )
    obj = form.save()
    if creating:
        audit_record(
            actor=actor, commune=commune, obj=obj, action=AuditAction.CREATE, reason=reason
        )
    else:
        for label, old, new in changes:
            audit_record(
                actor=actor, commune=commune, obj=obj, field=label, old=old, new=new, reason=reason
            )
    return obj
