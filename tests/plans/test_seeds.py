"""The three seed plans load completely and faithfully (checked against ../shared/seeds/)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import F

from communes.models import Commune, Province, Unit
from indicators.models import Indicator, ProvinceIndicator, Target
from onboarding.seeds import seeds_load_all
from plans.models import Plan
from tasks.models import Task

pytestmark = pytest.mark.django_db


def test_counts_match_the_documents(seeds):
    assert set(seeds) == {"dien-quang", "truong-giang", "an-nong"}
    assert list(Province.objects.order_by("code").values_list("code", "name")) == [
        ("38", "Thanh Hóa"),
        ("51", "Quảng Ngãi"),
    ]
    dq = Commune.objects.get(code="dien-quang")
    plan = dq.plans.get()
    assert plan.indicator_groups.count() == 5
    assert plan.indicators.filter(is_heading=False).count() == 21
    assert plan.tasks.count() == 9
    # The group sizes of Appendix I (the prose's "02, 03, 01, 01, 05" does not add up to 21).
    assert [group.indicators.count() for group in plan.indicator_groups.order_by("order")] == [
        2,
        3,
        1,
        1,
        14,
    ]

    tg = Commune.objects.get(code="truong-giang").plans.get()
    assert tg.document_number == "536/QĐ-UBND"
    assert tg.issue_date == date(2025, 9, 10)
    assert tg.tasks.count() == 8
    assert tg.task_sections.count() == 4
    assert set(Target.objects.filter(indicator__plan=tg).values_list("year", flat=True)) == {
        2025,
        2030,
        2035,
        2040,
        2045,
    }

    an_nong = Commune.objects.get(code="an-nong")
    assert an_nong.plans.count() == 2
    kh28 = an_nong.plans.get(document_number="28/KH-UBND")
    assert kh28.indicators.filter(is_heading=False).count() == 19  # 1–16 with 3 split into 3a–3d
    assert kh28.tasks.count() == 30


def test_sample_values_match_the_documents(seeds):
    dq = Plan.objects.get(commune__code="dien-quang")
    assert dq.signing_authority == "KT. CHỦ TỊCH" and dq.signer_name == "Lục Xuân Thắng"
    fifteen = dq.indicators.get(code="15")
    assert fifteen.name.endswith("trên môi trường điện tử")
    assert fifteen.targets.get(year=2025).text == "100"
    task2 = dq.tasks.get(code="2")
    assert task2.budget_million_vnd == Decimal("100")
    assert task2.deadline_text == "Tháng 9/2025" and task2.due_date == date(2025, 9, 30)
    task4 = dq.tasks.get(code="4")
    assert task4.deadline_text == "Tháng 8/2025 và thường xuyên"
    assert task4.due_date == date(2025, 8, 31) and task4.is_continuous

    tg = Plan.objects.get(commune__code="truong-giang")
    assert tg.signing_authority == "TM. ỦY BAN NHÂN DÂN" and tg.signer_name == "Trần Đại Dương"
    one_one = tg.indicators.get(code="1.1")
    assert one_one.parent.code == "1" and one_one.parent.is_heading
    assert dict(one_one.targets.values_list("year", "text")) == {
        2035: "≥ 01",
        2040: "≥ 02",
        2045: "≥ 03",
    }
    three_four = tg.indicators.get(code="3.4").targets.get(year=2025)
    assert three_four.text == "≥  70" and three_four.comparator == "gte" and three_four.value == 70
    nine_one = tg.indicators.get(code="9.1")
    assert nine_one.parent.code == "8"
    three_seven = tg.indicators.get(code="3.7").targets.get(year=2045)
    assert three_seven.value == 100 and "vận hành hoàn toàn thông minh" in three_seven.note
    assert tg.indicators.get(code="5").targets.get(year=2025).value == Decimal("1.0")
    assert tg.tasks.get(code="8").deadline_kind == "open_start"

    kh28 = Plan.objects.get(document_number="28/KH-UBND")
    three_a = kh28.indicators.get(code="3a")
    assert three_a.parent.code == "3"
    assert [u.short_name for u in three_a.lead_units.all()] == ["Trạm Y tế"]
    assert three_a.numerator_definition and three_a.denominator_definition
    sixteen = kh28.indicators.get(code="16").targets.get(year=2026)
    assert sixteen.text == "35,4%" and sixteen.value == Decimal("35.4")
    seven = kh28.indicators.get(code="7").targets.get(year=2026)
    assert (seven.comparator, seven.value, seven.value_max) == ("range", 2, 3)
    assert kh28.indicators.get(code="4").targets.get(year=2026).comparator == "encouraged"
    assert Task.objects.filter(plan=kh28, deadline_text="Hàng năm").count() == 26


def test_every_lead_and_support_resolves_to_a_unit_of_the_same_commune(seeds):
    for indicator in Indicator.objects.prefetch_related("lead_units", "support_units"):
        assert all(unit.commune_id == indicator.commune_id for unit in indicator.lead_units.all())
        assert all(
            unit.commune_id == indicator.commune_id for unit in indicator.support_units.all()
        )
    for commune in Commune.objects.all():
        assert Unit.objects.filter(commune=commune, kind="standing_office").count() == 1


def test_loading_twice_changes_nothing(seeds):
    before = (
        Indicator.objects.count(),
        Target.objects.count(),
        Task.objects.count(),
        Unit.objects.count(),
    )
    seeds_load_all()
    assert (
        Indicator.objects.count(),
        Target.objects.count(),
        Task.objects.count(),
        Unit.objects.count(),
    ) == before


def test_every_seed_deadline_is_understood_or_flagged(seeds):
    # No deadline printed in the seeds is unreadable; the blank ones are "none", never flagged.
    assert not Task.objects.filter(deadline_flagged=True).exists()
    assert set(Task.objects.values_list("deadline_kind", flat=True)) <= {
        "date",
        "yearly",
        "continuous",
        "open_start",
        "span",
        "none",
    }


def test_province_catalogues_link_the_indicators_communes_share(seeds):
    thanh_hoa = ProvinceIndicator.objects.filter(province__code="38")
    quang_ngai = ProvinceIndicator.objects.filter(province__code="51")
    assert (thanh_hoa.count(), quang_ngai.count()) == (33, 30)
    # The same national indicator, worded "Tỉ lệ" in Điền Quang and "Tỷ lệ" in An Nông.
    health_book = thanh_hoa.get(name__contains="Sổ sức khỏe điện tử")
    assert sorted(health_book.commune_indicators.values_list("commune__code", "code")) == [
        ("an-nong", "15"),
        ("dien-quang", "20"),
    ]
    # Every indicator with targets counts towards its own province's catalogue, and only that.
    unlinked = Indicator.objects.filter(is_heading=False, province_indicator__isnull=True)
    assert not unlinked.exists()
    assert (
        not Indicator.objects.exclude(province_indicator__province=F("commune__province"))
        .filter(province_indicator__isnull=False)
        .exists()
    )
