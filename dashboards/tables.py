"""Tables of figures as plain values: shown under a chart, downloaded as an Excel workbook.

A dashboard builds each of its tables once as a `Table`; the page renders it (or a richer view
of the same rows) and `?format=xlsx` writes the same rows to a sheet, so the download always
matches the screen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from communes.spreadsheets import cell_text_guard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

Cell = str | int | Decimal | date | datetime | None


@dataclass
class Table:
    key: str  # the `table=` parameter of its download link
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""  # printed under the title in the sheet (e.g. the filters applied)


def _row_append(sheet, values) -> None:
    """One row, its text exactly as on the page; text that would run as a formula is kept as
    text by the portal's one rule (`cell_text_guard`)."""
    cells = [SheetCell(sheet, value=value) for value in values]
    for cell in cells:
        cell_text_guard(cell)
    # Appended as cells: reading the row back (`sheet[sheet.max_row]`) scans every cell of the
    # sheet, which made a table of 2,000 rows take 10 s.
    sheet.append(cells)


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:28] or "Sheet"
    name, number = base, 2
    while name.casefold() in used:
        name = f"{base[:25]} {number}"
        number += 1
    used.add(name.casefold())
    return name


def workbook_build(tables: Sequence[Table]) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="EEF1F5")
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        _row_append(sheet, [table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        first = 2
        if table.note:
            _row_append(sheet, [table.note])
            first = 3
        _row_append(sheet, list(table.columns))
        for cell in sheet[first]:
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            _row_append(sheet, list(row))
        sheet.freeze_panes = sheet.cell(row=first + 1, column=1)
        for index, column in enumerate(table.columns, start=1):
            longest = max(
                [len(str(column))] + [len(str(row[index - 1] or "")) for row in table.rows[:200]]
            )
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest + 2))
    if not tables:
        workbook.create_sheet("Sheet")
    return workbook


def workbook_response(tables: Sequence[Table], *, filename: str) -> HttpResponse:
    stream = BytesIO()
    workbook_build(tables).save(stream)
    response = HttpResponse(stream.getvalue(), content_type=XLSX)
    # slugify drops "đ" instead of reading it as "d".
    name = slugify(filename.replace("đ", "d").replace("Đ", "D")) or "bang-so-lieu"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
