"""Recognise what each column of a plan table holds from its header text, whatever the wording.

Headers are matched without case, diacritics or punctuation ("Đơn vị tính", "ĐVT", "Don vi"),
over one to three header rows (a merged "Kết quả" above the year columns). A table whose header
is not recognised can be read with a `ColumnMap` a person supplies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .reading import SourceTable
from .text import plain_key

INDICATORS = "indicators"
TASKS = "tasks"

# Role → patterns on the plain key of the column's header text, tried in this order (the first
# role that matches wins, so "đơn vị chủ trì" is a lead before "đơn vị" is a unit of measure).
_ROLE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("code", re.compile(r"^(s\s?tt|tt|so tt|so thu tu|ma|ma so)$")),
    ("support", re.compile(r"phoi hop")),
    ("lead", re.compile(r"chu tri|theo doi danh gia|don vi thuc hien|co quan thuc hien|phu trach")),
    ("method", re.compile(r"phuong phap|cong thuc|cach tinh|nguon thu thap|nguon so lieu")),
    ("guidance", re.compile(r"huong dan")),
    ("budget", re.compile(r"kinh phi|du toan")),
    ("deadline", re.compile(r"thoi gian|thoi han|tien do|han hoan thanh")),
    ("unit", re.compile(r"^(don vi tinh|don vi|dvt|don vi do)$")),
    ("note", re.compile(r"ghi chu|can cu")),
    ("name", re.compile(r"noi dung|ten chi tieu|ten nhiem vu|^nhiem vu|^ten$|danh muc")),
    ("target", re.compile(r"chi tieu|muc tieu|ke hoach|gia tri")),
    ("result", re.compile(r"ket qua|san pham")),
]
_YEAR_RE = re.compile(r"\b(20[2-5][0-9])\b")
_ROMAN_OR_NUMBER_RE = re.compile(r"^\(?[0-9]{1,2}\)?$")


@dataclass
class ColumnMap:
    """Which column holds what: roles to column indexes, target years to column indexes."""

    kind: str  # INDICATORS or TASKS
    columns: dict[str, int] = field(default_factory=dict)
    years: dict[int, int] = field(default_factory=dict)  # year → column
    header_rows: int = 1

    def has(self, role: str) -> bool:
        return role in self.columns

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "columns": dict(self.columns),
            "years": {str(year): column for year, column in self.years.items()},
            "header_rows": self.header_rows,
        }

    @classmethod
    def from_json(cls, data: dict) -> ColumnMap:
        return cls(
            kind=data["kind"],
            columns={role: int(column) for role, column in data.get("columns", {}).items()},
            years={int(year): int(column) for year, column in data.get("years", {}).items()},
            header_rows=int(data.get("header_rows", 1)),
        )


def _role(text: str) -> str | None:
    key = plain_key(text)
    if not key or len(key) > 80:  # a header names a column; a long text is data
        return None
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(key):
            return role
    return None


_DATA_CODE_RE = re.compile(r"^([0-9]{1,3}(\.[0-9]+)*\.?|[IVX]+\.?)$")


def _is_header_row(texts: list[str]) -> bool:
    filled = [text for text in texts if text]
    if not filled or any(_DATA_CODE_RE.match(text) for text in filled):
        return False
    known = sum(1 for text in filled if _role(text) or (len(text) <= 40 and _YEAR_RE.search(text)))
    return known >= max(1, round(0.6 * len(filled)))


def _is_column_numbers(texts: list[str]) -> bool:
    """A row "(1) (2) (3) …" or "1 2 3 …" under the header that numbers the columns."""
    filled = [plain_key(text) for text in texts if text]
    return (
        len(filled) >= 3
        and all(_ROMAN_OR_NUMBER_RE.match(text) for text in filled)
        and len(set(filled)) == len(filled)
    )


def header_recognise(table: SourceTable) -> ColumnMap | None:
    """The table's ColumnMap from its first rows, or None when they are not a plan header."""
    header_rows = 0
    while header_rows < min(3, len(table.rows)) and _is_header_row(table.texts(header_rows)):
        header_rows += 1
        # A header goes on over a second or third row only where its cells are merged.
        if header_rows < len(table.rows) and not (
            any(cell.span > 1 for cell in table.rows[header_rows - 1])
            or any(cell.from_above for cell in table.rows[header_rows])
        ):
            break
    if not header_rows:
        return None
    columns: dict[str, int] = {}
    years: dict[int, int] = {}
    for column in range(table.width):
        parts: list[str] = []
        for row in table.rows[:header_rows]:
            if column < len(row) and row[column].text and row[column].text not in parts:
                parts.append(row[column].text)
        # The lowest header cell names the column; a merged title above ("Kết quả") only groups.
        own = parts[-1] if parts else ""
        year = _YEAR_RE.search(own)
        role = _role(own)
        if year and role not in ("code", "lead", "support", "deadline", "budget", "method"):
            years.setdefault(int(year[1]), column)
            continue
        if role is None and len(parts) > 1:
            role = _role(" ".join(parts))
        if role and role not in columns:
            columns[role] = column
    # "Chỉ tiêu" alone names the indicator when no other column does.
    if "name" not in columns and "target" in columns and not years:
        columns["name"] = columns.pop("target")
    if "name" not in columns:
        return None
    name_key = plain_key(_header_text(table, header_rows, columns["name"]))
    if (
        years
        or "target" in columns
        or "unit" in columns
        or "method" in columns
        or "chi tieu" in name_key
    ):
        kind = INDICATORS
    elif columns.keys() & {"lead", "support", "deadline", "result", "budget"}:
        kind = TASKS
    else:
        return None
    if kind == TASKS and "target" in columns:
        columns.pop("target")
    if header_rows < len(table.rows) and _is_column_numbers(table.texts(header_rows)):
        header_rows += 1
    return ColumnMap(kind=kind, columns=columns, years=years, header_rows=header_rows)


def _header_text(table: SourceTable, header_rows: int, column: int) -> str:
    return " ".join(
        row[column].text
        for row in table.rows[:header_rows]
        if column < len(row) and row[column].text
    )
