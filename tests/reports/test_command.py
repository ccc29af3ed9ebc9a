"""manage.py render_report writes the same document as the browser's service."""

from __future__ import annotations

from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reporting.services import period_ensure
from reports.rendering import commune_report_file, province_report_file

pytestmark = pytest.mark.django_db


def _cells(content: bytes) -> list:
    workbook = load_workbook(BytesIO(content))
    return [
        [cell.value for cell in row] for sheet in workbook.worksheets for row in sheet.iter_rows()
    ]


def test_commune_and_province_files_from_the_command_line(seeds, tmp_path):
    commune = seeds["dien-quang"]
    period = period_ensure(commune, "2025")
    output = tmp_path / "dq.xlsx"
    call_command(
        "render_report",
        "--commune",
        commune.code,
        "--period",
        "2025",
        "--format",
        "xlsx",
        "-o",
        str(output),
        stdout=StringIO(),
    )
    assert _cells(output.read_bytes()) == _cells(commune_report_file(period, "xlsx"))
    province = tmp_path / "th.xlsx"
    call_command(
        "render_report",
        "--province",
        commune.province.code,
        "--period",
        "2025",
        "--format",
        "xlsx",
        "-o",
        str(province),
        stdout=StringIO(),
    )
    expected = province_report_file(commune.province, "2025", "xlsx")
    assert _cells(province.read_bytes()) == _cells(expected)


def test_unknown_commune_or_period_is_an_error(seeds, tmp_path):
    with pytest.raises(CommandError):
        call_command("render_report", "--commune", "nowhere", "--period", "2025", "-o", "x")
    with pytest.raises(CommandError):
        call_command(
            "render_report",
            "--commune",
            "dien-quang",
            "--period",
            "1999",
            "-o",
            str(tmp_path / "x"),
        )
    with pytest.raises(CommandError):
        call_command("render_report", "--province", "38", "--period", "20XX", "-o", "x")


def test_the_benchmark_weighs_the_portal_against_the_library_and_the_database_alone():
    from communes.models import Province
    from reports.management.commands.bench_reports import _interleaved

    out = StringIO()
    call_command(
        "bench_reports", "--communes", "2", "--indicators", "3", "--tasks", "2", stdout=out
    )
    lines = out.getvalue().splitlines()
    xlsx = next(line for line in lines if line.startswith("XLSX"))
    pdf = next(line for line in lines if line.startswith("PDF"))
    assert "openpyxl alone on the same cells" in xlsx
    assert "WeasyPrint alone on the same HTML" in pdf
    # The queries a file's run sent, replayed alone: the same for both formats.
    replayed = {line.split("the database alone on the same ")[1].split()[0] for line in (xlsx, pdf)}
    assert len(replayed) == 1 and int(replayed.pop()) > 5
    for line in (xlsx, pdf):
        assert line.split("(limit ")[1].split(")")[0] in ("30", "50")
        assert line.rstrip().split("|")[0].split()[-1] in ("OK", "OVER")
    # The synthetic province was rolled back.
    assert not Province.objects.filter(code="bench-57").exists()
    # Rounds turn the order, so that no work always runs first.
    order = []
    _interleaved(3, a=lambda: order.append("a"), b=lambda: order.append("b"))
    assert order == ["a", "b", "b", "a", "a", "b"]
