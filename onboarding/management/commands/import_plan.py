"""manage.py import_plan PATH [--commune CODE] [--dry-run] [--json] [--map T=FIELDS] [--confirm-merges]

Reads a commune's plan from its Word or Excel file. Without --commune the file is a new
commune's plan (every unit name is proposed as new) and can only be read (--dry-run).
Without --dry-run the plan is saved as a draft of the commune (re-importing updates it).
A file that cannot be read exits non-zero with a message in Vietnamese, never a traceback; so
does a table whose header is not recognised (map it in the browser once, or give --map
2=code,name,unit,2030,lead,-: one field a column, "-" to ignore one, a year for its target).
Merges across milestone sections that change wording, unit or lead are confirmed in the browser,
or all at once with --confirm-merges.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from communes.models import Commune
from onboarding.headers import INDICATORS, TASKS
from onboarding.importer import plan_file_read
from onboarding.mapping import (
    _INDICATOR_ONLY,
    YEAR_PREFIX,
    HeaderNotRecognisedError,
    column_map_build,
    column_roles_check,
    field_choices,
)
from onboarding.reading import MAX_FILE_BYTES, ImportFileError
from onboarding.services import PlanImportError, plan_import_commit
from reporting.duty import schedules_to_complete_message


class Command(BaseCommand):
    help = "Read a commune's plan from its .docx or .xlsx file; save it as a draft plan."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--commune", help="code of the commune the plan belongs to")
        parser.add_argument("--dry-run", action="store_true", help="read and report; save nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="TABLE=FIELDS",
            help='the columns of table TABLE, e.g. 2=code,name,unit,2030,lead,- ("tasks:" first '
            "for a task table)",
        )
        parser.add_argument(
            "--confirm-merges",
            action="store_true",
            help="keep merged the milestone sections whose wording, unit or lead differ",
        )

    def handle(self, *args, path, commune=None, dry_run=False, json=False, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self.maps = {}
            for text in options.get("map") or []:
                self.maps.update(column_map_parse(text))
            self.confirm_merges = options.get("confirm_merges", False)
            return self._handle(path, commune, dry_run, json)

    def _handle(self, path, commune_code, dry_run, as_json):
        commune = None
        if commune_code:
            commune = Commune.objects.filter(code=commune_code).first()
            if commune is None:
                raise CommandError(
                    _("There is no commune with the code %(code)s.") % {"code": commune_code}
                )
        elif not dry_run:
            raise CommandError(
                _(
                    "A new commune's plan can only be read (--dry-run): give --commune CODE to save it."
                )
            )
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            raise CommandError(_("The file %(name)s cannot be opened.") % {"name": path}) from None
        try:
            imported = plan_file_read(data, name=path, commune=commune, column_maps=self.maps)
        except HeaderNotRecognisedError as exc:
            raise CommandError(f"{exc} {map_hint()}") from None
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        except Exception as exc:  # a file shaped in a way nobody foresaw: say so, no traceback
            raise CommandError(
                _("The file could not be read (%(error)s). Nothing was saved.")
                % {"error": type(exc).__name__}
            ) from None
        if imported.unmapped:
            raise CommandError(
                _(
                    "Table %(tables)s has a header or columns the portal does not recognise; nothing was saved."
                )
                % {"tables": ", ".join(str(entry["table"]) for entry in imported.unmapped)}
                + " "
                + map_hint()
            )
        plan = None
        if not dry_run:
            try:
                plan = plan_import_commit(
                    actor=None,
                    commune=commune,
                    imported=imported,
                    merges_confirmed=self.confirm_merges,
                )
            except PlanImportError as exc:
                raise CommandError(str(exc)) from None
        if as_json:
            self.stdout.write(json_dumps(imported.as_json()))
            return
        self.stdout.write(
            _(
                "%(indicators)s indicators, %(tasks)s tasks, %(flags)s rows to check, %(skipped)s rows not read."
            )
            % {
                "indicators": len(imported.indicators),
                "tasks": len(imported.tasks),
                "flags": len(imported.flags),
                "skipped": len(imported.skipped),
            }
        )
        for flag in [*imported.flags, *imported.skipped]:
            self.stdout.write(f"  {flag.row} {flag.field}: {flag.message}")
        if plan is not None:
            self.stdout.write(_("Saved as the draft plan %(key)s.") % {"key": plan.key})
            if plan.schedules_to_complete:
                self.stdout.write(schedules_to_complete_message(plan.schedules_to_complete))


def json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def map_hint() -> str:
    return _(
        "Upload the file in the browser («Import a plan from a file») to map its columns once: the next file of the commune with the same header is then read without asking. Or give --map TABLE=FIELD,FIELD,… (fields: %(fields)s; a year for its target; - to ignore a column)."
    ) % {"fields": ", ".join(sorted(_CLI_FIELDS))}


_CLI_FIELDS = {
    value for value, _label in field_choices() if value and not value.startswith(YEAR_PREFIX)
}


def column_map_parse(text: str) -> dict:
    """ "2=code,name,unit,2030,lead,-" → {2: ColumnMap}; "2=tasks:code,name,lead" for tasks."""
    table, _sep, fields = text.partition("=")
    kind = None
    if ":" in fields:
        kind, fields = fields.split(":", 1)
    roles = []
    for token in (token.strip().lower() for token in fields.split(",")):
        if token in ("-", ""):
            roles.append("")
        elif token.isdigit() and len(token) == 4:
            roles.append(f"{YEAR_PREFIX}{token}")
        elif token in _CLI_FIELDS:
            roles.append(token)
        else:
            raise CommandError(
                _("--map %(text)s: «%(token)s» is not a field.") % {"text": text, "token": token}
                + " "
                + map_hint()
            )
    if not table.strip().isdigit() or kind not in (None, INDICATORS, TASKS):
        raise CommandError(
            _("--map %(text)s: write TABLE=FIELD,FIELD,…, e.g. 2=code,name,unit,2030,lead.")
            % {"text": text}
        )
    if kind is None:
        indicator_like = any(
            role in _INDICATOR_ONLY or role.startswith(YEAR_PREFIX) for role in roles
        )
        kind = INDICATORS if indicator_like else TASKS
    if errors := column_roles_check(kind, roles, [""] * len(roles)):
        raise CommandError(f"--map {text}: " + " ".join(str(error) for error in errors))
    return {int(table): column_map_build(kind=kind, header_rows=1, roles=roles)}
