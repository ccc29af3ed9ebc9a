"""The province's Excel list of new communes: the template it downloads and the reading of it.

One row a commune: name, kind (a drop-down list: xã, phường, đặc khu), official code where
known, the standing office's e-mail and, optionally, whom to invite. Columns are found by their
header text, so a list whose columns were moved or that has a title row above still reads.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from communes.models import CommuneKind, Province
from communes.services import CommuneDraft, CommuneError, CommunesInvalid
from communes.slugs import slug_vi

SHEET_TITLE = "Danh sách xã"
# The template speaks Vietnamese whatever the interface language, like the documents it lists.
COLUMNS = [
    ("name", "Tên xã, phường, đặc khu", 34),
    ("kind", "Loại", 12),
    ("code", "Mã đơn vị hành chính (nếu có)", 20),
    ("office_email", "E-mail Phòng Văn hóa - Xã hội", 36),
    ("office_name", "Người nhận thư mời (nếu biết)", 30),
]
TEMPLATE_ROWS = 500
MAX_BYTES = 5 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def commune_template_workbook(province: Province) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append([label for _name, label, _width in COLUMNS])
    for index, (_name, _label, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"
    kinds = DataValidation(
        type="list",
        formula1='"' + ",".join(kind.value for kind in CommuneKind) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Loại không hợp lệ",
        error="Chọn một trong: xã, phường, đặc khu.",
        promptTitle="Loại",
        prompt="xã, phường hoặc đặc khu",
        showInputMessage=True,
    )
    sheet.add_data_validation(kinds)
    kinds.add(f"B2:B{TEMPLATE_ROWS + 1}")
    for row in range(2, TEMPLATE_ROWS + 2):
        # Official codes keep their leading zeros ("00004") only as text.
        sheet.cell(row=row, column=3).number_format = "@"

    guide = workbook.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 110
    lines = [
        f"Danh sách xã, phường, đặc khu mới của tỉnh {province.name}",
        "",
        f"Ghi mỗi xã một dòng ở trang «{SHEET_TITLE}», từ dòng 2; không xoá dòng tiêu đề.",
        "Tên: ghi tên không kèm chữ «Xã», ví dụ «Điền Quang» (ghi «Xã Điền Quang» cũng được).",
        "Loại: chọn xã, phường hoặc đặc khu trong danh sách.",
        "Mã đơn vị hành chính: mã chính thức nếu đã biết (ví dụ 16108); để trống thì cổng "
        "tự đặt mã theo tên.",
        "E-mail: hộp thư của Phòng Văn hóa - Xã hội (cơ quan thường trực) của xã; cổng gửi "
        "thư mời đến địa chỉ này để cơ quan thường trực đặt mật khẩu.",
        "Người nhận thư mời: họ tên cán bộ nhận thư, nếu biết.",
        "",
        "Nếu có dòng sai, cổng không tạo xã nào và liệt kê lỗi theo số dòng; sửa tệp rồi "
        "tải lên lại.",
        "",
        "Ví dụ:",
        "Điền Quang | xã | 16108 | vhxh.dienquang@thanhhoa.gov.vn | Nguyễn Văn A",
    ]
    for line in lines:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=13)

    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _column_of(header) -> str | None:
    words = slug_vi(str(header or "")).split("-")
    joined = "".join(words)
    if "email" in joined or "thudientu" in joined:
        return "office_email"
    if "nguoi" in words or words[:2] == ["ho", "ten"]:
        return "office_name"
    if words[0] == "ten":
        return "name"
    if "loai" in words:
        return "kind"
    if words[0] == "ma":
        return "code"
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | Decimal) and value == int(value):
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _refuse(message: str):
    raise CommunesInvalid([CommuneError(message)])


def commune_list_read(upload) -> list[CommuneDraft]:
    """The rows of an uploaded list as drafts (each with its sheet row), or `CommunesInvalid`."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith((".xlsx", ".xlsm")):
        extra = (
            _(" Open it in Excel and save it as .xlsx.")
            if name.lower().endswith((".xls", ".ods", ".csv"))
            else ""
        )
        _refuse(
            _("«%(name)s» is not an Excel file (.xlsx): use the portal's template.%(extra)s")
            % {"name": name, "extra": extra}
        )
    if upload.size > MAX_BYTES:
        _refuse(
            _("«%(name)s» is larger than %(limit)s MB; a list of communes is far smaller.")
            % {"name": name, "limit": MAX_BYTES // (1024 * 1024)}
        )
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        _refuse(
            _(
                "«%(name)s» could not be read as an Excel workbook: the file is damaged, "
                "protected by a password or of another type."
            )
            % {"name": name}
        )
    try:
        sheet = (
            workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        )
        rows = sheet.iter_rows(values_only=True)
        columns: dict[str, int] = {}
        header_row = 0
        for number, values in enumerate(rows, start=1):
            found = {}
            for index, value in enumerate(values):
                column = _column_of(value)
                if column and column not in found:
                    found[column] = index
            if {"name", "office_email"} <= set(found):
                columns, header_row = found, number
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        if not columns:
            _refuse(
                _(
                    "No header row with the columns «%(name)s» and «%(email)s» was found in the "
                    "first %(rows)s rows of the sheet «%(sheet)s»: use the portal's template."
                )
                % {
                    "name": COLUMNS[0][1],
                    "email": COLUMNS[3][1],
                    "rows": HEADER_SEARCH_ROWS,
                    "sheet": sheet.title,
                }
            )
        drafts = []
        for number, values in enumerate(rows, start=header_row + 1):
            cells = {
                column: _text(values[index]) if index < len(values) else ""
                for column, index in columns.items()
            }
            if not any(text.strip() for text in cells.values()):
                continue
            drafts.append(CommuneDraft(**cells, row=number))
    finally:
        workbook.close()
    if not drafts:
        _refuse(
            _("The sheet «%(sheet)s» lists no commune below its header row.")
            % {"sheet": sheet.title}
        )
    return drafts
