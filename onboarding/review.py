"""What the review page shows of an upload: its rows as read, flagged rows first."""

from __future__ import annotations

from dataclasses import dataclass, field

from indicators.models import MeasureKind
from indicators.targets import Comparator, target_parse
from tasks.deadlines import DeadlineKind, deadline_parse

from .forms import IndicatorRowForm, TaskRowForm


@dataclass
class ReviewRow:
    part: str  # "indicators" or "tasks"
    index: int
    item: dict
    flags: list[dict] = field(default_factory=list)
    targets: list[tuple[str, str]] = field(default_factory=list)  # per plan year: printed, read
    kind_label: str = ""
    lead: str = ""  # the units the lead and support cells were read as
    support: str = ""
    deadline: str = ""  # what the deadline was read as
    form: object = None
    # (role, printed collective name, ids of the units it was expanded to)
    collectives: list[tuple[str, str, list[int]]] = field(default_factory=list)
    merges: list[dict] = field(default_factory=list)  # merges across milestone sections to decide

    @property
    def anchor(self) -> str:
        return f"{self.part}-{self.index}"


def _target_reading(text: str) -> str:
    parsed = target_parse(text)
    label = Comparator(parsed.comparator).label
    if parsed.value is None:
        return str(label)
    value = f"{parsed.value.normalize():f}" + (
        f"–{parsed.value_max.normalize():f}" if parsed.value_max is not None else ""
    )
    return f"{label} {value}{'%' if parsed.is_percent else ''}"


def _deadline_reading(text: str) -> str:
    parsed = deadline_parse(text)
    label = str(DeadlineKind(parsed.kind).label)
    return f"{label} {parsed.due_date:%d/%m/%Y}" if parsed.due_date else label


def _names(item: dict, role: str) -> str:
    return "; ".join([*item.get(role, []), *item.get(f"{role}_collective", [])]) or "—"


def review_rows(result: dict, *, bound=None) -> tuple[list[ReviewRow], list[ReviewRow]]:
    """(indicator rows, task rows), each flagged first; `bound` is (part, index, form) to show
    a correction that was refused, with its errors."""
    flags_by_row: dict[str, list[dict]] = {}
    for flag in result.get("flags", [])[
        : len(result.get("flags", [])) - len(result.get("skipped", []))
    ]:
        flags_by_row.setdefault(flag["row"], []).append(flag)
    years = review_years(result)
    parts = {}
    for part in ("indicators", "tasks"):
        rows = []
        for index, item in enumerate(result.get(part, [])):
            row = ReviewRow(part=part, index=index, item=item)
            for ref in item.get("rows") or []:
                row.flags.extend(flags_by_row.get(ref, []))
            if part == "indicators":
                row.kind_label = str(MeasureKind(item["kind"]).label)
                row.targets = [
                    (text, _target_reading(text))
                    if (text := item["targets"].get(str(year)))
                    else ("", "")
                    for year in years
                ]
                initial = {
                    "name": item["name"],
                    "unit": item["unit"],
                    "kind": item["kind"],
                    "lead_text": item.get("lead_text", ""),
                    "support_text": item.get("support_text", ""),
                    **{f"target_{year}": text for year, text in item["targets"].items()},
                }
                form = IndicatorRowForm(initial=initial, years=years, prefix=row.anchor)
            else:
                initial = {
                    name: item.get(name, "")
                    for name in (
                        "name",
                        "lead_text",
                        "support_text",
                        "result",
                        "budget",
                        "deadline",
                    )
                }
                form = TaskRowForm(initial=initial, prefix=row.anchor)
                row.deadline = _deadline_reading(item["deadline"]) if item["deadline"] else ""
            row.lead, row.support = _names(item, "lead"), _names(item, "support")
            expanded = item.get("expanded") or {}
            row.collectives = [
                (role, name, (expanded.get(role) or {}).get(name, []))
                for role in ("lead", "support")
                for name in item.get(f"{role}_collective") or []
            ]
            row.merges = [merge for merge in item.get("merges") or [] if not merge["decision"]]
            if bound and bound[0] == part and bound[1] == index:
                form = bound[2]
            row.form = form
            rows.append(row)
        rows.sort(key=lambda row: not (row.flags or row.merges))
        parts[part] = rows
    return parts["indicators"], parts["tasks"]


def review_years(result: dict) -> list[int]:
    return sorted({int(year) for item in result.get("indicators", []) for year in item["targets"]})
