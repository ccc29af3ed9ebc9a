"""Writes to a plan that are not a form's: putting a draft in force."""

from django.db import transaction
from django.utils.translation import gettext as _

from communes.audit import audit_record
from plans.models import Plan, PlanStatus


class PlanStatusError(ValueError):
    """The plan cannot change status this way; the message says why."""


@transaction.atomic
def plan_put_in_force(*, actor, plan: Plan) -> Plan:
    """A draft (an import, a plan typed in) becomes the commune's plan in force; audited."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise PlanStatusError(_("Only a draft plan can be put in force."))
    plan.status = PlanStatus.IN_FORCE
    plan.save(update_fields=["status"])
    audit_record(
        actor=actor,
        commune=plan.commune,
        obj=plan,
        field="status",
        old=str(PlanStatus.DRAFT.label),
        new=str(PlanStatus.IN_FORCE.label),
    )
    return plan
