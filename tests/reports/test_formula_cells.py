"""One rule for text that a spreadsheet would run as a formula, in every workbook the portal
writes: the report's Excel and the dashboards' tables store it as text with Excel's quote
prefix, exactly as typed."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from communes.spreadsheets import text_runs_as_formula
from dashboards.tables import Table, workbook_response
from reports.excel import Sheet, _finished, workbook_write

FORMULAS = ('=HYPERLINK("http://evil.invalid","bấm")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1")


def test_one_rule_decides_which_text_would_run_as_a_formula():
    for text in FORMULAS:
        assert text_runs_as_formula(text), text
    for value in ("-", "Đạt", "", "2-3", Decimal("-3"), 5, None):
        assert not text_runs_as_formula(value), value


def _report_cells(texts):
    sheet = Sheet(
        title="Nhiệm vụ",
        widths=[20],
        rows=_finished([[(text, "text")] for text in texts]),
        header_rows=0,
        header_start=1,
    )
    return list(load_workbook(BytesIO(workbook_write([sheet]))).worksheets[0]["A"])


def _dashboard_cells(texts):
    table = Table("t", "Bảng", ["Kết quả"], [[text] for text in texts])
    sheet = load_workbook(BytesIO(workbook_response([table], filename="x").content)).worksheets[0]
    return list(sheet["A"])[2:]


@pytest.mark.parametrize("cells_of", [_report_cells, _dashboard_cells])
def test_both_workbooks_keep_formula_text_as_text_exactly_as_typed(cells_of):
    texts = [*FORMULAS, "-", "Đạt", "2-3"]
    cells = cells_of(texts)
    # Exactly as typed, no apostrophe added (openpyxl writes through lxml, which keeps a
    # carriage return as &#13; instead of letting XML read it back as a line feed).
    assert [cell.value for cell in cells] == texts
    for text, cell in zip(texts, cells, strict=True):
        assert cell.data_type == "s", text
        assert cell.quotePrefix == text_runs_as_formula(text), text
