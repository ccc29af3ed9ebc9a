"""Read a plan file (.docx or .xlsx) into its paragraphs and tables, merged cells resolved.

A table comes out as a grid the way a person sees it: a cell merged across columns (gridSpan,
an Excel merge) fills every column it covers and says so (`span`); a cell merged down rows
(vMerge) repeats its text on the rows below and says so (`from_above`). Nothing here knows what
a plan is: the header recognizer and the row interpreter read the grid.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from .text import clean, printed

MAX_FILE_BYTES = 20 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(ValueError):
    """A file the import cannot read; the message is for the person who uploaded it."""


@dataclass
class Cell:
    text: str
    span: int = 1  # how many grid columns the cell covers
    first: bool = True  # the leftmost grid column of a spanning cell
    from_above: bool = False  # the continuation of a cell merged down from the row above


@dataclass
class SourceTable:
    index: int  # 1-based, in document order
    rows: list[list[Cell]]
    caption_lines: list[str] = field(default_factory=list)  # the paragraphs just before it

    @property
    def caption(self) -> str:
        return " ".join(self.caption_lines)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def texts(self, row: int) -> list[str]:
        return [cell.text for cell in self.rows[row]]


@dataclass
class SourceDocument:
    name: str
    paragraphs: list[str] = field(default_factory=list)  # body paragraphs, in order
    head_cells: list[str] = field(default_factory=list)  # cells of a layout table at the top
    # The lines of small layout tables (a signature block beside "Nơi nhận"), one per paragraph.
    layout_lines: list[str] = field(default_factory=list)
    tables: list[SourceTable] = field(default_factory=list)


def document_read(data: bytes, *, name: str = "") -> SourceDocument:
    """Read .docx or .xlsx bytes; anything else raises ImportFileError with a clear message."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than 20 MB; plans are usually well under 1 MB.")
        )
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportFileError(
                _(
                    "The file is password-protected. Remove the password in Word or Excel and upload it again."
                )
            )
        raise ImportFileError(
            _(
                "This is an old Word or Excel file (.doc, .xls). Save it as .docx or .xlsx and upload it again."
            )
        )
    if not data.startswith(_ZIP_MAGIC):
        raise ImportFileError(_("The file is neither a Word (.docx) nor an Excel (.xlsx) file."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if archive.testzip() is not None:
            raise zipfile.BadZipFile
    except (zipfile.BadZipFile, EOFError, OSError):
        raise ImportFileError(
            _("The file is damaged or incomplete (it may have been cut off while copying).")
        ) from None
    if "word/document.xml" in names:
        return _docx_read(data, name)
    if "xl/workbook.xml" in names:
        return _xlsx_read(data, name)
    raise ImportFileError(_("The file is neither a Word (.docx) nor an Excel (.xlsx) file."))


def document_read_path(path: Path | str) -> SourceDocument:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise ImportFileError(
            _("The file %(name)s cannot be opened.") % {"name": path.name}
        ) from None
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than 20 MB; plans are usually well under 1 MB.")
        )
    return document_read(path.read_bytes(), name=path.name)


# --- Word ---------------------------------------------------------------------------------


def _docx_read(data: bytes, name: str) -> SourceDocument:
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds on a broken package
        raise ImportFileError(
            _("The file is damaged or incomplete (it may have been cut off while copying).")
        ) from None
    result = SourceDocument(name=name)
    recent: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            text = clean(_paragraph_text(element, qn))
            if text:
                result.paragraphs.append(text)
                recent = [*recent[-2:], text]
        elif element.tag == qn("w:tbl"):
            rows = _docx_grid(element, qn)
            if len(rows) <= 6 and max((len(row) for row in rows), default=0) <= 3:
                result.layout_lines.extend(
                    clean(line)
                    for p in element.iter(qn("w:p"))
                    for line in _paragraph_text(p, qn).splitlines()
                    if clean(line)
                )
            if not result.tables and not result.paragraphs[:1] and len(rows) <= 4:
                # A layout table at the very top is the document head (issuer, number, date).
                result.head_cells.extend(cell.text for row in rows for cell in row if cell.first)
                continue
            result.tables.append(
                SourceTable(index=len(result.tables) + 1, rows=rows, caption_lines=recent)
            )
            recent = []
    return result


def _paragraph_text(paragraph, qn) -> str:
    """A paragraph's text with its line breaks (w:br, w:cr) as new lines and tabs as spaces."""
    text, breaks, tab = qn("w:t"), (qn("w:br"), qn("w:cr")), qn("w:tab")
    parts = []
    for node in paragraph.iter(text, tab, *breaks):
        parts.append(node.text or "" if node.tag == text else " " if node.tag == tab else "\n")
    return "".join(parts)


def _cell_text(tc, qn) -> str:
    return printed("\n".join(_paragraph_text(p, qn) for p in tc.iter(qn("w:p"))))


def _docx_grid(tbl, qn) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for tr in tbl.iter(qn("w:tr")):
        row: list[Cell] = []
        properties = tr.find(qn("w:trPr"))
        before = properties.find(qn("w:gridBefore")) if properties is not None else None
        if before is not None:
            row.extend(Cell("") for _ in range(int(before.get(qn("w:val")) or 0)))
        for tc in tr.iterchildren(qn("w:tc")):
            span, merge = 1, None
            tc_pr = tc.find(qn("w:tcPr"))
            if tc_pr is not None:
                grid_span = tc_pr.find(qn("w:gridSpan"))
                if grid_span is not None:
                    span = int(grid_span.get(qn("w:val")) or 1)
                v_merge = tc_pr.find(qn("w:vMerge"))
                if v_merge is not None:
                    merge = v_merge.get(qn("w:val")) or "continue"
            column = len(row)
            if merge == "continue" and rows and column < len(rows[-1]):
                text = rows[-1][column].text
                from_above = True
            else:
                text, from_above = _cell_text(tc, qn), False
            for offset in range(span):
                row.append(Cell(text, span=span, first=offset == 0, from_above=from_above))
        rows.append(row)
    return rows


# --- Excel --------------------------------------------------------------------------------


def _xlsx_value(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        number = Decimal(str(value))
        if "%" in (cell.number_format or ""):
            number *= 100
        text = format(number.normalize(), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".").replace(".", ",")
        return text + ("%" if "%" in (cell.number_format or "") else "")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return printed(str(value))


def _xlsx_read(data: bytes, name: str) -> SourceDocument:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception:
        raise ImportFileError(
            _("The file is damaged or incomplete (it may have been cut off while copying).")
        ) from None
    result = SourceDocument(name=name)
    for sheet in workbook.worksheets:
        if sheet.max_row < 1 or sheet.max_column < 1:
            continue
        grid = [
            [Cell(_xlsx_value(cell)) for cell in row]
            for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column)
        ]
        for merged in sheet.merged_cells.ranges:
            top = grid[merged.min_row - 1][merged.min_col - 1].text
            width = merged.max_col - merged.min_col + 1
            for r in range(merged.min_row - 1, merged.max_row):
                for c in range(merged.min_col - 1, merged.max_col):
                    grid[r][c] = Cell(
                        top,
                        span=width,
                        first=c == merged.min_col - 1,
                        from_above=r > merged.min_row - 1,
                    )
        # A sheet holds its title rows above the table: those become the caption.
        while grid and sum(1 for cell in grid[0] if cell.text and cell.first) <= 1:
            text = next((cell.text for cell in grid[0] if cell.text), "")
            if text:
                result.paragraphs.append(text)
            grid.pop(0)
        grid = [row for row in grid if any(cell.text for cell in row)]
        if grid:
            result.tables.append(
                SourceTable(
                    index=len(result.tables) + 1,
                    rows=grid,
                    caption_lines=[sheet.title, *result.paragraphs[-2:]],
                )
            )
    return result
