"""The document head (Decree 30/2020 layout): issuer, number, date, title, signature block.

What is printed is kept; what is blank stays blank ("Số: /KH-UBND" keeps its blank number as
"…/KH-UBND", the convention of fixtures/README.md; "ngày tháng năm 2025" is kept as text).
"""

from __future__ import annotations

import re
from datetime import date

from .reading import SourceDocument
from .structure import ImportedHead
from .text import clean

_NUMBER_RE = re.compile(
    r"^Số\s*:\s*(?P<number>[0-9]*)\s*/\s*(?P<suffix>[\w.\-]*(?:/[\w.\-]+)*)", re.I
)
_DATE_RE = re.compile(
    r"ngày\s*(?P<day>[0-9]{0,2})\s*tháng\s*(?P<month>[0-9]{0,2})\s*năm\s*(?P<year>[0-9]{4})", re.I
)
_KINDS = {"KẾ HOẠCH": "KH", "QUYẾT ĐỊNH": "QĐ", "CHƯƠNG TRÌNH": "CTr", "ĐỀ ÁN": "ĐA"}
_ISSUER_RE = re.compile(
    r"^(?:ỦY|UỶ) BAN NHÂN DÂN\s+(?P<kind>XÃ|PHƯỜNG|ĐẶC KHU)\s+(?P<name>.+)$", re.I
)
_AUTHORITIES = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
_SIGNER_TITLES = ("PHÓ CHỦ TỊCH", "CHỦ TỊCH")
_ATTACHED_RE = re.compile(
    r"Kèm theo (?P<kind>Kế hoạch|Quyết định) số\s*:?\s*(?P<number>[0-9]+/[\w\-/]+)"
    r"(?: ngày (?P<date>[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}))?",
    re.I,
)
# The reporting duty: a sentence about reports that fixes a day ("Định kỳ, trước ngày 15 hằng
# tháng …"), else one that names the duty ("duy trì chế độ báo cáo định kỳ và đột xuất").
_DUTY_RE = re.compile(r"chế độ báo cáo|định kỳ.*báo cáo|báo cáo.*định kỳ", re.I)
_DUTY_DAY_RE = re.compile(r"\b(?:trước|chậm nhất)\s+ngày\s+[0-9]{1,2}", re.I)
_SENTENCE_RE = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])")
_HEAD_LINES = 40  # the head and the signature sit in the first and last lines of the body


def _title_case_issuer(match: re.Match) -> str:
    kind = match["kind"].lower()
    name = " ".join(word.capitalize() for word in match["name"].split())
    return f"UBND {kind} {name}"


def head_read(document: SourceDocument) -> ImportedHead:
    head = ImportedHead()
    lines = [*document.head_cells, *document.paragraphs]
    for line in lines[:_HEAD_LINES]:
        if not head.issuing_body and (match := _ISSUER_RE.match(clean(line))):
            head.issuing_body = _title_case_issuer(match)
        if not head.document_number and (match := _NUMBER_RE.match(line)):
            head.document_number = f"{match['number'] or '…'}/{match['suffix']}"
        if not head.issue_date_text and (match := _DATE_RE.search(line)):
            day, month, year = match["day"], match["month"], int(match["year"])
            try:
                head.issue_date = date(year, int(month), int(day)) if day and month else None
            except ValueError:
                head.issue_date = None
            # Kept only when the printed date is blank or partial (Plan.issue_date_text).
            head.issue_date_text = "" if head.issue_date else line[match.start() :]
        if not head.document_type and clean(line).upper() in _KINDS:
            head.document_type = _KINDS[clean(line).upper()]
            following = lines[lines.index(line) + 1 : lines.index(line) + 2]
            head.title = following[0] if following else ""
    if not head.document_type and "/" in head.document_number:
        head.document_type = head.document_number.split("/", 1)[1].split("-", 1)[0]
    _signature_read(document.paragraphs, head) or _signature_read(document.layout_lines, head)
    for line in document.paragraphs:
        if match := _ATTACHED_RE.search(line):
            head.attached_to = clean(match.group(0))
            break
    if not head.issue_date and not head.issue_date_text:
        head.issue_date_text = ""
    head.reporting_duty = duty_read(document.paragraphs)
    return head


def duty_read(paragraphs: list[str]) -> str:
    """The sentence of the body that sets the units' reporting duty, as printed ("" when none):
    the first that fixes a day, else the first that names the duty. The commune's reporting
    schedule follows it (`reporting.services.schedules_from_duty`)."""
    sentences = [
        clean(sentence).lstrip("-–• ")
        for paragraph in paragraphs
        for sentence in _SENTENCE_RE.split(paragraph)
    ]
    duties = [sentence for sentence in sentences if _DUTY_RE.search(sentence)]
    fixed = [sentence for sentence in duties if _DUTY_DAY_RE.search(sentence)]
    return (fixed or duties or [""])[0]


def _signature_read(paragraphs: list[str], head: ImportedHead) -> bool:
    """The signature block: authority line, title line, then the signer's name."""
    for index, line in enumerate(paragraphs):
        text = line.upper()
        authority = next((item for item in _AUTHORITIES if text.startswith(item)), None)
        if authority is None:
            continue
        rest = clean(line[len(authority) :])
        following = paragraphs[index + 1 : index + 3]
        if not rest and following:
            rest, following = following[0], following[1:]
        if rest.upper() not in _SIGNER_TITLES or not following:
            continue
        head.signing_authority, head.signer_title = authority, rest.upper()
        name = following[0]
        # A name is a few capitalised words, not a heading or an appendix title.
        if 1 < len(name.split()) <= 5 and not name.isupper():
            head.signer_name = name
        return True
    return False
