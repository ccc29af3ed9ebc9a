"""Commit an imported plan as a draft of the commune: one transaction, audited, by natural key.

The plan, its groups, indicators, targets, a/b definitions, sections, tasks and units are written
by plans.writers, the functions the seed loader uses. Re-importing a corrected file updates the
draft (rows matched by code, rows no longer in the file removed), never duplicates it. A plan in
force is never overwritten by an import.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communes.audit import audit_record
from communes.models import AuditAction, Commune, Unit, UnitKind
from plans.models import Plan, PlanStatus
from plans.writers import PlanRowError, plan_document_write, plan_indicators_write, plan_tasks_write
from reporting.services import schedules_from_duty

from .structure import Assignment, ImportedPlan

_PERIOD_RE = re.compile(r"giai đoạn (20[2-5][0-9])\s*-\s*(20[2-5][0-9])", re.I)
_TITLE_YEAR_RE = re.compile(r"\bnăm (20[2-5][0-9])\b", re.I)


class PlanImportError(ValueError):
    """The import cannot be committed; the message says why, in the user's language."""


def plan_key_for(imported: ImportedPlan) -> str:
    """ "qd-536-2025", "kh-2025" (number blank): the key the seed files use."""
    head = imported.head
    number = head.document_number.split("/", 1)[0].strip("… ")
    start, _end = plan_period(imported)
    parts = [head.document_type or "kh", number, str(start)]
    return slugify("-".join(part for part in parts if part).replace("Đ", "D").replace("đ", "d"))[
        :60
    ]


def plan_period(imported: ImportedPlan) -> tuple[int, int]:
    """The target years, widened by a "giai đoạn 2026 - 2030" in the title."""
    head = imported.head
    if head.period_start and head.period_end:  # written in the Excel template's document sheet
        return head.period_start, head.period_end
    years = set(imported.years)
    title = imported.head.title
    if match := _PERIOD_RE.search(title):
        years |= {int(match[1]), int(match[2])}
    elif not years and (match := _TITLE_YEAR_RE.search(title)):
        years.add(int(match[1]))
    if not years and imported.head.issue_date:
        years.add(imported.head.issue_date.year)
    if not years:
        raise PlanImportError(
            _("The plan's years cannot be read (no target year, no year in the title); enter them.")
        )
    return min(years), max(years)


def _units_create(*, commune: Commune, imported: ImportedPlan) -> dict[str, Unit]:
    """The proposed new units, created once each (one query); printed name → Unit."""
    from .text import name_key

    proposed = {}
    for item in [*imported.indicators, *imported.tasks]:
        for name in [*item.lead.names, *item.support.names]:
            if name.unit_id is None and not name.collective:
                proposed.setdefault(name_key(name.printed), name)
    if not proposed:
        return {}
    existing = {name_key(unit.short_name): unit for unit in commune.units.all()}
    order = len(existing)
    new = []
    for key, name in proposed.items():
        if key in existing:
            continue
        order += 1
        kind = name.proposed_kind or UnitKind.DEPARTMENT
        if kind == UnitKind.STANDING_OFFICE:
            kind = UnitKind.DEPARTMENT  # one standing office per commune, chosen by a person
        unit = Unit(
            commune=commune,
            kind=kind,
            name=name.printed[:200],
            short_name=name.printed[:100],
            order=order,
        )
        new.append(unit)
        existing[key] = unit
    Unit.objects.bulk_create(new)
    return {key: existing[key] for key in proposed}


def _units_of(
    assignment: Assignment, by_id: dict[int, Unit], created: dict[str, Unit]
) -> list[Unit]:
    from .text import name_key

    units = []
    for name in assignment.names:
        if name.collective:
            continue
        unit = by_id.get(name.unit_id) if name.unit_id else created.get(name_key(name.printed))
        if unit is not None and unit not in units:
            units.append(unit)
    return units


@transaction.atomic
def plan_import_commit(
    *,
    actor,
    commune: Commune,
    imported: ImportedPlan,
    key: str | None = None,
    create_units: bool = True,
    merges_confirmed: bool = False,
) -> Plan:
    """Save `imported` as a draft plan of `commune`; returns the plan.

    Merges across milestone sections that changed the wording, unit or lead must have been
    confirmed (or split) first; `merges_confirmed` confirms them all (the command line)."""
    pending = [
        item.code
        for item in imported.indicators
        if any(not merge.get("decision") for merge in item.merges)
    ]
    if pending and not merges_confirmed:
        raise PlanImportError(
            _(
                "Indicators %(codes)s merge rows of several milestone sections whose wording, unit or lead differ: confirm each merge or split it first."
            )
            % {"codes": ", ".join(pending)}
        )
    key = key or plan_key_for(imported)
    existing = Plan.objects.filter(commune=commune, key=key).first()
    if existing is not None and existing.status != PlanStatus.DRAFT:
        raise PlanImportError(
            _("The plan %(key)s is already in force: an import only creates or updates a draft.")
            % {"key": key}
        )
    head = imported.head
    start, end = plan_period(imported)
    plan, created = plan_document_write(
        commune=commune,
        key=key,
        fields={
            "document_number": head.document_number or "…",
            "document_type": head.document_type or "KH",
            "issue_date": head.issue_date,
            "issue_date_text": head.issue_date_text,
            "title": head.title or imported.file_name,
            "issuing_body": head.issuing_body
            or f"UBND {commune.get_kind_display_short().lower()} {commune.name}",
            "signing_authority": head.signing_authority,
            "signer_title": head.signer_title,
            "signer_name": head.signer_name,
            "reporting_duty": head.reporting_duty,
            "period_start": start,
            "period_end": end,
            "status": PlanStatus.DRAFT,
        },
    )
    unit_ids = {
        name.unit_id
        for item in [*imported.indicators, *imported.tasks]
        for name in [*item.lead.names, *item.support.names]
        if name.unit_id
    }
    by_id = commune.units.in_bulk(unit_ids) if unit_ids else {}
    new_units = _units_create(commune=commune, imported=imported) if create_units else {}

    groups = [{"numeral": group.numeral, "title": group.title} for group in imported.groups]
    if any(not indicator.group for indicator in imported.indicators):
        groups.insert(
            0, {"numeral": "", "title": imported.indicator_table_title or _("Indicators")}
        )
    sections = [
        {"numeral": section.numeral, "title": section.title} for section in imported.sections
    ]
    if any(not task.section for task in imported.tasks) and imported.sections:
        sections.insert(0, {"numeral": "", "title": imported.task_table_title or _("Tasks")})
    try:
        plan_indicators_write(
            plan=plan,
            groups=groups,
            indicators=[
                {
                    "group": item.group,
                    "code": item.code,
                    "parent": item.parent,
                    "name": item.name,
                    "heading": item.heading,
                    "unit": item.unit[:60],
                    "kind": item.kind,
                    "numerator": item.numerator,
                    "denominator": item.denominator,
                    "formula": item.formula[:300],
                    "data_source": item.data_source,
                    "guidance": item.guidance,
                    "legal_basis": item.legal_basis,
                    "lead_text": item.lead.text[:300],
                    "support_text": item.support.text[:500],
                    "targets": {year: text[:500] for year, text in item.targets.items()},
                    "exists_by": item.exists_by,
                    "lead": _units_of(item.lead, by_id, new_units),
                    "support": _units_of(item.support, by_id, new_units),
                }
                for item in imported.indicators
            ],
            prune=True,
        )
        plan_tasks_write(
            plan=plan,
            sections=[] if not imported.sections else sections,
            tasks=[
                {
                    "section": task.section,
                    "code": task.code,
                    "parent": task.parent,
                    "name": task.name,
                    "heading": task.heading,
                    "lead_text": task.lead.text[:300],
                    "support_text": task.support.text[:500],
                    "result": task.result,
                    "budget": task.budget_value or None,
                    "deadline": task.deadline[:200],
                    "note": task.note,
                    "lead": _units_of(task.lead, by_id, new_units),
                    "support": _units_of(task.support, by_id, new_units),
                }
                for task in imported.tasks
            ],
            prune=True,
        )
    except PlanRowError as exc:
        raise PlanImportError(str(exc)) from None
    # A duty that fixes no days leaves the commune's reporting schedule for the office to complete.
    plan.schedules_to_complete = schedules_from_duty(commune=commune, text=head.reporting_duty)
    audit_record(
        actor=actor,
        commune=commune,
        obj=plan,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        field="import",
        new=_("%(indicators)s indicators, %(tasks)s tasks, %(units)s new units")
        % {
            "indicators": len(imported.indicators),
            "tasks": len(imported.tasks),
            "units": len([unit for unit in new_units.values() if unit.pk]),
        },
        reason=_("Imported from the file %(name)s") % {"name": imported.file_name},
    )
    return plan


# --- the review of an upload (the browser side) ------------------------------------------


def plan_import_upload(*, actor, commune: Commune, name: str, data: bytes):
    """Read an uploaded file and keep it with what was read; ImportFileError if it cannot be."""
    from .importer import plan_file_read
    from .models import PlanImport

    imported = plan_file_read(data, name=name, commune=commune, unmapped_ok=True)
    plan_import = PlanImport.objects.create(
        commune=commune,
        uploaded_by=actor,
        file_name=name[:255],
        data=data,
        result=imported.as_json(),
    )
    audit_record(
        actor=actor,
        commune=commune,
        obj=plan_import,
        action=AuditAction.CREATE,
        field="file",
        new=name,
    )
    return plan_import


def plan_import_imported(plan_import) -> ImportedPlan:
    """The stored (maybe edited) rows of an upload, as the ImportedPlan the commit takes."""
    from .units import UnitDirectory

    return ImportedPlan.from_json(
        plan_import.result, UnitDirectory.for_commune(plan_import.commune)
    )


@transaction.atomic
def plan_import_row_update(*, actor, plan_import, part: str, index: int, fields: dict) -> None:
    """A person's correction of one row: the row's flags are read again from the new text
    (targets through indicators.targets, deadlines through tasks.deadlines, names through the
    commune's units); what is still unreadable stays flagged."""
    from .rows import indicator_target_flags, task_value_flags, unit_flags

    imported = plan_import_imported(plan_import)
    items = imported.indicators if part == "indicators" else imported.tasks
    item = items[index]
    directory_lead, directory_support = _assignments(plan_import, fields, item.expanded)
    old = {
        name: getattr(item, name) for name in fields if name not in ("lead_text", "support_text")
    }
    for name, value in fields.items():
        if name not in ("lead_text", "support_text"):
            setattr(item, name, value)
    item.lead, item.support = directory_lead, directory_support
    refs = set(item.rows) or {item.code}
    imported.flags = [flag for flag in imported.flags if flag.row not in refs]
    ref = item.rows[0] if item.rows else item.code
    if part == "indicators":
        indicator_target_flags(imported, ref, item)
    else:
        task_value_flags(imported, ref, item)
    unit_flags(imported, ref, item.lead, item.support)
    _expanded_flags_drop(imported, item)
    plan_import.result = imported.as_json()
    plan_import.save(update_fields=["result", "updated_at"])
    audit_record(
        actor=actor,
        commune=plan_import.commune,
        obj=plan_import,
        field=f"{part}.{item.code}",
        old={name: str(value) for name, value in old.items()},
        new={name: str(value) for name, value in fields.items()},
    )


def _assignments(plan_import, fields: dict, expanded: dict):
    from .structure import assignments_expanded
    from .units import UnitDirectory

    return assignments_expanded(
        UnitDirectory.for_commune(plan_import.commune),
        fields.get("lead_text", ""),
        fields.get("support_text", ""),
        expanded,
    )


def _expanded_flags_drop(imported: ImportedPlan, item) -> None:
    """A collective name the office expanded to units needs no more checking."""
    refs = set(item.rows)
    names = {
        (role, f"«{name}»")
        for role, expansions in item.expanded.items()
        for name, unit_ids in expansions.items()
        if unit_ids
    }
    imported.flags = [
        flag
        for flag in imported.flags
        if not (
            flag.row in refs
            and any(flag.field == role and name in flag.message for role, name in names)
        )
    ]


@transaction.atomic
def plan_import_save(*, actor, plan_import) -> Plan:
    """Commit the reviewed rows as the commune's draft plan (created, or updated by its key)."""
    if plan_import.pruned_at is not None:
        raise PlanImportError(_("This import was cleaned up; upload the file again."))
    if plan_import.result.get("unmapped"):
        raise PlanImportError(
            _(
                "Some tables of the file have columns the portal cannot place: map them first, so that nothing is lost."
            )
        )
    plan = plan_import_commit(
        actor=actor, commune=plan_import.commune, imported=plan_import_imported(plan_import)
    )
    plan_import.plan = plan
    plan_import.save(update_fields=["plan", "updated_at"])
    return plan


def plan_import_document(plan_import):
    """The uploaded file read again (its tables, for the mapping page)."""
    from .reading import document_read

    return document_read(bytes(plan_import.data), name=plan_import.file_name)


@transaction.atomic
def plan_import_columns_map(*, actor, plan_import, mappings: list[tuple[str, str, object]]):
    """Keep how the office mapped each header (header key, header text, ColumnMap or IGNORE) for
    the commune, and read the file again with them; ImportFileError if it still cannot be.

    The file is read afresh: corrections made on the review page before mapping are replaced."""
    from .importer import plan_file_read
    from .mapping import IGNORE
    from .models import ColumnMapping

    commune = plan_import.commune
    for key, text, columns in mappings:
        data = {"kind": IGNORE} if columns == IGNORE else columns.as_json()
        mapping, created = ColumnMapping.objects.update_or_create(
            commune=commune,
            header_key=key,
            defaults={"header_text": text[:1000], "columns": data, "created_by": actor},
        )
        audit_record(
            actor=actor,
            commune=commune,
            obj=mapping,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            field="columns",
            new=data,
        )
    imported = plan_file_read(
        bytes(plan_import.data), name=plan_import.file_name, commune=commune, unmapped_ok=True
    )
    plan_import.result = imported.as_json()
    plan_import.save(update_fields=["result", "updated_at"])
    return plan_import


MERGE_CONFIRM, MERGE_SPLIT = "confirm", "split"


@transaction.atomic
def plan_import_merge_decide(*, actor, plan_import, index: int, ref: str, decision: str) -> str:
    """The office's answer to a merge across milestone sections that changed the wording, unit or
    lead: confirm it (one indicator, a target per year), or split the later section's row into an
    indicator of its own. Returns the code of the indicator the row ends in."""
    from .measures import kind_infer, method_split
    from .structure import ImportedIndicator
    from .units import UnitDirectory

    imported = plan_import_imported(plan_import)
    item = imported.indicators[index]
    merge = next((merge for merge in item.merges if merge["ref"] == ref), None)
    if merge is None:
        raise PlanImportError(_("This merge is not part of the import."))
    imported.flags = [
        flag for flag in imported.flags if not (flag.row == ref and flag.field == "merge")
    ]
    code = item.code
    if decision == MERGE_CONFIRM:
        merge["decision"] = "confirmed"
    elif decision == MERGE_SPLIT:
        item.merges.remove(merge)
        for year, text in merge["targets"].items():
            if item.targets.get(int(year)) == text:
                del item.targets[int(year)]
        item.rows = [row for row in item.rows if row != ref]
        codes = {indicator.code for indicator in imported.indicators}
        code = f"{item.code}-{merge['year']}" if merge.get("year") else f"{item.code}-{ref}"
        while code in codes:
            code += "'"
        method = method_split(merge.get("method_text", ""))
        targets = {int(year): text for year, text in merge["targets"].items()}
        kind, _guessed = kind_infer(merge["unit"], method, targets, merge["name"])
        directory = UnitDirectory.for_commune(plan_import.commune)
        lead, support = directory.assignments(merge["lead_text"], merge["support_text"])
        split = ImportedIndicator(
            code=code,
            name=merge["name"] or item.name,
            group=item.group,
            parent=item.parent,
            unit=merge["unit"] or item.unit,
            kind=kind if merge["unit"] else item.kind,
            targets=targets,
            lead=lead,
            support=support,
            formula=method.formula or item.formula,
            numerator=method.numerator or item.numerator,
            denominator=method.denominator or item.denominator,
            data_source=method.data_source or item.data_source,
            method_text=merge.get("method_text", ""),
            rows=[ref],
        )
        imported.indicators.insert(index + 1, split)
    else:
        raise PlanImportError(_("Choose to confirm the merge or to split it."))
    plan_import.result = imported.as_json()
    plan_import.save(update_fields=["result", "updated_at"])
    audit_record(
        actor=actor,
        commune=plan_import.commune,
        obj=plan_import,
        field=f"indicators.{item.code}.merge",
        old=ref,
        new=decision if decision == MERGE_CONFIRM else f"{decision} → {code}",
    )
    return code


@transaction.atomic
def plan_import_collective_expand(
    *, actor, plan_import, part: str, index: int, role: str, name: str, unit_ids: list[int]
) -> None:
    """The units a collective name of a row stands for ("Các phòng chuyên môn" → three
    departments): the printed text stays, the units become the row's lead or support."""
    imported = plan_import_imported(plan_import)
    item = (imported.indicators if part == "indicators" else imported.tasks)[index]
    assignment = item.lead if role == "lead" else item.support
    if name not in assignment.collectives():
        raise PlanImportError(_("This name is not in the row any more."))
    known = set(plan_import.commune.units.filter(pk__in=unit_ids).values_list("pk", flat=True))
    chosen = [unit_id for unit_id in unit_ids if unit_id in known]
    item.expanded.setdefault(role, {})[name] = chosen
    if not chosen:
        del item.expanded[role][name]
    plan_import.result = imported.as_json()
    # Read again so that the units join the row's lead or support.
    imported = plan_import_imported(plan_import)
    _expanded_flags_drop(imported, imported_item := _item(imported, part, index))
    plan_import.result = imported.as_json()
    plan_import.save(update_fields=["result", "updated_at"])
    audit_record(
        actor=actor,
        commune=plan_import.commune,
        obj=plan_import,
        field=f"{part}.{imported_item.code}.{role}",
        old=name,
        new=", ".join(str(unit_id) for unit_id in chosen),
    )


def _item(imported: ImportedPlan, part: str, index: int):
    return (imported.indicators if part == "indicators" else imported.tasks)[index]


@transaction.atomic
def plan_import_alias_confirm(*, actor, plan_import, name: str, unit: Unit):
    """The office says a printed name is one of the commune's units ("Phòng VHTT-XH" is Phòng
    VH-XH): kept as the unit's alias, so that this import and the next files resolve it."""
    from communes.models import UnitAlias

    from .text import name_key

    commune = plan_import.commune
    if unit.commune_id != commune.pk:
        raise PlanImportError(_("This unit is not one of the commune's."))
    alias, created = UnitAlias.objects.update_or_create(
        commune=commune, key=name_key(name), defaults={"unit": unit, "name": name[:300]}
    )
    audit_record(
        actor=actor,
        commune=commune,
        obj=alias,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        field="alias",
        new=f"{name} → {unit.short_name}",
    )
    imported = plan_import_imported(plan_import)  # read again through the new alias
    printed = f"«{name}»"
    imported.flags = [
        flag
        for flag in imported.flags
        if not (flag.field in ("lead", "support") and printed in flag.message)
    ]
    plan_import.result = imported.as_json()
    plan_import.save(update_fields=["result", "updated_at"])
    return alias
