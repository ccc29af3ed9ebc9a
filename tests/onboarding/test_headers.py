"""Header text → what each column holds, whatever the wording, spacing and column order."""

import pytest

from onboarding.headers import INDICATORS, TASKS, header_recognise
from onboarding.reading import Cell, SourceTable


def _table(*rows):
    return SourceTable(index=1, rows=[[Cell(text) for text in row] for row in rows])


@pytest.mark.parametrize(
    ("header", "kind", "columns", "years"),
    [
        (
            ["TT", "Nội dung chỉ tiêu", "Đơn vị tính", "Chỉ tiêu"],
            INDICATORS,
            {"code": 0, "name": 1, "unit": 2, "target": 3},
            {},
        ),
        (
            [
                "Số TT",
                "Tên chỉ tiêu",
                "ĐVT",
                "Chỉ tiêu năm 2026",
                "Mục tiêu đến năm 2030",
                "Cơ quan chủ trì theo dõi, đánh giá",
            ],
            INDICATORS,
            {"code": 0, "name": 1, "unit": 2, "lead": 5},
            {2026: 3, 2030: 4},
        ),
        (
            [
                "STT",
                "Tên chỉ tiêu",
                "Chỉ tiêu cấp xã",
                "Cơ quan, đơn vị phối hợp",
                "Cơ quan chủ trì",
                "Phương pháp tính/Nguồn thu thập số liệu",
                "Hướng dẫn thực hiện",
                "Ghi chú",
            ],
            INDICATORS,
            {
                "code": 0,
                "name": 1,
                "target": 2,
                "support": 3,
                "lead": 4,
                "method": 5,
                "guidance": 6,
                "note": 7,
            },
            {},
        ),
        (
            [
                "TT",
                "Tên nhiệm vụ",
                "Đơn vị chủ trì",
                "Đơn vị phối hợp",
                "Kết quả/sản phẩm",
                "Dự kiến kinh phí (triệu đồng)",
                "Thời gian hoàn thành",
            ],
            TASKS,
            {
                "code": 0,
                "name": 1,
                "lead": 2,
                "support": 3,
                "result": 4,
                "budget": 5,
                "deadline": 6,
            },
            {},
        ),
        (
            ["  stt ", "NHIỆM  VỤ", "Thời hạn", "Cơ quan phối hợp", "Cơ quan thực hiện"],
            TASKS,
            {"code": 0, "name": 1, "deadline": 2, "support": 3, "lead": 4},
            {},
        ),
    ],
)
def test_headers(header, kind, columns, years):
    found = header_recognise(
        _table(header, ["1", "x", "y", "z", "w", "v", "u", "t"][: len(header)])
    )
    assert (found.kind, found.columns, found.years, found.header_rows) == (kind, columns, years, 1)


def test_a_data_row_is_not_a_header():
    assert (
        header_recognise(_table(["1", "Tham mưu ban hành Kế hoạch năm 2025", "Phòng VH-XH"]))
        is None
    )
    assert (
        header_recognise(_table(["Số", "Việc", "Ai"], ["1", "Tập huấn", "Phòng Kinh tế"])) is None
    )
