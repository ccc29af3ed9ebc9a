"""Reports as Word documents (python-docx), from the same document model as the PDF.

Clerks and leaders edit the report in Word (or LibreOffice) before it is signed. The documents
become a `WordDocument` first (the head, body and closing of `reports.documents`, and appendix
sections of tables of plain texts, NFC); `docx_write` then only writes it, so the benchmark can
time python-docx alone on the very same content.

The layout is Decree 30/2020's, as the PDF's: A4 portrait, margins 20/20/30/20 mm, Times New
Roman (Tinos, its metric twin, where LibreOffice runs on Linux); the header block a two-column
table without borders (issuer and national title with their rules, the number on the date
line); "BÁO CÁO", the summary, "Kính gửi"; the body justified with a 1.27 cm first-line
indent; Nơi nhận and the signature block side by side; each appendix a landscape section that
numbers its pages anew, its tables' header rows repeated on each page (w:tblHeader), rows never
split, a group row kept with the row under it. Page numbers centred in the top margin, not on
a section's first page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from reports.documents import (
    CommuneDocument,
    OfficialDocument,
    ProvinceDocument,
    indicator_legend,
    matrix_legend,
)

FONT_NAME = "Times New Roman"
PAGE_WIDTH, PAGE_HEIGHT = 210, 297  # mm
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 20
PORTRAIT_TEXT = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 160 mm
LANDSCAPE_TEXT = PAGE_HEIGHT - MARGIN_LEFT - MARGIN_RIGHT  # 247 mm
HEAD_LEFT = PORTRAIT_TEXT * 0.4  # the issuer's column; the national title's takes the rest
CLOSING_LEFT = PORTRAIT_TEXT * 0.45  # Nơi nhận; the signature block takes the rest
TABLE_STYLE = "KPI table text"  # 11 pt, no spacing; its 10 pt twin for the matrices
SMALL_TABLE_STYLE = "KPI table small"
ALIGNS = {
    "l": WD_ALIGN_PARAGRAPH.LEFT,
    "c": WD_ALIGN_PARAGRAPH.CENTER,
    "r": WD_ALIGN_PARAGRAPH.RIGHT,
    "j": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


@dataclass
class WordTable:
    """A table of texts. Row kinds: "row"; "group" (its number, then a title across the other
    columns, bold, kept with the next row); "band" (one text across the table, bold, kept with
    the next row); "total" (bold)."""

    widths: list[float]  # mm
    aligns: str  # one letter a column: l, c, r
    header: list[list[str]]  # the header rows, repeated on each page; one text: across the table
    rows: list[tuple[str, list[str]]]
    font_size: float = 11


@dataclass
class WordAppendix:
    label: str  # "Phụ lục I"
    title: str
    attached: str  # "(Kèm theo Báo cáo số …)"
    blocks: list[WordTable | str] = field(default_factory=list)  # a str: an italic note


@dataclass
class WordDocument:
    doc: OfficialDocument
    appendices: list[WordAppendix]


# --- From the documents ---------------------------------------------------------------------


def _widths(percents: list[float], total: float = LANDSCAPE_TEXT) -> list[float]:
    scale = total / sum(percents)
    return [percent * scale for percent in percents]


def _numbers(count: int) -> list[str]:
    return [f"({index})" for index in range(1, count + 1)]


def _last_year_at(doc, index: int, cells, cell):
    """`cells` (a list, or the letters of `aligns`) with `cell` inserted at `index` where the
    document prints the same period of the year before beside this one's."""
    if not doc.last_year_label:
        return cells
    if isinstance(cells, str):
        return cells[:index] + cell + cells[index:]
    return [*cells[:index], cell, *cells[index:]]


def commune_word(doc: CommuneDocument) -> WordDocument:
    indicators = []
    for group in doc.indicator_groups:
        indicators.append(("group", [group.numeral, group.title]))
        indicators += [
            (
                "row",
                _last_year_at(
                    doc,
                    5,
                    [
                        row.code,
                        row.name,
                        row.unit_of_measure,
                        row.target,
                        row.actual,
                        row.percent,
                        row.assessment,
                    ],
                    row.last_year,
                ),
            )
            for row in group.rows
        ]
    if not indicators:
        indicators.append(("band", [f"Kế hoạch năm {doc.year} không có chỉ tiêu."]))
    tasks = []
    for section in doc.task_sections:
        if section.title:
            tasks.append(("group", [section.numeral, section.title]))
        tasks += [
            (
                "row",
                [
                    row.code,
                    row.name,
                    row.expected_result,
                    row.deadline,
                    row.lead,
                    row.state,
                    row.result,
                ],
            )
            for row in section.rows
        ]
    if not tasks:
        tasks.append(("band", [f"Kế hoạch năm {doc.year} không có nhiệm vụ."]))
    percent = (
        "Tỷ lệ so với lộ trình đến kỳ báo cáo (%)"
        if doc.on_path
        else "Tỷ lệ so với kế hoạch năm (%)"
    )
    return WordDocument(
        doc,
        [
            WordAppendix(
                "Phụ lục I",
                f"KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU {doc.period_phrase.upper()}",
                doc.attached_to,
                [
                    WordTable(
                        widths=_widths(
                            [6, 26, 9, 11, 16, 8, 10, 14]
                            if doc.last_year_label
                            else [6, 34, 9, 11, 16, 10, 14]
                        ),
                        aligns=_last_year_at(doc, 5, "clccrrc", "r"),
                        header=[
                            _last_year_at(
                                doc,
                                5,
                                [
                                    "TT",
                                    "Chỉ tiêu",
                                    "Đơn vị tính",
                                    f"Kế hoạch năm {doc.year}",
                                    "Thực hiện",
                                    percent,
                                    "Đánh giá",
                                ],
                                doc.last_year_label,
                            ),
                            _numbers(8 if doc.last_year_label else 7),
                        ],
                        rows=indicators,
                    ),
                    indicator_legend(doc),
                ],
            ),
            WordAppendix(
                "Phụ lục II",
                f"KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ {doc.period_phrase.upper()}",
                doc.attached_to,
                [
                    WordTable(
                        widths=_widths([5, 27, 16, 11, 11, 11, 19]),
                        aligns="cllcccl",
                        header=[
                            [
                                "TT",
                                "Nhiệm vụ",
                                "Kết quả, sản phẩm",
                                "Thời gian hoàn thành",
                                "Đơn vị chủ trì",
                                "Tình trạng",
                                "Kết quả thực hiện",
                            ],
                            _numbers(7),
                        ],
                        rows=tasks,
                    )
                ],
            ),
        ],
    )


def province_word(doc: ProvinceDocument) -> WordDocument:
    standings = [
        (
            "row",
            [
                str(row.rank) if row.rank else "—",
                row.commune,
                *(
                    (str(row.units_expected), str(row.on_time), str(row.late), str(row.missing))
                    if row.period_opened
                    else ("Chưa mở kỳ báo cáo", "", "", "")
                ),
                row.indicators,
                row.tasks,
                row.verification or "—",
            ],
        )
        for row in doc.standings
    ]
    values = []
    for group, items in doc.values:
        values.append(("band", [group]))
        values += [
            (
                "row",
                _last_year_at(
                    doc,
                    4,
                    [
                        item.code,
                        item.name
                        + (
                            f" ({item.row.communes_without_ab} xã chỉ báo tỷ lệ,"
                            " không tính vào Σa/Σb)"
                            if item.row.communes_without_ab
                            else ""
                        ),
                        item.unit_of_measure,
                        item.value,
                        item.ab,
                        item.communes,
                        item.achieved,
                    ],
                    item.last_year,
                ),
            )
            for item in items
        ]
    matrices: list[WordTable | str] = [matrix_legend(doc)]
    for table in doc.matrices:
        rows = [
            (
                "row",
                [
                    name,
                    *(
                        " ".join(part for part in (cell.text, cell.mark) if part)
                        + (f"\nKH {cell.target}" if cell.target else "")
                        for cell in cells
                    ),
                ],
            )
            for name, cells in table.rows
        ]
        rows.append(("total", ["Toàn tỉnh", *table.totals]))
        count = len(table.headers)
        matrices.append(
            WordTable(
                widths=[34] + [(LANDSCAPE_TEXT - 34) / count] * count,
                aligns="l" + "r" * count,
                header=[[table.group], ["Xã, phường", *table.headers]],
                rows=rows,
                font_size=10,
            )
        )
    return WordDocument(
        doc,
        [
            WordAppendix(
                "Phụ lục I",
                f"TÌNH HÌNH BÁO CÁO VÀ XẾP HẠNG CÁC XÃ, PHƯỜNG {doc.period_phrase.upper()}",
                doc.attached_to,
                [
                    WordTable(
                        widths=_widths([7, 26, 8, 8, 8, 8, 12, 13, 13]),
                        aligns="clrrrrccc",
                        header=[
                            [
                                "Hạng",
                                "Xã, phường",
                                "Báo cáo phải gửi",
                                "Đúng hạn",
                                "Trễ hạn",
                                "Chưa gửi",
                                "Chỉ tiêu đạt / được đánh giá",
                                "Nhiệm vụ hoàn thành đúng hạn / tổng số",
                                "Số liệu đã duyệt được kiểm chứng",
                            ]
                        ],
                        rows=standings,
                    )
                ],
            ),
            WordAppendix(
                "Phụ lục II",
                f"GIÁ TRỊ TOÀN TỈNH CỦA CÁC CHỈ TIÊU {doc.period_phrase.upper()}",
                doc.attached_to,
                [
                    WordTable(
                        widths=_widths(
                            [6, 34, 10, 12, 10, 12, 8, 8]
                            if doc.last_year_label
                            else [6, 44, 10, 12, 12, 8, 8]
                        ),
                        aligns=_last_year_at(doc, 4, "clcrrcc", "r"),
                        header=[
                            _last_year_at(
                                doc,
                                4,
                                [
                                    "Mã",
                                    "Chỉ tiêu",
                                    "Đơn vị tính",
                                    "Giá trị toàn tỉnh",
                                    "Tổng tử số / tổng mẫu số (Σa/Σb)",
                                    "Số xã có số liệu",
                                    "Số xã đạt / được đánh giá",
                                ],
                                doc.last_year_label,
                            )
                        ],
                        rows=values,
                    )
                ],
            ),
            WordAppendix(
                "Phụ lục III",
                f"KẾT QUẢ CÁC CHỈ TIÊU CỦA TỪNG XÃ, PHƯỜNG {doc.period_phrase.upper()}",
                doc.attached_to,
                matrices,
            ),
            WordAppendix(
                "Phụ lục IV",
                f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ CỦA TỪNG XÃ, PHƯỜNG {doc.period_phrase.upper()}",
                doc.attached_to,
                [
                    WordTable(
                        widths=_widths([6, 34, 14, 14, 14, 18]),
                        aligns="clrrrr",
                        header=[
                            [
                                "TT",
                                "Xã, phường",
                                "Tổng số nhiệm vụ",
                                "Hoàn thành đúng hạn",
                                "Quá hạn chưa hoàn thành",
                                "Khác (đang thực hiện, chưa đến hạn, hoàn thành quá hạn)",
                            ]
                        ],
                        rows=[
                            ("row", [str(index), name, *(str(n) for n in counts)])
                            for index, (name, *counts) in enumerate(doc.task_rows, start=1)
                        ],
                    )
                ],
            ),
        ],
    )


# --- Writing --------------------------------------------------------------------------------


def docx_write(word: WordDocument) -> bytes:
    """Write the document as a .docx. Only python-docx's work: the texts arrive finished."""
    document = Document()
    _styles(document)
    section = document.sections[0]
    _page(section, landscape=False)
    section.different_first_page_header_footer = True
    _page_number(section.header)
    doc = word.doc
    _head(document, doc)
    for index, block in enumerate(doc.body):
        paragraph = _body_block(document, block.kind, block.text)
        if index == len(doc.body) - 1:
            paragraph.paragraph_format.keep_with_next = True  # the last words stay with the signer
    _closing(document, doc)
    for appendix in word.appendices:
        section = document.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape=True)
        _restart_numbering(section)
        _appendix_head(document, appendix)
        for block in appendix.blocks:
            if isinstance(block, str):
                _paragraph(document, block, size=11, italic=True, align="j", after=4, before=4)
            else:
                _table(document, block)
    output = BytesIO()
    document.save(output)
    return output.getvalue()


def _fonts(element, size: float | None = None) -> None:
    """Times New Roman for every script (Vietnamese letters fall in more than one)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT_NAME)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(14)
    _fonts(normal.element)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    table_text = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(11)
    table_text.paragraph_format.space_after = Pt(0)
    small = document.styles.add_style(SMALL_TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = table_text
    small.font.size = Pt(10)
    for name in ("Header", "Table Grid"):
        if name in [style.name for style in document.styles]:
            _fonts(document.styles[name].element)


def _page(section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Mm(PAGE_HEIGHT if landscape else PAGE_WIDTH)
    section.page_height = Mm(PAGE_WIDTH if landscape else PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True


def _page_number(header) -> None:
    """PAGE, centred, 13 pt: a field, so Word and LibreOffice count the pages themselves."""
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "2"),
        ("end", None),
    ):
        run = paragraph.add_run()
        run.font.size = Pt(13)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text.strip() == "PAGE":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text


def _restart_numbering(section) -> None:
    """Each appendix numbers its pages from 1 (Decree 30), its first page without a number."""
    sect_pr = section._sectPr
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    after = next(
        (
            sect_pr.find(qn(f"w:{name}"))
            for name in ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "docGrid")
            if sect_pr.find(qn(f"w:{name}")) is not None
        ),
        None,
    )
    if after is not None:
        after.addprevious(numbering)
    else:
        sect_pr.append(numbering)


def _paragraph(
    container,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: str = "c",
    after: float = 0,
    before: float = 0,
    indent: bool = False,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = ALIGNS[align]
    fmt = paragraph.paragraph_format
    if after:
        fmt.space_after = Pt(after)
    if before:
        fmt.space_before = Pt(before)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        for number, line in enumerate(text.split("\n")):
            if number:
                paragraph.add_run().add_break()
            run = paragraph.add_run(line)
            run.font.size = Pt(size)
            run.bold = bold or None
            run.italic = italic or None
    return paragraph


def _rule(container, *, length: float, column: float, before: float = 1) -> None:
    """A solid rule `length` mm long, centred in a `column` mm wide (the issuer's, the motto's,
    the summary's): an empty paragraph's top border, its indents shortening it."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm((column - length) / 2)
    fmt.space_before = Pt(before)
    fmt.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for name, value in (
        ("w:val", "single"),
        ("w:sz", "6"),
        ("w:space", "0"),
        ("w:color", "000000"),
    ):
        top.set(qn(name), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)
    run = paragraph.add_run()
    run.font.size = Pt(2)


def _layout_table(document, widths: list[float], rows: int):
    """A table without borders (the header block, the closing), its columns fixed."""
    table = document.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed(table, widths)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
    return table


def _fixed(table, widths: list[float]) -> None:
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Mm(width)


def _cell_first(cell):
    """The cell's (empty) first paragraph, for the first text, then new ones."""
    return cell.paragraphs[0]


def _in_cell(cell, text, *, first: bool, **style):
    if first:
        paragraph = _cell_first(cell)
        paragraph.alignment = ALIGNS[style.pop("align", "c")]
        fmt = paragraph.paragraph_format
        if style.get("after"):
            fmt.space_after = Pt(style["after"])
        if style.get("before"):
            fmt.space_before = Pt(style["before"])
        run = paragraph.add_run(text)
        run.font.size = Pt(style.get("size", 14))
        run.bold = style.get("bold") or None
        run.italic = style.get("italic") or None
        return paragraph
    return _paragraph(cell, text, **style)


def _head(document, doc: OfficialDocument) -> None:
    table = _layout_table(document, [HEAD_LEFT, PORTRAIT_TEXT - HEAD_LEFT], rows=2)
    left, right = table.rows[0].cells
    first = True
    for line in doc.issuer_superior:
        _in_cell(left, line, first=first, size=13)
        first = False
    for line in doc.issuer:
        _in_cell(left, line.upper(), first=first, size=13, bold=True)
        first = False
    _rule(left, length=HEAD_LEFT * 0.4, column=HEAD_LEFT)
    _in_cell(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", first=True, size=12, bold=True)
    _in_cell(right, "Độc lập - Tự do - Hạnh phúc", first=False, size=13, bold=True)
    _rule(right, length=62, column=PORTRAIT_TEXT - HEAD_LEFT)
    number, place = table.rows[1].cells
    _in_cell(number, f"Số: {doc.number}", first=True, size=13, before=6)
    _in_cell(place, doc.place_date, first=True, size=14, italic=True, before=6)
    _paragraph(document, "BÁO CÁO", bold=True, before=18)
    _paragraph(document, doc.summary, bold=True)
    _rule(document, length=PORTRAIT_TEXT * 0.3, column=PORTRAIT_TEXT, before=3)
    _paragraph(
        document,
        f"Kính gửi: {doc.addressee}." if doc.addressee else "",
        before=8,
        after=6,
    )


def _body_block(document, kind: str, text: str):
    if kind == "p":
        return _paragraph(document, text, align="j", after=6, indent=True)
    paragraph = _paragraph(
        document,
        text,
        bold=kind in ("h2", "h3"),
        align="j",
        after=6,
        before=6,
        indent=True,
    )
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _closing(document, doc: OfficialDocument) -> None:
    table = _layout_table(document, [CLOSING_LEFT, PORTRAIT_TEXT - CLOSING_LEFT], rows=1)
    recipients, signature = table.rows[0].cells
    if doc.recipients:
        _in_cell(recipients, "Nơi nhận:", first=True, size=12, bold=True, italic=True, align="l")
        for line in doc.recipients:
            _paragraph(recipients, line, size=11, align="l")
    for number, line in enumerate(doc.signature_lines):
        _in_cell(signature, line.upper(), first=number == 0, size=14, bold=True)
    gap = signature.paragraphs[-1].paragraph_format
    gap.space_after = Mm(28)  # the signature and the seal go here
    _paragraph(signature, doc.signer_name, bold=True)


def _appendix_head(document, appendix: WordAppendix) -> None:
    _paragraph(document, appendix.label, bold=True)
    _paragraph(document, appendix.title, bold=True)
    _paragraph(document, appendix.attached, size=13, italic=True)
    _rule(document, length=LANDSCAPE_TEXT * 0.2, column=LANDSCAPE_TEXT, before=3)
    _paragraph(document, "", size=6)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    properties.append(OxmlElement("w:tblHeader"))


def _table(document, spec: WordTable) -> None:
    columns = len(spec.widths)
    table = document.add_table(rows=len(spec.header) + len(spec.rows), cols=columns)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed(table, spec.widths)
    widths = [Mm(width) for width in spec.widths]
    size = None  # the paragraph style's
    aligns = [ALIGNS[letter] for letter in spec.aligns]
    # Looked up once: python-docx finds a style by name with a search of every style each time.
    style = document.styles[TABLE_STYLE if spec.font_size >= 11 else SMALL_TABLE_STYLE].style_id
    rows = table.rows
    for row, texts in zip(rows, spec.header, strict=False):
        _repeat_header(row)
        cells = row.cells
        if len(texts) == 1:
            cells = (cells[0].merge(cells[-1]),)
        for cell, text in zip(cells, texts, strict=False):
            _cell_text(cell, text, size, WD_ALIGN_PARAGRAPH.CENTER, style, bold=True)
    for row, (kind, texts) in zip(rows[len(spec.header) :], spec.rows, strict=True):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        cells = row.cells
        if kind == "band":
            cells = (cells[0].merge(cells[-1]),)
        elif kind == "group":
            cells = (cells[0], cells[1].merge(cells[-1]))
        bold = kind != "row"
        keep = kind in ("band", "group")
        if kind in ("row", "total"):
            for cell, width in zip(cells, widths, strict=True):
                cell.width = width
        for index, (cell, text) in enumerate(zip(cells, texts, strict=False)):
            align = WD_ALIGN_PARAGRAPH.LEFT if kind == "band" or (keep and index) else aligns[index]
            paragraph = _cell_text(cell, text, size, align, style, bold=bold)
            if keep:
                paragraph.paragraph_format.keep_with_next = True


def _cell_text(cell, text: str, size, align, style: str, *, bold: bool):
    paragraph = cell.paragraphs[0]
    paragraph._p.get_or_add_pPr().style = style
    paragraph.alignment = align
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if number:
            paragraph.add_run().add_break()
        run = paragraph.add_run(line)
        if size:
            run.font.size = size
        if bold:
            run.bold = True
    return paragraph
