"""What an import made of a plan file: plain dataclasses, shown in review and committed as is.

`ImportedPlan.as_json()` is the dry-run shape of issue 14 (`manage.py import_plan --dry-run
--json`), plus a few extra keys the review needs (source rows, a/b definitions, printed texts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Flag:
    row: str  # "T2:R5" (table 2, row 5), or "head" for the document head
    field: str
    message: str

    def as_json(self) -> dict:
        return {"row": self.row, "field": self.field, "message": str(self.message)}


@dataclass
class UnitName:
    """One name printed in a lead or support cell, and what it was resolved to."""

    printed: str
    unit_id: int | None = None  # an existing unit of the commune
    short_name: str = ""  # that unit's short name, or the proposed new unit's name
    proposed_kind: str = ""  # a UnitKind for a name to be created as a new unit
    collective: bool = False  # "Các phòng chuyên môn": kept as printed text, no unit

    @property
    def label(self) -> str:
        return self.short_name or self.printed


@dataclass
class Assignment:
    text: str = ""  # the cell as printed
    names: list[UnitName] = field(default_factory=list)

    def labels(self) -> list[str]:
        return [name.label for name in self.names if not name.collective]

    def collectives(self) -> list[str]:
        return [name.printed for name in self.names if name.collective]


@dataclass
class ImportedGroup:
    numeral: str
    title: str
    row: str = ""


@dataclass
class ImportedIndicator:
    code: str
    name: str
    group: str = ""  # numeral of its group
    parent: str = ""
    heading: bool = False
    unit: str = ""
    kind: str = "percent"
    targets: dict[int, str] = field(default_factory=dict)
    # A row under a milestone section that prints no value: the thing must exist by that year.
    exists_by: int | None = None
    lead: Assignment = field(default_factory=Assignment)
    support: Assignment = field(default_factory=Assignment)
    formula: str = ""
    numerator: str = ""
    denominator: str = ""
    data_source: str = ""
    guidance: str = ""
    legal_basis: str = ""
    method_text: str = ""  # the method cell as printed
    rows: list[str] = field(default_factory=list)
    # Rows of later milestone sections merged into this one whose wording, unit or lead differ:
    # {"ref", "year", "name", "unit", "lead_text", "support_text", "targets", "changed",
    # "decision"} ("" until the office confirms the merge; a split row leaves the list).
    merges: list[dict] = field(default_factory=list)
    # A collective name ("Các phòng chuyên môn") the office expanded to units: role → printed
    # name → unit ids. The printed text stays; the units join the lead or support.
    expanded: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "unit": self.unit,
            "kind": self.kind,
            "heading": self.heading,
            "targets": {str(year): text for year, text in sorted(self.targets.items())},
            "lead": self.lead.labels(),
            "support": self.support.labels(),
            "exists_by": self.exists_by,
            "group": self.group,
            "parent": self.parent,
            "lead_text": self.lead.text,
            "support_text": self.support.text,
            "lead_collective": self.lead.collectives(),
            "support_collective": self.support.collectives(),
            "formula": self.formula,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "data_source": self.data_source,
            "guidance": self.guidance,
            "legal_basis": self.legal_basis,
            "method_text": self.method_text,
            "rows": self.rows,
            "merges": self.merges,
            "expanded": self.expanded,
        }

    @classmethod
    def from_json(cls, data: dict, directory) -> ImportedIndicator:
        expanded = data.get("expanded") or {}
        lead, support = assignments_expanded(
            directory, data.get("lead_text", ""), data.get("support_text", ""), expanded
        )
        return cls(
            code=data["code"],
            name=data["name"],
            group=data.get("group", ""),
            parent=data.get("parent", ""),
            heading=bool(data.get("heading")),
            unit=data.get("unit", ""),
            kind=data.get("kind", "percent"),
            targets={int(year): text for year, text in (data.get("targets") or {}).items()},
            exists_by=data.get("exists_by"),
            lead=lead,
            support=support,
            **{name: data.get(name, "") for name in _INDICATOR_TEXTS},
            rows=list(data.get("rows") or []),
            merges=list(data.get("merges") or []),
            expanded=expanded,
        )


@dataclass
class ImportedTask:
    code: str
    name: str
    section: str = ""
    parent: str = ""
    heading: bool = False
    lead: Assignment = field(default_factory=Assignment)
    support: Assignment = field(default_factory=Assignment)
    result: str = ""
    budget: str = ""  # as printed
    budget_value: str = ""  # a plain decimal string ("1250.5"), "" when none or unreadable
    deadline: str = ""
    note: str = ""
    rows: list[str] = field(default_factory=list)
    expanded: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # as an indicator's

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "heading": self.heading,
            "lead": self.lead.labels(),
            "support": self.support.labels(),
            "result": self.result,
            "budget": self.budget,
            "deadline": self.deadline,
            "section": self.section,
            "parent": self.parent,
            "lead_text": self.lead.text,
            "support_text": self.support.text,
            "lead_collective": self.lead.collectives(),
            "support_collective": self.support.collectives(),
            "budget_value": self.budget_value,
            "note": self.note,
            "rows": self.rows,
            "expanded": self.expanded,
        }

    @classmethod
    def from_json(cls, data: dict, directory) -> ImportedTask:
        expanded = data.get("expanded") or {}
        lead, support = assignments_expanded(
            directory, data.get("lead_text", ""), data.get("support_text", ""), expanded
        )
        return cls(
            code=data["code"],
            name=data["name"],
            section=data.get("section", ""),
            parent=data.get("parent", ""),
            heading=bool(data.get("heading")),
            lead=lead,
            support=support,
            **{name: data.get(name, "") for name in _TASK_TEXTS},
            rows=list(data.get("rows") or []),
            expanded=expanded,
        )


@dataclass
class ImportedHead:
    document_number: str = ""
    document_type: str = ""
    issue_date: date | None = None
    issue_date_text: str = ""
    title: str = ""
    issuing_body: str = ""
    signing_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    attached_to: str = ""  # "Kèm theo Kế hoạch số 28/KH-UBND ngày 24/01/2026" under the appendices
    reporting_duty: str = ""  # the sentence that sets the units' reporting duty, as printed
    period_start: int | None = None  # given by the Excel template's document sheet
    period_end: int | None = None

    def as_json(self) -> dict:
        return {
            "document_number": self.document_number,
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
            "title": self.title,
            "issuing_body": self.issuing_body,
            "signer_name": self.signer_name,
            "document_type": self.document_type,
            "issue_date_text": self.issue_date_text,
            "signing_authority": self.signing_authority,
            "signer_title": self.signer_title,
            "attached_to": self.attached_to,
            "reporting_duty": self.reporting_duty,
        } | (  # only the Excel template's document sheet gives the period
            {"period_start": self.period_start, "period_end": self.period_end}
            if self.period_start or self.period_end
            else {}
        )

    @classmethod
    def from_json(cls, data: dict) -> ImportedHead:
        issue_date = data.get("issue_date")
        return cls(
            **{name: data.get(name) or "" for name in _HEAD_TEXTS},
            issue_date=date.fromisoformat(issue_date) if issue_date else None,
            period_start=data.get("period_start") or None,
            period_end=data.get("period_end") or None,
        )


@dataclass
class ImportedPlan:
    file_name: str = ""
    head: ImportedHead = field(default_factory=ImportedHead)
    groups: list[ImportedGroup] = field(default_factory=list)
    indicators: list[ImportedIndicator] = field(default_factory=list)
    sections: list[ImportedGroup] = field(default_factory=list)
    tasks: list[ImportedTask] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    skipped: list[Flag] = field(default_factory=list)  # source rows that land nowhere, with why
    indicator_table_title: str = ""  # the appendix title: the group of rows printed without one
    task_table_title: str = ""
    # Tables whose columns a person must map: {"table", "header_key", "reason", "columns"}.
    unmapped: list[dict] = field(default_factory=list)

    def flag(self, row: str, field_name: str, message) -> None:
        self.flags.append(Flag(row, field_name, str(message)))

    @property
    def years(self) -> list[int]:
        years = {year for indicator in self.indicators for year in indicator.targets}
        return sorted(years | {i.exists_by for i in self.indicators if i.exists_by})

    def as_json(self) -> dict:
        return {
            "plan": self.head.as_json(),
            "indicators": [indicator.as_json() for indicator in self.indicators],
            "tasks": [task.as_json() for task in self.tasks],
            "flags": [flag.as_json() for flag in [*self.flags, *self.skipped]],
            "groups": [{"numeral": g.numeral, "title": g.title} for g in self.groups],
            "sections": [{"numeral": s.numeral, "title": s.title} for s in self.sections],
            "file_name": self.file_name,
            "skipped": [flag.as_json() for flag in self.skipped],
            "indicator_table_title": self.indicator_table_title,
            "task_table_title": self.task_table_title,
            "unmapped": self.unmapped,
            "proposed_units": self.proposed_units(),
        }

    def proposed_units(self) -> list[dict]:
        """The printed names no unit of the commune goes by, once each, with the kind guessed."""
        from .text import name_key

        proposed = {}
        for item in [*self.indicators, *self.tasks]:
            for name in [*item.lead.names, *item.support.names]:
                if name.unit_id is None and not name.collective:
                    proposed.setdefault(
                        name_key(name.printed), {"name": name.printed, "kind": name.proposed_kind}
                    )
        return list(proposed.values())

    @classmethod
    def from_json(cls, data: dict, directory) -> ImportedPlan:
        """The plan `as_json()` wrote (a review's stored, maybe edited, rows), lead and support
        names resolved again through `directory` (a `units.UnitDirectory` of the commune)."""
        skipped = [Flag(**flag) for flag in data.get("skipped") or []]
        flags = [Flag(**flag) for flag in data.get("flags") or []]
        if skipped:  # as_json lists the skipped rows after the flags
            flags = flags[: len(flags) - len(skipped)]
        return cls(
            file_name=data.get("file_name", ""),
            head=ImportedHead.from_json(data.get("plan") or {}),
            groups=[ImportedGroup(**group) for group in data.get("groups") or []],
            indicators=[
                ImportedIndicator.from_json(item, directory)
                for item in data.get("indicators") or []
            ],
            sections=[ImportedGroup(**section) for section in data.get("sections") or []],
            tasks=[ImportedTask.from_json(item, directory) for item in data.get("tasks") or []],
            flags=flags,
            skipped=skipped,
            indicator_table_title=data.get("indicator_table_title", ""),
            task_table_title=data.get("task_table_title", ""),
            unmapped=list(data.get("unmapped") or []),
        )


_INDICATOR_TEXTS = (
    "formula",
    "numerator",
    "denominator",
    "data_source",
    "guidance",
    "legal_basis",
    "method_text",
)
_TASK_TEXTS = ("result", "budget", "budget_value", "deadline", "note")
_HEAD_TEXTS = (
    "document_number",
    "document_type",
    "issue_date_text",
    "title",
    "issuing_body",
    "signing_authority",
    "signer_title",
    "signer_name",
    "attached_to",
    "reporting_duty",
)


def assignments_expanded(
    directory, lead_text: str, support_text: str, expanded: dict
) -> tuple[Assignment, Assignment]:
    """The lead and support cells resolved through `directory` (a `units.UnitDirectory`), plus
    the units the office chose for their collective names (`expanded`: role → name → unit ids)."""
    lead, support = directory.assignments(lead_text, support_text)
    if not expanded:
        return lead, support
    short_names = {unit_id: short for unit_id, short in directory.by_key.values() if unit_id}
    from .text import name_key

    for role, assignment in (("lead", lead), ("support", support)):
        printed = {name_key(name.printed) for name in assignment.names if name.collective}
        for collective, unit_ids in (expanded.get(role) or {}).items():
            if name_key(collective) not in printed:
                continue  # the cell no longer holds that name
            for unit_id in unit_ids:
                if unit_id in short_names and not any(
                    name.unit_id == unit_id for name in assignment.names
                ):
                    assignment.names.append(
                        UnitName(
                            printed=short_names[unit_id],
                            unit_id=unit_id,
                            short_name=short_names[unit_id],
                        )
                    )
    return lead, support
