from decimal import Decimal

from dashboards.tables import cell_neutralise
from reports.excel import text_runs_as_formula


def test_one_rule_decides_which_text_would_run_as_a_formula():
    for text in ("=SUM(A1)", "+1", "-2+3", "@A1", "\t=1", "\r=1"):
        assert text_runs_as_formula(text), text
    for value in ("-", "Đạt", "", "2-3", Decimal("-3"), 5, None):
        assert not text_runs_as_formula(value), value


def test_reports_and_dashboards_share_the_rule():
    assert cell_neutralise("\t=1") == "'\t=1"
    assert cell_neutralise("-") == "-"
