"""The portal's Excel template for a plan: written empty or from a plan, read back by the importer.

    data = plan_template_workbook(commune=commune)            # empty, the commune's units listed
    data = plan_template_workbook(plan=plan)                  # filled: the round trip
    imported = plan_file_read(data, name="ke-hoach.xlsx", commune=commune)   # as any .xlsx
    marked = plan_template_errors_marked(data, imported.flags)  # bad cells red, with a comment

Sheets: "Đơn vị" (the commune's units, the source of the lead/support lists), "Chỉ tiêu" and
"Nhiệm vụ". Their headers are ones `onboarding.headers` already recognises, so the template goes
through the same reader and review as a commune's own file. Groups (I, II…) and task sections are
rows of their own, the way plans print them, not a column: the reader reads them natively and a
clerk sees the plan's structure. Year columns: a filled template holds the years the plan uses;
an empty one all 21 target years 2025–2045, because commune plans are yearly as often as by
milestone (a clerk deletes the columns the plan does not use; any "20xx" column is read).

The columns the reader itself does not interpret (kind of measure, a, b, data source) are read
by `template_overlay`, which `plan_file_read` calls for a workbook this module wrote; it also
names each flag's cell ("Chỉ tiêu!E7: …").
"""

from __future__ import annotations

import io
import re
from copy import copy

from django.utils import translation
from django.utils.translation import gettext as _

from indicators.models import TARGET_YEARS, MeasureKind

from .structure import Flag, ImportedPlan
from .text import plain_key

MARKER = "kpi-plan-template-1"
UNITS_SHEET = "Đơn vị"
INDICATORS_SHEET = "Chỉ tiêu"
TASKS_SHEET = "Nhiệm vụ"
HEAD_SHEET = "Văn bản"  # the plan's document head: last, so that its lines caption no table
HEAD_COLUMNS = ["Mục", "Nội dung"]
HEAD_ROWS = [
    ("document_number", "Số, ký hiệu"),
    ("document_type", "Loại văn bản (KH, QĐ, …)"),
    ("issue_date", "Ngày ban hành (ngày/tháng/năm)"),
    ("issue_date_text", "Ngày như văn bản ghi"),
    ("issuing_body", "Cơ quan ban hành"),
    ("title", "Trích yếu"),
    ("signing_authority", "Thẩm quyền ký (TM., KT.)"),
    ("signer_title", "Chức vụ người ký"),
    ("signer_name", "Người ký"),
    ("reporting_duty", "Chế độ báo cáo"),
    ("period_start", "Từ năm"),
    ("period_end", "Đến năm"),
]

# The lead and support cells as the plan prints them, when that is not the list of units
# ("Các phòng, đơn vị liên quan"). The reader takes the first "chủ trì" column as the lead, the
# units; these are read by template_overlay.
KIND_LIST_HEADER = "Loại đo lường (danh sách)"
PRINTED_LEAD = "Chủ trì (như văn bản ghi)"
PRINTED_SUPPORT = "Phối hợp (như văn bản ghi)"
# (field, header). Headers are fixed Vietnamese text: the reader recognises them by their words.
UNIT_COLUMNS = [("name", "Tên đơn vị"), ("short_name", "Tên ngắn"), ("kind", "Loại đơn vị")]
INDICATOR_COLUMNS_BEFORE_YEARS = [
    ("code", "STT"),
    ("name", "Tên chỉ tiêu"),
    ("unit", "Đơn vị tính"),
    ("kind", "Loại đo lường"),
]
INDICATOR_COLUMNS_AFTER_YEARS = [
    ("formula", "Công thức"),
    ("numerator", "a (tử số)"),
    ("denominator", "b (mẫu số)"),
    ("data_source", "Nguồn số liệu"),
    ("lead", "Đơn vị chủ trì"),
    ("support", "Đơn vị phối hợp"),
    ("lead_text", PRINTED_LEAD),
    ("support_text", PRINTED_SUPPORT),
    ("guidance", "Hướng dẫn"),
    ("legal_basis", "Căn cứ"),
]
TASK_COLUMNS = [
    ("code", "STT"),
    ("name", "Tên nhiệm vụ"),
    ("lead", "Đơn vị chủ trì"),
    ("support", "Đơn vị phối hợp"),
    ("lead_text", PRINTED_LEAD),
    ("support_text", PRINTED_SUPPORT),
    ("result", "Kết quả/sản phẩm"),
    ("budget", "Kinh phí (triệu đồng)"),
    ("deadline", "Thời gian hoàn thành"),
]
_CELL_RE = re.compile(r"^(?P<sheet>[^!]+)!(?P<cell>[A-Z]{1,3}[0-9]+): ")
_REF_RE = re.compile(r"^T(?P<table>[0-9]+):R(?P<row>[0-9]+)$")
MAX_ROWS = 1000  # rows the validation lists cover


def _kind_labels() -> dict[str, str]:
    """plain key of a label (Vietnamese or English) or value → MeasureKind value."""
    labels = {plain_key(kind.value): kind.value for kind in MeasureKind}
    for language in ("en", "vi"):
        with translation.override(language):
            labels |= {plain_key(str(kind.label)): kind.value for kind in MeasureKind}
    return labels


def _unit_kind_label(kind: str) -> str:
    from communes.models import UnitKind

    try:
        return str(UnitKind(kind).label)
    except ValueError:
        return kind


def _units_cell(units) -> str:
    return "; ".join(unit.short_name for unit in units)


def plan_template_workbook(commune=None, plan=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    commune = commune or (plan.commune if plan is not None else None)
    workbook = Workbook()
    workbook.properties.keywords = MARKER
    workbook.properties.title = plan.title if plan is not None else _("Plan template")
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    group_font = Font(bold=True, color="1F4E79")
    wrap = Alignment(wrap_text=True, vertical="top")
    printed_note = _(
        "Optional: the cell as the plan prints it, when that is not the list of units, e.g. "
        "«Các phòng, đơn vị liên quan». The units themselves go in the column before."
    )

    def header(sheet, columns, widths, title=None):
        if title is not None:
            # One cell above the table: the reader takes it as the table's title (the group
            # of rows listed before any "I", "II" row).
            sheet.append([title])
            sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
        row = sheet.max_row + 1 if title is not None else 1
        for index, (_field, text) in enumerate(columns, start=1):
            cell = sheet.cell(row=row, column=index, value=text)
            cell.font, cell.fill, cell.alignment = bold, header_fill, wrap
            sheet.column_dimensions[get_column_letter(index)].width = widths[index - 1]
        sheet.freeze_panes = f"C{row + 1}"
        for index, (field, _text) in enumerate(columns, start=1):
            if field in ("lead_text", "support_text"):
                sheet.cell(row=row, column=index).comment = Comment(printed_note, "KPI")

    # Units
    units_sheet = workbook.active
    units_sheet.title = UNITS_SHEET
    header(units_sheet, UNIT_COLUMNS, [45, 32, 32])
    units = list(commune.units.filter(is_active=True)) if commune is not None else []
    for unit in units:
        units_sheet.append([unit.name, unit.short_name, _unit_kind_label(unit.kind)])
        for cell in units_sheet[units_sheet.max_row]:
            cell.alignment = wrap
    units_sheet.freeze_panes = "A2"
    unit_list = f"{quote_sheetname(UNITS_SHEET)}!$B$2:$B${max(len(units), 1) + 200}"
    # The kinds of measure, the source of the "Loại đo lường" list (a label may hold a comma,
    # which an inline list would split).
    kind_labels = [str(kind.label) for kind in MeasureKind]
    units_sheet.cell(row=1, column=5, value=KIND_LIST_HEADER).font = bold
    units_sheet.cell(row=1, column=5).fill = header_fill
    units_sheet.column_dimensions["E"].width = 42
    for row, label in enumerate(kind_labels, start=2):
        units_sheet.cell(row=row, column=5, value=label)
    kind_list = f"{quote_sheetname(UNITS_SHEET)}!$E$2:$E${len(kind_labels) + 1}"

    # Indicators
    indicators = []
    if plan is not None:
        indicators = list(
            plan.indicators.select_related("group", "parent")
            .prefetch_related("targets", "lead_units", "support_units")
            .order_by("group__order", "order", "pk")
        )
        years = sorted({target.year for item in indicators for target in item.targets.all()})
        years = years or [plan.period_start]
    else:
        years = list(TARGET_YEARS)
    columns = [
        *INDICATOR_COLUMNS_BEFORE_YEARS,
        *[(f"target.{year}", str(year)) for year in years],
        *INDICATOR_COLUMNS_AFTER_YEARS,
    ]
    sheet = workbook.create_sheet(INDICATORS_SHEET)
    widths = {"code": 7, "name": 50, "unit": 12, "kind": 20, "formula": 22, "numerator": 30}
    widths |= {"denominator": 30, "data_source": 24, "lead": 24, "support": 28}
    widths |= {"lead_text": 24, "support_text": 28, "guidance": 24, "legal_basis": 20}
    indicator_title = _("LIST OF INDICATORS")
    if plan is not None:
        untitled = plan.indicator_groups.filter(numeral="").first()
        indicator_title = untitled.title if untitled else plan.title
    header(sheet, columns, [widths.get(field, 10) for field, _t in columns], indicator_title)
    group = object()
    for item in indicators:
        if item.group_id and item.group.numeral and item.group != group:
            group = item.group
            sheet.append([group.numeral, group.title])
            sheet.cell(row=sheet.max_row, column=1).font = group_font
            sheet.cell(row=sheet.max_row, column=2).font = group_font
        targets = {target.year: target.text for target in item.targets.all()}
        values = {
            "code": item.code,
            "name": item.name,
            "unit": item.unit_of_measure,
            "kind": "" if item.is_heading else str(MeasureKind(item.measure_kind).label),
            "formula": item.formula,
            "numerator": item.numerator_definition,
            "denominator": item.denominator_definition,
            "data_source": item.data_source,
            "lead": _units_cell(item.lead_units.all()),
            "support": _units_cell(item.support_units.all()),
            "lead_text": item.lead_text,
            "support_text": item.support_text,
            "guidance": item.guidance,
            "legal_basis": item.legal_basis,
        } | {f"target.{year}": text for year, text in targets.items()}
        sheet.append([values.get(field, "") or None for field, _title in columns])
        if item.is_heading:
            for index in (1, 2):
                sheet.cell(row=sheet.max_row, column=index).font = bold
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = wrap
            cell.number_format = "@"
    position = {field: get_column_letter(index) for index, (field, _t) in enumerate(columns, 1)}
    kinds = DataValidation(
        type="list",
        formula1=kind_list,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Kind of measure"),
        error=_("Choose a kind of measure from the list."),
    )
    kinds.add(f"{position['kind']}3:{position['kind']}{MAX_ROWS}")
    sheet.add_data_validation(kinds)
    for field in ("lead", "support"):
        _unit_validation(sheet, unit_list, f"{position[field]}3:{position[field]}{MAX_ROWS}")
    sheet.cell(row=2, column=columns.index(("kind", "Loại đo lường")) + 1).comment = Comment(
        _("One of: %(kinds)s.") % {"kinds": ", ".join(str(kind.label) for kind in MeasureKind)},
        "KPI",
    )

    # Tasks
    sheet = workbook.create_sheet(TASKS_SHEET)
    task_title = _("LIST OF TASKS")
    if plan is not None:
        untitled = plan.task_sections.filter(numeral="").first()
        task_title = untitled.title if untitled else plan.title
    header(sheet, TASK_COLUMNS, [7, 55, 24, 28, 24, 28, 30, 12, 22], task_title)
    if plan is not None:
        section = object()
        for task in (
            plan.tasks.select_related("section", "parent")
            .prefetch_related("lead_units", "support_units")
            .order_by("section__order", "order", "pk")
        ):
            if task.section_id and task.section.numeral and task.section != section:
                section = task.section
                sheet.append([section.numeral, section.title])
                sheet.cell(row=sheet.max_row, column=1).font = group_font
                sheet.cell(row=sheet.max_row, column=2).font = group_font
            sheet.append(
                [
                    task.code,
                    task.name,
                    _units_cell(task.lead_units.all()) or None,
                    _units_cell(task.support_units.all()) or None,
                    task.lead_text or None,
                    task.support_text or None,
                    task.expected_result or None,
                    task.budget_million_vnd,
                    task.deadline_text or None,
                ]
            )
    for row in sheet.iter_rows(min_row=3):
        for index, cell in enumerate(row, start=1):
            cell.alignment = wrap
            if index != 8:
                cell.number_format = "@"
    for column in ("C", "D"):
        _unit_validation(sheet, unit_list, f"{column}3:{column}{MAX_ROWS}")
    # The document head
    sheet = workbook.create_sheet(HEAD_SHEET)
    header(sheet, [(None, text) for text in HEAD_COLUMNS], [36, 90])
    sheet.freeze_panes = "A2"
    for field, label in HEAD_ROWS:
        value = getattr(plan, field, None) if plan is not None else None
        if field == "issue_date" and value is not None:
            value = value.strftime("%d/%m/%Y")
        sheet.append([label, value if value not in ("", None) else None])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
        if field not in ("period_start", "period_end"):
            sheet.cell(row=sheet.max_row, column=2).number_format = "@"
    for sheet in workbook.worksheets:
        _print_setup(sheet)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _print_setup(sheet) -> None:
    """Row heights for the wrapped text (programs do not grow them on opening), landscape A4
    one page wide, the header repeated on every printed page."""
    import math

    widths = {
        letter: (dimension.width or 10) for letter, dimension in sheet.column_dimensions.items()
    }
    for row in sheet.iter_rows(min_row=2):
        lines = max(
            (
                sum(
                    math.ceil(max(len(part), 1) / max(widths.get(cell.column_letter, 10), 1))
                    for part in str(cell.value).splitlines() or [""]
                )
                for cell in row
                if cell.value not in (None, "")
            ),
            default=1,
        )
        sheet.row_dimensions[row[0].row].height = 15 * min(lines, 20)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if sheet.title != UNITS_SHEET:
        sheet.print_title_rows = "2:2"


def _unit_validation(sheet, source: str, cells: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    # A warning, not a stop: a cell may name several units or a collective name as printed.
    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=_("Unit"),
        error=_(
            "This is not a unit of the «Đơn vị» sheet. Keep it only for several units "
            "(separated by «;») or a collective name."
        ),
    )
    validation.add(cells)
    sheet.add_data_validation(validation)


# --- Reading back -------------------------------------------------------------------------


def _sheet_rows(sheet) -> list[int]:
    """The sheet row numbers of the reader's table rows (onboarding.reading._xlsx_read's rule:
    title rows with at most one filled cell on top are dropped, empty rows skipped)."""
    rows = []
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column):
        rows.append((row[0].row, [cell.value not in (None, "") for cell in row]))
    while rows and sum(rows[0][1]) <= 1:
        rows.pop(0)
    return [number for number, filled in rows if any(filled)]


def template_overlay(imported: ImportedPlan, data: bytes) -> bool:
    """Complete `imported` from a workbook of this module; False (nothing done) for another file.

    Reads the kind, a, b and data source columns, drops the units sheet's "no header" note and
    puts the cell before every flag of a template row ("Chỉ tiêu!E7: …").
    """
    import zipfile

    import openpyxl
    from openpyxl.utils import get_column_letter

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "xl/workbook.xml" not in archive.namelist():
            return False  # a Word file
    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    if (workbook.properties.keywords or "") != MARKER and not (
        # A copy saved by a program that dropped the marker: the sheets and the kind column.
        {UNITS_SHEET, INDICATORS_SHEET, TASKS_SHEET} <= set(workbook.sheetnames)
        and any(
            cell.value == "Loại đo lường"
            for row in workbook[INDICATORS_SHEET].iter_rows(max_row=3)
            for cell in row
        )
    ):
        return False
    tables = {}  # table index → (sheet, [sheet row numbers], {header key: column letter})
    index = 0
    for sheet in workbook.worksheets:
        rows = _sheet_rows(sheet)
        if not rows:
            continue
        index += 1
        headers = {
            plain_key(str(cell.value or "")): get_column_letter(cell.column)
            for cell in sheet[rows[0]]
        }
        tables[index] = (sheet, rows, headers)
    kinds = _kind_labels()

    def where(ref: str, field: str) -> str:
        match = _REF_RE.match(ref)
        if not match or int(match["table"]) not in tables:
            return ""
        sheet, rows, headers = tables[int(match["table"])]
        number = int(match["row"])
        if number > len(rows):
            return ""
        header_title = dict(
            (INDICATOR_COLUMNS_BEFORE_YEARS + INDICATOR_COLUMNS_AFTER_YEARS)
            if sheet.title == INDICATORS_SHEET
            else TASK_COLUMNS
        ).get(field.split(".")[0], field.split(".")[-1])
        if field == "formula":
            header_title = "Công thức"
        column = headers.get(plain_key(header_title), "A")
        return f"{sheet.title}!{column}{rows[number - 1]}"

    def value(ref: str, title: str) -> tuple[str, str]:
        match = _REF_RE.match(ref)
        sheet, rows, headers = tables[int(match["table"])]
        column = headers.get(plain_key(title))
        if column is None:
            return "", ""
        cell = sheet[f"{column}{rows[int(match['row']) - 1]}"]
        return str(cell.value or "").strip(), f"{sheet.title}!{cell.coordinate}"

    stale = set()  # (row, field) of reader flags the template's own columns answer
    for item in [*imported.indicators, *imported.tasks]:
        ref = item.rows[0]
        match = _REF_RE.match(ref)
        if match and int(match["table"]) in tables:
            item.lead.text = value(ref, PRINTED_LEAD)[0]
            item.support.text = value(ref, PRINTED_SUPPORT)[0]
    for item in imported.indicators:
        ref = item.rows[0]
        match = _REF_RE.match(ref)
        if not match or int(match["table"]) not in tables:
            continue
        for attribute, title in (
            ("numerator", "a (tử số)"),
            ("denominator", "b (mẫu số)"),
            ("data_source", "Nguồn số liệu"),
            ("formula", "Công thức"),
        ):
            setattr(item, attribute, value(ref, title)[0])
        if item.numerator and item.denominator:
            stale.add((ref, "formula"))
        text, cell = value(ref, "Loại đo lường")
        children = {child.kind for child in imported.indicators if child.parent == item.code}
        if not item.heading and not text and children and not item.targets:
            # A heading printed with its first sub-item's unit ("3 | a, Tỷ lệ … | %").
            item.heading, item.kind = True, children.pop() if len(children) == 1 else item.kind
            stale |= {(ref, "kind"), (ref, "targets")}
        if item.heading or not text:
            continue
        kind = kinds.get(plain_key(text))
        if kind is None:
            imported.flags.append(
                Flag(
                    ref,
                    "kind",
                    _("«%(text)s» is not a kind of measure; choose one of: %(kinds)s.")
                    % {
                        "text": text,
                        "kinds": ", ".join(str(kind.label) for kind in MeasureKind),
                    },
                )
            )
            continue
        stale.add((ref, "kind"))
        if kind == MeasureKind.TEXT and item.kind != kind:
            stale |= {(ref, f"targets.{year}") for year in item.targets}
        item.kind = kind
    imported.flags = [flag for flag in imported.flags if (flag.row, flag.field) not in stale]
    units_table = next(
        (number for number, (sheet, _r, _h) in tables.items() if sheet.title == UNITS_SHEET),
        None,
    )
    head_table = next(
        (number for number, (sheet, _r, _h) in tables.items() if sheet.title == HEAD_SHEET),
        None,
    )
    if head_table is not None:
        _head_overlay(imported, tables[head_table][0])
    imported.skipped = [
        flag for flag in imported.skipped if flag.row not in (f"T{units_table}", f"T{head_table}")
    ]
    for flag in [*imported.flags, *imported.skipped]:
        if cell := where(flag.row, flag.field):
            flag.message = f"{cell}: {flag.message}"
    return True


def _head_overlay(imported: ImportedPlan, sheet) -> None:
    """The document head from the template's sheet: what it holds, exactly (blank stays blank)."""
    from datetime import date, datetime

    fields = {plain_key(label): field for field, label in HEAD_ROWS}
    head = imported.head
    for row in sheet.iter_rows(min_row=2, max_col=2):
        field = fields.get(plain_key(str(row[0].value or "")))
        if field is None:
            continue
        value = row[1].value
        if field == "issue_date":
            if isinstance(value, datetime):
                value = value.date()
            elif isinstance(value, str) and value.strip():
                try:
                    value = datetime.strptime(value.strip(), "%d/%m/%Y").date()
                except ValueError:
                    imported.flag(
                        "head",
                        "issue_date",
                        _("%(cell)s: «%(text)s» is not a date (day/month/year).")
                        % {"cell": f"{sheet.title}!B{row[1].row}", "text": value},
                    )
                    value = None
            head.issue_date = value if isinstance(value, date) else None
        elif field in ("period_start", "period_end"):
            try:
                setattr(head, field, int(value) if value not in (None, "") else None)
            except (TypeError, ValueError):
                imported.flag(
                    "head",
                    field,
                    _("%(cell)s: «%(text)s» is not a year.")
                    % {"cell": f"{sheet.title}!B{row[1].row}", "text": value},
                )
        else:
            setattr(head, field, str(value).strip() if value is not None else "")
    answered = {field for field in ("issuing_body", "title") if getattr(head, field)}
    imported.flags = [
        flag for flag in imported.flags if not (flag.row == "head" and flag.field in answered)
    ]


def flag_cells(flags) -> dict[tuple[str, str], list[str]]:
    """{(sheet, cell): [messages]} of the flags that name a cell."""
    cells: dict[tuple[str, str], list[str]] = {}
    for flag in flags:
        message = flag.message if isinstance(flag, Flag) else flag["message"]
        if match := _CELL_RE.match(message):
            cells.setdefault((match["sheet"], match["cell"]), []).append(message[match.end() :])
    return cells


def plan_template_errors_marked(data: bytes, flags) -> bytes:
    """The same workbook with every flagged cell filled red and its messages as a comment."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    red = PatternFill("solid", fgColor="FFC7CE")
    for (sheet_name, coordinate), messages in flag_cells(flags).items():
        if sheet_name not in workbook.sheetnames:
            continue
        cell = workbook[sheet_name][coordinate]
        cell.fill = copy(red)
        cell.comment = Comment("\n".join(messages), "KPI", width=320, height=120)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
