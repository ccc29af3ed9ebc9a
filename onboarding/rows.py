"""Turn the rows of recognised tables into groups, indicators, sections and tasks.

Rows are read the way a person reads them: a row numbered "I", "II" whose title spans the row is
a group (indicators) or a section (tasks); "Đến hết năm 2030" sets the year of the targets below
it, and an indicator that comes back in the next milestone section gets that year's target; a
row with no number continues the row above (a cell split over a page break); "a,", "b," are
sub-items of the row above them; a row with no unit and no target is a heading. Every source row
lands in an item or is listed, with its reason, in `ImportedPlan.skipped`.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from communes.models import UnitKind
from communes.numbers import NumberParseError, decimal_parse_vi
from indicators.models import TARGET_YEARS, MeasureKind
from indicators.targets import Comparator, target_parse
from tasks.deadlines import deadline_parse

from .headers import ColumnMap
from .measures import Method, kind_infer, method_split, unit_guess
from .reading import Cell
from .structure import (
    Assignment,
    Flag,
    ImportedGroup,
    ImportedIndicator,
    ImportedPlan,
    ImportedTask,
)
from .text import clean, plain_key
from .units import UnitDirectory

_GROUP_RE = re.compile(r"^([IVXLC]+|[A-H])\.?$")
_CODE_RE = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]+)*)\.?\s*(?P<letter>[a-zđ])?\s*[,.)]?$")
_LETTER_RE = re.compile(r"^(?P<letter>[a-zđ])\s*[,.)]\s+(?P<rest>.+)$")
_MILESTONE_RE = re.compile(
    r"^(?:mục tiêu |chỉ tiêu |giai đoạn )?(?:đến|tới)(?: hết)?(?: năm)? (?P<year>20[2-5][0-9])\b"
    r"|^(?:năm|giai đoạn [0-9]{4} ?- ?) ?(?P<year2>20[2-5][0-9])$",
    re.I,
)
_YEAR_IN_TEXT_RE = re.compile(r"\bnăm (20[2-5][0-9])\b", re.I)


def year_in(text: str) -> int | None:
    years = [int(year) for year in _YEAR_IN_TEXT_RE.findall(text or "")]
    return years[0] if years else None


_APPENDIX_RE = re.compile(r"^phụ lục\s*[0-9IVX]*\s*[:.]?\s*", re.I)
_ATTACHED_RE = re.compile(r"\W*\(+\s*kèm theo.*$", re.I)


def caption_title(lines: list[str]) -> str:
    """The appendix title above a table: "PHỤ LỤC I", "(Kèm theo …)" and the like left out."""
    for line in reversed(lines):
        title = _ATTACHED_RE.sub("", _APPENDIX_RE.sub("", line)).strip(" *:")
        if title and not line.lower().startswith("(kèm theo"):
            return title
    return ""


def _join(first: str, more: str) -> str:
    return clean(f"{first} {more}") if first else more


class _Rows:
    """What both interpreters share: reading one row's cells by role."""

    def __init__(self, plan: ImportedPlan, directory: UnitDirectory):
        self.plan = plan
        self.directory = directory
        self.columns: ColumnMap | None = None
        self.ref = ""

    def text(self, row: list[Cell], role: str) -> str:
        column = self.columns.columns.get(role)
        if column is None or column >= len(row):
            return ""
        return row[column].text

    def is_spanning_title(self, row: list[Cell]) -> bool:
        """The name cell covers the other columns (a group or section title merged across)."""
        column = self.columns.columns["name"]
        if column >= len(row):
            return False
        cell = row[column]
        others = [
            index
            for role, index in self.columns.columns.items()
            if role not in ("code", "name") and index < len(row)
        ] + [index for index in self.columns.years.values() if index < len(row)]
        if cell.span > 1:
            return True
        return not any(row[index].text and row[index] is not cell for index in others)

    def skip(self, reason) -> None:
        self.plan.skipped.append(Flag(self.ref, "row", str(reason)))


class IndicatorRows(_Rows):
    def __init__(self, plan: ImportedPlan, directory: UnitDirectory, *, default_year: int | None):
        super().__init__(plan, directory)
        self.default_year = default_year
        self.table_year: int | None = None
        self.milestone_year: int | None = None
        self.group = ""
        self.by_code: dict[str, ImportedIndicator] = {}
        self.section_of: dict[str, int | None] = {}  # code → milestone year it was read under
        self.last: ImportedIndicator | None = None
        self.last_numbered: ImportedIndicator | None = None
        self.last_heading: ImportedIndicator | None = None
        self.without_unit_column: set[str] = set()
        self.opened_by_sub_item: set[str] = set()  # headings named after their first sub-item

    def start_table(self, columns: ColumnMap, caption_lines: list[str], *, continued: bool) -> None:
        self.columns = columns
        if not continued:
            self.table_year = year_in(" ".join(caption_lines)) or self.table_year
            if not self.plan.indicator_table_title:
                self.plan.indicator_table_title = caption_title(caption_lines)

    def _single_year(self) -> int | None:
        return self.milestone_year or self.table_year or self.default_year

    def feed(self, ref: str, row: list[Cell]) -> None:
        self.ref = ref
        if not any(cell.text for cell in row):
            self.skip(_("Empty row."))
            return
        code_cell = self.text(row, "code")
        code = "" if self._from_above(row, "code") else code_cell.rstrip(".")
        name = self.text(row, "name")
        if not code and (match := _MILESTONE_RE.match(name or code_cell)) and not self._values(row):
            self.milestone_year = int(match["year"] or match["year2"])
            self.skip(
                _("Milestone row: the targets below it are for %(year)s.")
                % {"year": self.milestone_year}
            )
            return
        if _GROUP_RE.match(code) and self.is_spanning_title(row):
            self.group = code
            if not any(group.numeral == code for group in self.plan.groups):
                self.plan.groups.append(ImportedGroup(numeral=code, title=name, row=ref))
            return
        letter = None
        if match := _LETTER_RE.match(name):
            letter, name = match["letter"], match["rest"]
        if match := _CODE_RE.match(code):
            code, letter = match["number"], letter or match["letter"]
        elif code:
            self.plan.flag(
                ref,
                "code",
                _("The number «%(code)s» is not a row number; kept as printed.") % {"code": code},
            )
        if letter:
            if code:
                parent = self.by_code.get(code)
                if parent is None:
                    # "3 | a, Tỷ lệ …": the row opens with its first sub-item; 3 is their heading.
                    parent = self._indicator(code, name, row, heading=True)
                    self.opened_by_sub_item.add(code)
            else:
                parent = self.last_numbered
            if parent is None:
                self.skip(
                    _("A sub-item «%(letter)s» with no numbered row above it.") % {"letter": letter}
                )
                return
            self._indicator(parent.code + letter, name, row, parent=parent.code)
            self.last_numbered = parent
            return
        if not code:
            self._continue(row)
            return
        parent = ""
        if "." in code:
            prefix = code.rsplit(".", 1)[0]
            if prefix in self.by_code:
                parent = prefix
            elif self.last_heading is not None:
                parent = self.last_heading.code
                self.plan.flag(
                    ref,
                    "code",
                    _("Row %(code)s is read as a sub-row of %(parent)s (no row %(prefix)s).")
                    % {"code": code, "parent": parent, "prefix": prefix},
                )
        self.last_numbered = item = self._indicator(code, name, row, parent=parent)
        if not parent and not item.unit and not item.targets and not item.lead.names:
            self.last_heading = item  # a heading row: "8 | Hạ tầng số", its rows may be 9.1, 9.2

    def _from_above(self, row: list[Cell], role: str) -> bool:
        column = self.columns.columns.get(role)
        return column is not None and column < len(row) and row[column].from_above

    def _values(self, row: list[Cell]) -> dict[int, str]:
        values = {}
        for year, column in self.columns.years.items():
            if column < len(row) and row[column].text:
                values[year] = row[column].text
        if target := self.text(row, "target"):
            year = self._single_year()
            if year is None:
                self.plan.flag(
                    self.ref,
                    "targets",
                    _(
                        "The target «%(text)s» has no year: no milestone row, table title or plan year gives one."
                    )
                    % {"text": target},
                )
            else:
                values[year] = target
        for year in [year for year in values if year not in TARGET_YEARS]:
            # A baseline ("Thực hiện năm 2024") or a year the portal holds no target for.
            self.plan.flag(
                self.ref,
                f"targets.{year}",
                _(
                    "«%(text)s» is for %(year)s, outside the target years 2025–2045; not read as a target."
                )
                % {"text": values.pop(year), "year": year},
            )
        return values

    def _indicator(self, code, name, row, *, parent="", heading=False) -> ImportedIndicator:
        values = {} if heading else self._values(row)
        unit = "" if heading else self.text(row, "unit")
        if (
            unit
            and not values
            and _looks_like_target(unit)
            and (self.columns.years or self.columns.has("target"))
        ):
            year = self._single_year() or (min(self.columns.years) if self.columns.years else None)
            if year:
                values[year] = unit
                self.plan.flag(
                    self.ref,
                    "unit",
                    _("«%(text)s» is printed in the unit column; read as the %(year)s target.")
                    % {"text": unit, "year": year},
                )
                unit = ""
        existing = self.by_code.get(code)
        if existing is not None and not heading:
            return self._merge(existing, name, unit, values, row)
        lead, support = (
            (Assignment(), Assignment())
            if heading
            else self.directory.assignments(self.text(row, "lead"), self.text(row, "support"))
        )
        item = ImportedIndicator(
            code=code,
            name=name,
            group=self.group,
            parent=parent,
            heading=heading,
            unit=unit,
            targets=values,
            lead=lead,
            support=support,
            method_text="" if heading else self.text(row, "method"),
            guidance="" if heading else self.text(row, "guidance"),
            legal_basis="" if heading else self.text(row, "note"),
            rows=[self.ref],
        )
        self.by_code[code] = item
        self.section_of[code] = self.milestone_year
        if not self.columns.has("unit"):
            self.without_unit_column.add(code)
        self.plan.indicators.append(item)
        if heading:
            self.last_heading = item
        self.last = item
        return item

    def _merge(self, item, name, unit, values, row) -> ImportedIndicator:
        if self.section_of.get(item.code) == self.milestone_year:
            self.skip(
                _(
                    "Row %(code)s repeats the number of row %(first)s in the same section; not read. Renumber one of them."
                )
                % {"code": item.code, "first": item.rows[0]}
            )
            self.plan.flag(self.ref, "code", _("Repeated number %(code)s.") % {"code": item.code})
            return item
        lead, _support = self.directory.assignments(
            self.text(row, "lead"), self.text(row, "support")
        )
        changed = [
            label
            for label, old, new in (
                (_("name"), plain_key(item.name), plain_key(name)),
                (_("unit"), plain_key(item.unit), plain_key(unit)),
                (_("lead"), sorted(item.lead.labels()), sorted(lead.labels())),
            )
            if new and old != new
        ]
        if changed:
            self.plan.flag(
                self.ref,
                "merge",
                _(
                    "Indicator %(code)s of the %(year)s section is merged with %(first)s, but its %(what)s differ; confirm the merge."
                )
                % {
                    "code": item.code,
                    "year": self.milestone_year,
                    "first": item.rows[0],
                    "what": ", ".join(str(label) for label in changed),
                },
            )
        item.targets.update(values)
        item.rows.append(self.ref)
        self.section_of[item.code] = self.milestone_year
        self.last = item
        return item

    def _continue(self, row: list[Cell]) -> None:
        item = self.last
        if item is None:
            self.skip(_("A row without a number and nothing above it to continue."))
            return
        item.name = _join(item.name, self.text(row, "name"))
        for attribute, role in (
            ("method_text", "method"),
            ("guidance", "guidance"),
            ("legal_basis", "note"),
            ("unit", "unit"),
        ):
            if (more := self.text(row, role)) and not self._from_above(row, role):
                setattr(item, attribute, _join(getattr(item, attribute), more))
        lead_more, support_more = (
            "" if self._from_above(row, role) else self.text(row, role)
            for role in ("lead", "support")
        )
        if lead_more or support_more:
            item.lead, item.support = self.directory.assignments(
                _join(item.lead.text, lead_more), _join(item.support.text, support_more)
            )
        for year, text in self._values(row).items():
            item.targets[year] = _join(item.targets.get(year, ""), text)
        item.rows.append(self.ref)

    def finish(self) -> None:
        children: dict[str, list[ImportedIndicator]] = {}
        for item in self.plan.indicators:
            if item.parent:
                children.setdefault(item.parent, []).append(item)
        for item in self.plan.indicators:
            method = method_split(item.method_text)
            item.formula, item.numerator, item.denominator = (
                method.formula,
                method.numerator,
                method.denominator,
            )
            item.data_source = method.data_source
            if not item.heading and not item.unit and not item.targets and not item.lead.names:
                item.heading = True
            if not item.heading:
                self._measure(item, method)
        # A heading takes its children's kind when they all agree, else the model's default.
        for item in self.plan.indicators:
            if item.heading:
                kinds = {child.kind for child in children.get(item.code, [])}
                item.kind = kinds.pop() if len(kinds) == 1 else MeasureKind.PERCENT
                if item.code in self.opened_by_sub_item:
                    item.unit = children[item.code][0].unit  # it is printed as its first sub-item

    def _measure(self, item: ImportedIndicator, method: Method) -> None:
        ref = item.rows[0]
        if not item.targets:
            year = self.section_of.get(item.code)
            if year:
                # A row under "Đến hết năm 2030" that prints no value: it must exist by then.
                item.exists_by = year
            self.plan.flag(
                ref,
                "targets",
                _(
                    "No target is printed under the %(year)s milestone: read as «must exist by %(year)s» (achieved when reported done); check it."
                )
                % {"year": year}
                if year
                else _("No target is printed for this indicator."),
            )
        if not item.unit and item.code in self.without_unit_column:
            item.unit = unit_guess(item.name, method)
            if item.unit:
                self.plan.flag(
                    ref,
                    "unit",
                    _(
                        "No unit of measure is printed; «%(unit)s» is inferred from the name or the formula."
                    )
                    % {"unit": item.unit},
                )
        item.kind, guessed = kind_infer(item.unit, method, item.targets, item.name)
        if item.exists_by and not item.unit:
            item.kind, guessed = MeasureKind.MILESTONE, False
        if guessed:
            self.plan.flag(
                ref,
                "kind",
                _("The kind of measure is a guess (%(kind)s); check it.")
                % {"kind": MeasureKind(item.kind).label},
            )
        if (
            item.kind == MeasureKind.PERCENT
            and method.formula
            and not (method.numerator and method.denominator)
        ):
            self.plan.flag(
                ref, "formula", _("The formula names a/b but a and b are not both defined.")
            )
        indicator_target_flags(self.plan, ref, item)
        _unit_flags(self.plan, ref, item.lead, item.support)


def indicator_target_flags(plan: ImportedPlan, ref: str, item: ImportedIndicator) -> None:
    """Each target read through indicators.targets; what it cannot check is flagged."""
    for year, text in item.targets.items():
        parsed = target_parse(text)
        if parsed.comparator == Comparator.TEXT and item.kind != MeasureKind.TEXT:
            plan.flag(
                ref,
                f"targets.{year}",
                _(
                    "The %(year)s target «%(text)s» is not a figure the portal can check; kept as printed."
                )
                % {"year": year, "text": text},
            )
        elif item.kind == MeasureKind.TEXT and parsed.value is not None:
            plan.flag(
                ref,
                f"targets.{year}",
                _("A text target that holds a number: «%(text)s».") % {"text": text},
            )


def task_value_flags(plan: ImportedPlan, ref: str, task: ImportedTask) -> None:
    """The budget read as million đồng, the deadline through tasks.deadlines; unreadable: flagged."""
    task.budget_value = ""
    if task.budget:
        try:
            value = decimal_parse_vi(task.budget.removesuffix(" triệu đồng"))
            task.budget_value = format(value, "f")
        except NumberParseError:
            plan.flag(
                ref,
                "budget",
                _("The budget «%(text)s» is not a number of million đồng; kept as printed.")
                % {"text": task.budget},
            )
    if task.deadline and deadline_parse(task.deadline).flagged:
        plan.flag(
            ref,
            "deadline",
            _("The deadline «%(text)s» cannot be read; it is kept as printed and reminds no one.")
            % {"text": task.deadline},
        )


def unit_flags(plan: ImportedPlan, ref: str, lead: Assignment, support: Assignment) -> None:
    _unit_flags(plan, ref, lead, support)


def _looks_like_target(text: str) -> bool:
    parsed = target_parse(text)
    return parsed.value is not None or parsed.comparator == Comparator.DONE


def _unit_flags(plan: ImportedPlan, ref: str, lead: Assignment, support: Assignment) -> None:
    for role, assignment in (("lead", lead), ("support", support)):
        for name in assignment.names:
            if name.collective:
                plan.flag(
                    ref,
                    role,
                    _(
                        "«%(name)s» names no single unit; kept as printed (it can be expanded to units)."
                    )
                    % {"name": name.printed},
                )
            elif name.unit_id is None:
                plan.flag(
                    ref,
                    role,
                    _("«%(name)s» is not a unit of the commune; proposed as a new unit (%(kind)s).")
                    % {"name": name.printed, "kind": UnitKind(name.proposed_kind).label},
                )


class TaskRows(_Rows):
    def __init__(self, plan: ImportedPlan, directory: UnitDirectory):
        super().__init__(plan, directory)
        self.section = ""
        self.by_key: dict[tuple[str, str], ImportedTask] = {}
        self.last: ImportedTask | None = None
        self.last_numbered: ImportedTask | None = None

    def start_table(self, columns: ColumnMap, caption_lines: list[str], *, continued: bool) -> None:
        self.columns = columns
        if not continued and not self.plan.task_table_title:
            self.plan.task_table_title = caption_title(caption_lines)

    def feed(self, ref: str, row: list[Cell]) -> None:
        self.ref = ref
        if not any(cell.text for cell in row):
            self.skip(_("Empty row."))
            return
        code = (
            ""
            if row[self.columns.columns.get("code", 0)].from_above
            else self.text(row, "code").rstrip(".")
        )
        name = self.text(row, "name")
        if _GROUP_RE.match(code) and self.is_spanning_title(row):
            self.section = code
            if not any(section.numeral == code for section in self.plan.sections):
                self.plan.sections.append(ImportedGroup(numeral=code, title=name, row=ref))
            return
        letter = None
        if match := _LETTER_RE.match(name):
            letter = match["letter"]
        if match := _CODE_RE.match(code):
            code = match["number"] + (match["letter"] or "")
        elif code:
            self.plan.flag(
                ref,
                "code",
                _("The number «%(code)s» is not a row number; kept as printed.") % {"code": code},
            )
        if not code and letter and self.last_numbered is not None:
            self._task(self.last_numbered.code + letter, name, row, parent=self.last_numbered.code)
            return
        if not code:
            self._continue(row)
            return
        parent = ""
        if "." in code and (self.section, code.rsplit(".", 1)[0]) in self.by_key:
            parent = code.rsplit(".", 1)[0]
        task = self._task(code, name, row, parent=parent)
        if task is not None and not parent:
            self.last_numbered = task

    def _task(self, code, name, row, *, parent) -> ImportedTask | None:
        key = (self.section, code)
        if key in self.by_key:
            self.skip(
                _(
                    "Row %(code)s repeats the number of row %(first)s in the same section; not read. Renumber one of them."
                )
                % {"code": code, "first": self.by_key[key].rows[0]}
            )
            self.plan.flag(self.ref, "code", _("Repeated number %(code)s.") % {"code": code})
            return None
        lead, support = self.directory.assignments(
            self.text(row, "lead"), self.text(row, "support")
        )
        task = ImportedTask(
            code=code,
            name=name,
            section=self.section,
            parent=parent,
            lead=lead,
            support=support,
            result=self.text(row, "result"),
            budget=self.text(row, "budget"),
            deadline=self.text(row, "deadline"),
            note=self.text(row, "note"),
            rows=[self.ref],
        )
        self.by_key[key] = task
        self.plan.tasks.append(task)
        self.last = task
        return task

    def _continue(self, row: list[Cell]) -> None:
        task = self.last
        if task is None:
            self.skip(_("A row without a number and nothing above it to continue."))
            return
        for attribute, role in (
            ("name", "name"),
            ("result", "result"),
            ("budget", "budget"),
            ("deadline", "deadline"),
            ("note", "note"),
        ):
            if more := self.text(row, role):
                setattr(task, attribute, _join(getattr(task, attribute), more))
        lead_more, support_more = self.text(row, "lead"), self.text(row, "support")
        if lead_more or support_more:
            task.lead, task.support = self.directory.assignments(
                _join(task.lead.text, lead_more), _join(task.support.text, support_more)
            )
        task.rows.append(self.ref)

    def finish(self) -> None:
        parents = {(task.section, task.parent) for task in self.plan.tasks if task.parent}
        for task in self.plan.tasks:
            ref = task.rows[0]
            task.heading = (task.section, task.code) in parents and not (
                task.lead.names or task.deadline
            )
            task_value_flags(self.plan, ref, task)
            _unit_flags(self.plan, ref, task.lead, task.support)
