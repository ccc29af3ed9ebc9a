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
