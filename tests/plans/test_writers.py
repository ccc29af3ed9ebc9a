"""plans.writers: rows by natural key, shared by the seed loader and plan import."""

import pytest

from plans.writers import PlanRowError, plan_indicators_write, plan_tasks_write
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

GROUPS = [{"numeral": "I", "title": "Hạ tầng"}]


def _indicator(code, **extra):
    return {"group": "I", "code": code, "name": f"Chỉ tiêu {code}", "targets": {}} | extra


def test_a_repeated_code_is_refused_not_silently_replaced():
    plan = PlanFactory()
    with pytest.raises(PlanRowError, match="repeats an earlier indicator"):
        plan_indicators_write(
            plan=plan, groups=GROUPS, indicators=[_indicator("1"), _indicator("1")]
        )
    with pytest.raises(PlanRowError, match="repeats an earlier task"):
        plan_tasks_write(
            plan=plan, sections=[], tasks=[{"code": "1", "name": "A"}, {"code": "1", "name": "B"}]
        )


def test_rows_update_in_place_and_prune_removes_only_what_is_gone():
    plan = PlanFactory()
    first = plan_indicators_write(
        plan=plan,
        groups=GROUPS,
        indicators=[
            _indicator("1", targets={2025: "50%"}),
            _indicator("1.1", parent="1"),
            _indicator("2"),
        ],
    )
    ids = {item.code: item.pk for item in first}
    again = plan_indicators_write(
        plan=plan,
        groups=GROUPS,
        indicators=[_indicator("1", targets={2030: "≥ 60%"}), _indicator("1.1", parent="1")],
        prune=True,
    )
    assert {item.code: item.pk for item in again} == {"1": ids["1"], "1.1": ids["1.1"]}
    assert list(plan.indicators.get(code="1").targets.values_list("year", "text")) == [
        (2030, "≥ 60%")
    ]
    assert plan.indicators.get(code="1.1").parent.code == "1"
    assert not plan.indicators.filter(code="2").exists()
