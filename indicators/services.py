"""Writes on indicators: targets are parsed by the same parser as the seeds and audited."""

from __future__ import annotations

from django.db import transaction

from communes.audit import audit_record
from communes.models import AuditAction
from indicators.models import Indicator, Target
from indicators.targets import target_parse


@transaction.atomic
def indicator_targets_set(
    *, actor, indicator: Indicator, texts: dict[int, str], reason: str = ""
) -> None:
    """Set the targets of the given years; an empty text removes that year's target."""
    existing = {target.year: target for target in indicator.targets.all()}
    for year, text in sorted(texts.items()):
        text = text.strip()
        current = existing.get(year)
        if current and current.text == text:
            continue
        field = f"target {year}"
        if not text:
            if current:
                audit_record(
                    actor=actor,
                    commune=indicator.commune,
                    obj=indicator,
                    action=AuditAction.DELETE,
                    field=field,
                    old=current.text,
                    reason=reason,
                )
                current.delete()
            continue
        old_text = current.text if current else None
        parsed = target_parse(text)
        target = current or Target(indicator=indicator, commune=indicator.commune, year=year)
        target.text = text
        target.comparator = parsed.comparator
        target.value = parsed.value
        target.value_max = parsed.value_max
        target.is_percent = parsed.is_percent
        target.note = parsed.note
        target.full_clean()
        target.save()
        audit_record(
            actor=actor,
            commune=indicator.commune,
            obj=indicator,
            field=field,
            old=old_text,
            new=text,
            reason=reason,
        )
