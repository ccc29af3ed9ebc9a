"""How long an uploaded plan file and what was read from it are kept."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from onboarding.models import PlanImport


def plan_imports_prune(*, older_than_days: int, now=None) -> int:
    """Empty the file and the rows read of imports nobody touched for `older_than_days`.

    By then an import is committed (its draft plan holds what counts) or abandoned. The row
    stays, with its file name, uploader and plan, so that the audit trail still points at it;
    its review page says it was cleaned up. One UPDATE, whatever the number of imports.
    """
    now = now or timezone.now()
    old = PlanImport.objects.filter(
        updated_at__lt=now - timedelta(days=older_than_days), pruned_at__isnull=True
    )
    return old.update(data=b"", result={}, pruned_at=now)
