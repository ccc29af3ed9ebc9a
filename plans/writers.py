"""Write a plan's document, indicators and tasks by natural key: the seed loader and plan import.

Rows come in the shape of the seed files (fixtures/README.md) with units already resolved to
`Unit` objects. Rows are matched by natural key (plan key; group numeral; indicator code;
section numeral; section and task code; indicator and year) and updated in place, so figures
reported against them survive a reload. The work is a fixed number of queries whatever the
number of rows (bulk reads and writes), so a 200-row plan costs what a 20-row one does.
"""

from __future__ import annotations

from decimal import Decimal

from communes.models import Commune
from indicators.models import Indicator, IndicatorGroup, Target
from indicators.targets import target_exists, target_parse
from plans.models import Plan
from tasks.deadlines import deadline_parse
from tasks.models import Task, TaskSection


class PlanRowError(ValueError):
    """A row that cannot be written (unknown group or section, parent after its child)."""


def plan_document_write(*, commune: Commune, key: str, fields: dict) -> tuple[Plan, bool]:
    """The plan's document fields (plans.models.PLAN_DOCUMENT_FIELDS), by (commune, key)."""
    return Plan.objects.update_or_create(commune=commune, key=key, defaults=fields)


def _indicator_fields(row: dict) -> dict:
    return {
        "name": row["name"],
        "is_heading": row.get("heading", False),
        "unit_of_measure": row.get("unit", ""),
        "measure_kind": row.get("kind", "percent"),
        "direction": row.get("direction", "higher"),
        "numerator_definition": row.get("numerator", ""),
        "denominator_definition": row.get("denominator", ""),
        "formula": row.get("formula", ""),
        "data_source": row.get("data_source", ""),
        "guidance": row.get("guidance", ""),
        "legal_basis": row.get("legal_basis", ""),
        "lead_text": row.get("lead_text", ""),
        "support_text": row.get("support_text", ""),
        "note": row.get("note", ""),
    }


def _task_fields(row: dict) -> dict:
    budget = row.get("budget")
    return {
        "name": row["name"],
        "is_heading": row.get("heading", False),
        "lead_text": row.get("lead_text", ""),
        "support_text": row.get("support_text", ""),
        "expected_result": row.get("result", ""),
        "budget_million_vnd": Decimal(budget) if budget else None,
        "deadline_text": row.get("deadline", ""),
        "note": row.get("note", ""),
    }


def _upsert(model, existing: dict, rows: list[tuple[object, dict]], fixed: dict) -> dict:
    """Update the rows whose key exists, create the others; two queries. Returns key → object."""
    created, updated, result = [], [], {}
    fields = set()
    for key, values in rows:
        obj = existing.get(key)
        if obj is None:
            obj = model(**fixed, **values)
            created.append(obj)
        else:
            for name, value in values.items():
                setattr(obj, name, value)
            updated.append(obj)
        fields.update(values)
        result[key] = obj
    if created:
        model.objects.bulk_create(created)
    if updated:
        model.objects.bulk_update(updated, sorted(fields))
    return result


def _assignments_replace(model, objects: list, rows: list[dict]) -> None:
    """Lead and support units of indicators or tasks: one delete and one insert per relation."""
    for relation, key in (("lead_units", "lead"), ("support_units", "support")):
        through = getattr(model, relation).through
        owner = f"{model._meta.model_name}_id"
        through.objects.filter(**{f"{owner}__in": [obj.pk for obj in objects]}).delete()
        links = {
            (obj.pk, unit.pk): through(**{owner: obj.pk, "unit_id": unit.pk})
            for obj, row in zip(objects, rows, strict=True)
            for unit in row.get(key, [])
        }
        through.objects.bulk_create(links.values())


def plan_indicators_write(
    *, plan: Plan, groups: list[dict], indicators: list[dict], prune: bool = False
) -> list[Indicator]:
    """Groups, indicators, their targets and units. `prune` removes rows no longer listed (drafts)."""
    commune_id = plan.commune_id
    group_rows = [
        (row["numeral"], {"numeral": row["numeral"], "title": row["title"], "order": order})
        for order, row in enumerate(groups, start=1)
    ]
    group_by_numeral = _upsert(
        IndicatorGroup,
        {group.numeral: group for group in plan.indicator_groups.all()},
        group_rows,
        {"plan": plan, "commune_id": commune_id},
    )
    seen: set[str] = set()
    rows = []
    for order, row in enumerate(indicators, start=1):
        where = f"{plan.key} indicator {row['code']}"
        if row["group"] not in group_by_numeral:
            raise PlanRowError(f"{where}: unknown group {row['group']!r}")
        if row.get("parent") and row["parent"] not in seen:
            raise PlanRowError(f"{where}: parent {row['parent']!r} must come before it")
        if row["code"] in seen:
            raise PlanRowError(f"{where}: the code repeats an earlier indicator")
        seen.add(row["code"])
        values = _indicator_fields(row) | {
            "code": row["code"],
            "group": group_by_numeral[row["group"]],
            "order": order,
            "parent": None,
        }
        rows.append((row["code"], values))
    existing = {indicator.code: indicator for indicator in plan.indicators.all()}
    if prune:
        _prune(Indicator, [obj for code, obj in existing.items() if code not in seen])
    by_code = _upsert(Indicator, existing, rows, {"plan": plan, "commune_id": commune_id})
    with_parent = []
    for row in indicators:
        if row.get("parent"):
            by_code[row["code"]].parent = by_code[row["parent"]]
            with_parent.append(by_code[row["code"]])
    if with_parent:
        Indicator.objects.bulk_update(with_parent, ["parent"])
    objects = [by_code[row["code"]] for row in indicators]
    _targets_write(objects, [_row_targets(row) for row in indicators], horizon=plan.period_end)
    _assignments_replace(Indicator, objects, indicators)
    if prune:
        used = {row["group"] for row in indicators}
        plan.indicator_groups.exclude(numeral__in=used).delete()
    return objects


def _prune(model, stale: list) -> None:
    """Delete rows of a draft the corrected file no longer has (children first: parents protect)."""
    if not stale:
        return
    ids = [obj.pk for obj in stale]
    model.objects.filter(pk__in=ids).update(parent=None)
    model.objects.filter(parent__in=ids).update(parent=None)
    model.objects.filter(pk__in=ids).delete()


def _row_targets(row: dict) -> dict:
    """The row's targets by year; `exists_by` (a milestone row that prints no value: the thing
    must exist by that year) is an empty text, read as Comparator.EXISTS."""
    targets = dict(row.get("targets", {}))
    if exists_by := row.get("exists_by"):
        targets.setdefault(str(exists_by), "")
    return targets


def _targets_write(indicators: list[Indicator], targets: list[dict], *, horizon: int) -> None:
    """Each indicator's targets by year; years no longer printed are removed. An every-year
    target ("Mỗi năm có …") holds until `horizon`, the plan's end year."""
    existing = {
        (target.indicator_id, target.year): target
        for target in Target.objects.filter(indicator__in=[obj.pk for obj in indicators])
    }
    rows, keep = [], set()
    for indicator, by_year in zip(indicators, targets, strict=True):
        for year, text in by_year.items():
            target = Target(year=int(year))
            target.parsed_apply(target_parse(text) if text else target_exists(), horizon=horizon)
            key = (indicator.pk, int(year))
            keep.add(key)
            rows.append(
                (
                    key,
                    {
                        "indicator_id": indicator.pk,
                        "year": int(year),
                        "text": text,
                        "commune_id": indicator.commune_id,
                    }
                    | {name: getattr(target, name) for name in Target.PARSED_FIELDS},
                )
            )
    stale = [target.pk for key, target in existing.items() if key not in keep]
    if stale:
        Target.objects.filter(pk__in=stale).delete()
    _upsert(Target, existing, rows, {})


def plan_tasks_write(
    *, plan: Plan, sections: list[dict], tasks: list[dict], prune: bool = False
) -> list[Task]:
    """Sections, tasks with their structured deadline, and their units."""
    commune_id = plan.commune_id
    section_by_numeral = _upsert(
        TaskSection,
        {section.numeral: section for section in plan.task_sections.all()},
        [
            (row["numeral"], {"numeral": row["numeral"], "title": row["title"], "order": order})
            for order, row in enumerate(sections, start=1)
        ],
        {"plan": plan, "commune_id": commune_id},
    )
    seen: set[tuple[str, str]] = set()
    rows = []
    for order, row in enumerate(tasks, start=1):
        section_key = row.get("section", "")
        where = f"{plan.key} task {section_key}.{row['code']}"
        if section_key and section_key not in section_by_numeral:
            raise PlanRowError(f"{where}: unknown section {section_key!r}")
        if row.get("parent") and (section_key, row["parent"]) not in seen:
            raise PlanRowError(f"{where}: parent {row['parent']!r} must come before it")
        if (section_key, row["code"]) in seen:
            raise PlanRowError(f"{where}: the code repeats an earlier task of its section")
        seen.add((section_key, row["code"]))
        task = Task(**_task_fields(row))
        task.deadline_apply(deadline_parse(task.deadline_text))
        values = _task_fields(row) | {field: getattr(task, field) for field in Task.DEADLINE_FIELDS}
        values |= {
            "code": row["code"],
            "section": section_by_numeral.get(section_key),
            "order": order,
            "parent": None,
        }
        rows.append(((section_key, row["code"]), values))
    existing = {
        (task.section.numeral if task.section else "", task.code): task
        for task in plan.tasks.select_related("section")
    }
    if prune:
        _prune(Task, [obj for key, obj in existing.items() if key not in seen])
    by_key = _upsert(Task, existing, rows, {"plan": plan, "commune_id": commune_id})
    with_parent = []
    for row in tasks:
        if row.get("parent"):
            section_key = row.get("section", "")
            task = by_key[(section_key, row["code"])]
            task.parent = by_key[(section_key, row["parent"])]
            with_parent.append(task)
    if with_parent:
        Task.objects.bulk_update(with_parent, ["parent"])
    objects = [by_key[(row.get("section", ""), row["code"])] for row in tasks]
    _assignments_replace(Task, objects, tasks)
    if prune:
        used = {row.get("section", "") for row in tasks}
        plan.task_sections.exclude(numeral__in=used).delete()
    return objects
