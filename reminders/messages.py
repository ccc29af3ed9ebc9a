"""The words of a reminder: its title, its mail and the daily summary, in the portal's language
(Vietnamese). Source strings are English and go through the translation catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reminders.models import ReminderAudience, ReminderSubject
from reminders.selectors import DueReminder
from reporting.periods import TIME_ZONE, PeriodKind


def day_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _deadline_text(deadline: datetime) -> str:
    local = timezone.localtime(deadline, TIME_ZONE)
    if local.hour == 0 and local.minute == 0:
        return day_text(local.date())
    return local.strftime("%H:%M %d/%m/%Y")


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path if path else ""


def when_text(step: int) -> str:
    if step < 0:
        return ngettext("%(days)s day left", "%(days)s days left", -step) % {"days": -step}
    if step == 0:
        return _("today is the last day")
    return ngettext("%(days)s day late", "%(days)s days late", step) % {"days": step}


def _report_name(due: DueReminder) -> str:
    if due.period_kind == PeriodKind.AD_HOC:
        return _("ad-hoc report “%(title)s”") % {"title": due.period_label}
    return _("%(kind)s report, %(period)s") % {
        "kind": PeriodKind(due.period_kind).label,
        "period": due.period_label,
    }


def reminder_title(due: DueReminder) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        when = when_text(due.step)
        if due.subject == ReminderSubject.PROPOSAL:
            return _("Proposal of %(origin)s (%(period)s) awaiting your answer: %(when)s") % {
                "origin": due.proposal_origin or _("the commune (UBND xã)"),
                "period": due.period_label,
                "when": when,
            }
        if due.subject == ReminderSubject.REPORT:
            if due.unit_id is not None:
                return _("Report %(period)s of %(unit)s: %(when)s") % {
                    "period": due.period_label,
                    "unit": due.unit_name,
                    "when": when,
                }
            count = len(due.missing_units)
            return ngettext(
                "Report %(period)s: %(count)s unit has not submitted, %(when)s",
                "Report %(period)s: %(count)s units have not submitted, %(when)s",
                count,
            ) % {"period": due.period_label, "count": count, "when": when}
        return _("Task %(code)s (deadline %(deadline)s): %(when)s") % {
            "code": due.task_code,
            "deadline": due.deadline_text,
            "when": when,
        }


def reminder_body(due: DueReminder) -> str:
    """The facts of the reminder; the mail adds the greeting and the link."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [f"{due.commune} ({due.commune.province})"]
        last_day = day_text(due.last_day)
        if due.subject == ReminderSubject.PROPOSAL:
            lines.append(
                _("Proposal of %(origin)s, %(period)s: %(text)s")
                % {
                    "origin": due.proposal_origin or _("the commune (UBND xã)"),
                    "period": due.period_label,
                    "text": due.proposal_text,
                }
            )
            lines.append(_("Addressed to: %(addressee)s") % {"addressee": due.addressee_label})
            lines.append(
                _("Answer due by %(day)s; %(when)s.")
                % {"day": last_day, "when": when_text(due.step)}
            )
            lines.append(_("Write the answer on the proposal's page in the portal."))
        elif due.subject == ReminderSubject.REPORT:
            lines.append(_("Report: %(report)s") % {"report": _report_name(due)})
            if due.window and due.period_kind != PeriodKind.AD_HOC:
                lines.append(
                    _("Data from %(start)s to %(end)s.")
                    % {"start": day_text(due.window[0]), "end": day_text(due.window[1])}
                )
            lines.append(
                _("Due before %(deadline)s (last day: %(last_day)s); %(when)s.")
                % {
                    "deadline": _deadline_text(due.deadline),
                    "last_day": last_day,
                    "when": when_text(due.step),
                }
            )
            if due.extended:
                lines.append(_("Deadline extended to %(day)s.") % {"day": last_day})
            if due.unit_id is not None:
                lines.append(_("Unit: %(unit)s") % {"unit": due.unit_name})
                lines.append(
                    _("Status: returned for correction, not submitted again yet.")
                    if due.returned
                    else _("Status: not submitted yet.")
                )
            else:
                lines.append(
                    _("Units that have not submitted (%(count)s): %(units)s")
                    % {"count": len(due.missing_units), "units": ", ".join(due.missing_units)}
                )
        else:
            lines.append(
                _("Task %(code)s: %(name)s") % {"code": due.task_code, "name": due.task_name}
            )
            lines.append(
                _("Deadline in the plan: %(deadline)s (last day: %(last_day)s); %(when)s.")
                % {"deadline": due.deadline_text, "last_day": last_day, "when": when_text(due.step)}
            )
            if due.extended:
                lines.append(_("Deadline extended to %(day)s.") % {"day": last_day})
            if due.lead_units:
                lines.append(_("Lead units: %(units)s") % {"units": ", ".join(due.lead_units)})
            if due.audience == ReminderAudience.SUPPORT:
                lines.append(_("Your unit supports this task; it is late."))
            lines.append(_("Report its progress in your unit's periodic report."))
        return "\n".join(lines)


def mail_text(*, name: str, body: str, url: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        parts = [_("Dear %(name)s,") % {"name": name}, "", body]
        if url:
            parts += ["", _("Open in the portal: %(url)s") % {"url": absolute_url(url)}]
        parts += ["", _footer()]
        return "\n".join(parts)


def digest_subject(count: int, day: date) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return ngettext(
            "Deadline reminders of %(day)s: %(count)s item",
            "Deadline reminders of %(day)s: %(count)s items",
            count,
        ) % {"day": day_text(day), "count": count}


def digest_text(*, name: str, items: Iterable[tuple[str, str, str]]) -> str:
    """One mail for the day's reminders: (title, body, url) each."""
    with translation.override(settings.LANGUAGE_CODE):
        parts = [_("Dear %(name)s,") % {"name": name}, ""]
        parts.append(_("Today's deadline reminders:"))
        for number, (title, body, url) in enumerate(items, start=1):
            parts += ["", f"{number}. {title}", body]
            if url:
                parts.append(_("Open in the portal: %(url)s") % {"url": absolute_url(url)})
        parts += ["", _footer()]
        return "\n".join(parts)


def _footer() -> str:
    from django.urls import reverse

    return _(
        "This message was sent automatically by the commune KPI portal. To receive one summary "
        "a day instead of separate mails, change your notification settings: %(url)s"
    ) % {"url": absolute_url(reverse("reminders:preferences"))}
