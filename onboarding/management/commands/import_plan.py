"""manage.py import_plan PATH [--commune CODE] [--dry-run] [--json]

Reads a commune's plan from its Word or Excel file. Without --commune the file is a new
commune's plan (every unit name is proposed as new) and can only be read (--dry-run).
Without --dry-run the plan is saved as a draft of the commune (re-importing updates it).
A file that cannot be read exits non-zero with a message in Vietnamese, never a traceback.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from communes.models import Commune
from onboarding.importer import plan_file_read
from onboarding.reading import MAX_FILE_BYTES, ImportFileError
from onboarding.services import PlanImportError, plan_import_commit


class Command(BaseCommand):
    help = "Read a commune's plan from its .docx or .xlsx file; save it as a draft plan."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--commune", help="code of the commune the plan belongs to")
        parser.add_argument("--dry-run", action="store_true", help="read and report; save nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, path, commune=None, dry_run=False, json=False, **options):
        with translation.override(settings.LANGUAGE_CODE):
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
            imported = plan_file_read(data, name=path, commune=commune)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        except Exception as exc:  # a file shaped in a way nobody foresaw: say so, no traceback
            raise CommandError(
                _("The file could not be read (%(error)s). Nothing was saved.")
                % {"error": type(exc).__name__}
            ) from None
        plan = None
        if not dry_run:
            try:
                plan = plan_import_commit(actor=None, commune=commune, imported=imported)
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


def json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
