"""Run the day's reminders synchronously: for installs without Celery (cron) and for previewing."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from communes.models import Commune
from reminders.messages import day_text, when_text
from reminders.models import Reminder, ReminderAudience, ReminderStatus, ReminderSubject
from reminders.services import reminders_send, reminders_sweep
from reporting.periods import PeriodKind


class Command(BaseCommand):
    help = (
        "Record and send the deadline reminders due on a day (default: today), and list them. "
        "Reminders already sent are not sent again; reminders of the last days left waiting "
        "(the queue was down, a worker died) are queued again."
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
        # The outbox's sweep before and after: what earlier runs left waiting goes first, and
        # what this run could not queue (the broker down) is tried once more at the end.
        swept = reminders_sweep() if not dry_run else None
        result = reminders_send(on=on, commune=commune, dry_run=dry_run)
        swept_after = reminders_sweep() if not dry_run else None
        with translation.override(settings.LANGUAGE_CODE):
            heading = _("Deadline reminders of %(day)s") % {"day": day_text(on)}
            if dry_run:
                heading += " " + _("(preview: nothing is recorded or sent)")
            self.stdout.write(heading)
            statuses = self._statuses(result) if not dry_run else {}
            for item in result.due:
                self.stdout.write(self._line(item, result, dry_run, statuses))
            if dry_run:
                summary = _("%(count)s reminders due.") % {"count": len(result.due)}
            else:
                summary = _("%(count)s reminders due, %(new)s recorded and sent now.") % {
                    "count": len(result.due),
                    "new": len(result.inserted),
                }
            self.stdout.write(summary)
            if swept is not None and swept.waiting:
                self.stdout.write(
                    _("%(count)s reminders left waiting by earlier runs were queued again.")
                    % {"count": swept.queued}
                )
            if swept_after is not None and swept_after.left:
                self.stdout.write(
                    _(
                        "The queue is unreachable: %(count)s reminders are recorded and wait; "
                        "they will be sent when it is back (the sweep runs every 5 minutes, "
                        "and again with this command)."
                    )
                    % {"count": swept_after.left}
                )

    @staticmethod
    def _statuses(result) -> dict[tuple[int, str, int], str]:
        """Where the reminders an earlier run recorded stand: sent, still waiting, failed."""
        earlier = [item for item in result.due if not result.is_new(item)]
        if not earlier:
            return {}
        rows = Reminder.objects.filter(
            user_id__in={item.recipient.user_id for item in earlier},
            subject_key__in={item.subject_key for item in earlier},
        ).values_list("user_id", "subject_key", "step", "status")
        return {(user_id, key, step): status for user_id, key, step, status in rows}

    @staticmethod
    def _line(item, result, dry_run, statuses) -> str:
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
            status = statuses.get((item.recipient.user_id, item.subject_key, item.step))
            if status in (ReminderStatus.PENDING, ReminderStatus.SENDING):
                line += " | " + _("recorded earlier, waiting to be sent")
            elif status == ReminderStatus.FAILED:
                line += " | " + _("recorded earlier, not delivered (see Nhắc hạn)")
            else:
                line += " | " + _("already sent")
        return line
