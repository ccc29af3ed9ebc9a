"""manage.py import_plan: the dry-run JSON, saving a draft, and bad files refused in Vietnamese."""

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from communes.models import AuditEntry, Unit
from onboarding.reading import MAX_FILE_BYTES
from plans.models import Plan
from tests.onboarding.comparison import DATA
from tests.onboarding.documents import docx_bytes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _state():
    return (Plan.objects.count(), Unit.objects.count(), AuditEntry.objects.count())


def test_dry_run_json_prints_the_issue_shape_and_writes_nothing(seeds):
    before = _state()
    out = io.StringIO()
    call_command(
        "import_plan",
        str(DATA / "truong-giang-qd-536-2025.docx"),
        "--commune",
        "truong-giang",
        "--dry-run",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert _state() == before
    assert {"plan", "indicators", "tasks", "flags"} <= set(data)
    assert data["plan"] | {} == data["plan"] and {
        key: data["plan"][key]
        for key in ("document_number", "issue_date", "title", "issuing_body", "signer_name")
    } == {
        "document_number": "536/QĐ-UBND",
        "issue_date": "2025-09-10",
        "title": data["plan"]["title"],
        "issuing_body": "UBND xã Trường Giang",
        "signer_name": "Trần Đại Dương",
    }
    assert data["plan"]["title"].startswith("Về việc ban hành Kế hoạch hành động")
    first = next(item for item in data["indicators"] if item["code"] == "1.2")
    assert {
        key: first[key] for key in ("code", "unit", "kind", "heading", "targets", "lead", "support")
    } == {
        "code": "1.2",
        "unit": "%",
        "kind": "percent",
        "heading": False,
        "targets": {"2025": "≥ 10", "2030": "≥ 25", "2035": "≥ 40", "2040": "≥ 60", "2045": "≥ 70"},
        "lead": ["Phòng VH-XH"],
        "support": [],
    }
    task = data["tasks"][1]
    assert {
        key: task[key]
        for key in ("code", "name", "heading", "lead", "support", "result", "budget", "deadline")
    } == {
        "code": "2",
        "name": "Hoàn thành xây dựng, cập nhật điều chỉnh kế hoạch triển khai Chương trình hành động của Chính phủ",
        "heading": False,
        "lead": ["Phòng VH-XH"],
        "support": [],
        "result": "Kế hoạch",
        "budget": "",
        "deadline": "Tháng 9/2025",
    }
    assert all(set(flag) == {"row", "field", "message"} for flag in data["flags"])


def test_without_commune_every_unit_name_is_proposed_as_new():
    out = io.StringIO()
    call_command(
        "import_plan", str(DATA / "dien-quang-kh-2025.docx"), "--dry-run", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["tasks"][0]["lead"] == ["Phòng VH-XH"]
    assert any("đề xuất tạo đơn vị mới" in flag["message"] for flag in data["flags"])
    with pytest.raises(CommandError, match="--commune"):
        call_command("import_plan", str(DATA / "dien-quang-kh-2025.docx"))


def test_saving_a_draft_twice_keeps_one_plan(seeds, tmp_path):
    from tests.onboarding.comparison import commune_with_seed_units

    commune = commune_with_seed_units("dien-quang", code="dq-import")
    for _ in range(2):
        call_command(
            "import_plan",
            str(DATA / "dien-quang-kh-2025.docx"),
            "--commune",
            "dq-import",
            stdout=io.StringIO(),
        )
    plan = Plan.objects.get(commune=commune)
    assert (plan.key, plan.status, plan.indicators.count(), plan.tasks.count()) == (
        "kh-2025",
        "draft",
        21,
        9,
    )


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


BAD_FILES = {
    "pdf": (b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", "không phải là tệp Word (.docx) hay Excel (.xlsx)"),
    "zip-not-office": (
        _zip({"a.txt": b"hello"}),
        "không phải là tệp Word (.docx) hay Excel (.xlsx)",
    ),
    "password": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 64,
        "được đặt mật khẩu",
    ),
    "legacy-doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "định dạng cũ"),
    "truncated": ((DATA / "an-nong-2026.docx").read_bytes()[:20000], "bị hỏng hoặc không đầy đủ"),
    "no-tables": (
        docx_bytes("KẾ HOẠCH", "Chỉ có lời văn, phấn đấu đến năm 2030 đạt 90%."),
        "không có bảng nào",
    ),
    "no-header": (
        docx_bytes(
            "KẾ HOẠCH", {"rows": [["Số", "Việc", "Ai"], ["1", "Tập huấn", "Phòng Kinh tế"]]}
        ),
        "Không bảng nào trong tệp có dòng tiêu đề",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_are_refused_in_vietnamese_and_change_nothing(seeds, tmp_path, kind):
    data, message = BAD_FILES[kind]
    path = tmp_path / f"{kind}.docx"
    path.write_bytes(data)
    before = _state()
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import_plan", str(path), "--commune", "dien-quang", stdout=io.StringIO())
    assert _state() == before


def test_a_file_over_20_mb_is_refused(seeds, tmp_path):
    path = tmp_path / "big.docx"
    with path.open("wb") as handle:
        handle.write(docx_bytes("KẾ HOẠCH"))
        handle.truncate(MAX_FILE_BYTES + 1)
    before = _state()
    with pytest.raises(CommandError, match="lớn hơn 20 MB"):
        call_command("import_plan", str(path), "--commune", "dien-quang")
    assert _state() == before


def test_the_command_line_exits_non_zero_without_a_traceback(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("không phải kế hoạch")
    env = {**os.environ, "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_plan", str(path), "--dry-run", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "không phải là tệp Word (.docx) hay Excel (.xlsx)" in result.stderr
    assert result.stdout == ""
