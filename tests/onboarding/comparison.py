"""Compare two plans of the database field by field: the seed's and the imported one."""

from __future__ import annotations

import tomllib
from pathlib import Path

from communes.models import Commune, Unit, UnitAlias
from onboarding.seeds import SEEDS_DIR
from onboarding.text import name_key
from plans.models import Plan

PLAN_FIELDS = (
    "document_number",
    "document_type",
    "issue_date",
    "issue_date_text",
    "title",
    "issuing_body",
    "signing_authority",
    "signer_title",
    "signer_name",
    "reporting_duty",
    "period_start",
    "period_end",
)
INDICATOR_FIELDS = (
    "group",
    "parent",
    "name",
    "is_heading",
    "unit_of_measure",
    "measure_kind",
    "targets",
    "target_readings",
    "lead",
    "support",
    "lead_text",
    "support_text",
    "formula",
    "numerator_definition",
    "denominator_definition",
    "data_source",
    "guidance",
    "legal_basis",
)
TASK_FIELDS = (
    "parent",
    "name",
    "is_heading",
    "lead",
    "support",
    "lead_text",
    "support_text",
    "expected_result",
    "budget_million_vnd",
    "deadline_text",
    "deadline_kind",
)


def commune_with_seed_units(folder: str, *, code: str) -> Commune:
    """A fresh commune holding the seed commune's units and their aliases, and nothing else."""
    with (SEEDS_DIR / folder / "commune.toml").open("rb") as handle:
        data = tomllib.load(handle)
    seed = Commune.objects.get(code=data["commune"]["code"])
    commune = Commune.objects.create(province=seed.province, code=code, name=seed.name)
    for order, row in enumerate(data["units"], start=1):
        unit = Unit.objects.create(
            commune=commune,
            short_name=row["short_name"],
            name=row["name"],
            kind=row["kind"],
            order=order,
        )
        for alias in row.get("aliases", []):
            # "Phòng Văn hoá - Xã hội" and "Phòng Văn hóa - Xã hội" are one alias to the portal.
            if not UnitAlias.objects.filter(commune=commune, key=name_key(alias)).exists():
                UnitAlias.objects.create(unit=unit, name=alias)
    return commune


def _indicator_rows(plan: Plan) -> dict[str, dict]:
    rows = {}
    for item in plan.indicators.select_related("group", "parent").prefetch_related(
        "targets", "lead_units", "support_units"
    ):
        rows[item.code] = {
            "group": (item.group.numeral, item.group.title),
            "parent": item.parent.code if item.parent else "",
            "targets": {target.year: target.text for target in item.targets.all()},
            # What the portal reads each target as: ≥, >, every year until, must exist by…
            "target_readings": {
                target.year: (target.comparator, target.until_year) for target in item.targets.all()
            },
            "lead": sorted(unit.short_name for unit in item.lead_units.all()),
            "support": sorted(unit.short_name for unit in item.support_units.all()),
        } | {
            field: getattr(item, field)
            for field in INDICATOR_FIELDS
            if field not in ("group", "parent", "targets", "target_readings", "lead", "support")
        }
    return rows


def _task_rows(plan: Plan) -> dict[str, dict]:
    rows = {}
    for task in plan.tasks.select_related("section", "parent").prefetch_related(
        "lead_units", "support_units"
    ):
        key = f"{task.section.numeral if task.section else ''}.{task.code}"
        rows[key] = {
            "parent": task.parent.code if task.parent else "",
            "lead": sorted(unit.short_name for unit in task.lead_units.all()),
            "support": sorted(unit.short_name for unit in task.support_units.all()),
        } | {
            field: getattr(task, field)
            for field in TASK_FIELDS
            if field not in ("parent", "lead", "support")
        }
    return rows


def plan_differences(seed: Plan, imported: Plan, *, head: Plan | None = None) -> dict:
    """{(what, key, field): (seed value, imported value)} for every field that differs.

    `head` is the seed plan whose document head the file prints, when it is not `seed`.
    """
    differences = {}
    head = head or seed
    for field in PLAN_FIELDS:
        if getattr(head, field) != getattr(imported, field):
            differences[("plan", "", field)] = (getattr(head, field), getattr(imported, field))
    for what, expected, actual, fields in (
        ("indicator", _indicator_rows(seed), _indicator_rows(imported), INDICATOR_FIELDS),
        ("task", _task_rows(seed), _task_rows(imported), TASK_FIELDS),
    ):
        for key in expected.keys() | actual.keys():
            if key not in actual or key not in expected:
                differences[(what, key, "*")] = (key in expected, key in actual)
                continue
            for field in fields:
                if expected[key][field] != actual[key][field]:
                    differences[(what, key, field)] = (expected[key][field], actual[key][field])
    return differences


def seed_plan(commune_code: str, key: str) -> Plan:
    return Plan.objects.get(commune__code=commune_code, key=key)


DATA = Path(__file__).resolve().parent.parent / "data" / "plans"
