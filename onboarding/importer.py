"""Read a plan file into an ImportedPlan: the reader API the command and the review page call.

    imported = plan_file_read(data, name="ke-hoach.docx", commune=commune)
    imported.as_json()                 # the dry-run shape
    plan_import_commit(actor=..., commune=commune, imported=imported)   # onboarding.services

`column_maps` ({table index: ColumnMap}) reads a table whose header is not recognised, or
overrides what was recognised. The mappings a person made once in the browser
(`models.ColumnMapping`, per commune, by the header's words) are applied to every file of the
commune. A table that is neither recognised nor mapped, or a recognised one with a column the
portal cannot place, is listed in `ImportedPlan.unmapped`: the browser asks for its columns.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from communes.models import Commune

from .head import head_read
from .headers import INDICATORS, TASKS, ColumnMap, header_recognise
from .mapping import (
    IGNORE,
    HeaderNotRecognisedError,
    column_mappings_for,
    header_key,
    table_is_mappable,
    unplaced_columns,
)
from .reading import ImportFileError, SourceDocument, document_read
from .rows import IndicatorRows, TaskRows, year_in
from .structure import Flag, ImportedPlan
from .units import UnitDirectory


class _IndicatorRowsKeepingMerges(IndicatorRows):
    """Keeps what a later milestone section printed for an indicator it merged while flagging a
    change of wording, unit or lead, so that the office confirms the merge or splits it."""

    def _merge(self, item, name, unit, values, row):
        before = len(self.plan.flags)
        merged = super()._merge(item, name, unit, values, row)
        flags = [flag for flag in self.plan.flags[before:] if flag.field == "merge"]
        if flags:
            item.merges.append(
                {
                    "ref": self.ref,
                    "year": self.milestone_year,
                    "name": name,
                    "unit": unit,
                    "lead_text": self.text(row, "lead"),
                    "support_text": self.text(row, "support"),
                    "method_text": self.text(row, "method"),
                    "targets": {str(year): text for year, text in sorted(values.items())},
                    "message": flags[0].message,
                    "decision": "",
                }
            )
        return merged


def plan_file_read(
    data: bytes,
    *,
    name: str = "",
    commune: Commune | None = None,
    column_maps: dict[int, ColumnMap] | None = None,
    unmapped_ok: bool = False,
) -> ImportedPlan:
    """Without a commune, the file is a new commune's plan: every unit name is proposed as new.

    `unmapped_ok`: a file none of whose tables is recognised is still read (nothing in it), its
    tables listed in `unmapped` for a person to map; otherwise HeaderNotRecognisedError."""
    document = document_read(data, name=name)
    plan = plan_document_interpret(
        document, commune=commune, column_maps=column_maps, unmapped_ok=unmapped_ok
    )
    from .template import template_overlay

    if template_overlay(plan, data):  # the portal's own Excel template: its columns, its cells
        # Its extra columns (kind, a, b, printed cells) are the template's own, read by it.
        plan.unmapped = [entry for entry in plan.unmapped if entry["reason"] != "unplaced"]
    return plan


def plan_document_interpret(
    document: SourceDocument,
    *,
    commune: Commune | None = None,
    column_maps: dict[int, ColumnMap] | None = None,
    unmapped_ok: bool = False,
) -> ImportedPlan:
    if not document.tables:
        raise ImportFileError(
            _(
                "The file holds no table: the indicators and tasks must be in tables (the plan's appendices)."
            )
        )
    column_maps = column_maps or {}
    saved = column_mappings_for(commune)
    plan = ImportedPlan(file_name=document.name, head=head_read(document))
    directory = UnitDirectory.for_commune(commune)
    readers = {
        INDICATORS: _IndicatorRowsKeepingMerges(
            plan, directory, default_year=year_in(plan.head.title)
        ),
        TASKS: TaskRows(plan, directory),
    }
    running: tuple[ColumnMap, int] | None = None  # the table being read and its width
    unrecognised = []
    for table in document.tables:
        key = header_key(table)
        mapped = column_maps.get(table.index) or saved.get(key)
        if mapped == IGNORE:
            plan.skipped.append(
                Flag(
                    f"T{table.index}",
                    "table",
                    _("Table %(index)s is not read: its columns were mapped as «ignore».")
                    % {"index": table.index},
                )
            )
            continue
        columns = mapped or header_recognise(table)
        if (
            columns is not None
            and mapped is None
            and (unplaced := unplaced_columns(table, columns))
        ):
            plan.unmapped.append(
                {"table": table.index, "header_key": key, "reason": "unplaced", "columns": unplaced}
            )
        if columns is not None:
            continued = (
                running is not None
                and running[0].kind == columns.kind
                and (running[0].columns == columns.columns and running[0].years == columns.years)
            )
            start = columns.header_rows
        elif running is not None and table.width == running[1]:
            # A table split over a page break without repeating its header.
            columns, continued, start = running[0], True, 0
        else:
            unrecognised.append(table)
            if table_is_mappable(table):
                plan.unmapped.append(
                    {"table": table.index, "header_key": key, "reason": "unrecognised"}
                )
            plan.skipped.append(
                Flag(
                    f"T{table.index}",
                    "table",
                    _(
                        "Table %(index)s has no header the portal recognises (%(header)s); map its columns to read it."
                    )
                    % {"index": table.index, "header": " | ".join(table.texts(0))[:200]},
                )
            )
            continue
        reader = readers[columns.kind]
        reader.start_table(columns, table.caption_lines, continued=continued)
        for row_index in range(start, len(table.rows)):
            reader.feed(f"T{table.index}:R{row_index + 1}", table.rows[row_index])
        running = (columns, table.width)
    if len(unrecognised) == len(document.tables) and not (unmapped_ok and plan.unmapped):
        raise HeaderNotRecognisedError(
            _(
                "No table of the file has a header the portal recognises (such as «STT | Tên chỉ tiêu | Đơn vị tính | …» or «TT | Nhiệm vụ | Đơn vị chủ trì | …»)."
            )
        )
    for reader in readers.values():
        reader.finish()
    if not plan.head.issuing_body:
        plan.flag("head", "issuing_body", _("The issuing body is not printed in the head."))
    if not plan.head.title:
        plan.flag("head", "title", _("The title (trích yếu) is not found in the head."))
    return plan
