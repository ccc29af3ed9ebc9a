"""SVG charts and Excel tables: pure functions, no database."""

from decimal import Decimal
from io import BytesIO
from xml.etree import ElementTree

from openpyxl import load_workbook

from dashboards.charts import Category, Series, line_chart, number_label, stacked_bars
from dashboards.tables import Table, workbook_response

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def texts(root) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_number_labels_are_vietnamese():
    assert number_label(Decimal("87.54")) == "87,5"
    assert number_label(Decimal("16.0000")) == "16"
    assert number_label(Decimal("1250")) == "1.250"
    assert number_label(None) == "—"


def test_line_chart_is_accessible_and_labels_its_figures():
    markup = line_chart(
        chart_id="c1",
        title="Tỷ lệ <hồ sơ> trực tuyến",
        description="Số liệu từng tháng so với lộ trình",
        labels=["T1/2026", "T2/2026", "T3/2026"],
        series=[
            Series("Thực hiện", [Decimal("10.5"), None, Decimal("12")]),
            Series("Lộ trình", [Decimal(10), Decimal("10.25"), Decimal("10.5")], "path", [1, 0, 0]),
        ],
        unit="%",
    )
    root = parse(markup)  # well-formed XML, the title escaped
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Tỷ lệ <hồ sơ> trực tuyến"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    labels = texts(root)
    assert "10,5" in labels and "12" in labels  # actual values written out
    assert "10" in labels  # the marked path point
    assert "Thực hiện" in labels and "Lộ trình" in labels  # legend
    # A gap (None) splits the actual line: two runs; the path is dashed.
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 3
    assert lines[-1].get("stroke-dasharray")


def test_line_chart_without_figures_still_draws():
    root = parse(
        line_chart(chart_id="c2", title="T", description="D", labels=[], series=[Series("A", [])])
    )
    assert root.find(f"{SVG}title").text == "T"


def test_stacked_bars_label_counts_and_use_patterns():
    categories = [
        Category("achieved", "Đạt", "#1b7a3d"),
        Category("off_track", "Chậm tiến độ", "#b3261e", "cross"),
    ]
    root = parse(
        stacked_bars(
            chart_id="g",
            title="Tiến độ theo nhóm",
            description="Số chỉ tiêu theo tình trạng",
            categories=categories,
            rows=[("I. Hạ tầng số", [3, 2]), ("II. Nguồn lực", [0, 4])],
        )
    )
    labels = texts(root)
    assert "I. Hạ tầng số" in labels and "3" in labels and "5" in labels  # counts and total
    assert root.find(f"{SVG}defs/{SVG}pattern").get("id") == "g-off_track"
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    assert "url(#g-off_track)" in fills


def test_long_bar_names_wrap_on_two_lines_and_end_with_an_ellipsis():
    name = "Chỉ tiêu về Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số " * 3
    root = parse(
        stacked_bars(
            chart_id="w",
            title="T",
            description="D",
            categories=[Category("a", "A", "#000")],
            rows=[(name, [1])],
            width=360,
        )
    )
    label = next(t for t in root.iter(f"{SVG}text") if t.find(f"{SVG}tspan") is not None)
    lines = [span.text for span in label.iter(f"{SVG}tspan")]
    assert len(lines) == 2 and lines[1].endswith("…")
    assert label.find(f"{SVG}title").text == name  # the whole name on hover


def test_workbook_has_one_sheet_per_table():
    tables = [
        Table("a", "Chỉ tiêu: theo nhóm", ["Nhóm", "Số"], [["=1+1", Decimal("2.5")]]),
        Table("b", "Chỉ tiêu: theo nhóm", ["X"], [], note="Năm 2025"),
    ]
    response = workbook_response(tables, filename="Bảng điều khiển Điền Quang")
    assert (
        response["Content-Disposition"] == 'attachment; filename="bang-dieu-khien-dien-quang.xlsx"'
    )
    workbook = load_workbook(BytesIO(response.content))
    assert len(workbook.sheetnames) == 2
    first = workbook.worksheets[0]
    assert first["A2"].value == "Nhóm"
    assert first["A3"].value == "=1+1"  # as on the page, kept as text (tests/reports)
    assert first["A3"].data_type == "s" and first["A3"].quotePrefix
    assert first["B3"].value == 2.5
    assert workbook.worksheets[1]["A2"].value == "Năm 2025"
