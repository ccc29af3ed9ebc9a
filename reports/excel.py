"""Reports as Excel workbooks (openpyxl, write-only: rows stream out, memory stays flat).

The documents become `Sheet`s (plain rows of values and style names, text already NFC) first;
`workbook_write` then only writes them, so the benchmark can time openpyxl alone on the very
same cells. Numbers stay numeric with standard formats; user text that Excel could read as a
formula (=, +, -, @, tab, carriage return) is written as a string cell with Excel's quote prefix,
never as a formula (`cell_text_guard`, the one rule of every workbook the portal writes: the
dashboards' tables call it too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from communes.spreadsheets import cell_text_guard, text_runs_as_formula
from indicators.assessment import Assessment
from indicators.targets import Comparator, target_shown
from reports.documents import CommuneDocument, ProvinceDocument
from reports.wording import nfc

FONT_NAME = "Times New Roman"
MM_PER_INCH = Decimal("25.4")
# Decree 30 margins (mm) as Excel page margins (inches).
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 20}


@dataclass
class Sheet:
    title: str
    widths: list[float]
    rows: list[list[tuple[object, str]]]  # each cell: (value, style name)
    header_rows: int  # rows repeated on every printed page (the table's header), counted from
    header_start: int  # this 1-based row
    merges: list[str] = field(default_factory=list)
    landscape: bool = True
    heights: dict[int, float] = field(default_factory=dict)  # 1-based row → points
    freeze: str = ""  # the first cell below the header rows and right of the frozen columns


def _styles() -> list[NamedStyle]:
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def style(name, *, bold=False, italic=False, size=12, border=None, align=wrap, fmt=None):
        named = NamedStyle(name=name)
        named.font = Font(name=FONT_NAME, size=size, bold=bold, italic=italic)
        named.alignment = align
        if border is not None:
            named.border = border
        if fmt:
            named.number_format = fmt
        return named

    return [
        style("doc", size=13, bold=True, align=centre),
        style("doc-plain", size=13, align=centre),
        style("doc-italic", size=13, italic=True, align=centre),
        style("title", size=14, bold=True, align=centre),
        style("th", bold=True, border=box, align=centre, size=11),
        style("text", border=box, size=11),
        style("text-centre", border=box, size=11, align=centre),
        style("group", bold=True, border=box, size=11),
        style("int", border=box, size=11, fmt="#,##0"),
        style("dec1", border=box, size=11, fmt="#,##0.0"),
        style("dec2", border=box, size=11, fmt="#,##0.00"),
    ]


class LiteralText(str):
    """Text that a spreadsheet would run as a formula: written as a string cell with Excel's
    quote prefix, never as a formula."""


def _finished(rows: list[list[tuple[object, str]]]) -> list[list[tuple[object, str]]]:
    """The rows as they will be written: every text NFC, and text that would run as a formula
    marked `LiteralText`. Texts repeat (commune names, marks, targets): each is looked at once."""
    seen: dict[str, str] = {}

    def text(value: str) -> str:
        shown = seen.get(value)
        if shown is None:
            shown = nfc(value)
            if text_runs_as_formula(shown):
                shown = LiteralText(shown)
            seen[value] = shown
        return shown

    def finished(cell: tuple[str, str]) -> tuple[object, str]:
        shown = text(cell[0])
        return cell if shown is cell[0] else (shown, cell[1])

    # Numbers pass as they are, without a call each.
    return [[finished(cell) if isinstance(cell[0], str) else cell for cell in row] for row in rows]


def workbook_write(sheets: list[Sheet]) -> bytes:
    """Write the sheets as an .xlsx: A4, Decree 30 margins, header rows repeated, fonts set.
    Only openpyxl's work: the cells arrive finished (`_finished`)."""
    workbook = Workbook(write_only=True)
    for named in _styles():
        workbook.add_named_style(named)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title[:31])
        worksheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        worksheet.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        worksheet.page_margins = PageMargins(
            **{side: float(mm / MM_PER_INCH) for side, mm in MARGINS.items()},
            header=0.3,
            footer=0.3,
        )
        if sheet.header_rows:
            last = sheet.header_start + sheet.header_rows - 1
            worksheet.print_title_rows = f"{sheet.header_start}:{last}"
        for index, width in enumerate(sheet.widths):
            letter = _column_letter(index)
            worksheet.column_dimensions[letter].width = width
        for merge in sheet.merges:
            worksheet.merged_cells.add(merge)
        if sheet.freeze:
            worksheet.freeze_panes = sheet.freeze
        for row, height in sheet.heights.items():
            worksheet.row_dimensions[row].height = height
        for row in sheet.rows:
            worksheet.append([_cell(worksheet, value, style) for value, style in row])
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _cell(worksheet, value, style: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=value)
    cell.style = style
    if type(value) is LiteralText:  # marked once per distinct text by `_finished`
        cell_text_guard(cell)
    return cell


# --- Commune report ---------------------------------------------------------------------------


def _document_head(doc, width: int) -> tuple[list, list[str]]:
    """The document's header rows above each table: issuer and national title, number and date,
    the appendix label, its title and what it is attached to. Returns rows and merges."""
    left = max(2, width // 3)
    right_start = left + 1

    def merge(row, start, end):
        return f"{_column_letter(start - 1)}{row}:{_column_letter(end - 1)}{row}"

    def line(left_value, left_style, right_value, right_style):
        cells = [(left_value, left_style)] + [("", left_style)] * (left - 1)
        cells += [(right_value, right_style)] + [("", right_style)] * (width - left - 1)
        return cells

    # As in the PDF: the issuer's lines (its superior's upright) beside the national title and
    # the motto; then the number on the date line.
    left_lines = [(text, "doc-plain") for text in doc.issuer_superior]
    left_lines += [(text, "doc") for text in doc.issuer]
    right_lines = [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "doc"),
        ("Độc lập - Tự do - Hạnh phúc", "doc"),
    ]
    count = max(len(left_lines), len(right_lines))
    left_lines += [("", "doc")] * (count - len(left_lines))
    right_lines += [("", "doc")] * (count - len(right_lines))
    rows = [
        line(left_text, left_style, right_text, right_style)
        for (left_text, left_style), (right_text, right_style) in zip(
            left_lines, right_lines, strict=True
        )
    ]
    rows.append(line(f"Số: {doc.number}", "doc-plain", doc.place_date, "doc-italic"))
    merges = []
    for row in range(1, len(rows) + 1):
        merges += [merge(row, 1, left), merge(row, right_start, width)]
    return rows, merges


def _appendix_sheet(
    doc, *, title, label, heading, widths, header, body_rows, spans=None, frozen_columns=2
) -> Sheet:
    """A sheet with the document's header rows, then the table: `header` over a row of column
    numbers, or, with `spans` (first column, number of columns) for the cells of `header`, a
    row of grouped titles over `header`'s second row of column titles."""
    width = len(widths)
    rows, merges = _document_head(doc, width)
    for text, style in ((label, "title"), (heading, "title"), (doc.attached_to, "doc-italic")):
        rows.append([(text, style)] + [("", style)] * (width - 1))
        merges.append(f"A{len(rows)}:{_column_letter(width - 1)}{len(rows)}")
    rows.append([("", "doc-plain")] * width)
    header_start = len(rows) + 1
    if spans is None:
        rows.append([(text, "th") for text in header])
        rows.append([(f"({index})", "th") for index in range(1, width + 1)])
    else:
        titles, columns = header
        top = [("", "th")] * width
        for text, (first, count) in zip(titles, spans, strict=True):
            top[first] = (text, "th")
            if count > 1:
                line = len(rows) + 1
                merges.append(
                    f"{_column_letter(first)}{line}:{_column_letter(first + count - 1)}{line}"
                )
        rows.append(top)
        rows.append([(text, "th") for text in columns])
    rows += body_rows
    finished = _finished(rows)
    return Sheet(
        title=title,
        widths=widths,
        rows=finished,
        header_rows=2,
        header_start=header_start,
        merges=merges,
        heights=_heights(finished, widths, first=header_start),
        freeze=f"{_column_letter(frozen_columns)}{header_start + 2}",
    )


def official_table_sheet(doc, *, title, label, heading, widths, header, body_rows) -> Sheet:
    """A sheet of one table under the document's Decree 30 head (issuer, national title, number
    and date, the table's label, title and what it is attached to): the layout of the report's
    appendices, for other documents of the portal (the emulation rating table)."""
    return _appendix_sheet(
        doc,
        title=title,
        label=label,
        heading=heading,
        widths=widths,
        header=header,
        body_rows=body_rows,
    )


# Wrapped text at 11 pt: about this many characters a unit of column width, and points a line.
CHARACTERS_PER_WIDTH = Decimal("1.15")
LINE_POINTS = 15


def _heights(rows, widths: list[float], *, first: int) -> dict[int, float]:
    """Row heights that fit the wrapped text, from row `first` on (Excel does not grow a row
    for wrapped text it did not lay out itself, and a printed row would overlap the next)."""
    capacity = [max(1, int(Decimal(str(width)) * CHARACTERS_PER_WIDTH) - 1) for width in widths]
    heights = {}
    for number, row in enumerate(rows[first - 1 :], start=first):
        lines = 1
        for (value, _style), room in zip(row, capacity, strict=False):
            if isinstance(value, str) and len(value) > room:
                lines = max(lines, _lines(value, room))
        if lines > 1:
            heights[number] = lines * LINE_POINTS
    return heights


def _lines(text: str, room: int) -> int:
    """Lines `text` takes wrapped at `room` characters, words kept whole."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


_EMPTY = ("", "text")
_NO_CELL = (_EMPTY,) * 5  # a tuple: shared by every empty cell, never changed
_NO_TARGET = _NO_MARK = ("", "text-centre")
_MARKS = {
    Assessment.ACHIEVED: ("Đạt", "text-centre"),
    Assessment.NOT_ACHIEVED: ("Chưa đạt", "text-centre"),
}


def _commune_cells(cell) -> Sequence[tuple[object, str]]:
    """A commune's target, actual, a, b and assessment for one indicator of the province."""
    if cell is None:
        return _NO_CELL
    target, figure = cell.target, cell.figure
    if target is None:
        planned = _NO_TARGET
    elif target.value is not None and target.comparator in NUMERIC:
        planned = _number_cell(target.value, "dec2")
    else:
        planned = (target_shown(target), "text-centre")
    mark = _MARKS.get(cell.verdict.assessment, _NO_MARK)
    if figure is None:
        return [planned, _EMPTY, _EMPTY, _EMPTY, mark]
    return [
        planned,
        _number_cell(figure.value, "dec2"),
        _number_cell(figure.numerator, "dec2"),
        _number_cell(figure.denominator, "dec2"),
        mark,
    ]


# Targets that are a number (or a range's lower bound) are written as numbers; a strict "> 40%"
# stays text, as printed: the number alone would read as "at least".
NUMERIC = {Comparator.AT_LEAST, Comparator.AT_MOST, Comparator.EQUAL, Comparator.RANGE}


def _number_cell(value, style: str):
    """A number in its format; a whole number (a head count, a sum of a's) without decimals."""
    if value is None:
        return _EMPTY
    if style in ("dec1", "dec2") and value == int(value):
        return (value, "int")
    return (value, style)


def _last_year_at(doc, index: int, cells: list, cell) -> list:
    """`cells` with `cell` inserted at `index` where the document prints the same period of the
    year before beside this one's."""
    return [*cells[:index], cell, *cells[index:]] if doc.last_year_label else cells


def commune_sheets(doc: CommuneDocument) -> list[Sheet]:
    indicator_rows = []
    for group in doc.indicator_groups:
        indicator_rows.append(
            [(group.numeral, "group"), (group.title, "group")]
            + [("", "group")] * (9 if doc.last_year_label else 8)
        )
        for row in group.rows:
            value_style = "int" if row.value_format == "#,##0" else "dec2"
            indicator_rows.append(
                _last_year_at(
                    doc,
                    5,
                    [
                        (row.code, "text-centre"),
                        (row.name, "text"),
                        (row.unit_of_measure, "text-centre"),
                        (row.target, "text-centre"),
                        _number_cell(row.value, value_style),
                        _number_cell(row.numerator, "dec2"),
                        _number_cell(row.denominator, "dec2"),
                        (row.actual if row.value is None else "", "text"),
                        _number_cell(row.percent_value, "dec1"),
                        (row.assessment, "text-centre"),
                    ],
                    _number_cell(row.last_year_value, value_style)
                    if row.last_year_value is not None
                    else (row.last_year, "text"),
                )
            )
    if doc.verification:  # under the table: the share of its figures the office verified
        indicator_rows.append(
            [("", "text"), (f"Cơ quan thường trực đã kiểm chứng {doc.verification}.", "text")]
            + [("", "text")] * (9 if doc.last_year_label else 8)
        )
    task_rows = []
    for section in doc.task_sections:
        if section.title:
            task_rows.append(
                [(section.numeral, "group"), (section.title, "group")] + [("", "group")] * 6
            )
        for row in section.rows:
            task_rows.append(
                [
                    (row.code, "text-centre"),
                    (row.name, "text"),
                    (row.expected_result, "text"),
                    (row.deadline, "text-centre"),
                    (row.lead, "text-centre"),
                    (row.state, "text-centre"),
                    _number_cell(row.percent, "int"),
                    (row.result, "text"),
                ]
            )
    return [
        _appendix_sheet(
            doc,
            title="Phụ lục I - Chỉ tiêu",
            label="Phụ lục I",
            heading=f"KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU {doc.period_phrase.upper()}",
            widths=_last_year_at(doc, 5, [7, 45, 11, 13, 13, 11, 11, 16, 12, 14], 13),
            header=_last_year_at(
                doc,
                5,
                [
                    "TT",
                    "Chỉ tiêu",
                    "Đơn vị tính",
                    f"Kế hoạch năm {doc.year}",
                    "Thực hiện",
                    "Tử số (a)",
                    "Mẫu số (b)",
                    "Thực hiện (định tính)",
                    "Tỷ lệ so với lộ trình đến kỳ báo cáo (%)"
                    if doc.on_path
                    else "Tỷ lệ so với kế hoạch năm (%)",
                    "Đánh giá",
                ],
                doc.last_year_label,
            ),
            body_rows=indicator_rows,
        ),
        _appendix_sheet(
            doc,
            title="Phụ lục II - Nhiệm vụ",
            label="Phụ lục II",
            heading=f"KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ {doc.period_phrase.upper()}",
            widths=[6, 42, 26, 16, 18, 16, 10, 36],
            header=[
                "TT",
                "Nhiệm vụ",
                "Kết quả, sản phẩm",
                "Thời gian hoàn thành",
                "Đơn vị chủ trì",
                "Tình trạng",
                "Tiến độ (%)",
                "Kết quả thực hiện",
            ],
            body_rows=task_rows,
        ),
    ]


# --- Province consolidated report ---------------------------------------------------------------


def province_sheets(doc: ProvinceDocument) -> list[Sheet]:
    summary_rows = [
        [
            (row.rank, "int"),
            (row.commune, "text"),
            (row.units_expected, "int"),
            (row.on_time, "int"),
            (row.late, "int"),
            (row.missing, "int"),
            (row.standing.indicators_achieved, "int"),
            (row.standing.indicators_assessed, "int"),
            (row.standing.tasks_done_on_time, "int"),
            (row.standing.tasks_total, "int"),
            (row.verification_share.approved, "int"),
            (row.verification_share.verified, "int"),
        ]
        for row in doc.standings
    ]
    sheets = [
        _appendix_sheet(
            doc,
            title="Tổng hợp",
            label="Phụ lục I",
            heading=f"TÌNH HÌNH BÁO CÁO VÀ XẾP HẠNG CÁC XÃ, PHƯỜNG {doc.period_phrase.upper()}",
            widths=[8, 30, 12, 12, 12, 12, 14, 14, 14, 14, 14, 14],
            header=[
                "Hạng",
                "Xã, phường",
                "Báo cáo phải gửi",
                "Đúng hạn",
                "Trễ hạn",
                "Chưa gửi",
                "Chỉ tiêu đạt",
                "Chỉ tiêu được đánh giá",
                "Nhiệm vụ hoàn thành đúng hạn",
                "Tổng số nhiệm vụ",
                "Số liệu đã duyệt",
                "Số liệu được kiểm chứng",
            ],
            body_rows=summary_rows,
        )
    ]
    value_rows = []
    for item in (item for _group, items in doc.values for item in items):
        row = item.row
        value_rows.append(
            _last_year_at(
                doc,
                4,
                [
                    (item.code, "text-centre"),
                    (item.name, "text"),
                    (item.unit_of_measure, "text-centre"),
                    _number_cell(row.value, "dec2"),
                    _number_cell(row.numerator, "dec2"),
                    _number_cell(row.denominator, "dec2"),
                    (row.communes_reporting, "int"),
                    (row.communes_assessed, "int"),
                    (row.communes_achieved, "int"),
                    (row.communes_without_ab, "int"),
                ],
                _number_cell(row.last_year_value, "dec2"),
            )
        )
    sheets.append(
        _appendix_sheet(
            doc,
            title="Chỉ tiêu toàn tỉnh",
            label="Phụ lục II",
            heading=f"GIÁ TRỊ TOÀN TỈNH CỦA CÁC CHỈ TIÊU {doc.period_phrase.upper()}",
            widths=_last_year_at(doc, 4, [7, 50, 12, 14, 14, 14, 12, 12, 12, 14], 14),
            header=_last_year_at(
                doc,
                4,
                [
                    "Mã",
                    "Chỉ tiêu",
                    "Đơn vị tính",
                    "Giá trị toàn tỉnh",
                    "Tổng tử số (Σa)",
                    "Tổng mẫu số (Σb)",
                    "Số xã có số liệu",
                    "Số xã được đánh giá",
                    "Số xã đạt",
                    "Số xã chỉ báo tỷ lệ (không có a, b)",
                ],
                doc.last_year_label,
            ),
            body_rows=value_rows,
        )
    )
    communes = doc.communes
    per_indicator = ["Kế hoạch", "Thực hiện", "Tử số (a)", "Mẫu số (b)", "Đánh giá"]
    for index, (group, all_rows) in enumerate(doc.groups, start=1):
        # A wide group is cut into sheets that print legibly on A4 landscape.
        parts = range(0, len(all_rows), SHEET_INDICATORS)
        for part, start in enumerate(parts, start=1):
            rows = all_rows[start : start + SHEET_INDICATORS]
            sheets.append(
                _matrix_sheet(
                    doc,
                    communes,
                    rows,
                    per_indicator,
                    title=f"Nhóm {index}" + (f" ({part})" if len(parts) > 1 else ""),
                    heading=group.upper()
                    + (f" (PHẦN {part}/{len(parts)})" if len(parts) > 1 else ""),
                )
            )
    return sheets


# Indicators a matrix sheet holds (5 columns each): 31 columns print legibly on A4 landscape.
SHEET_INDICATORS = 6


def _matrix_sheet(doc, communes, rows, per_indicator, *, title: str, heading: str) -> Sheet:
    titles, spans, columns = ["Xã, phường"], [(0, 1)], ["Xã, phường"]
    for row in rows:
        titles.append(f"{row.indicator.code}. {row.indicator.name}")
        spans.append((len(columns), len(per_indicator)))
        columns += per_indicator
    body = []
    for commune in communes:
        line, commune_id = [(commune.name, "text")], commune.pk
        for row in rows:
            line += _commune_cells(row.cells.get(commune_id))
        body.append(line)
    total = [("Toàn tỉnh", "group")]
    for row in rows:
        achieved = (
            f"{row.communes_achieved}/{row.communes_assessed} xã đạt"
            if row.communes_assessed
            else ""
        )
        total += [
            ("", "group"),
            _number_cell(row.value, "dec2"),
            _number_cell(row.numerator, "dec2"),
            _number_cell(row.denominator, "dec2"),
            (achieved, "text-centre"),
        ]
    body.append(total)
    return _appendix_sheet(
        doc,
        title=title,
        label="Phụ lục III",
        heading=heading,
        widths=[26] + [12, 12, 11, 11, 10] * len(rows),
        header=(titles, columns),
        spans=spans,
        body_rows=body,
        frozen_columns=1,
    )
