"""Task deadlines as plans print them: "Tháng 7/2025", "Quý IV/2025", "Hàng năm", "2025-2030"...

The printed text stays the source of truth; ParsedDeadline is what schedules and overdue checks
read. Text that is not understood is kept and flagged (UNPARSED), never rejected.
"""

import calendar
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    DATE = "date", _("due date")  # "Tháng 7/2025", "Quý IV/2025", "Năm 2026"
    YEARLY = "yearly", _("every year")  # "Hàng năm", "Hằng năm", "Tháng 11 năm trước"
    CONTINUOUS = "continuous", _("continuous")  # "Thường xuyên"
    ON_REQUEST = "on_request", _("on request")  # "Khi có đề nghị"
    SPAN = "span", _("span of years")  # "2025-2030"
    OPEN_START = "open_start", _("from a year on")  # "Từ năm 2026", "2025 và những năm tiếp theo"
    # "Sau khi Kế hoạch được ban hành", "sau khi được thành lập": due only once the event
    # happens, never by itself; shown to the office, not flagged.
    EVENT = "event", _("when an event happens")
    NONE = "none", _("no deadline printed")  # empty text
    UNPARSED = "unparsed", _("not understood")  # anything else: kept and flagged


@dataclass(frozen=True)
class ParsedDeadline:
    kind: str  # DeadlineKind value (the main form)
    due_date: date | None = None  # DATE: the last day of the month/quarter/year
    is_continuous: bool = False  # also True for combinations "... và thường xuyên"
    recurrence_month: int | None = None  # YEARLY: 12 for "Hàng năm", 11 for "Tháng 11 năm trước"
    recurrence_for_next_year: bool = False  # "Tháng 11 năm trước": due each November, for next year
    start_year: int | None = None  # SPAN / OPEN_START
    end_year: int | None = None  # SPAN
    flagged: bool = False  # True only for UNPARSED


# Patterns run on NFC, case-folded text with single spaces; " ?" tolerates "9 / 2025".
_SEP = r" ?(?:/|-|năm) ?"  # "Tháng 7/2025", "Tháng 7-2025", "Tháng 7 năm 2025"
_MONTH_RE = re.compile(rf"tháng ([0-9]{{1,2}}){_SEP}([0-9]{{4}})")
_QUARTER_RE = re.compile(rf"qu[ýí] ([ivx]+|[0-9]){_SEP}([0-9]{{4}})")
_YEAR_RE = re.compile(r"(?:năm )?([0-9]{4})")
_YEARLY_RE = re.compile(r"(?:tháng ([0-9]{1,2}) )?h[àằ]ng năm")
_PREVIOUS_YEAR_RE = re.compile(r"tháng ([0-9]{1,2}) (?:của )?năm trước")
_SPAN_RE = re.compile(
    r"(?:giai đoạn |từ năm |từ |năm )?([0-9]{4}) ?(?:[-–—]|đến(?: năm)?) ?([0-9]{4})"
)
_OPEN_START_RE = re.compile(
    r"từ năm ([0-9]{4})(?: trở đi)?|(?:năm )?([0-9]{4}) (?:và (?:những|các) năm tiếp theo|trở đi)"
)
_CONTINUOUS_SUFFIX_RE = re.compile(r"(.+?),? và thường xuyên")
_ON_REQUEST = {"khi có đề nghị", "khi có yêu cầu", "theo yêu cầu"}
# "Sau khi … được ban hành", "ngay sau khi được thành lập", "trong vòng 30 ngày kể từ khi …":
# the event is the rest of the text. A bare "khi …" ("khi nào xong") is not read.
_EVENT_RE = re.compile(
    r"(?:(?:trong (?:vòng|thời hạn) )?[0-9]+ ngày,? )?"
    r"(?:ngay sau khi|sau khi|ngay khi|kể từ khi|kể từ ngày) (?P<event>.+)"
)
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _due(year: int, month: int) -> ParsedDeadline | None:
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        return None
    return ParsedDeadline(DeadlineKind.DATE, due_date=_month_end(year, month))


def _yearly(month: int, *, for_next_year: bool) -> ParsedDeadline | None:
    if not 1 <= month <= 12:
        return None
    return ParsedDeadline(
        DeadlineKind.YEARLY, recurrence_month=month, recurrence_for_next_year=for_next_year
    )


def _main_parse(text: str) -> ParsedDeadline | None:
    if text in _ON_REQUEST:
        return ParsedDeadline(DeadlineKind.ON_REQUEST)
    if match := _MONTH_RE.fullmatch(text):
        return _due(int(match[2]), int(match[1]))
    if match := _QUARTER_RE.fullmatch(text):
        quarter = _QUARTERS.get(match[1])
        return _due(int(match[2]), quarter * 3) if quarter else None
    if match := _YEAR_RE.fullmatch(text):
        return _due(int(match[1]), 12)
    if match := _YEARLY_RE.fullmatch(text):
        return _yearly(int(match[1] or 12), for_next_year=False)
    if match := _PREVIOUS_YEAR_RE.fullmatch(text):
        return _yearly(int(match[1]), for_next_year=True)
    if match := _SPAN_RE.fullmatch(text):
        start, end = int(match[1]), int(match[2])
        if start > end:
            return None
        return ParsedDeadline(DeadlineKind.SPAN, start_year=start, end_year=end)
    if match := _OPEN_START_RE.fullmatch(text):
        return ParsedDeadline(DeadlineKind.OPEN_START, start_year=int(match[1] or match[2]))
    if _EVENT_RE.fullmatch(text):
        return ParsedDeadline(DeadlineKind.EVENT)
    return None


def deadline_parse(text: str) -> ParsedDeadline:
    """Parse one printed deadline cell; what is not understood comes back UNPARSED, flagged."""
    # Cells come broken over lines ("Tháng \n9/2025") and sometimes end with a full stop.
    clean = " ".join(unicodedata.normalize("NFC", text).split()).casefold().rstrip(" .;")
    if not clean:
        return ParsedDeadline(DeadlineKind.NONE)
    if clean == "thường xuyên":
        return ParsedDeadline(DeadlineKind.CONTINUOUS, is_continuous=True)
    continuous = False
    if match := _CONTINUOUS_SUFFIX_RE.fullmatch(clean):
        clean, continuous = match[1], True
    parsed = _main_parse(clean)
    if parsed is None:
        return ParsedDeadline(DeadlineKind.UNPARSED, flagged=True)
    return replace(parsed, is_continuous=True) if continuous else parsed


# Shapes of a dated deadline whose numbers are what is wrong ("Quý 5/2025", "Tháng 13/2025").
_QUARTER_ANY_RE = re.compile(rf"qu[ýí] ([a-z0-9]+){_SEP}([0-9]{{4}})")
_MONTH_ANY_RE = re.compile(r"tháng ([0-9]+)\b")


def deadline_problem(text: str) -> str | None:
    """Why a deadline that names a date cannot be one ("Quý 5/2025": there is no quarter 5),
    or None. Text the parser does not understand otherwise is kept and flagged, not refused."""
    clean = " ".join(unicodedata.normalize("NFC", text or "").split()).casefold().rstrip(" .;")
    if match := _CONTINUOUS_SUFFIX_RE.fullmatch(clean):
        clean = match[1]
    if deadline_parse(clean).kind != DeadlineKind.UNPARSED:
        return None
    if (match := _QUARTER_ANY_RE.fullmatch(clean)) and match[1] not in _QUARTERS:
        return _("There is no quarter %(quarter)s: write Quý I, II, III or IV (or 1 to 4).") % {
            "quarter": match[1].upper()
        }
    for month in _MONTH_ANY_RE.findall(clean):
        if not 1 <= int(month) <= 12:
            return _("There is no month %(month)s: write a month from 1 to 12.") % {
                "month": int(month)
            }
    if (match := _SPAN_RE.fullmatch(clean)) and int(match[1]) > int(match[2]):
        return _("The span %(start)s-%(end)s ends before it starts.") % {
            "start": match[1],
            "end": match[2],
        }
    return None


def deadline_event(text: str) -> str:
    """The event an EVENT deadline waits for, as printed ("Kế hoạch được ban hành"), else ""."""
    clean = " ".join(unicodedata.normalize("NFC", text or "").split()).rstrip(" .;")
    if deadline_parse(clean).kind != DeadlineKind.EVENT:
        return ""
    if match := _CONTINUOUS_SUFFIX_RE.fullmatch(clean.casefold()):
        clean = clean[: len(match[1])]
    match = re.fullmatch(_EVENT_RE.pattern, clean, re.IGNORECASE)
    return match["event"] if match else ""


def task_due_dates(
    deadline: ParsedDeadline, plan_years: range, extended: Mapping[date, date] | None = None
) -> list[date]:
    """Every date on which a task with `deadline` falls due, for a plan covering `plan_years`;
    `extended` maps a due date to the later one a granted extension (gia hạn) gave it.

    The one rule for reminders, results, dashboards, reports and the API (DOMAIN.md):
    - "Tháng 7/2025", "Quý IV/2025", "Năm 2026": once, at the end of that month, quarter, year;
    - "Hàng năm" (or "Tháng 2 hằng năm"): the end of that month (December) in each plan year;
    - "Tháng 11 năm trước": each November before a plan year, for that year (a 2026–2030 plan:
      30/11/2025 … 30/11/2029);
    - "2025-2030": once, on 31/12/2030; each period's report covers its progress until then;
    - "Thường xuyên", "Từ năm 2026", "Khi có đề nghị", "Sau khi … được ban hành" (an event),
      no deadline, unparsed: no date.
    """
    dates = _printed_due_dates(deadline, plan_years)
    if extended:
        return sorted(extended.get(day, day) for day in dates)
    return dates


def _printed_due_dates(deadline: ParsedDeadline, plan_years: range) -> list[date]:
    match deadline.kind:
        case DeadlineKind.DATE:
            return [deadline.due_date] if deadline.due_date else []
        case DeadlineKind.YEARLY:
            shift = 1 if deadline.recurrence_for_next_year else 0
            month = deadline.recurrence_month or 12
            return [_month_end(year - shift, month) for year in plan_years]
        case DeadlineKind.SPAN:
            return [date(deadline.end_year, 12, 31)] if deadline.end_year else []
    return []


def task_due_in(
    deadline: ParsedDeadline,
    plan_years: range,
    year: int,
    extended: Mapping[date, date] | None = None,
) -> date | None:
    """The due date that counts for a period of `year`: that year's occurrence of a recurring
    deadline, else the task's one due date (a "Tháng 7/2025" task is still overdue in 2026, a
    "2025-2030" one is due 31/12/2030 in every period); None when nothing falls due. An
    occurrence a granted extension moved (`extended`) counts at its new date."""
    dates = _printed_due_dates(deadline, plan_years)
    if deadline.kind == DeadlineKind.YEARLY:
        dates = [day for day in dates if day.year == year]
        day = dates[-1] if dates else None
    else:
        day = dates[0] if dates else None
    if day is not None and extended:
        return extended.get(day, day)
    return day


def task_deadline(task) -> ParsedDeadline:
    """The structured deadline stored on a task (a `Task` or anything with its fields)."""
    get = task.get if isinstance(task, dict) else lambda name: getattr(task, name)
    return ParsedDeadline(
        kind=get("deadline_kind"),
        due_date=get("due_date"),
        recurrence_month=get("recurrence_month"),
        recurrence_for_next_year=bool(get("recurrence_for_next_year")),
        start_year=get("start_year"),
        end_year=get("end_year"),
    )
