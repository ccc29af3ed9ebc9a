"""Small Word and Excel plans built in the test, shaped like the files communes issue."""

from __future__ import annotations

import io

import docx
import openpyxl

HEAD = ["ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM", "Số: 12/KH-UBND", "Thử Nghiệm, ngày 05 tháng 3 năm 2026"]


def docx_bytes(*parts) -> bytes:
    """parts: a str is a paragraph; a dict {"rows": [[...]], "merge": [(r1, c1, r2, c2)]} a table.

    A merged range takes the text of its top-left cell.
    """
    document = docx.Document()
    for part in parts:
        if isinstance(part, str):
            document.add_paragraph(part)
            continue
        rows = part["rows"]
        width = max(len(row) for row in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        for r1, c1, r2, c2 in part.get("merge", []):
            text = rows[r1][c1]
            merged = table.cell(r1, c1).merge(table.cell(r2, c2))
            merged.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell_range in (merges or {}).get(title, []):
            sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def indicator_plan(rows: list[list[str]], *, header=None, caption="PHỤ LỤC I CHỈ TIÊU NĂM 2026"):
    header = header or ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Chỉ tiêu", "Đơn vị chủ trì"]
    return docx_bytes(
        *HEAD, "KẾ HOẠCH", "Chuyển đổi số năm 2026", caption, {"rows": [header, *rows]}
    )
