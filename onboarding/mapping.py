"""Columns a person maps once: a table header the portal does not recognise, or a column it
cannot place, mapped in the browser to the portal's fields and kept per commune by the header's
words (`models.ColumnMapping`), so that the next file with the same header is read without asking.

    key = header_key(table)                      # "stt | viec phai lam | ai lam"
    saved = column_mappings_for(commune)         # {key: ColumnMap, or IGNORE}
    tables = mapping_tables(document, imported.unmapped)   # what the mapping page shows
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from indicators.models import TARGET_YEARS

from .headers import _YEAR_RE, INDICATORS, TASKS, ColumnMap, _role, header_recognise
from .reading import ImportFileError, SourceDocument, SourceTable
from .text import plain_key

IGNORE = "ignore"  # a table mapped as "not part of the plan", or a column nobody needs
YEAR_PREFIX = "year:"
SAMPLE_ROWS = 3
MAX_HEADER_ROWS = 3

_FIELDS_BEFORE_YEARS = [
    ("", _("— ignore this column —")),
    ("code", _("Number (STT)")),
    ("name", _("Name of the indicator or task")),
    ("unit", _("Unit of measure")),
    ("target", _("Target (year of the milestone row or of the plan)")),
]
_FIELDS_AFTER_YEARS = [
    ("lead", _("Lead unit")),
    ("support", _("Support units")),
    ("method", _("Method of calculation (a/b)")),
    ("budget", _("Budget (million đồng)")),
    ("deadline", _("Deadline")),
    ("result", _("Expected result")),
    ("guidance", _("Guidance")),
    ("note", _("Note or legal basis")),
]
KIND_CHOICES = [
    (INDICATORS, _("Indicators")),
    (TASKS, _("Tasks")),
    (IGNORE, _("Not part of the plan: do not read this table")),
]


def field_choices() -> list[tuple[str, str]]:
    """The portal's fields a column can hold, in the order the select lists them."""
    return [
        *_FIELDS_BEFORE_YEARS,
        *[(f"{YEAR_PREFIX}{year}", _("Target %(year)s") % {"year": year}) for year in TARGET_YEARS],
        *_FIELDS_AFTER_YEARS,
    ]


_INDICATOR_ONLY = {"unit", "target", "method", "guidance"}


class HeaderNotRecognisedError(ImportFileError):
    """No table of the file has a header the portal recognises or a mapping of the commune."""


def header_key(table: SourceTable) -> str:
    """The header's words without case, diacritics or punctuation, one cell after another."""
    if not table.rows:
        return ""
    cells = [plain_key(cell.text) for cell in table.rows[0] if cell.first]
    return " | ".join(cells)[:1000]


def header_text(table: SourceTable) -> str:
    if not table.rows:
        return ""
    return " | ".join(cell.text for cell in table.rows[0] if cell.first)[:1000]


def table_is_mappable(table: SourceTable) -> bool:
    """Wide and long enough to be a plan table (not a signature block or a layout box)."""
    return table.width >= 3 and len(table.rows) >= 2


def unplaced_columns(table: SourceTable, columns: ColumnMap) -> list[int]:
    """Columns with a header and data under it that the recognised header gives no field."""
    placed = set(columns.columns.values()) | set(columns.years.values())
    unplaced = []
    for column in range(table.width):
        if column in placed:
            continue
        if not any(
            column < len(row) and row[column].text for row in table.rows[: columns.header_rows]
        ):
            continue
        if any(
            column < len(row) and row[column].text and row[column].span == 1
            for row in table.rows[columns.header_rows :]
        ):
            unplaced.append(column)
    return unplaced


def column_mappings_for(commune) -> dict[str, ColumnMap | str]:
    """The commune's saved mappings by header key (one query); IGNORE for a table not to read."""
    if commune is None:
        return {}
    from .models import ColumnMapping

    saved = {}
    for key, columns in ColumnMapping.objects.filter(commune=commune).values_list(
        "header_key", "columns"
    ):
        saved[key] = IGNORE if columns.get("kind") == IGNORE else ColumnMap.from_json(columns)
    return saved


def column_map_build(*, kind: str, header_rows: int, roles: list[str]) -> ColumnMap | str:
    """A ColumnMap from the field chosen for each column ("" to ignore it)."""
    if kind == IGNORE:
        return IGNORE
    columns, years = {}, {}
    for column, role in enumerate(roles):
        if role.startswith(YEAR_PREFIX):
            years[int(role.removeprefix(YEAR_PREFIX))] = column
        elif role:
            columns[role] = column
    return ColumnMap(kind=kind, columns=columns, years=years, header_rows=header_rows)


def column_roles_check(kind: str, roles: list[str], headers: list[str]) -> list[str]:
    """What is wrong with a mapping, as messages for the person mapping it."""
    if kind == IGNORE:
        return []
    errors = []
    if "name" not in roles:
        errors.append(_("Choose the column that holds the name of each indicator or task."))
    seen: dict[str, int] = {}
    labels = dict(field_choices())
    for column, role in enumerate(roles):
        if not role:
            continue
        if role in seen:
            errors.append(
                _("«%(field)s» is chosen for two columns (%(first)s and %(second)s); keep one.")
                % {
                    "field": labels.get(role, role),
                    "first": headers[seen[role]] or seen[role] + 1,
                    "second": headers[column] or column + 1,
                }
            )
        seen.setdefault(role, column)
    if kind == TASKS:
        wrong = [
            labels[role]
            for role in roles
            if role in _INDICATOR_ONLY or role.startswith(YEAR_PREFIX)
        ]
        if wrong:
            errors.append(
                _(
                    "A task table has no %(fields)s: choose «Indicators» for this table, or ignore those columns."
                )
                % {"fields": ", ".join(str(label) for label in wrong)}
            )
    return errors


@dataclass
class MappingColumn:
    index: int
    header: str  # the header cells above the column, as printed
    samples: list[str]  # the first values under it
    role: str  # the field the portal guesses ("" when it has none)
    unplaced: bool = False  # a column of a recognised header the portal cannot place


@dataclass
class MappingTable:
    """One header to map: the first table that prints it, and every table of the file that does."""

    key: str
    header_text: str
    tables: list[int]
    kind: str
    header_rows: int
    reason: str  # "unrecognised" or "unplaced"
    columns: list[MappingColumn] = field(default_factory=list)


def _guess_role(texts: list[str]) -> str:
    own = texts[-1] if texts else ""
    if (year := _YEAR_RE.search(own)) and len(own) <= 40:
        role = _role(own)
        if role not in ("code", "lead", "support", "deadline", "budget", "method"):
            return f"{YEAR_PREFIX}{year[1]}" if int(year[1]) in TARGET_YEARS else ""
    return _role(own) or (_role(" ".join(texts)) if len(texts) > 1 else None) or ""


def mapping_tables(document: SourceDocument, unmapped: list[dict]) -> list[MappingTable]:
    """What the mapping page asks about, one entry per distinct header, with the portal's guess."""
    by_index = {table.index: table for table in document.tables}
    result: dict[str, MappingTable] = {}
    for entry in unmapped:
        table = by_index.get(entry["table"])
        if table is None:
            continue
        if entry["header_key"] in result:
            result[entry["header_key"]].tables.append(table.index)
            continue
        recognised = header_recognise(table)
        header_rows = recognised.header_rows if recognised else 1
        placed = {}
        if recognised is not None:
            placed = {column: role for role, column in recognised.columns.items()}
            placed |= {column: f"{YEAR_PREFIX}{year}" for year, column in recognised.years.items()}
        mapping = MappingTable(
            key=entry["header_key"],
            header_text=header_text(table),
            tables=[table.index],
            kind=recognised.kind if recognised else INDICATORS,
            header_rows=min(header_rows, MAX_HEADER_ROWS),
            reason=entry["reason"],
        )
        body = [row for row in table.rows[header_rows:] if not all(cell.span > 1 for cell in row)][
            :SAMPLE_ROWS
        ]
        for column in range(table.width):
            texts = []
            for row in table.rows[:header_rows]:
                if column < len(row) and row[column].text and row[column].text not in texts:
                    texts.append(row[column].text)
            role = placed.get(column, "") if recognised else _guess_role(texts)
            mapping.columns.append(
                MappingColumn(
                    index=column,
                    header=" / ".join(texts),
                    samples=[row[column].text for row in body if column < len(row)],
                    role=role,
                    unplaced=column in entry.get("columns", []),
                )
            )
        if recognised is None:
            roles = {column.role for column in mapping.columns}
            indicator_like = any(
                role in _INDICATOR_ONLY or role.startswith(YEAR_PREFIX) for role in roles
            )
            mapping.kind = (
                INDICATORS
                if indicator_like or not roles & {"lead", "deadline", "result"}
                else TASKS
            )
            if mapping.kind == TASKS:
                for column in mapping.columns:
                    if column.role in _INDICATOR_ONLY:
                        column.role = ""
        result[mapping.key] = mapping
    return list(result.values())
