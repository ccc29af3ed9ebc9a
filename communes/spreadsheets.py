"""What every workbook the portal writes obeys, reports and dashboards' tables alike: no text
cell a spreadsheet would run as a formula (CSV/formula injection)."""

# What a spreadsheet reads as the start of a formula (tab and carriage return too: OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_runs_as_formula(value: object) -> bool:
    """Would a spreadsheet run this cell as a formula? Text starting with =, +, -, @, a tab or a
    carriage return would; a lone dash ("-", a target not set yet) cannot run and stays as printed.
    The one rule for every workbook the portal writes (reports and dashboards' tables)."""
    return isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_STARTS)


def cell_text_guard(cell) -> None:
    """The one rule of every workbook the portal writes (reports, dashboards' tables): a text
    cell that a spreadsheet would run as a formula is stored as text with Excel's quote prefix.
    Excel shows it exactly as typed, never runs it, and does not turn it into a formula when
    the cell is edited. For openpyxl's cells, write-only or not, after their value is set."""
    if text_runs_as_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
