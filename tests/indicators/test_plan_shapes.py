"""The target shapes real plans print (issue 14, item 4): strict comparators ("trên 40%", "< 5"),
every-year targets ("Mỗi năm có ít nhất 2") up to the plan's end year, and milestone rows that
print no value (the thing must exist by that year). Each through the parser, the assessment, the
on-track rule, the writers, the indicator form and the plan page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from communes.models import Commune
from indicators.assessment import Assessment, target_assess, target_of_year, target_or_next
from indicators.models import Indicator, Target
from indicators.ontrack import PeriodPoint, Track, indicator_standing
from indicators.targets import Comparator, target_exists, target_parse, target_problem
from plans.writers import plan_indicators_write
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def target(text: str, year: int = 2026, *, horizon: int = 2030) -> Target:
    parsed = target_parse(text) if text else target_exists()
    made = Target(year=year, text=text)
    made.parsed_apply(parsed, horizon=horizon)
    return made


# --- strict comparators ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "value", "expected"),
    [
        ("trên 40%", "40", Assessment.NOT_ACHIEVED),  # 40% does not meet "trên 40%"
        ("trên 40%", "40.01", Assessment.ACHIEVED),
        ("> 40%", "40", Assessment.NOT_ACHIEVED),
        ("> 40%", "41", Assessment.ACHIEVED),
        ("≥ 40%", "40", Assessment.ACHIEVED),  # the non-strict one still is
        ("dưới 5%", "5", Assessment.NOT_ACHIEVED),
        ("dưới 5%", "4.9", Assessment.ACHIEVED),
        ("< 5", "5", Assessment.NOT_ACHIEVED),
        ("< 5", "0", Assessment.ACHIEVED),
        ("≤ 5", "5", Assessment.ACHIEVED),
    ],
)
def test_strict_comparators_are_judged_strictly(printed, value, expected):
    verdict = target_assess(target(printed), value=Decimal(value))
    assert verdict.assessment == expected


def test_a_strict_target_is_strict_whatever_the_indicator_direction():
    # "dưới 5%" on an indicator left as "higher is better" is still judged "less than".
    verdict = target_assess(target("dưới 5%"), value=Decimal(6), direction="higher")
    assert verdict.assessment == Assessment.NOT_ACHIEVED
    assert verdict.percent_of_target == Decimal(5) * 100 / Decimal(6)


def test_on_track_at_the_year_end_a_strict_target_met_exactly_is_off_track():
    standing = indicator_standing(
        [target("trên 40%", 2026)], PeriodPoint(2026, Decimal(1)), value=Decimal(40)
    )
    assert standing.track == Track.OFF_TRACK
    standing = indicator_standing(
        [target("trên 40%", 2026)], PeriodPoint(2026, Decimal(1)), value=Decimal(41)
    )
    assert standing.track == Track.ACHIEVED


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("trên 150%", "không được vượt quá 100"),
        ("> abc", "không phải là số"),
        ("dưới -3", "không được âm"),
        ("< -20%", "không được âm"),
    ],
)
def test_a_strict_target_that_cannot_be_one_says_why(text, message):
    assert message in target_problem(text, "percent")


# --- every-year targets ------------------------------------------------------------------


def test_an_every_year_target_holds_for_each_year_up_to_the_horizon():
    every = target("Mỗi năm có ít nhất 2", 2026, horizon=2030)
    assert (every.comparator, every.value, every.until_year) == (Comparator.AT_LEAST, 2, 2030)
    for year in range(2026, 2031):
        assert target_of_year([every], year) is every, year
        assert target_or_next([every], year) == (every, None), year
    assert target_of_year([every], 2031) is None  # past the plan's end
    assert target_or_next([every], 2025) == (None, every)  # before it: the next target


def test_a_target_printed_for_its_own_year_wins_over_an_every_year_one():
    every = target("Mỗi năm có ít nhất 2", 2026, horizon=2030)
    own = target("≥ 5", 2030)
    assert target_of_year([own, every], 2030) is own
    assert target_of_year([own, every], 2028) is every


def test_every_year_targets_are_assessed_in_any_year_and_are_on_the_path():
    every = target("Hằng năm đạt trên 40%", 2026, horizon=2030)
    own, _later = target_or_next([every], 2029)
    assert target_assess(own, value=Decimal(40)).assessment == Assessment.NOT_ACHIEVED
    assert target_assess(own, value=Decimal(45)).assessment == Assessment.ACHIEVED
    # 2028 is a year of its own on the path: at the year's end, short of it is off track.
    standing = indicator_standing([every], PeriodPoint(2028, Decimal(1)), value=Decimal(30))
    assert (standing.track, standing.target, standing.expected) == (Track.OFF_TRACK, every, 40)


# --- milestone rows that print no value ---------------------------------------------------


def test_a_row_that_must_exist_by_a_year_is_achieved_when_reported_done():
    exists = target("", 2030)
    assert (exists.comparator, exists.text) == (Comparator.EXISTS, "")
    assert target_assess(exists, value=None, is_done=True).assessment == Assessment.ACHIEVED
    assert target_assess(exists, value=None, is_done=False).assessment == Assessment.NOT_ACHIEVED
    assert target_assess(exists, value=None).assessment == Assessment.NO_DATA
    assert target_assess(exists, value=Decimal(1)).assessment == Assessment.ACHIEVED  # a count
    # Before its year it is not due; done early is achieved.
    standing = indicator_standing([exists], PeriodPoint(2027, Decimal(1)), value=None)
    assert standing.track == Track.NOT_ASSESSABLE
    standing = indicator_standing(
        [exists], PeriodPoint(2030, Decimal(1)), is_done=False, value=None
    )
    assert standing.track == Track.OFF_TRACK


# --- written, edited and shown ------------------------------------------------------------


@pytest.fixture
def shapes_plan(seeds):
    """A 2026–2030 plan of Điền Quang with one indicator of each shape."""
    commune = Commune.objects.get(code="dien-quang")
    plan = PlanFactory(commune=commune, key="kh-shapes", period_start=2026, period_end=2030)
    plan_indicators_write(
        plan=plan,
        groups=[{"numeral": "I", "title": "Hạ tầng số"}],
        indicators=[
            {"group": "I", "code": "1", "name": "Tỷ lệ hộ có cáp quang", "unit": "%",
             "targets": {"2026": "trên 40%", "2030": "> 60%"}},
            {"group": "I", "code": "2", "name": "Tỷ lệ hồ sơ trễ hạn", "unit": "%",
             "direction": "lower", "targets": {"2026": "dưới 5%"}},
            {"group": "I", "code": "3", "name": "Số mô hình chuyển đổi số", "unit": "Mô hình",
             "kind": "count", "targets": {"2026": "Mỗi năm có ít nhất 01 mô hình"}},
            {"group": "I", "code": "4", "name": "Trung tâm điều hành thông minh của xã",
             "unit": "", "kind": "milestone", "exists_by": 2030},
        ],
    )  # fmt: skip
    return plan


def test_the_writers_store_each_shape_read_by_the_parser(shapes_plan):
    readings = {
        (target.indicator.code, target.year): (target.text, target.comparator, target.until_year)
        for target in Target.objects.filter(indicator__plan=shapes_plan).select_related("indicator")
    }
    assert readings == {
        ("1", 2026): ("trên 40%", "gt", None),
        ("1", 2030): ("> 60%", "gt", None),
        ("2", 2026): ("dưới 5%", "lt", None),
        ("3", 2026): ("Mỗi năm có ít nhất 01 mô hình", "gte", 2030),  # the plan's end year
        ("4", 2030): ("", "exists", None),
    }


def test_the_plan_page_shows_each_shape_as_printed(client, people, shapes_plan):
    client.force_login(people["standing_office"])
    html = client.get(
        reverse("reporting:plan", args=["dien-quang", shapes_plan.pk])
    ).content.decode()
    assert "trên 40%" in html and "&gt; 60%" in html and "dưới 5%" in html
    assert 'title="trên (&gt;)"' in html and 'title="dưới (&lt;)"' in html
    assert "Mỗi năm có ít nhất 01 mô hình" in html and "mỗi năm đến 2030" in html
    assert "phải có trước hết năm" in html  # the row that prints no value


def indicator_form_data(indicator, **changes):
    data = {
        "group": indicator.group_id,
        "code": indicator.code,
        "name": indicator.name,
        "unit_of_measure": indicator.unit_of_measure,
        "measure_kind": indicator.measure_kind,
        "direction": indicator.direction,
        "order": indicator.order,
    }
    data.update({f"target_{t.year}": t.text for t in indicator.targets.all()})
    data.update(changes)
    return data


def test_the_form_saves_strict_and_every_year_targets(client, people, shapes_plan):
    indicator = Indicator.objects.get(plan=shapes_plan, code="1")
    client.force_login(people["standing_office"])
    url = reverse("indicators:edit", args=["dien-quang", indicator.pk])
    response = client.post(
        url, indicator_form_data(indicator, target_2026="Hằng năm đạt trên 50%", target_2030="")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = indicator.targets.get()
    assert (saved.year, saved.comparator, saved.value, saved.until_year) == (2026, "gt", 50, 2030)


def test_the_form_refuses_a_target_that_cannot_be_one_and_says_why(client, people, shapes_plan):
    indicator = Indicator.objects.get(plan=shapes_plan, code="1")
    client.force_login(people["standing_office"])
    url = reverse("indicators:edit", args=["dien-quang", indicator.pk])
    for text, message in (
        ("abc%", "không phải là số"),
        ("150%", "không được vượt quá 100"),
        ("-20%", "không được âm"),
        ("trên 150%", "không được vượt quá 100"),
    ):
        response = client.post(url, indicator_form_data(indicator, target_2026=text))
        html = response.content.decode()
        assert response.status_code == 200 and message in html and text in html, text
    assert indicator.targets.get(year=2026).text == "trên 40%"  # nothing saved is lost


def test_the_form_keeps_and_sets_a_must_exist_by_year(client, people, shapes_plan):
    indicator = Indicator.objects.get(plan=shapes_plan, code="4")
    client.force_login(people["standing_office"])
    url = reverse("indicators:edit", args=["dien-quang", indicator.pk])
    page = client.get(url).content.decode()
    assert 'value="2030" selected' in page  # the stored "must exist by 2030"
    response = client.post(url, indicator_form_data(indicator, exists_by="2028"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(indicator.targets.values_list("year", "comparator", "text")) == [
        (2028, "exists", "")
    ]
    # A printed target in the same year is refused with the reason.
    response = client.post(url, indicator_form_data(indicator, exists_by="2028", target_2028="X"))
    assert response.status_code == 200
    assert "Năm 2028 đã được chọn là năm phải có" in response.content.decode()
    # Choosing no year (and no target) removes it.
    client.post(url, indicator_form_data(indicator, exists_by=""))
    assert not indicator.targets.exists()


def test_the_migration_reads_stored_free_text_targets_the_parser_now_reads(shapes_plan):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "indicators.migrations.0003_target_strict_every_year_exists"
    )
    stored = Target.objects.filter(indicator__plan=shapes_plan)
    # As a portal before this change stored them: free text.
    stored.update(comparator="text", value=None, until_year=None)
    Target.objects.filter(indicator__plan=shapes_plan, text="").delete()
    migration.reread_text_targets(apps, None)
    assert sorted(stored.values_list("text", "comparator", "until_year")) == [
        ("> 60%", "gt", None),
        ("Mỗi năm có ít nhất 01 mô hình", "gte", 2030),
        ("dưới 5%", "lt", None),
        ("trên 40%", "gt", None),
    ]


def test_pages_and_reports_print_a_valueless_milestone_as_must_exist_by_its_year():
    from indicators.targets import target_shown

    assert target_shown(target("", 2030)) == "phải có trước hết năm 2030"
    assert target("trên 40%").shown_text == "trên 40%"
