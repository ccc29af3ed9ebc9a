"""The rating table (xếp loại thi đua) as an official document: PDF, Excel and Word.

A report of the People's Committee in the Decree 30/2020 layout, made with the portal's report
machinery (`reports.documents`: the document's head, body and closing; `reports.pdf`,
`reports.excel`, `reports.word`: the writers and their layout), its table an appendix: the
units, then the villages, each with its points, adjustments, score of 100, rank and rating.
Official documents are Vietnamese whatever the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string

from emulation.models import EvaluationKind
from emulation.scoring import Ranking, Rating, UnitScore, points_text
from reports.documents import (
    Block,
    OfficialDocument,
    commune_issuer,
    plan_citation,
    signature_lines,
)
from reports.excel import official_table_sheet, workbook_write
from reports.pdf import pdf_render
from reports.word import LANDSCAPE_TEXT, WordAppendix, WordDocument, WordTable, docx_write
from reports.wording import count_padded, date_in_words, date_short, document_number, nfc, roman

RATING_TEXT = {
    Rating.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Rating.GOOD: "Hoàn thành tốt nhiệm vụ",
    Rating.DONE: "Hoàn thành nhiệm vụ",
    Rating.NOT_DONE: "Không hoàn thành nhiệm vụ",
    Rating.NOT_RATED: "Chưa xếp loại",
}
RATED = (Rating.EXCELLENT, Rating.GOOD, Rating.DONE, Rating.NOT_DONE)
RATING_FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
COLUMNS = [
    "TT",
    "Đơn vị",
    "Điểm chấm",
    "Điểm điều chỉnh",
    "Tổng điểm",
    "Thang điểm",
    "Điểm quy đổi (thang 100)",
    "Xếp hạng",
    "Xếp loại",
]
WIDTHS = [5, 25, 8, 9, 8, 8, 10, 6, 21]  # percent of the table's width


@dataclass
class RatingRow:
    number: str
    unit: str
    earned: Decimal
    adjusted: Decimal
    total: Decimal
    scale: Decimal
    score: Decimal | None
    rank: int | None
    rating: str

    @property
    def texts(self) -> list[str]:
        return [
            self.number,
            self.unit,
            points_text(self.earned),
            points_text(self.adjusted) if self.adjusted else "",
            points_text(self.total),
            points_text(self.scale),
            points_text(self.score) if self.score is not None else "",
            str(self.rank) if self.rank else "",
            self.rating,
        ]


@dataclass
class RatingGroup:
    numeral: str
    title: str
    rows: list[RatingRow]


@dataclass
class RatingDocument(OfficialDocument):
    groups: list[RatingGroup]
    appendix_title: str


def evaluation_phrase(ranking: Ranking) -> str:
    """ "năm 2026", "tháng 3 năm 2026", "giai đoạn 2026 - 2027"."""
    evaluation = ranking.evaluation
    if evaluation.kind == EvaluationKind.MONTH:
        return f"tháng {evaluation.month} năm {evaluation.year}"
    if evaluation.kind == EvaluationKind.YEAR:
        return f"năm {evaluation.year}"
    return f"giai đoạn {evaluation.years[0]} - {evaluation.years[-1]}"


def _rows(scores: list[UnitScore]) -> list[RatingRow]:
    return [
        RatingRow(
            number=str(index),
            unit=nfc(score.unit.name),
            earned=score.earned,
            adjusted=score.adjusted,
            total=score.total,
            scale=score.scale,
            score=score.score,
            rank=score.rank,
            rating=RATING_TEXT[score.rating],
        )
        for index, score in enumerate(scores, start=1)
    ]


def _counts(scores: list[UnitScore], noun: str) -> str:
    rated = [score for score in scores if score.rating in RATED]
    parts = [
        f"{RATING_TEXT[rating]}: "
        f"{count_padded(sum(1 for score in rated if score.rating == rating))} {noun}"
        for rating in RATED
    ]
    return (
        f"{count_padded(len(rated))} {noun} được chấm điểm, xếp loại; trong đó "
        + "; ".join(parts)
        + "."
    )


def rating_document(ranking: Ranking, *, today: date) -> RatingDocument:
    movement = ranking.movement
    commune = movement.commune
    phrase = evaluation_phrase(ranking)
    plan = movement.plan
    groups, body = [], []
    if plan is not None:
        body.append(Block("p", f"Căn cứ {plan_citation(plan, commune)};"))
    body.append(
        Block(
            "p",
            f"Ủy ban nhân dân {commune.get_kind_display_short().lower()} {commune.name} báo cáo "
            f"kết quả chấm điểm, xếp loại thi đua {phrase} của các cơ quan, đơn vị và các thôn "
            f"thực hiện {nfc(movement.name)}, như sau:",
        )
    )
    body.append(Block("h2", "I. KẾT QUẢ CHẤM ĐIỂM, XẾP LOẠI"))
    number = 0
    for title, scores, noun in (
        ("Các cơ quan, đơn vị", ranking.units, "đơn vị"),
        ("Các thôn, tổ dân phố", ranking.villages, "thôn"),
    ):
        if not scores:
            continue
        number += 1
        groups.append(RatingGroup(roman(number - 1), title.upper(), _rows(scores)))
        body.append(Block("p", f"{number}. {title}: {_counts(scores, noun)}"))
    body.append(Block("h2", "II. MỨC XẾP LOẠI"))
    body.append(
        Block(
            "p",
            "Điểm quy đổi về thang điểm 100 (tổng điểm đạt được, kể cả điểm điều chỉnh, trên "
            "tổng điểm các tiêu chí được chấm): "
            f"{RATING_TEXT[Rating.EXCELLENT]} từ {points_text(movement.excellent_from)} điểm; "
            f"{RATING_TEXT[Rating.GOOD]} từ {points_text(movement.good_from)} điểm; "
            f"{RATING_TEXT[Rating.DONE]} từ {points_text(movement.done_from)} điểm; "
            f"dưới {points_text(movement.done_from)} điểm: {RATING_TEXT[Rating.NOT_DONE]}.",
        )
    )
    body.append(
        Block("p", "Kết quả chấm điểm, xếp loại của từng đơn vị, từng thôn tại Phụ lục kèm theo./.")
    )
    number_text = document_number("")
    return RatingDocument(
        title=f"Kết quả xếp loại thi đua {phrase} – {commune}",
        issuer_superior=[],
        issuer=commune_issuer(commune),
        number=number_text,
        place_date=f"{commune.name}, {date_in_words(None, year=today.year)}",
        summary=f"Kết quả chấm điểm, xếp loại thi đua {phrase}",
        addressee="",
        body=body,
        recipients=[
            "- Thường trực Đảng ủy, HĐND xã;",
            "- Chủ tịch, các Phó Chủ tịch UBND xã;",
            "- Các cơ quan, đơn vị, các thôn;",
            "- Lưu: VT, VHXH.",
        ],
        signature_lines=signature_lines(
            plan.signing_authority if plan else "", nfc(plan.signer_title) if plan else ""
        ),
        signer_name=nfc(plan.signer_name) if plan else "",
        period_phrase=phrase,
        year=ranking.evaluation.year,
        attached_to=(
            f"(Kèm theo Báo cáo số {number_text} ngày {date_short(None)}{today.year}"
            f" của UBND {commune.get_kind_display_short().lower()} {commune.name})"
        ),
        groups=groups,
        appendix_title=f"BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP LOẠI THI ĐUA {phrase.upper()}",
    )


def rating_html(doc: RatingDocument) -> str:
    return render_to_string("emulation/document_rating.html", {"doc": doc, "widths": WIDTHS})


def rating_sheets(doc: RatingDocument):
    rows = []
    for group in doc.groups:
        rows.append([(group.numeral, "group"), (group.title, "group")] + [("", "group")] * 7)
        for row in group.rows:
            rows.append(
                [
                    (row.number, "text-centre"),
                    (row.unit, "text"),
                    (row.earned, "dec2"),
                    (row.adjusted, "dec2"),
                    (row.total, "dec2"),
                    (row.scale, "dec2"),
                    (row.score, "dec2") if row.score is not None else ("", "text"),
                    (row.rank, "int") if row.rank else ("", "text"),
                    (row.rating, "text-centre"),
                ]
            )
    return [
        official_table_sheet(
            doc,
            title="Xếp loại thi đua",
            label="Phụ lục",
            heading=doc.appendix_title,
            widths=[6, 40, 11, 12, 11, 11, 13, 10, 30],
            header=COLUMNS,
            body_rows=rows,
        )
    ]


def rating_word(doc: RatingDocument) -> WordDocument:
    rows = []
    for group in doc.groups:
        rows.append(("group", [group.numeral, group.title]))
        rows += [("row", row.texts) for row in group.rows]
    if not rows:
        rows.append(("band", ["Chưa có đơn vị nào được chấm điểm."]))
    scale = LANDSCAPE_TEXT / sum(WIDTHS)
    return WordDocument(
        doc,
        [
            WordAppendix(
                "Phụ lục",
                doc.appendix_title,
                doc.attached_to,
                [
                    WordTable(
                        widths=[width * scale for width in WIDTHS],
                        aligns="clrrrrrcc",
                        header=[COLUMNS, [f"({index})" for index in range(1, len(COLUMNS) + 1)]],
                        rows=rows,
                    )
                ],
            )
        ],
    )


def rating_file(ranking: Ranking, fmt: str, *, today: date) -> tuple[bytes, str]:
    """The rating table as a file of `fmt` (pdf, xlsx, docx), and its content type."""
    doc = rating_document(ranking, today=today)
    if fmt == "pdf":
        content = pdf_render(rating_html(doc))
    elif fmt == "xlsx":
        content = workbook_write(rating_sheets(doc))
    else:
        content = docx_write(rating_word(doc))
    return content, RATING_FORMATS[fmt]


def rating_file_name(ranking: Ranking, fmt: str) -> str:
    return f"xep-loai-thi-dua-{ranking.movement.commune.code}-{ranking.evaluation.code}.{fmt}"
