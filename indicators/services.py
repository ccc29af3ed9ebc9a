"""Writes on indicators: targets are parsed by the same parser as the seeds and audited."""

from __future__ import annotations

from django.db import transaction

from communes.audit import audit_record
from communes.models import AuditAction
from indicators.models import Indicator, Target
from indicators.targets import Comparator, target_exists, target_parse


@transaction.atomic
def indicator_targets_set(
    *,
    actor,
    indicator: Indicator,
    texts: dict[int, str],
    exists_by: int | None = None,
    reason: str = "",
) -> None:
    """Set the targets of the given years; an empty text removes that year's target, except in
    `exists_by`, the year a milestone row that prints no value must exist by (Comparator.EXISTS).
    An every-year target ("Mỗi năm có …") holds until the plan's end year."""
    existing = {target.year: target for target in indicator.targets.all()}
    horizon = indicator.plan.period_end
    for year, text in sorted(texts.items()):
        text = text.strip()
        current = existing.get(year)
        exists = not text and year == exists_by
        kept_exists = exists and current is not None and current.comparator == Comparator.EXISTS
        if current and current.text == text and (text or kept_exists):
            continue
        field = f"target {year}"
        if not text and not exists:
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
        parsed = target_exists() if exists else target_parse(text)
        target = current or Target(indicator=indicator, commune=indicator.commune, year=year)
        target.text = text
        target.parsed_apply(parsed, horizon=horizon)
        target.full_clean()
        target.save()
        audit_record(
            actor=actor,
            commune=indicator.commune,
            obj=indicator,
            field=field,
            old=old_text,
            new=text or str(parsed.comparator.label),
            reason=reason,
        )
