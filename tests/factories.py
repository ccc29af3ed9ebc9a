"""Factories for unit tests; the seed communes are loaded by the `seeds` fixture where realism matters."""

from datetime import timedelta

import factory

from accounts.models import User
from communes.models import Commune, Membership, Province, Role, Unit, UnitKind
from indicators.models import Indicator, IndicatorGroup, Target
from plans.models import Plan
from reporting.models import IndicatorValue, Submission, SubmissionStatus, TaskProgress
from tasks.models import Task, TaskSection


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n + 60}")
    name = factory.Sequence(lambda n: f"Tỉnh {n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"xa-{n}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    commune = factory.SubFactory(CommuneFactory)
    kind = UnitKind.DEPARTMENT
    short_name = factory.Sequence(lambda n: f"Phòng {n}")
    name = factory.LazyAttribute(lambda unit: f"{unit.short_name} xã")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests-1")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.COMMUNE_LEADER


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    commune = factory.SubFactory(CommuneFactory)
    key = factory.Sequence(lambda n: f"plan-{n}")
    document_number = factory.Sequence(lambda n: f"{n}/KH-UBND")
    title = "Kế hoạch chuyển đổi số"
    issuing_body = factory.LazyAttribute(lambda plan: f"UBND {plan.commune}")
    period_start = 2025
    period_end = 2030
    status = "in_force"


class IndicatorGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorGroup

    plan = factory.SubFactory(PlanFactory)
    commune = factory.SelfAttribute("plan.commune")
    numeral = factory.Sequence(lambda n: f"G{n}")
    title = "Nhóm chỉ tiêu"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    group = factory.SubFactory(IndicatorGroupFactory)
    plan = factory.SelfAttribute("group.plan")
    commune = factory.SelfAttribute("group.commune")
    code = factory.Sequence(lambda n: f"{n + 1}")
    name = factory.Sequence(lambda n: f"Tỷ lệ thử {n}")
    unit_of_measure = "%"
    order = factory.Sequence(lambda n: n)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    commune = factory.SelfAttribute("indicator.commune")
    year = 2025
    text = "≥ 70"
    comparator = "gte"
    value = 70


class TaskSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskSection

    plan = factory.SubFactory(PlanFactory)
    commune = factory.SelfAttribute("plan.commune")
    numeral = factory.Sequence(lambda n: f"S{n}")
    title = "Nhóm nhiệm vụ"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    section = None
    commune = factory.SelfAttribute("plan.commune")
    code = factory.Sequence(lambda n: f"{n + 1}")
    name = factory.Sequence(lambda n: f"Nhiệm vụ thử {n}")
    deadline_text = "Tháng 7/2025"
    order = factory.Sequence(lambda n: n)


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A unit's report for a period: a draft, or with `approved=True` handed in two days before
    the deadline (`late=True`: two days after) and reviewed on it."""

    class Meta:
        model = Submission

    class Params:
        late = False
        approved = factory.Trait(
            status=SubmissionStatus.APPROVED,
            submitted_at=factory.LazyAttribute(
                lambda o: o.period.deadline + timedelta(days=2 if o.late else -2)
            ),
            reviewed_at=factory.SelfAttribute("period.deadline"),
        )

    period = None  # required: a ReportingPeriod (reporting.services.period_ensure)
    unit = None  # required: a Unit of the period's commune
    commune = factory.SelfAttribute("period.commune")
    status = SubmissionStatus.DRAFT
    is_late = factory.SelfAttribute("late")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    """A figure of a report: pass `value=`, `numerator=`/`denominator=`, `is_done=` or `text=`."""

    class Meta:
        model = IndicatorValue

    submission = None  # required
    commune = factory.SelfAttribute("submission.commune")
    indicator = None  # required


class TaskProgressFactory(factory.django.DjangoModelFactory):
    """A task's progress in a report."""

    class Meta:
        model = TaskProgress

    submission = None  # required
    commune = factory.SelfAttribute("submission.commune")
    task = None  # required
    status = "in_progress"
