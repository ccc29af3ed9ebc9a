"""Load the hand-transcribed seed communes of `fixtures/seeds/` (format: fixtures/README.md).

Loading is idempotent: rows are matched by natural key (province code, commune code, unit
short name, plan key, group numeral, indicator code, section numeral and task code) and
updated in place, so figures reported against them survive a reload.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from communes.models import Commune, Province, Unit
from indicators.models import Indicator, ProvinceIndicator
from plans.models import Plan
from plans.writers import (
    PlanRowError,
    plan_document_write,
    plan_indicators_write,
    plan_tasks_write,
)

SEEDS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
PROVINCES_DIR = SEEDS_DIR.parent / "provinces"


class SeedError(ValueError):
    pass


@dataclass
class SeedLoadResult:
    commune: Commune
    plans: list[Plan] = field(default_factory=list)
    indicators: int = 0
    tasks: int = 0
    units: int = 0


def _nfc(value):
    """Seeds are typed on many keyboards: store every text NFC, as the portal does for input."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    if isinstance(value, dict):
        return {key: _nfc(item) for key, item in value.items()}
    return value


def _read(path: Path) -> dict:
    with path.open("rb") as handle:
        return _nfc(tomllib.load(handle))


def seed_folders(root: Path = SEEDS_DIR) -> list[Path]:
    return sorted(path for path in root.iterdir() if (path / "commune.toml").exists())


@transaction.atomic
def seed_folder_load(folder: Path) -> SeedLoadResult:
    data = _read(folder / "commune.toml")
    province, _ = Province.objects.update_or_create(
        code=data["province"]["code"], defaults={"name": data["province"]["name"]}
    )
    commune_data = data["commune"]
    commune, _ = Commune.objects.update_or_create(
        code=commune_data["code"],
        defaults={
            "province": province,
            "name": commune_data["name"],
            "kind": commune_data.get("kind", "xã"),
        },
    )
    result = SeedLoadResult(commune=commune)
    units_by_name: dict[str, Unit] = {}
    for order, row in enumerate(data.get("units", []), start=1):
        unit, _ = Unit.objects.update_or_create(
            commune=commune,
            short_name=row["short_name"],
            defaults={"name": row["name"], "kind": row["kind"], "order": order},
        )
        for name in [row["short_name"], row["name"], *row.get("aliases", [])]:
            units_by_name[name.casefold()] = unit
        result.units += 1

    from reporting.models import ReportingSchedule

    for row in data.get("schedules", []):
        ReportingSchedule.objects.update_or_create(
            commune=commune,
            kind=row["kind"],
            defaults={
                "is_used": row.get("is_used", True),
                "deadline_day": row["deadline_day"],
                "deadline_month_offset": row["deadline_month_offset"],
                "cutoff_day": row.get("cutoff_day", 14),
            },
        )

    def units(names: list[str], where: str) -> list[Unit]:
        try:
            return [units_by_name[name.casefold()] for name in names]
        except KeyError as exc:
            raise SeedError(f"{folder.name}: {where} names unknown unit {exc.args[0]!r}") from None

    for path in sorted(folder.glob("*.toml")):
        if path.name == "commune.toml":
            continue
        plan = _plan_load(_read(path), commune, units, result)
        result.plans.append(plan)
    return result


def _plan_load(data: dict, commune: Commune, units, result: SeedLoadResult) -> Plan:
    row = data["plan"]
    plan, _ = plan_document_write(
        commune=commune,
        key=row["key"],
        fields={
            "document_number": row["document_number"],
            "document_type": row.get("document_type", "KH"),
            "issue_date": row.get("issue_date"),
            "issue_date_text": row.get("issue_date_text", ""),
            "title": row["title"],
            "issuing_body": row["issuing_body"],
            "signing_authority": row.get("signing_authority", ""),
            "signer_title": row.get("signer_title", ""),
            "signer_name": row.get("signer_name", ""),
            "implements": "\n".join(row.get("implements", [])),
            "period_start": row["period_start"],
            "period_end": row["period_end"],
            "vision_year": row.get("vision_year"),
            "status": row.get("status", "in_force"),
            "reporting_duty": row.get("reporting_duty", ""),
            "note": row.get("note", ""),
        },
    )
    # The unit names become Unit objects here; plans.writers writes every row by natural key.
    indicators = [
        ind
        | {
            "lead": units(ind.get("lead", []), f"{plan.key} indicator {ind['code']}"),
            "support": units(ind.get("support", []), f"{plan.key} indicator {ind['code']}"),
        }
        for ind in data.get("indicators", [])
    ]
    tasks = []
    for task_row in data.get("tasks", []):
        where = f"{plan.key} task {task_row.get('section', '')}.{task_row['code']}"
        tasks.append(
            task_row
            | {
                "lead": units(task_row.get("lead", []), where),
                "support": units(task_row.get("support", []), where),
            }
        )
    try:
        plan_indicators_write(
            plan=plan, groups=data.get("indicator_groups", []), indicators=indicators
        )
        plan_tasks_write(plan=plan, sections=data.get("task_sections", []), tasks=tasks)
    except PlanRowError as exc:
        raise SeedError(str(exc)) from None
    result.indicators += len(indicators)
    result.tasks += len(tasks)
    return plan


@dataclass
class CatalogueLoadResult:
    province: Province
    indicators: int = 0
    links: int = 0


@transaction.atomic
def province_catalogue_load(path: Path) -> CatalogueLoadResult:
    """Load a province's indicator catalogue and link the communes' indicators to it.

    Run after the communes: each link names "<commune code>/<plan key>/<indicator code>".
    """
    data = _read(path)
    province, _ = Province.objects.update_or_create(
        code=data["province"]["code"], defaults={"name": data["province"]["name"]}
    )
    result = CatalogueLoadResult(province=province)
    for order, row in enumerate(data.get("indicators", []), start=1):
        catalogued, _ = ProvinceIndicator.objects.update_or_create(
            province=province,
            code=row["code"],
            defaults={
                "name": row["name"],
                "group": row["group"],
                "unit_of_measure": row.get("unit", ""),
                "measure_kind": row.get("kind", "percent"),
                "direction": row.get("direction", "higher"),
                "order": order,
            },
        )
        result.indicators += 1
        for link in row.get("links", []):
            commune_code, plan_key, code = link.split("/", 2)
            updated = Indicator.objects.filter(
                commune__code=commune_code,
                commune__province=province,
                plan__key=plan_key,
                code=code,
            ).update(province_indicator=catalogued)
            if updated != 1:
                raise SeedError(f"{path.name} indicator {row['code']}: no indicator {link!r}")
            result.links += 1
    return result


def province_catalogues(root: Path = PROVINCES_DIR) -> list[Path]:
    return sorted(root.glob("*.toml")) if root.is_dir() else []


def seeds_load_all() -> tuple[list[SeedLoadResult], list[CatalogueLoadResult]]:
    """Every seed commune, then the provinces' catalogues that link their indicators."""
    communes = [seed_folder_load(folder) for folder in seed_folders()]
    catalogues = [province_catalogue_load(path) for path in province_catalogues()]
    return communes, catalogues
