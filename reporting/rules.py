"""The rules of a unit's figures, in one place.

The browser form (and its autosave), the API and the services all call these functions, so
what one refuses every other refuses too. Each takes the indicator and the raw or parsed
inputs and returns problems keyed by field — "value", "numerator", "denominator", "is_done",
"text", "outlier_confirmed" — each a list of translated messages; nothing here writes.

- bounds by measure kind: no negatives; a share (%, % of the budget, % of GRDP) is at most 100,
  its a at most its b; b is never 0;
- counts are whole numbers;
- the column's precision: `IndicatorValue`'s max_digits and decimal_places (16 digits before
  the decimal comma, 4 after);
- what a submit requires: every figure and task the unit leads filled in, every stored figure
  valid, every unusual figure confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communes.numbers import (
    NumberParseError,
    decimal_digits,
    decimal_format_vi,
    decimal_parse_vi,
)
from indicators.models import Indicator, MeasureKind
from indicators.targets import SHARE_KINDS
from reporting.models import EVIDENCE_MAX_BYTES, IndicatorValue
from reporting.selectors import UnitReport, indicator_figure

_COLUMN = IndicatorValue._meta.get_field("value")
MAX_DECIMALS = _COLUMN.decimal_places
MAX_WHOLE_DIGITS = _COLUMN.max_digits - _COLUMN.decimal_places

BOUNDED_KINDS = SHARE_KINDS
WHOLE_KINDS = frozenset({MeasureKind.COUNT})
NUMBER_FIELDS = ("value", "numerator", "denominator")
# A value outside [min / OUTLIER_FACTOR, max × OUTLIER_FACTOR] of the unit's own approved history is
# worth a second look (DHIS2's min-max check); the person confirms it, it is never refused.
OUTLIER_FACTOR = Decimal(2)
_SHOWN = Decimal("0.01")


class FiguresRefused(ValueError):
    """Figures the rules refuse. `problems`: {indicator id: {field: [messages]}}."""

    def __init__(self, problems: dict[int, dict[str, list[str]]]):
        self.problems = problems
        super().__init__(
            _("Some figures break the rules and were not saved: %(problems)s")
            % {
                "problems": " ".join(
                    m for fields in problems.values() for ms in fields.values() for m in ms
                )
            }
        )


@dataclass(frozen=True)
class SubmitProblem:
    """One thing a submit still needs: the input it is about (`anchor`, the input's name, whose
    element id is "id_" + anchor), what it names (code and name) and why."""

    anchor: str
    code: str
    name: str
    message: str
    is_task: bool = False

    @property
    def what(self) -> str:
        """ "Chỉ tiêu 5" or "Nhiệm vụ 3": indicators and tasks are numbered apart."""
        return f"{_('Task') if self.is_task else _('Indicator')} {self.code}"


class SubmitRefused(ValueError):
    """What stops a report from being submitted; `problems` as `submit_problems` returns them,
    `items` as `submit_problem_list` (one line each, to link to its field)."""

    def __init__(
        self,
        problems: dict[str, dict[int, dict[str, list[str]]]],
        items: list[SubmitProblem] | None = None,
    ):
        self.problems = problems
        self.items = items or []
        super().__init__(submit_refusal_message(self.items))


def submit_refusal_message(items: list[SubmitProblem]) -> str:
    """The one sentence every client gives for a refused submit, naming what is missing."""
    if not items:
        return _("The report cannot be submitted yet: complete or correct the entries marked.")
    return ngettext(
        "The report cannot be submitted yet: %(count)s entry to complete or correct: %(items)s.",
        "The report cannot be submitted yet: %(count)s entries to complete or correct: %(items)s.",
        len(items),
    ) % {
        "count": len(items),
        "items": "; ".join(f"{item.what} {item.name} — {item.message}" for item in items),
    }


def accepted_fields(indicator: Indicator) -> tuple[str, ...]:
    """The fields a figure of this indicator is entered in."""
    if indicator.is_ratio:
        return ("numerator", "denominator")
    if indicator.measure_kind == MeasureKind.MILESTONE:
        return ("is_done",)
    if indicator.measure_kind == MeasureKind.TEXT:
        return ("text",)
    return ("value",)


def number_problems(indicator: Indicator, name: str, number: Decimal) -> list[str]:
    """The rules one number breaks on its own: precision, sign, whole counts, shares ≤ 100."""
    if not isinstance(number, Decimal) or not number.is_finite():
        return [_("Enter a number.")]
    whole, decimals = decimal_digits(number)
    problems = []
    if whole > MAX_WHOLE_DIGITS:
        problems.append(
            _("Too long: a figure has at most %(digits)s digits before the decimal comma.")
            % {"digits": MAX_WHOLE_DIGITS}
        )
    if decimals > MAX_DECIMALS:
        problems.append(
            _("At most %(places)s decimal places (digits after the decimal comma).")
            % {"places": MAX_DECIMALS}
        )
    if number < 0:
        problems.append(_("The value must be at least %(minimum)s.") % {"minimum": 0})
    if problems:
        return problems
    if name == "value" and indicator.measure_kind in WHOLE_KINDS and decimals:
        problems.append(_("A count is a whole number: enter it without decimals."))
    if name == "value" and indicator.measure_kind in BOUNDED_KINDS and number > 100:
        problems.append(_("A percentage cannot be above 100."))
    return problems


def figure_text_parse(
    indicator: Indicator, name: str, text: str
) -> tuple[Decimal | None, list[str]]:
    """A number typed the Vietnamese way ("1.250", "35,4", "87,5%") → (number, problems)."""
    if not (text or "").strip():
        return None, []
    allow_percent = name == "value" and indicator.measure_kind in BOUNDED_KINDS
    try:
        number = decimal_parse_vi(text, allow_percent=allow_percent)
    except NumberParseError as exc:
        return None, [str(exc)]
    problems = number_problems(indicator, name, number)
    return (None, problems) if problems else (number, [])


def value_problems(indicator: Indicator, fields: dict) -> dict[str, list[str]]:
    """The rules a figure breaks, on its fields as they will be stored (None: empty)."""
    problems: dict[str, list[str]] = {}
    accepted = accepted_fields(indicator)
    for name, given in fields.items():
        known = name in (*NUMBER_FIELDS, "is_done", "text")
        if known and name not in accepted and given not in (None, ""):
            problems[name] = [
                _("This indicator does not take «%(field)s»: send %(expected)s.")
                % {"field": name, "expected": " + ".join(accepted)}
            ]
    for name in NUMBER_FIELDS:
        if name in accepted and fields.get(name) is not None:
            found = number_problems(indicator, name, fields[name])
            if found:
                problems[name] = found
    if problems or not indicator.is_ratio:
        return problems
    a, b = fields.get("numerator"), fields.get("denominator")
    if b is not None and b == 0:
        problems["denominator"] = [_("The denominator (b) cannot be 0.")]
    elif a is not None and b is not None and a > b and indicator.measure_kind in BOUNDED_KINDS:
        problems["numerator"] = [
            _("The numerator (a = %(a)s) cannot be greater than the denominator (b = %(b)s).")
            % {"a": decimal_format_vi(a), "b": decimal_format_vi(b)}
        ]
    elif (a is None) != (b is None):
        missing = "denominator" if b is None else "numerator"
        problems[missing] = [_("Enter both a and b: the portal computes the ratio.")]
    return problems


def raw_figure(row: IndicatorValue, name: str) -> str | None:
    """The stored text of a number the column could not hold (read as None), if any."""
    if getattr(row, name) is not None:
        return None
    raw = getattr(row, f"{name}_raw", None)
    return None if raw in (None, "") else str(raw)


def raw_figure_text(raw: str) -> str:
    """A stored number the column cannot hold, written back as someone would type it."""
    try:
        number = Decimal(raw)
    except ArithmeticError:
        return raw
    return decimal_format_vi(number) if number.is_finite() else raw


def stored_rule_problems(indicator: Indicator, row: IndicatorValue | None) -> dict[str, list[str]]:
    """The rules a stored figure breaks (read with `selectors.values_read`, so that a number the
    column could not hold is seen too)."""
    if row is None:
        return {}
    problems: dict[str, list[str]] = {}
    for name in NUMBER_FIELDS:
        if raw_figure(row, name) is not None:
            problems[name] = [
                _("Too long: a figure has at most %(digits)s digits before the decimal comma.")
                % {"digits": MAX_WHOLE_DIGITS}
            ]
    if problems:
        return problems
    fields = {name: getattr(row, name) for name in (*NUMBER_FIELDS, "is_done", "text")}
    return value_problems(indicator, fields)


def stored_problems(indicator: Indicator, row: IndicatorValue | None) -> dict[str, list[str]]:
    """`stored_rule_problems`, each message saying that it is the stored value."""
    return {
        name: [
            _("The stored value is invalid: %(problem)s Enter it again.") % {"problem": message}
            for message in messages
        ]
        for name, messages in stored_rule_problems(indicator, row).items()
    }


def stored_text(row: IndicatorValue, name: str) -> str:
    """A stored number written as someone would type it (its raw text if the column could not
    hold it), for the form's kept input."""
    raw = raw_figure(row, name)
    if raw is not None:
        return raw_figure_text(raw)
    number = getattr(row, name)
    return "" if number is None else decimal_format_vi(number)


INPUT_SUFFIXES = {
    "value": "value",
    "numerator": "a",
    "denominator": "b",
    "is_done": "done",
    "text": "text",
    "outlier_confirmed": "confirm",
}


def input_name(indicator_pk: int, field: str) -> str:
    """The browser's input for a figure's field, as the kept input (`pending_inputs`) names it
    ("numerator" → "ind_8_a")."""
    return f"ind_{indicator_pk}_{INPUT_SUFFIXES[field]}"


def outlier_warning(figure: Decimal | None, history: list[Decimal]) -> str | None:
    """A figure far from the unit's approved history, to be confirmed; None when it is not."""
    if figure is None or not history:
        return None
    low, high = min(history), max(history)
    if low / OUTLIER_FACTOR <= figure <= high * OUTLIER_FACTOR:
        return None
    return _(
        "%(value)s is far from this unit's earlier figures (%(low)s to %(high)s). Check it, and tick the box to confirm it."
    ) % {
        "value": decimal_format_vi(figure.quantize(_SHOWN)),
        "low": decimal_format_vi(low.quantize(_SHOWN)),
        "high": decimal_format_vi(high.quantize(_SHOWN)),
    }


def submit_problems(report: UnitReport) -> dict[str, dict[int, dict[str, list[str]]]]:
    """What stops the report from being submitted, on what is stored:
    {"values": {indicator id: {field: [messages]}}, "progress": {task id: {field: [messages]}}}."""
    required = _("Required before the report can be submitted.")
    values: dict[int, dict[str, list[str]]] = {}
    for item in report.indicators:
        indicator, row = item.indicator, item.value
        found = stored_problems(indicator, row)
        if found:
            values[indicator.pk] = found
            continue
        if row is None or row.is_empty:
            if item.role == "lead":
                values[indicator.pk] = {accepted_fields(indicator)[0]: [required]}
            continue
        if not row.outlier_confirmed:
            row.indicator = indicator  # already fetched: the figure needs its kind
            warning = outlier_warning(indicator_figure(row), item.history)
            if warning:
                values[indicator.pk] = {"outlier_confirmed": [warning]}
    progress = {
        item.task.pk: {"status": [required]}
        for item in report.tasks
        if item.role == "lead" and not (item.progress and item.progress.status)
    }
    problems = {}
    if values:
        problems["values"] = values
    if progress:
        problems["progress"] = progress
    return problems


def submit_problem_list(
    report: UnitReport, problems: dict[str, dict[int, dict[str, list[str]]]]
) -> list[SubmitProblem]:
    """`submit_problems` as lines in the report's order, each naming its indicator or task and
    the input to go to."""
    items = []
    values, progress = problems.get("values", {}), problems.get("progress", {})
    for item in report.indicators:
        indicator = item.indicator
        for field, messages in values.get(indicator.pk, {}).items():
            if field not in INPUT_SUFFIXES:
                field = accepted_fields(indicator)[0]
            for message in messages:
                items.append(
                    SubmitProblem(
                        input_name(indicator.pk, field), indicator.code, indicator.name, message
                    )
                )
    for item in report.tasks:
        task = item.task
        for field, messages in progress.get(task.pk, {}).items():
            for message in messages:
                items.append(
                    SubmitProblem(f"task_{task.pk}_{field}", task.code, task.name, message, True)
                )
    return items


# What an evidence file's first bytes must be for its extension: a renamed program or page is
# refused whatever its name says. Office Open XML and OpenDocument files are zip archives.
_PDF, _PNG, _JPEG = b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"
_OLE, _ZIP = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04"
EVIDENCE_SIGNATURES = {
    "pdf": _PDF,
    "png": _PNG,
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "doc": _OLE,
    "xls": _OLE,
    "docx": _ZIP,
    "xlsx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
}
# The member that makes a zip a Word or Excel file, or an OpenDocument one.
_ZIP_MEMBERS = {"docx": "word/", "xlsx": "xl/", "odt": "mimetype", "ods": "mimetype"}


def evidence_file_problem(upload) -> str | None:
    """Why an uploaded evidence file is refused (type, size, content), or None."""
    import zipfile

    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EVIDENCE_SIGNATURES:
        return _("«%(name)s» is not an accepted file type. Accepted: %(types)s.") % {
            "name": name,
            "types": ", ".join(EVIDENCE_SIGNATURES),
        }
    if upload.size > EVIDENCE_MAX_BYTES:
        return _("«%(name)s» is larger than %(limit)s MB.") % {
            "name": name,
            "limit": EVIDENCE_MAX_BYTES // (1024 * 1024),
        }
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    content_matches = head.startswith(EVIDENCE_SIGNATURES[extension])
    if content_matches and extension in _ZIP_MEMBERS:
        try:
            with zipfile.ZipFile(upload) as archive:
                member = _ZIP_MEMBERS[extension]
                content_matches = any(entry.startswith(member) for entry in archive.namelist())
        except zipfile.BadZipFile:
            content_matches = False
        upload.seek(0)
    if not content_matches:
        return _(
            "«%(name)s» is not really a %(type)s file (its content does not match its name): "
            "attach the document itself."
        ) % {"name": name, "type": extension.upper()}
    return None
