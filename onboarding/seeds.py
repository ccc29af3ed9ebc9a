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

from communes.models import Commune, Province, Unit, UnitAlias
from communes.names import name_key
from indicators.forms import TARGET_COLUMN
from indicators.models import Indicator, ProvinceIndicator
from indicators.targets import target_problem
from plans.models import Plan
from plans.writers import (
    PlanRowError,
    plan_document_write,
    plan_indicators_write,
    plan_tasks_write,
)
from tasks.deadlines import deadline_problem

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
    notes: list[str] = field(default_factory=list)


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
        try:
            return _nfc(tomllib.load(handle))
        except tomllib.TOMLDecodeError as exc:
            # TOML itself refuses a key repeated within one table ("Cannot overwrite a value").
            raise SeedError(f"{_file_name(path)}: not valid TOML: {exc}") from None


def _file_name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


# What each file may hold: per table, the keys the loader reads (plus "note", a transcriber's
# remark kept or ignored), the keys a row must have, and the natural key that must not repeat.
# A key outside these is refused: a misspelt "trget" would otherwise be dropped without a word.
@dataclass(frozen=True)
class _Table:
    keys: frozenset[str]
    required: tuple[str, ...] = ()
    natural_key: tuple[str, ...] = ()
    rows: bool = True  # an array of tables ([[units]]), else a single table ([commune])


def _table(keys: str, required: str = "", natural_key: str = "", rows: bool = True) -> _Table:
    return _Table(
        frozenset(keys.split()), tuple(required.split()), tuple(natural_key.split()), rows
    )


COMMUNE_FILE = {
    "province": _table("code name", "code name", rows=False),
    "commune": _table("code name kind source", "code name", rows=False),
    "units": _table("short_name name kind aliases note", "short_name name kind", "short_name"),
    "schedules": _table(
        "kind is_used deadline_day deadline_month_offset cutoff_day note",
        "kind deadline_day deadline_month_offset",
        "kind",
    ),
}
PLAN_FILE = {
    "plan": _table(
        "key document_number document_type issue_date issue_date_text title issuing_body "
        "signing_authority signer_title signer_name implements period_start period_end "
        "vision_year status reporting_duty note",
        "key document_number title issuing_body period_start period_end",
        rows=False,
    ),
    "indicator_groups": _table("numeral title note", "numeral title", "numeral"),
    "indicators": _table(
        "group code parent name heading unit kind direction targets exists_by lead lead_text "
        "support support_text numerator denominator formula data_source guidance legal_basis note",
        "group code name",
        "code",
    ),
    "task_sections": _table("numeral title note", "numeral title", "numeral"),
    "tasks": _table(
        "section code parent name heading lead lead_text support support_text result budget "
        "deadline note",
        "code name",
        "section code",
    ),
}
PROVINCE_FILE = {
    "province": _table("code name", "code name", rows=False),
    "indicators": _table(
        "code name group unit kind direction links note", "code name group", "code"
    ),
}


def _row_label(table: str, number: int, row: dict, natural_key: tuple[str, ...]) -> str:
    key = ", ".join(f"{name} = {row.get(name, '')!r}" for name in natural_key if name in row)
    return f"[[{table}]] row {number}" + (f" ({key})" if key else "")


def seed_file_check(data: dict, *, path: Path, layout: dict[str, _Table]) -> list[str]:
    """Refuse (SeedError) what the loader would silently get wrong; return notes on what it skips.

    Refused: a table or key the layout does not know, a row without a required key, two rows
    with the same natural key (the second would replace the first). Skipped with a note: an
    empty target (the year is left without a target).
    """
    name = _file_name(path)
    notes: list[str] = []
    for table in data:
        if table not in layout:
            raise SeedError(f"{name}: unknown table [{table}] (known: {', '.join(sorted(layout))})")
    for table, spec in layout.items():
        if table not in data:
            if not spec.rows:
                raise SeedError(f"{name}: the table [{table}] is missing")
            continue
        value = data[table]
        if spec.rows != isinstance(value, list):
            form = f"[[{table}]] rows" if spec.rows else f"one [{table}] table"
            raise SeedError(f"{name}: {table} must be written as {form}")
        rows = value if spec.rows else [value]
        seen: dict[tuple, int] = {}
        for number, row in enumerate(rows, start=1):
            where = _row_label(table, number, row, spec.natural_key) if spec.rows else f"[{table}]"
            unknown = sorted(set(row) - spec.keys)
            if unknown:
                raise SeedError(
                    f"{name}: {where}: unknown key {unknown[0]!r} "
                    f"(known: {', '.join(sorted(spec.keys))})"
                )
            missing = [key for key in spec.required if key not in row]
            if missing:
                raise SeedError(f"{name}: {where}: the key {missing[0]!r} is missing")
            if spec.natural_key:
                key = tuple(str(row.get(part, "")).casefold() for part in spec.natural_key)
                if key in seen:
                    raise SeedError(
                        f"{name}: {where}: {' and '.join(spec.natural_key)} already used by "
                        f"row {seen[key]}; each row needs its own"
                    )
                seen[key] = number
            if table == "indicators":
                notes += _targets_check(row, where=f"{name}: {where}")
            if table == "tasks" and layout is PLAN_FILE:
                notes += _deadline_check(row, where=f"{name}: {where}")
    if layout is COMMUNE_FILE:
        _unit_names_check(data.get("units", []), name=name)
    if layout is PROVINCE_FILE:
        _links_check(data.get("indicators", []), name=name)
    return notes


def _targets_check(row: dict, *, where: str) -> list[str]:
    targets = row.get("targets", {})
    if not isinstance(targets, dict):
        raise SeedError(f'{where}: targets must be a table such as {{ 2025 = "50%" }}')
    notes = []
    for year, text in list(targets.items()):
        if not (year.isdigit() and len(year) == 4):
            raise SeedError(f"{where}: target year {year!r} is not a year")
        if not isinstance(text, str):
            raise SeedError(f'{where}: target {year} must be text as printed, e.g. "{text}"')
        if not text:
            del targets[year]
            notes.append(f"{where}: the target for {year} is empty; skipped")
            continue
        # The indicator form's rule: a seed cannot hold what the office could not type.
        problem = target_problem(text, row.get("kind", "percent"), **TARGET_COLUMN)
        if problem:
            raise SeedError(f"{where}: target {year}: {problem}")
    exists_by = row.get("exists_by")
    if exists_by is not None:
        if not isinstance(exists_by, int) or not 2025 <= exists_by <= 2045:
            raise SeedError(f"{where}: exists_by must be a year from 2025 to 2045, e.g. 2030")
        if str(exists_by) in targets:
            raise SeedError(f"{where}: exists_by {exists_by} also has a printed target")
    return notes


def _deadline_check(row: dict, *, where: str) -> list[str]:
    """A deadline is kept as printed whatever it says; one the task form would refuse ("Quý
    5/2025") or that is not text is flagged for the office with a note, never a crash."""
    deadline = row.get("deadline", "")
    notes = []
    if not isinstance(deadline, str):
        # TOML reads 2025-12-31 as a date and 2030 as a number: keep them as written.
        row["deadline"] = deadline = str(deadline)
        notes.append(f"{where}: the deadline {deadline!r} is not text; kept as printed, flagged")
    problem = deadline_problem(deadline)
    if problem:
        notes.append(f"{where}: the deadline {deadline!r} is kept and flagged: {problem}")
    return notes


def _unit_names_check(units: list[dict], *, name: str) -> None:
    """Leads and supports resolve by short name, full name and aliases: each must mean one unit."""
    owners: dict[str, int] = {}
    for number, row in enumerate(units, start=1):
        names = {
            text.casefold() for text in [row["short_name"], row["name"], *row.get("aliases", [])]
        }
        for text in names:
            if text in owners and owners[text] != number:
                where = _row_label("units", number, row, ("short_name",))
                raise SeedError(
                    f"{name}: {where}: the name {text!r} also names unit row {owners[text]}"
                )
            owners[text] = number


def _links_check(indicators: list[dict], *, name: str) -> None:
    """A commune indicator linked twice would end up with the second link only."""
    linked: dict[str, int] = {}
    for number, row in enumerate(indicators, start=1):
        for link in row.get("links", []):
            if link in linked:
                where = _row_label("indicators", number, row, ("code",))
                raise SeedError(
                    f"{name}: {where}: the link {link!r} is already in row {linked[link]}"
                )
            linked[link] = number


def seed_folders(root: Path = SEEDS_DIR) -> list[Path]:
    return sorted(path for path in root.iterdir() if (path / "commune.toml").exists())


@transaction.atomic
def seed_folder_load(folder: Path) -> SeedLoadResult:
    data = _read(folder / "commune.toml")
    plan_files = {
        path: _read(path) for path in sorted(folder.glob("*.toml")) if path.name != "commune.toml"
    }
    notes = seed_folder_check(folder, data, plan_files)
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
    result = SeedLoadResult(commune=commune, notes=notes)
    units_by_name: dict[str, Unit] = {}
    for order, row in enumerate(data.get("units", []), start=1):
        unit, _ = Unit.objects.update_or_create(
            commune=commune,
            short_name=row["short_name"],
            defaults={"name": row["name"], "kind": row["kind"], "order": order},
        )
        for name in [row["short_name"], row["name"], *row.get("aliases", [])]:
            units_by_name[name.casefold()] = unit
        for alias in row.get("aliases", []):
            # Kept in the database too: the plan importer resolves printed names through them.
            UnitAlias.objects.update_or_create(
                commune=commune, key=name_key(alias), defaults={"unit": unit, "name": alias}
            )
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

    from reporting.services import schedules_from_duty

    for plan_data in plan_files.values():
        plan = _plan_load(plan_data, commune, units, result)
        # A duty without days leaves the kinds commune.toml does not set to the office.
        schedules_from_duty(commune=commune, text=plan.reporting_duty)
        result.plans.append(plan)
    return result


def seed_folder_check(folder: Path, commune_data: dict, plan_files: dict[Path, dict]) -> list[str]:
    """Check a seed folder's files before anything is written; the notes of what is skipped."""
    notes = seed_file_check(commune_data, path=folder / "commune.toml", layout=COMMUNE_FILE)
    plan_keys: dict[str, Path] = {}
    for path, data in plan_files.items():
        notes += seed_file_check(data, path=path, layout=PLAN_FILE)
        key = data["plan"]["key"]
        if key in plan_keys:
            raise SeedError(
                f"{_file_name(path)}: [plan] key = {key!r} is already the key of "
                f"{plan_keys[key].name}; each plan needs its own"
            )
        plan_keys[key] = path
    return notes


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
    notes: list[str] = field(default_factory=list)


@transaction.atomic
def province_catalogue_load(path: Path) -> CatalogueLoadResult:
    """Load a province's indicator catalogue and link the communes' indicators to it.

    Run after the communes: each link names "<commune code>/<plan key>/<indicator code>".
    """
    data = _read(path)
    notes = seed_file_check(data, path=path, layout=PROVINCE_FILE)
    province, _ = Province.objects.update_or_create(
        code=data["province"]["code"], defaults={"name": data["province"]["name"]}
    )
    result = CatalogueLoadResult(province=province, notes=notes)
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
