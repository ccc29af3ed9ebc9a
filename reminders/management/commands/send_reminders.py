"""Run the day's reminders synchronously: for installs without Celery (cron) and for previewing."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from communes.models import Commune
from reminders.messages import day_text, when_text
from reminders.models import ReminderAudience, ReminderSubject
from reminders.services import reminders_send
from reporting.periods import PeriodKind


class Command(BaseCommand):
    help = (
        "Record and send the deadline reminders due on a day (default: today), and list them. "
        "Reminders already sent are not sent again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today, Asia/Ho_Chi_Minh)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list what is due; write and send nothing"
        )
        parser.add_argument("--commune", help="only this commune (its code, e.g. dien-quang)")

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: expected YYYY-MM-DD, got {options['date']!r}") from error
        commune = None
        if options["commune"]:
            commune = Commune.objects.filter(code=options["commune"]).first()
            if commune is None:
                raise CommandError(f"No commune with the code {options['commune']!r}")
        dry_run = options["dry_run"]
        result = reminders_send(on=on, commune=commune, dry_run=dry_run)
        with translation.override(settings.LANGUAGE_CODE):
            heading = _("Deadline reminders of %(day)s") % {"day": day_text(on)}
            if dry_run:
                heading += " " + _("(preview: nothing is recorded or sent)")
            self.stdout.write(heading)
            for item in result.due:
                self.stdout.write(self._line(item, result, dry_run))
            if dry_run:
                summary = _("%(count)s reminders due.") % {"count": len(result.due)}
            else:
                summary = _("%(count)s reminders due, %(new)s recorded and sent now.") % {
                    "count": len(result.due),
                    "new": len(result.inserted),
                }
            self.stdout.write(summary)

    @staticmethod
    def _line(item, result, dry_run) -> str:
        if item.subject == ReminderSubject.REPORT:
            kind = (
                _("ad-hoc report")
                if item.period_kind == PeriodKind.AD_HOC
                else _("%(kind)s report") % {"kind": PeriodKind(item.period_kind).label}
            )
            what = f"{kind} {item.period_label} [{item.period_code}]"
            if item.unit_id is not None:
                what += f" · {item.unit_name}"
            else:
                what += " · " + _("not submitted: %(units)s") % {
                    "units": ", ".join(item.missing_units)
                }
        else:
            what = _("task %(code)s (%(deadline)s): %(name)s") % {
                "code": item.task_code,
                "deadline": item.deadline_text,
                "name": item.task_name[:60],
            }
        audience = ReminderAudience(item.audience).label
        recipient = item.recipient.name
        if item.recipient.email:
            recipient += f" <{item.recipient.email}>"
        if item.recipient.digest:
            recipient += " " + _("(daily summary)")
        line = (
            f"{day_text(item.on)} | {item.commune} | {what} | "
            + _("last day %(day)s, %(when)s (step %(step)s)")
            % {
                "day": day_text(item.last_day),
                "when": when_text(item.step),
                "step": f"{item.step:+d}",
            }
            + f" | {recipient}, {audience}"
        )
        if not dry_run and not result.is_new(item):
            line += " | " + _("already sent")
        return line
