"""The documents as data: pure functions from the results and the report's texts to what the PDF
template and the Excel writer print. No database access here (the callers fetch everything first).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from itertools import groupby

from communes.models import Commune, Province
from indicators.assessment import Assessment
from indicators.models import MeasureKind
from indicators.targets import target_shown
from plans.models import Plan, SigningAuthority
from reporting.consolidation import ConsolidatedRow, ProvinceConsolidation
from reporting.results import CommuneResults, IndicatorResult, TaskResult, TaskState
from reporting.selectors import Figure, VerificationShare
from reports.models import report_filename
from reports.wording import (
    ASSESSMENT_TEXT,
    TASK_STATE_TEXT,
    TRACK_TEXT,
    date_in_words,
    date_short,
    document_number,
    figure_places,
    figure_text,
    letter,
    nfc,
    number,
    period_phrase,
    roman,
    sentence_case,
)


@dataclass
class Block:
    kind: str  # "h2" (I. …), "h3" (1. …), "h4" (a) …), "p"
    text: str


@dataclass
class IndicatorRow:
    code: str
    name: str
    unit_of_measure: str
    target: str
    actual: str
    percent: str
    assessment: str
    # The same figures as numbers, for Excel.
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    percent_value: Decimal | None
    value_format: str
    # The same period of the year before, where it has approved figures.
    last_year: str = ""
    last_year_value: Decimal | None = None


@dataclass
class IndicatorGroupRows:
    numeral: str
    title: str
    rows: list[IndicatorRow]


@dataclass
class TaskRow:
    code: str
    name: str
    expected_result: str
    deadline: str
    lead: str
    state: str
    result: str
    percent: int | None


@dataclass
class TaskSectionRows:
    numeral: str
    title: str
    rows: list[TaskRow]


@dataclass
class OfficialDocument:
    """What every report of the portal prints in the Decree 30/2020 layout."""

    title: str
    issuer_superior: list[str]
    issuer: list[str]
    number: str
    place_date: str
    summary: str
    addressee: str
    body: list[Block]
    recipients: list[str]
    signature_lines: list[str]
    signer_name: str
    period_phrase: str
    year: int
    attached_to: str


@dataclass
class CommuneDocument(OfficialDocument):
    indicator_groups: list[IndicatorGroupRows]
    task_sections: list[TaskSectionRows]
    # A month, quarter or half year: Phụ lục I judges against the target path to the period.
    on_path: bool = False
    # "Cùng kỳ năm 2024": the title of the column beside "Thực hiện", set where the same period
    # of the year before has approved figures; empty, the column is left out.
    last_year_label: str = ""
    # "5/12 số liệu đã duyệt (41,7%)" verified by the standing office; empty without any.
    verification: str = ""


def verification_text(share: VerificationShare | None) -> str:
    """How many approved figures the standing office verified, as the reports print it; empty
    when the period has no approved figure (nothing to verify)."""
    if share is None or not share.approved:
        return ""
    return (
        f"{share.verified}/{share.approved} số liệu đã duyệt ({number(share.percent, places=1)}%)"
    )


def commune_issuer(commune: Commune) -> list[str]:
    return ["ỦY BAN NHÂN DÂN", f"{commune.get_kind_display_short()} {commune.name}".upper()]


def signature_lines(authority: str, title: str) -> list[str]:
    """Decree 30: "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH", or with "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"."""
    lines = [SigningAuthority.ON_BEHALF.value]
    if authority == SigningAuthority.DEPUTY:
        lines.append(SigningAuthority.DEPUTY.value)
    lines.append((title or "CHỦ TỊCH").upper())
    return lines


def text_paragraphs(text: str) -> list[str]:
    """One paragraph a non-empty line, whitespace tidied, NFC."""
    return [" ".join(line.split()) for line in nfc(text).splitlines() if line.strip()]


def _target_text(result: IndicatorResult) -> str:
    if result.target is not None:
        text = nfc(target_shown(result.target))
    elif result.milestone is not None:
        text = f"— (năm {result.milestone.year}: {nfc(target_shown(result.milestone))})"
    else:
        text = "—"
    standing = result.standing
    if standing is not None and standing.expected is not None:
        # What a month, quarter or half year is judged against: the path to the period.
        places = figure_places(result.indicator.measure_kind)
        text += f"; lộ trình đến kỳ: {number(standing.expected, places=places)}"
    return text


def indicator_row(result: IndicatorResult, last_year: Figure | None = None) -> IndicatorRow:
    """One row of Phụ lục I; `last_year`: the figure of the same period of the year before."""
    indicator, figure, verdict = result.indicator, result.figure, result.verdict
    kind = indicator.measure_kind
    percent = verdict.percent_of_target
    places = figure_places(kind)
    return IndicatorRow(
        code=nfc(indicator.code),
        name=nfc(indicator.name),
        unit_of_measure=nfc(indicator.unit_of_measure),
        target=_target_text(result),
        actual=figure_text(figure, kind),
        percent=number(percent, places=1) if percent is not None else "",
        assessment=(
            TRACK_TEXT[result.standing.track]
            if result.standing is not None
            else ASSESSMENT_TEXT[verdict.assessment]
        ),
        value=figure.value if figure else None,
        numerator=figure.numerator if figure else None,
        denominator=figure.denominator if figure else None,
        percent_value=percent,
        value_format="#,##0" if places == 0 else "#,##0.0",
        last_year=figure_text(last_year, kind) if last_year else "",
        last_year_value=last_year.value if last_year else None,
    )


def indicator_groups(
    results: list[IndicatorResult], last_year: dict[int, Figure] | None = None
) -> list[IndicatorGroupRows]:
    """Phụ lục I by group; `last_year`: the same period of the year before, by indicator id."""
    last_year = last_year or {}
    groups = []
    for group, items in groupby(results, key=lambda result: result.indicator.group):
        groups.append(
            IndicatorGroupRows(
                numeral=nfc(group.numeral),
                title=sentence_case(group.title),
                rows=[
                    indicator_row(result, last_year.get(result.indicator.id)) for result in items
                ],
            )
        )
    return groups


def _lead_text(task) -> str:
    if task.lead_text:
        return nfc(task.lead_text)
    return "; ".join(nfc(unit.short_name) for unit in task.lead_units.all())


def _deadline_text(task, result: TaskResult) -> str:
    """The deadline as printed, and the later date an extension granted (official text: Vietnamese)."""
    printed = nfc(task.deadline_text)
    if result.extended_to is None:
        return printed
    extended = f"đã gia hạn đến {result.extended_to:%d/%m/%Y}"
    return f"{printed} ({extended})" if printed else extended


def task_row(result: TaskResult) -> TaskRow:
    task = result.task
    outcome = nfc(result.result).strip()
    if result.percent is not None and result.state in (TaskState.IN_PROGRESS, TaskState.OVERDUE):
        done = f"đạt {result.percent}%"
        outcome = f"{outcome.rstrip('.')} ({done})." if outcome else f"Đã {done}."
    return TaskRow(
        code=nfc(task.code),
        name=nfc(task.name),
        expected_result=nfc(task.expected_result),
        deadline=_deadline_text(task, result),
        lead=_lead_text(task),
        state=TASK_STATE_TEXT[result.state],
        result=outcome,
        percent=result.percent,
    )


def task_sections(results: list[TaskResult]) -> list[TaskSectionRows]:
    sections = []
    for section, items in groupby(results, key=lambda result: result.task.section):
        sections.append(
            TaskSectionRows(
                numeral=nfc(section.numeral) if section else "",
                title=sentence_case(section.title) if section else "",
                rows=[task_row(result) for result in items],
            )
        )
    return sections


def _listed(lines: list[str]) -> list[Block]:
    """Items one a line, "- …;" and the last "- … ." (as Vietnamese reports list them)."""
    return [
        Block("p", f"- {line}{'.' if index == len(lines) - 1 else ';'}")
        for index, line in enumerate(lines)
    ]


def _names(items: list[IndicatorResult]) -> str:
    return "; ".join(nfc(result.indicator.name) for result in items)


def _path_paragraphs(results: list[IndicatorResult], year: int, phrase: str) -> list[Block]:
    """A month, quarter or half year: each figure against the level the target path asks for by
    the end of the period, not against the year's target (June is not judged on December's
    number), and the report says so; by group, the indicators on the path named, those behind
    it listed one a line with their figure and the level due."""
    total = len(results)
    counts = Counter(result.standing.track for result in results)
    good = counts["achieved"] + counts["on_track"]
    parts = [f"có {good}/{total} chỉ tiêu đạt hoặc đúng tiến độ"]
    for track, words in (
        ("at_risk", "có nguy cơ chậm tiến độ"),
        ("off_track", "chậm tiến độ"),
        ("not_assessable", "không đánh giá (khuyến khích, định tính hoặc chưa đặt kế hoạch)"),
        ("no_data", "chưa có số liệu"),
    ):
        if counts[track]:
            parts.append(f"{counts[track]} chỉ tiêu {words}")
    blocks = [
        Block(
            "p",
            f"Trong tổng số {total} chỉ tiêu của kế hoạch năm {year}, so với mức cần đạt đến hết"
            f" {phrase} theo lộ trình thực hiện kế hoạch (chưa so với chỉ tiêu cả năm), "
            + "; ".join(parts)
            + ". Kết quả từng chỉ tiêu tại Phụ lục I kèm theo Báo cáo này.",
        )
    ]
    groups = indicator_groups(results)
    by_group = [
        list(items) for _group, items in groupby(results, key=lambda r: r.indicator.group_id)
    ]
    for index, (group, items) in enumerate(zip(groups, by_group, strict=True)):
        on_path = [r for r in items if r.standing.track in ("achieved", "on_track")]
        behind = [
            r
            for r in items
            if r.standing.track in ("at_risk", "off_track") and r.standing.expected is not None
        ]
        text = f"{letter(index)}) {group.title}: {len(on_path)}/{len(items)} chỉ tiêu đạt hoặc đúng tiến độ"
        if on_path:
            text += f" ({_names(on_path)})"
        text += "."
        if behind:
            text += f" Có {len(behind)} chỉ tiêu chậm so với mức cần đạt:"
        blocks.append(Block("p", text))
        blocks += _listed(
            [
                f"{nfc(r.indicator.name)}: thực hiện {figure_text(r.figure, r.indicator.measure_kind)},"
                f" cần đạt {number(r.standing.expected, places=figure_places(r.indicator.measure_kind))}"
                for r in behind
            ]
        )
    return blocks


def _indicator_paragraphs(
    results: list[IndicatorResult], year: int, phrase: str = ""
) -> list[Block]:
    total = len(results)
    if not total:
        return [Block("p", f"Kế hoạch năm {year} không đặt chỉ tiêu cho xã.")]
    if all(result.on_path for result in results):
        return _path_paragraphs(results, year, phrase)
    counts = Counter(result.verdict.assessment for result in results)
    parts = [f"có {counts[Assessment.ACHIEVED]}/{total} chỉ tiêu đạt và vượt kế hoạch năm"]
    if counts[Assessment.NOT_ACHIEVED]:
        parts.append(f"{counts[Assessment.NOT_ACHIEVED]} chỉ tiêu chưa đạt")
    if counts[Assessment.NOT_ASSESSED]:
        parts.append(
            f"{counts[Assessment.NOT_ASSESSED]} chỉ tiêu không đánh giá"
            " (khuyến khích, định tính hoặc chưa đặt kế hoạch năm)"
        )
    if counts[Assessment.NO_DATA]:
        parts.append(f"{counts[Assessment.NO_DATA]} chỉ tiêu chưa có số liệu")
    blocks = [
        Block(
            "p",
            f"Trong tổng số {total} chỉ tiêu của kế hoạch năm {year}, " + "; ".join(parts) + "."
            " Kết quả từng chỉ tiêu tại Phụ lục I kèm theo Báo cáo này.",
        )
    ]
    groups = indicator_groups(results)
    by_group = [
        list(items) for _group, items in groupby(results, key=lambda r: r.indicator.group_id)
    ]
    for index, (group, items) in enumerate(zip(groups, by_group, strict=True)):
        achieved = [result for result in items if result.verdict.is_achieved]
        missed = [
            result
            for result in items
            if result.verdict.assessment == Assessment.NOT_ACHIEVED and result.target
        ]
        text = f"{letter(index)}) {group.title}: {len(achieved)}/{len(items)} chỉ tiêu đạt và vượt kế hoạch năm"
        if achieved:
            text += f" ({_names(achieved)})"
        text += "."
        if missed:
            text += f" Có {len(missed)} chỉ tiêu chưa đạt:"
        blocks.append(Block("p", text))
        blocks += _listed(
            [
                f"{nfc(result.indicator.name)}: thực hiện"
                f" {figure_text(result.figure, result.indicator.measure_kind)},"
                f" kế hoạch {nfc(target_shown(result.target))}"
                for result in missed
            ]
        )
    return blocks


def _task_paragraphs(results: list[TaskResult], year: int) -> list[Block]:
    total = len(results)
    if not total:
        return [Block("p", f"Kế hoạch năm {year} không giao nhiệm vụ cho xã.")]
    counts = Counter(result.state for result in results)
    finished = counts[TaskState.DONE] + counts[TaskState.DONE_LATE]
    parts = [f"đã hoàn thành {finished}/{total} nhiệm vụ"]
    if counts[TaskState.DONE_LATE]:
        parts[0] += f" (trong đó {counts[TaskState.DONE_LATE]} nhiệm vụ hoàn thành quá hạn)"
    for state, words in (
        (TaskState.IN_PROGRESS, "đang thực hiện"),
        (TaskState.OVERDUE, "quá hạn chưa hoàn thành"),
        (TaskState.NOT_STARTED, "chưa thực hiện"),
        (TaskState.CANCELLED, "dừng thực hiện"),
    ):
        if counts[state]:
            parts.append(f"{counts[state]} nhiệm vụ {words}")
    blocks = [
        Block(
            "p",
            f"Trong tổng số {total} nhiệm vụ của kế hoạch năm {year}, " + "; ".join(parts) + "."
            " Kết quả từng nhiệm vụ tại Phụ lục II kèm theo Báo cáo này.",
        )
    ]
    sections = [
        list(items) for _section, items in groupby(results, key=lambda r: r.task.section_id)
    ]
    if len(sections) > 1:
        for index, items in enumerate(sections):
            section = items[0].task.section
            title = sentence_case(section.title) if section else "Nhiệm vụ khác"
            done = sum(r.state in (TaskState.DONE, TaskState.DONE_LATE) for r in items)
            overdue = sum(r.state == TaskState.OVERDUE for r in items)
            text = f"{letter(index)}) {title}: hoàn thành {done}/{len(items)} nhiệm vụ"
            if overdue:
                text += f", {overdue} nhiệm vụ quá hạn"
            blocks.append(Block("p", text + "."))
    return blocks


# The kind of document a plan was issued as, by its symbol ("536/QĐ-UBND" is a Decision).
DOCUMENT_KINDS = {"KH": "Kế hoạch", "QĐ": "Quyết định", "CT": "Chỉ thị", "NQ": "Nghị quyết"}


def _window(period) -> str:
    """The period's data window (Decree 09/2019, Article 12), as the report states it."""
    start, end = getattr(period, "window_start", None), getattr(period, "window_end", None)
    if not start or not end:
        return ""
    return f" (số liệu tính từ ngày {date_short(start)} đến ngày {date_short(end)})"


def plan_citation(plan: Plan, commune: Commune) -> str:
    """ "Kế hoạch số 12/KH-UBND ngày 01/3/2025 của UBND xã Điền Thử về phát triển …", or
    "Quyết định số 536/QĐ-UBND … về việc ban hành …": the document cited as what it is, and
    "về" once, whether or not the title starts with it."""
    number = nfc(plan.document_number)
    symbol = number.split("/", 1)[1].split("-", 1)[0] if "/" in number else ""
    kind = DOCUMENT_KINDS.get(symbol.upper()) or DOCUMENT_KINDS.get(
        (plan.document_type or "").upper(), "Kế hoạch"
    )
    title = nfc(plan.title).strip().rstrip(".")
    title = title[:1].lower() + title[1:]
    about = title if title.startswith("về ") else f"về {title}"
    return (
        f"{kind} số {number}"
        + (f" ngày {date_short(plan.issue_date)}" if plan.issue_date else "")
        + f" của UBND {commune.get_kind_display_short().lower()} {commune.name} {about}"
    )


def proposal_lines(proposals, *, with_commune: bool = False) -> list[str]:
    """Each proposal followed (kiến nghị), with whom it went to, and its answer or that it
    awaits one."""
    lines = []
    for proposal in proposals:
        origin = nfc(proposal.origin_label)
        if with_commune:
            origin = f"{nfc(str(proposal.commune))}, {origin}"
        text = nfc(proposal.text).strip().rstrip(".;")
        if proposal.answered_at:
            answer = "trả lời: " + nfc(proposal.answer).strip().rstrip(".;")
        else:
            answer = f"chưa trả lời (hạn {proposal.due_date:%d/%m/%Y})"
        addressee = str(proposal.get_addressee_display())
        lines.append(f"{origin}: {text} (gửi {addressee}; {answer})")
    return lines


def proposal_blocks(proposals, *, with_commune: bool = False) -> list[Block]:
    lines = proposal_lines(proposals, with_commune=with_commune)
    if not lines:
        return []
    return [Block("h3", "Kiến nghị và trả lời"), *_listed(lines)]


def commune_body(
    results: CommuneResults, text, plans: list[Plan], proposals=(), verification: str = ""
) -> list[Block]:
    """The body: results from the data (with the share of approved figures the standing office
    verified, `verification_text`), then the narrative sections that have text, and the
    proposals followed with their answers (`proposals`: `Proposal` rows); "./." last."""
    year = results.period.year
    phrase = period_phrase(results.period.code, title=results.period.title)
    commune = results.commune
    cited = "; ".join(plan_citation(plan, commune) for plan in plans)
    opening = (
        (f"Thực hiện {cited}, " if cited else "Thực hiện các kế hoạch của Ủy ban nhân dân xã, ")
        + f"Ủy ban nhân dân {commune.get_kind_display_short().lower()} báo cáo kết quả {phrase}"
        + _window(results.period)
        + " như sau:"
    )
    blocks = [Block("p", opening), Block("h2", "I. KẾT QUẢ ĐẠT ĐƯỢC")]
    blocks.append(Block("h3", "1. Kết quả thực hiện các chỉ tiêu"))
    blocks += _indicator_paragraphs(results.indicators, year, phrase)
    if verification:
        blocks.append(
            Block("p", f"Cơ quan thường trực đã kiểm chứng {verification} của các đơn vị.")
        )
    blocks.append(Block("h3", "2. Kết quả thực hiện các nhiệm vụ"))
    blocks += _task_paragraphs(results.tasks, year)
    if text_paragraphs(text.results):
        blocks.append(Block("h3", "3. Một số kết quả nổi bật"))
        blocks += [Block("p", line) for line in text_paragraphs(text.results)]
    numeral = 1
    difficulties, causes = text_paragraphs(text.difficulties), text_paragraphs(text.causes)
    if difficulties or causes:
        numeral += 1
        # The heading names what follows it: no "VÀ NGUYÊN NHÂN" over no causes.
        heading = (
            "TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"
            if difficulties and causes
            else ("TỒN TẠI, HẠN CHẾ" if difficulties else "NGUYÊN NHÂN")
        )
        blocks.append(Block("h2", f"{roman(numeral - 1)}. {heading}"))
        if difficulties and causes:
            blocks.append(Block("h3", "1. Tồn tại, hạn chế, khó khăn, vướng mắc"))
        blocks += [Block("p", line) for line in difficulties]
        if difficulties and causes:
            blocks.append(Block("h3", "2. Nguyên nhân"))
        blocks += [Block("p", line) for line in causes]
    for heading, lines in (
        ("PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", text_paragraphs(text.next_tasks)),
        ("ĐỀ XUẤT, KIẾN NGHỊ", text_paragraphs(text.proposals)),
    ):
        if lines or (proposals and heading == "ĐỀ XUẤT, KIẾN NGHỊ"):
            numeral += 1
            blocks.append(Block("h2", f"{roman(numeral - 1)}. {heading}"))
            blocks += [Block("p", line) for line in lines]
    blocks += proposal_blocks(proposals)
    last = blocks[-1]
    last.text = last.text.rstrip(".") + "./."
    return blocks


def commune_document(
    results: CommuneResults,
    text,
    plans: list[Plan],
    *,
    today: date,
    last_year: dict[int, Figure] | None = None,
    proposals=(),
    verification: VerificationShare | None = None,
) -> CommuneDocument:
    """The commune's report; `last_year`: the commune's figures of the same period of the year
    before, by indicator id (`reporting.results.last_year_figures`), printed beside this one's."""
    commune, period = results.commune, results.period
    groups = indicator_groups(results.indicators, last_year)
    has_last_year = any(row.last_year for group in groups for row in group.rows)
    issued_on = text.issued_on
    number = document_number(text.document_number)
    phrase = period_phrase(period.code, title=period.title)
    verified = verification_text(verification)
    return CommuneDocument(
        title=f"Báo cáo {phrase} – {commune}",
        issuer_superior=[],
        issuer=commune_issuer(commune),
        number=number,
        place_date=f"{commune.name}, {date_in_words(issued_on, year=today.year)}",
        summary=nfc(text.summary),
        addressee=nfc(text.addressee).strip().rstrip("."),
        body=commune_body(results, text, plans, proposals, verified),
        recipients=[
            line if line.startswith("-") else f"- {line}"
            for line in text_paragraphs(text.recipients)
        ],
        signature_lines=signature_lines(text.signing_authority, nfc(text.signer_title)),
        signer_name=nfc(text.signer_name),
        period_phrase=phrase,
        year=period.year,
        attached_to=(
            f"(Kèm theo Báo cáo số {number} ngày {date_short(issued_on)}"
            f"{'' if issued_on else str(today.year)}"
            f" của UBND {commune.get_kind_display_short().lower()} {commune.name})"
        ),
        indicator_groups=groups,
        task_sections=task_sections(results.tasks),
        on_path=bool(results.indicators) and all(r.on_path for r in results.indicators),
        last_year_label=f"Cùng kỳ năm {period.year - 1}" if has_last_year else "",
        verification=verified,
    )


# --- The province's consolidated report ------------------------------------------------------

# WeasyPrint lays out about a cell a millisecond and wide tables overflow A4: a group's matrix
# is cut into tables of at most this many indicators (communes down the side).
MATRIX_COLUMNS = 7
# Phụ lục III is printed up to this many cells (communes × indicators: some 70 pages, 6 s of
# layout); a bigger province's travels inside the PDF as the report's Excel, where it can be
# sorted and filtered (OFFICIAL_FORMAT: "offer Excel for very large appendices"). Printed, the
# 168 communes × 62 indicators of Hồ Chí Minh took 151 pages and 13.9 s.
MATRIX_PRINT_LIMIT = 5000
ACHIEVED_MARK, NOT_ACHIEVED_MARK = "●", "○"


@dataclass
class MatrixCell:
    text: str
    mark: str
    value: Decimal | None
    achieved: bool | None
    target: str = ""  # the commune's own target, when the communes' targets differ


@dataclass
class MatrixTable:
    group: str
    indicators: list[ConsolidatedRow]
    headers: list[str]
    rows: list[tuple[str, list[MatrixCell]]]  # commune name, cells
    totals: list[str]

    @property
    def span(self) -> int:
        return 1 + len(self.headers)

    @property
    def is_long(self) -> bool:
        """Too long to keep on one page with others: it starts a page of its own."""
        return len(self.rows) > 25


@dataclass
class ConsolidatedValue:
    code: str
    name: str
    unit_of_measure: str
    value: str
    ab: str
    communes: str
    achieved: str
    row: ConsolidatedRow
    last_year: str = ""  # the value of the same period of the year before, where it has one


@dataclass
class StandingRow:
    rank: int
    commune: str
    period_opened: bool
    units_expected: int
    on_time: int
    late: int
    missing: int
    indicators: str
    tasks: str
    standing: object
    verification: str = ""  # "5/12 (41,7%)": approved figures verified; empty without any
    verification_share: VerificationShare = field(default_factory=VerificationShare)


@dataclass
class ProvinceDocument(OfficialDocument):
    standings: list[StandingRow]
    values: list[tuple[str, list[ConsolidatedValue]]]  # by indicator group
    consolidation: ProvinceConsolidation
    groups: list[tuple[str, list[ConsolidatedRow]]] = field(default_factory=list)
    communes: list[Commune] = field(default_factory=list)
    # "Cùng kỳ năm 2024" where the same period of the year before has a province value (the
    # column beside "Giá trị toàn tỉnh"); empty, the column is left out.
    last_year_label: str = ""
    verification: str = ""  # the whole province's, as `verification_text` prints it

    @property
    def task_rows(self) -> list[tuple[str, int, int, int, int]]:
        """Phụ lục IV: each commune's tasks: total, done on time, overdue, the others."""
        return [
            (
                row.commune,
                row.standing.tasks_total,
                row.standing.tasks_done_on_time,
                row.standing.tasks_overdue,
                row.standing.tasks_total
                - row.standing.tasks_done_on_time
                - row.standing.tasks_overdue,
            )
            for row in self.standings
            if row.standing.tasks_total
        ]

    @property
    def matrix_cells(self) -> int:
        return len(self.communes) * sum(len(rows) for _group, rows in self.groups)

    @property
    def matrix_printed(self) -> bool:
        """Phụ lục III printed in the PDF; otherwise the PDF carries it as Excel."""
        return self.matrix_cells <= MATRIX_PRINT_LIMIT

    @property
    def matrix_file(self) -> str:
        """The name of the Excel the PDF carries when Phụ lục III is not printed."""
        consolidation = self.consolidation
        return report_filename(
            f"tinh-{consolidation.province.code}", consolidation.period_code, "xlsx"
        )

    @property
    def matrix_attached_text(self) -> str:
        """What Phụ lục III says in its place when the PDF carries it as Excel."""
        return (
            f"Kết quả {len(self.consolidation.rows)} chỉ tiêu của {len(self.communes)} xã, phường"
            f" ({number(self.matrix_cells, places=0)} ô số liệu) quá lớn để in trong báo cáo này:"
            " bảng được đính kèm trong chính tệp PDF, dưới dạng bảng tính Excel"
            f" «{self.matrix_file}» (từ trang tính «Nhóm 1»: các xã theo hàng, các chỉ tiêu theo"
            " cột), mở tại mục tệp đính kèm của phần mềm đọc PDF. Tệp đính kèm được ký số cùng"
            " báo cáo."
        )

    @cached_property
    def matrices(self) -> list[MatrixTable]:
        """Only the PDF prints them (the Excel writes the figures as numbers): built on demand."""
        return province_matrices(self.consolidation)


def _cell_text(cell, measure_kind: str) -> MatrixCell:
    if cell is None:
        return MatrixCell("", "", None, None)
    figure = cell.figure
    if figure is None:
        text = ""
    elif measure_kind == MeasureKind.MILESTONE or figure.is_done is not None:
        text = "" if figure.is_done is None else ("HT" if figure.is_done else "Chưa")
    elif figure.value is None:
        text = "Có" if figure.text else ""
    else:
        text = number(figure.value, places=figure_places(measure_kind))
    mark = {Assessment.ACHIEVED: ACHIEVED_MARK, Assessment.NOT_ACHIEVED: NOT_ACHIEVED_MARK}.get(
        cell.verdict.assessment, ""
    )
    return MatrixCell(
        text, mark, figure.value if figure else None, cell.verdict.is_achieved or None
    )


def consolidated_value_text(row: ConsolidatedRow) -> tuple[str, str]:
    return _value_text(row.indicator.measure_kind, row.value, row.numerator, row.denominator)


def _value_text(kind: str, value, numerator, denominator) -> tuple[str, str]:
    """A province value as printed, and its "Σa/Σb" for a ratio."""
    if value is None:
        return "", ""
    if kind == MeasureKind.MILESTONE:
        return f"{number(value)}/{number(denominator)} xã hoàn thành", ""
    shown = number(value, places=figure_places(kind))
    if numerator is not None and denominator:
        return shown, f"{number(numerator)}/{number(denominator)}"
    return shown, ""


def _total_text(row: ConsolidatedRow) -> str:
    value = consolidated_value_text(row)[0]
    if row.indicator.measure_kind == MeasureKind.MILESTONE and row.value is not None:
        value = f"{number(row.value)}/{number(row.denominator)} HT"
    achieved = (
        f"đạt {row.communes_achieved}/{row.communes_assessed}" if row.communes_assessed else ""
    )
    return " · ".join(part for part in (value, achieved) if part)


def province_matrices(consolidation: ProvinceConsolidation) -> list[MatrixTable]:
    communes = consolidation.communes
    tables = []
    for group, rows in consolidation.groups():
        for start in range(0, len(rows), MATRIX_COLUMNS):
            chunk = rows[start : start + MATRIX_COLUMNS]
            # A target common to every commune goes in the header; otherwise in each cell.
            shared = []
            for row in chunk:
                texts = {
                    nfc(target_shown(c.target)) for c in row.cells.values() if c.target is not None
                }
                shared.append(texts.pop() if len(texts) == 1 else None)
            table_rows = []
            for commune in communes:
                cells, commune_id = [], commune.pk
                for row, common in zip(chunk, shared, strict=True):
                    cell = row.cells.get(commune_id)
                    shown = _cell_text(cell, row.indicator.measure_kind)
                    if common is None and cell is not None and cell.target is not None:
                        shown.target = nfc(target_shown(cell.target))
                    cells.append(shown)
                table_rows.append((nfc(commune.name), cells))
            tables.append(
                MatrixTable(
                    group=sentence_case(group),
                    indicators=chunk,
                    headers=[
                        f"{nfc(row.indicator.code)}. {nfc(row.indicator.name)}"
                        + (
                            f" ({nfc(row.indicator.unit_of_measure)})"
                            if row.indicator.unit_of_measure
                            else ""
                        )
                        + (f" – KH: {common}" if common else "")
                        for row, common in zip(chunk, shared, strict=True)
                    ],
                    rows=table_rows,
                    totals=[_total_text(row) for row in chunk],
                )
            )
    return tables


def province_values(
    consolidation: ProvinceConsolidation,
) -> list[tuple[str, list[ConsolidatedValue]]]:
    return [
        (sentence_case(group), [consolidated_value(row) for row in rows])
        for group, rows in consolidation.groups()
    ]


def consolidated_value(row: ConsolidatedRow) -> ConsolidatedValue:
    value, ab = consolidated_value_text(row)
    return ConsolidatedValue(
        code=nfc(row.indicator.code),
        name=nfc(row.indicator.name),
        unit_of_measure=nfc(row.indicator.unit_of_measure),
        value=value,
        ab=ab,
        communes=f"{row.communes_reporting}/{len(row.cells)}" if row.cells else "",
        achieved=f"{row.communes_achieved}/{row.communes_assessed}"
        if row.communes_assessed
        else "",
        row=row,
        last_year=_value_text(
            row.indicator.measure_kind,
            row.last_year_value,
            row.last_year_numerator,
            row.last_year_denominator,
        )[0],
    )


def _share_cell(share: VerificationShare) -> str:
    if not share.approved:
        return ""
    return f"{share.verified}/{share.approved} ({number(share.percent, places=1)}%)"


def province_standings(
    consolidation: ProvinceConsolidation, shares: dict[int, VerificationShare] | None = None
) -> list[StandingRow]:
    """Phụ lục I's rows; `shares`: each commune's approved figures verified, by commune id."""
    shares = shares or {}
    return [
        StandingRow(
            rank=standing.rank,
            commune=nfc(str(standing.commune)),
            period_opened=standing.period is not None,
            units_expected=standing.units_expected,
            on_time=standing.on_time,
            late=standing.late,
            missing=standing.missing,
            indicators=f"{standing.indicators_achieved}/{standing.indicators_assessed}",
            tasks=f"{standing.tasks_done_on_time}/{standing.tasks_total}",
            standing=standing,
            verification=_share_cell(shares.get(standing.commune.pk, VerificationShare())),
            verification_share=shares.get(standing.commune.pk, VerificationShare()),
        )
        for standing in consolidation.standings
    ]


def province_issuer(province: Province) -> tuple[list[str], list[str]]:
    return [f"UBND TỈNH {province.name.upper()}"], ["SỞ KHOA HỌC VÀ CÔNG NGHỆ"]


def _province_values_paragraphs(consolidation: ProvinceConsolidation) -> list[Block]:
    """The province's values in the body, by group: each indicator with a value, with Σa/Σb
    for a ratio and how many communes reached their target."""
    blocks = []
    for index, (group, rows) in enumerate(consolidation.groups()):
        lines = []
        for row in rows:
            value, ab = consolidated_value_text(row)
            if not value:
                continue
            unit = nfc(row.indicator.unit_of_measure)
            text = f"{nfc(row.indicator.name)}: {value}" + (
                f" {unit}" if unit and unit != "%" else ""
            )
            if unit == "%":
                text += "%"
            if ab:
                text += f" ({ab})"
            if row.communes_assessed:
                text += f", {row.communes_achieved}/{row.communes_assessed} xã đạt kế hoạch"
            lines.append(text)
        reported = len(lines)
        blocks.append(
            Block(
                "p",
                f"{letter(index)}) {sentence_case(group)}: {reported}/{len(rows)} chỉ tiêu có số liệu"
                + (":" if lines else "."),
            )
        )
        blocks += _listed(lines)
    return blocks


def _late_and_missing(standings) -> list[str]:
    """The communes whose units reported late or not at all, each with its counts and the
    units named."""
    lines = []
    for standing in standings:
        if standing.period is None or not (standing.late or standing.missing):
            continue
        parts = []
        if standing.late:
            parts.append(f"{standing.late} báo cáo trễ hạn ({_unit_names(standing.late_units)})")
        if standing.missing:
            parts.append(
                f"{standing.missing} báo cáo chưa gửi ({_unit_names(standing.missing_units)})"
            )
        lines.append(f"{nfc(str(standing.commune))}: " + "; ".join(parts))
    return lines


def _unit_names(names: list[str]) -> str:
    return ", ".join(nfc(name) for name in names)


def _narrative_sections(text, numeral: int, proposals=()) -> list[Block]:
    """The communes' narrative, compiled and edited by the officer, under its headings; the
    proposals addressed to the province, with their answers, under "KIẾN NGHỊ, ĐỀ XUẤT"."""
    blocks = []
    for heading, name in (
        ("KẾT QUẢ NỔI BẬT CỦA CÁC XÃ, PHƯỜNG", "results"),
        ("TỒN TẠI, HẠN CHẾ", "difficulties"),
        ("NGUYÊN NHÂN", "causes"),
        ("PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", "next_tasks"),
        ("KIẾN NGHỊ, ĐỀ XUẤT", "proposals"),
    ):
        lines = text_paragraphs(getattr(text, name, "") or "")
        if lines or (proposals and name == "proposals"):
            numeral += 1
            blocks.append(Block("h2", f"{roman(numeral - 1)}. {heading}"))
            blocks += [Block("p", line) for line in lines]
    return blocks + proposal_blocks(proposals, with_commune=True)


def province_body(
    consolidation: ProvinceConsolidation, narrative=None, proposals=(), verification: str = ""
) -> list[Block]:
    standings = consolidation.standings
    phrase = period_phrase(consolidation.period_code)
    total = len(standings)
    communes_all_in = sum(1 for s in standings if s.period and s.units_expected and not s.missing)
    on_time = sum(s.on_time for s in standings)
    late = sum(s.late for s in standings)
    missing = sum(s.missing for s in standings)
    expected = sum(s.units_expected for s in standings)
    not_opened = sum(1 for s in standings if s.period is None)
    blocks = [
        Block(
            "p",
            f"Sở Khoa học và Công nghệ tổng hợp kết quả thực hiện các chỉ tiêu, nhiệm vụ phát triển"
            f" khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số {phrase} của {total} xã,"
            f" phường trên địa bàn tỉnh {consolidation.province.name} như sau:",
        ),
        Block("h2", "I. TÌNH HÌNH BÁO CÁO CỦA CÁC XÃ, PHƯỜNG"),
        Block(
            "p",
            f"Có {communes_all_in}/{total} xã, phường đã nhận đủ báo cáo của các đơn vị."
            f" Tổng số {expected} báo cáo đơn vị phải gửi: {on_time} báo cáo đúng hạn,"
            f" {late} báo cáo trễ hạn, {missing} báo cáo chưa gửi"
            + (f"; {not_opened} xã, phường chưa mở kỳ báo cáo này" if not_opened else "")
            + ". Chi tiết tại Phụ lục I.",
        ),
    ]
    late_or_missing = _late_and_missing(standings)
    if late_or_missing:
        blocks.append(Block("p", "Các xã, phường có đơn vị báo cáo trễ hạn hoặc chưa gửi:"))
        blocks += _listed(late_or_missing)
    blocks.append(Block("h2", "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"))
    rows = consolidation.rows
    reported = [row for row in rows if row.communes_reporting]
    blocks.append(
        Block(
            "p",
            f"Bộ chỉ tiêu của tỉnh có {len(rows)} chỉ tiêu; {len(reported)} chỉ tiêu đã có số liệu"
            " của ít nhất một xã. Giá trị toàn tỉnh của chỉ tiêu tỷ lệ tính bằng tổng tử số trên"
            " tổng mẫu số của các xã (không lấy bình quân các tỷ lệ); chỉ tiêu đếm được cộng dồn;"
            " chỉ tiêu trên 01 vạn dân tính bằng tổng số lượng trên tổng dân số; chỉ tiêu mốc"
            " hoàn thành tính số xã đã hoàn thành. Chi tiết tại Phụ lục II và Phụ lục III.",
        )
    )
    blocks += _province_values_paragraphs(consolidation)
    if verification:
        blocks.append(
            Block(
                "p",
                f"Cơ quan thường trực các xã, phường đã kiểm chứng {verification} của các"
                " đơn vị; từng xã, phường tại Phụ lục I.",
            )
        )
    blocks.append(Block("h2", "III. XẾP HẠNG CÁC XÃ, PHƯỜNG"))
    ranked = [s for s in standings if s.has_plan and (s.indicators_assessed or s.tasks_total)]
    best = ", ".join(nfc(str(s.commune)) for s in ranked if s.rank == 1) if ranked else ""
    measure = (
        "tỷ lệ chỉ tiêu đạt kế hoạch năm"
        if consolidation.kind == "year"
        else f"tỷ lệ chỉ tiêu đạt hoặc đúng tiến độ so với lộ trình đến hết {phrase}"
    )
    text = (
        f"Các xã, phường có kế hoạch đang có hiệu lực được xếp hạng theo {measure}, sau đó theo"
        " tỷ lệ nhiệm vụ hoàn thành đúng hạn (Phụ lục I; nhiệm vụ của từng xã, phường tại Phụ lục IV)."
    )
    if best:
        text += f" Dẫn đầu: {best}."
    apart = [nfc(str(s.commune)) for s in standings if not s.has_plan]
    if apart:
        text += " Không xếp hạng (không có kế hoạch đang có hiệu lực): " + ", ".join(apart) + "."
    blocks.append(Block("p", text))
    if narrative is not None or proposals:
        blocks += _narrative_sections(narrative, 3, proposals)  # after I–III
    blocks[-1].text = blocks[-1].text.rstrip(".") + "./."
    return blocks


def province_document(
    consolidation: ProvinceConsolidation,
    *,
    today: date,
    text=None,
    proposals=(),
    verification: dict[int, VerificationShare] | None = None,
) -> ProvinceDocument:
    """The consolidated report; `text` (a `ProvinceReportText`) gives its number, date,
    addressee, recipients, signer and the narrative compiled from the communes;
    `verification`: each commune's approved figures verified, by commune id."""
    superior, issuer = province_issuer(consolidation.province)
    phrase = period_phrase(consolidation.period_code)
    values = province_values(consolidation)
    issued_on = text.issued_on if text is not None else today
    number = document_number(text.document_number if text is not None else "", "BC-SKHCN")
    province = consolidation.province.name
    recipients = text_paragraphs(text.recipients) if text is not None else ["Như trên;", "Lưu: VT."]
    lines = ["KT. GIÁM ĐỐC"] if text is not None and text.deputy else []
    lines.append(
        nfc(text.signer_title).upper() if text is not None and text.signer_title else "GIÁM ĐỐC"
    )
    standings = province_standings(consolidation, verification)
    shares = [row.verification_share for row in standings]
    verified = verification_text(
        VerificationShare(
            approved=sum(share.approved for share in shares),
            verified=sum(share.verified for share in shares),
        )
    )
    return ProvinceDocument(
        title=f"Tổng hợp {phrase} – tỉnh {province}",
        issuer_superior=superior,
        issuer=issuer,
        number=number,
        place_date=f"{province}, {date_in_words(issued_on, year=today.year)}",
        summary=(
            "Tổng hợp kết quả thực hiện chỉ tiêu, nhiệm vụ phát triển khoa học, công nghệ,"
            f" đổi mới sáng tạo và chuyển đổi số của các xã, phường {phrase}"
        ),
        addressee=(
            nfc(text.addressee).strip().rstrip(".")
            if text is not None
            else f"Ủy ban nhân dân tỉnh {province}"
        ),
        body=province_body(consolidation, text, proposals, verified),
        recipients=[line if line.startswith("-") else f"- {line}" for line in recipients],
        signature_lines=lines,
        signer_name=nfc(text.signer_name) if text is not None else "",
        period_phrase=phrase,
        year=consolidation.year,
        attached_to=(
            f"(Kèm theo Báo cáo số {number} ngày {date_short(issued_on)}"
            f"{'' if issued_on else str(today.year)})"
        ),
        standings=standings,
        verification=verified,
        values=values,
        last_year_label=(
            f"Cùng kỳ năm {consolidation.year - 1}"
            if any(item.last_year for _group, items in values for item in items)
            else ""
        ),
        consolidation=consolidation,
        groups=consolidation.groups(),
        communes=consolidation.communes,
    )


# --- Notes under the appendix tables (PDF and Word print the same words) ----------------------


def indicator_legend(doc: CommuneDocument) -> str:
    text = (
        "Ghi chú: số liệu tổng hợp từ báo cáo đã được duyệt của các đơn vị; chỉ tiêu tỷ lệ ghi"
        ' kèm (tử số/mẫu số). "Không đánh giá": chỉ tiêu khuyến khích, định tính hoặc chưa đặt'
        f" kế hoạch năm {doc.year}."
    )
    if doc.on_path:
        text += (
            f" Đánh giá so với lộ trình thực hiện kế hoạch đến hết {doc.period_phrase} (giữa hai"
            " mốc chỉ tiêu, lộ trình tăng đều theo thời gian), chưa so với chỉ tiêu cả năm:"
            ' "Đúng tiến độ" khi thấp hơn lộ trình không quá 5%, "Có nguy cơ chậm" khi không'
            ' quá 15%, "Chậm tiến độ" khi thấp hơn nữa.'
        )
    return text


def matrix_legend(doc: ProvinceDocument) -> str:
    if doc.consolidation.kind == "year":
        text = (
            "Số liệu thực hiện so với kế hoạch năm của từng xã (KH: kế hoạch, ghi ở đầu cột khi"
            f" các xã cùng một kế hoạch). {ACHIEVED_MARK} đạt kế hoạch năm; {NOT_ACHIEVED_MARK}"
            " chưa đạt;"
        )
    else:
        text = (
            "Số liệu thực hiện của từng xã, đánh giá so với lộ trình thực hiện kế hoạch đến hết"
            f" {doc.period_phrase}, chưa so với chỉ tiêu cả năm (KH: kế hoạch năm, ghi ở đầu cột"
            f" khi các xã cùng một kế hoạch). {ACHIEVED_MARK} đạt hoặc đúng tiến độ;"
            f" {NOT_ACHIEVED_MARK} chậm so với lộ trình;"
        )
    return text + " không ký hiệu: không đánh giá hoặc chưa có số liệu. HT: hoàn thành."
