"""A plan's reporting duty as printed, read for what the commune's schedule needs: which report
kinds it names and whether it fixes their days.

"Định kỳ, trước ngày 15 hằng tháng …" fixes a day; "báo cáo định kỳ hàng năm hoặc đột xuất"
names a duty without one: the schedule entry is created incomplete and the standing office
completes it (`reporting.services.schedules_from_duty`). Nothing is due until then.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext

from reporting.periods import PeriodKind

# "trước ngày 15", "trước ngày 05/6", "ngày 10 hằng tháng", "chậm nhất ngày 20".
_DAY_RE = re.compile(r"\b(?:trước|chậm nhất|trong|vào)? ?ngày [0-9]{1,2}\b")
_KINDS = (
    (PeriodKind.HALF_YEAR, re.compile(r"\b0?6 tháng\b|sáu tháng|nửa năm")),
    (PeriodKind.QUARTER, re.compile(r"\bquý\b|\b0?3 tháng\b|hằng quý|hàng quý")),
    (PeriodKind.MONTH, re.compile(r"h[àằ]ng tháng|báo cáo tháng|định kỳ tháng|mỗi tháng")),
    (PeriodKind.YEAR, re.compile(r"h[àằ]ng năm|báo cáo năm|\b0?1 năm\b|mỗi năm|cuối năm")),
)
_PERIODIC_RE = re.compile(r"định kỳ|đột xuất|báo cáo")


def duty_kinds(text: str) -> list[str]:
    """The report kinds (PeriodKind values) a duty names, in the schedule's order; a duty that
    is only "định kỳ" (periodic) names none."""
    clean = " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()
    named = {kind for kind, pattern in _KINDS if pattern.search(clean)}
    order = [PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR]
    return [kind.value for kind in order if kind in named]


def duty_lacks_days(text: str) -> bool:
    """A reporting duty is printed ("định kỳ hàng năm hoặc đột xuất") but fixes no day."""
    clean = " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()
    return bool(_PERIODIC_RE.search(clean)) and not _DAY_RE.search(clean)


def schedules_to_complete_message(created) -> str:
    """What the office is told when a plan's duty left schedule entries to complete."""
    return gettext(
        "The reporting duty fixes no days: complete the reporting schedule (%(kinds)s)."
    ) % {"kinds": ", ".join(str(schedule.get_kind_display()) for schedule in created)}
