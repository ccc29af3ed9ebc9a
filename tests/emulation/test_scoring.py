"""An Nông's 2026 scores, worked out by hand from the figures in conftest.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from communes.models import AuditEntry
from emulation.models import Criterion, Movement
from emulation.scoring import Rating, evaluation_parse, movement_ranking
from emulation.services import ScoringRefused, manual_mark_set, phases_parse, score_adjust
from reporting.models import Submission, SubmissionStatus
from tests.emulation.conftest import AFTER_DEADLINE

pytestmark = pytest.mark.django_db


def _ranking(an_nong, code="2026"):
    movement = an_nong["movement"]
    return movement_ranking(movement, evaluation_parse(movement, code), now=AFTER_DEADLINE)


def _by_name(scores):
    return {score.unit.short_name: score for score in scores}


def test_units_scored_from_approved_figures_with_the_reason_of_every_point(an_nong):
    units = _by_name(_ranking(an_nong).units)
    centre = units["Trung tâm phục vụ hành chính công"]
    # 180/200 = 90 % against "90%": 100 % of the target → 10/10; first of three with a figure
    # → 6/6; 172/200 = 86 % achieves "86%" → 5/5; its task done on time → 10/10; its one report
    # of 2026 on time → 10/10. 41 of 41 points: 100.
    assert [line.reason for line in centre.lines] == [
        "Chỉ tiêu 8: đạt 100% kế hoạch → 10/10 điểm",
        "Xếp hạng chỉ tiêu 8: xếp thứ 1/3 (đạt 100% kế hoạch) → 6/6 điểm",
        "Chỉ tiêu 9: đạt chỉ tiêu → 5/5 điểm",
        "Nhiệm vụ chuyên mục CĐS: hoàn thành đúng hạn → 10/10 điểm",
        "Báo cáo đúng hạn: 1/1 báo cáo đúng hạn → 10/10 điểm",
    ]
    assert (centre.total, centre.scale, centre.score) == (Decimal(41), Decimal(41), Decimal(100))
    assert centre.rating == Rating.EXCELLENT and centre.rank == 1
    economy = units["Phòng Kinh tế"]
    # 153/200 = 76,5 %: 85 % of 90 % → 8,5/10; second of three → 6 × 2/3 = 4; 150/200 = 75 %
    # misses "86%" → 0/5; its report came late → 0/10; it leads not the task: 12,5 of 31.
    assert [line.reason for line in economy.lines] == [
        "Chỉ tiêu 8: đạt 85% kế hoạch → 8,5/10 điểm",
        "Xếp hạng chỉ tiêu 8: xếp thứ 2/3 (đạt 85% kế hoạch) → 4/6 điểm",
        "Chỉ tiêu 9: không đạt chỉ tiêu → 0/5 điểm",
        "Báo cáo đúng hạn: 0/1 báo cáo đúng hạn → 0/10 điểm",
    ]
    assert (economy.total, economy.scale) == (Decimal("12.5"), Decimal(31))
    assert economy.score == Decimal("40.32")  # 12,5 × 100 / 31
    assert economy.rating == Rating.NOT_DONE
    police = units["Công an xã"]
    # 81/200 = 40,5 %: 45 % of the target → 4,5; third of three → 2; no figure for 9 → 0; on
    # time → 10: 16,5 of 31 = 53,23 → completed (from 50).
    assert (police.total, police.score, police.rating) == (
        Decimal("16.5"),
        Decimal("53.23"),
        Rating.DONE,
    )
    assert [score.unit.short_name for score in _ranking(an_nong).units][:3] == [
        "Trung tâm phục vụ hành chính công",
        "Công an xã",
        "Phòng Kinh tế",
    ]


def test_returned_and_draft_figures_do_not_count(an_nong):
    units = _by_name(_ranking(an_nong).units)
    # Trạm Y tế's report (200/200) was returned, Phòng VH-XH's (200/200) is a draft.
    for name in ("Trạm Y tế", "Phòng VH-XH"):
        score = units[name]
        assert score.lines[0].reason == "Chỉ tiêu 8: chưa có số liệu được duyệt → 0/10 điểm"
        assert score.total == 0 and score.rating == Rating.NOT_DONE
    # Nor do they rank: three units have an approved figure.
    assert "1/3" in units["Trung tâm phục vụ hành chính công"].lines[1].reason
    # Once approved, the health station's 200/200 (111,1 % of the target) counts, capped at
    # the criterion's maximum (10).
    Submission.objects.filter(unit=units["Trạm Y tế"].unit).update(status=SubmissionStatus.APPROVED)
    health = _by_name(_ranking(an_nong).units)["Trạm Y tế"]
    assert health.lines[0].reason == "Chỉ tiêu 8: đạt 111,1% kế hoạch → 10/10 điểm"
    assert health.lines[1].reason.startswith("Xếp hạng chỉ tiêu 8: xếp thứ 1/4")


def test_villages_scored_on_their_own_figures_and_the_office_marks(an_nong):
    villages = _by_name(_ranking(an_nong).villages)
    dong, tay = villages["Thôn Đông"], villages["Thôn Tây"]
    # 95/100 = 95 %: 105,6 % of "90%" → 20 × 1,0556 = 21,11, within its maximum of 22.
    assert [line.reason for line in dong.lines] == [
        "Chỉ tiêu 8 tại thôn: đạt 105,6% kế hoạch → 21,11/20 điểm",
        "Báo cáo của thôn đúng hạn: 1/1 báo cáo đúng hạn → 10/10 điểm",
        "Kiểm tra của Ban Chỉ đạo: chưa chấm → 0/10 điểm",
    ]
    assert (dong.total, dong.scale, dong.score) == (
        Decimal("31.11"),
        Decimal(40),
        Decimal("77.78"),
    )
    assert dong.rating == Rating.GOOD
    # 54/100: 60 % of the target → 12; late → 0: 12 of 40 = 30.
    assert (tay.total, tay.score, tay.rating) == (Decimal(12), Decimal(30), Rating.NOT_DONE)
    evaluation = evaluation_parse(an_nong["movement"], "2026")
    check = an_nong["criteria"]["village_check"]
    for village, points in ((dong.unit, "9"), (tay.unit, "8")):
        manual_mark_set(
            actor=an_nong["office"],
            criterion=check,
            unit=village,
            evaluation=evaluation,
            points=Decimal(points),
            note="Kiểm tra thực tế tháng 12/2026",
        )
    villages = _by_name(_ranking(an_nong).villages)
    # Đông: 31,11 + 9 = 40,11 of 40 → 100,28; Tây: 12 + 8 = 20 of 40 → 50: completed.
    assert villages["Thôn Đông"].score == Decimal("100.28")
    assert villages["Thôn Đông"].rating == Rating.EXCELLENT
    assert (villages["Thôn Tây"].score, villages["Thôn Tây"].rating) == (Decimal(50), Rating.DONE)
    assert villages["Thôn Tây"].lines[-1].reason == (
        "Kiểm tra của Ban Chỉ đạo: cơ quan thường trực chấm (Kiểm tra thực tế tháng 12/2026)"
        " → 8/10 điểm"
    )
    with pytest.raises(ScoringRefused, match="không được lớn hơn điểm tối đa"):
        manual_mark_set(
            actor=an_nong["office"],
            criterion=check,
            unit=tay.unit,
            evaluation=evaluation,
            points=Decimal(11),
        )
    with pytest.raises(ScoringRefused, match="không được âm"):
        manual_mark_set(
            actor=an_nong["office"],
            criterion=check,
            unit=tay.unit,
            evaluation=evaluation,
            points=Decimal(-1),
        )


def test_an_adjustment_is_audited_and_changes_the_rating(an_nong):
    movement = an_nong["movement"]
    evaluation = evaluation_parse(movement, "2026")
    economy = an_nong["units"]["Phòng Kinh tế"]
    score_adjust(
        actor=an_nong["office"],
        movement=movement,
        unit=economy,
        evaluation=evaluation,
        points=Decimal(5),
        reason="Được tỉnh khen thưởng đột xuất về hỗ trợ hợp tác xã số",
    )
    score = _by_name(_ranking(an_nong).units)["Phòng Kinh tế"]
    # 12,5 + 5 = 17,5 of 31 → 56,45: completed.
    assert (score.total, score.score, score.rating) == (
        Decimal("17.5"),
        Decimal("56.45"),
        Rating.DONE,
    )
    entry = AuditEntry.objects.get(object_id=movement.pk, field__endswith="score")
    assert (entry.old_value, entry.new_value) == ("12,5", "17,5")
    assert entry.reason == "Được tỉnh khen thưởng đột xuất về hỗ trợ hợp tác xã số"
    assert entry.actor == an_nong["office"] and entry.commune == an_nong["commune"]
    assert entry.field == "2026 · Phòng Kinh tế · score"
    with pytest.raises(ScoringRefused, match="lý do"):
        score_adjust(
            actor=an_nong["office"],
            movement=movement,
            unit=economy,
            evaluation=evaluation,
            points=Decimal(1),
            reason="  ",
        )
    with pytest.raises(ScoringRefused, match="từ 0 đến 31"):
        score_adjust(
            actor=an_nong["office"],
            movement=movement,
            unit=economy,
            evaluation=evaluation,
            points=Decimal(-20),
            reason="Vi phạm chế độ báo cáo",
        )


def test_thresholds_set_the_rating(an_nong):
    movement = an_nong["movement"]
    movement.excellent_from, movement.good_from, movement.done_from = (
        Decimal(50),
        Decimal(40),
        Decimal(30),
    )
    movement.save()
    units = _by_name(_ranking(an_nong).units)
    assert units["Công an xã"].rating == Rating.EXCELLENT  # 53,23
    assert units["Phòng Kinh tế"].rating == Rating.GOOD  # 40,32
    assert units["Trạm Y tế"].rating == Rating.NOT_DONE  # 0
    # Thresholds out of order, or beyond 100, are refused with a message.
    movement.good_from = Decimal(60)
    with pytest.raises(ValidationError) as refused:
        movement.full_clean()
    assert "phải giảm dần" in str(refused.value)
    movement.good_from, movement.excellent_from = Decimal(40), Decimal(120)
    with pytest.raises(ValidationError) as refused:
        movement.full_clean()
    assert "từ 0 đến 100" in str(refused.value.message_dict["excellent_from"])


def test_criterion_points_within_the_maximum(an_nong):
    criterion = Criterion(
        commune=an_nong["commune"],
        movement=an_nong["movement"],
        name="Báo cáo",
        basis="reports_on_time",
        points=Decimal(12),
        maximum=Decimal(10),
    )
    with pytest.raises(ValidationError) as refused:
        criterion.full_clean()
    assert refused.value.message_dict["points"] == [
        "Điểm (12) không được lớn hơn điểm tối đa (10)."
    ]
    criterion.points = Decimal(-1)
    with pytest.raises(ValidationError) as refused:
        criterion.full_clean()
    assert "points" in refused.value.message_dict


def test_phases_and_periods(an_nong):
    assert phases_parse("2026-2027; 2028 – 2030", start_year=2026, end_year=2030) == [
        (2026, 2027),
        (2028, 2030),
    ]
    with pytest.raises(ScoringRefused):
        phases_parse("2026-2028; 2028-2030", start_year=2026, end_year=2030)
    with pytest.raises(ScoringRefused):
        phases_parse("2025-2027", start_year=2026, end_year=2030)
    movement: Movement = an_nong["movement"]
    phase = evaluation_parse(movement, "2026-2027")
    assert (phase.year, phase.years, phase.label) == (2027, (2026, 2027), "Giai đoạn 2026 - 2027")
    # The year criteria do not apply to a phase: nothing is scored for it.
    assert all(score.score is None for score in movement_ranking(movement, phase).units)


def test_the_ranking_opens_on_the_last_year_whose_data_window_has_ended(an_nong):
    from datetime import date

    from emulation.scoring import evaluation_default
    from reporting.services import period_ensure

    movement = an_nong["movement"]
    period_ensure(an_nong["commune"], "2027")  # the year just begun has its period open too
    # 2026's data run to 14/12/2026: rated from then on; before, the current year shows.
    assert evaluation_default(movement, date(2027, 2, 1)).code == "2026"
    assert evaluation_default(movement, date(2026, 12, 1)).code == "2026"
    assert evaluation_default(movement, date(2028, 1, 10)).code == "2027"
    assert evaluation_default(movement, date(2025, 5, 1)).code == "2026"  # before it began


def test_a_month_is_scored_on_its_own_criteria_and_reports(an_nong):
    from datetime import date, datetime

    from emulation.models import Basis, EvaluationKind
    from emulation.scoring import evaluations_of
    from reporting.periods import TIME_ZONE
    from reporting.services import period_ensure
    from tests.emulation.conftest import _report

    movement, commune = an_nong["movement"], an_nong["commune"]
    Criterion.objects.create(
        commune=commune,
        movement=movement,
        name="Báo cáo tháng đúng hạn",
        basis=Basis.REPORTS_ON_TIME,
        points=Decimal(4),
        maximum=Decimal(4),
        evaluated_over=EvaluationKind.MONTH,
    )
    march = period_ensure(commune, "202603")
    centre = an_nong["units"]["Trung tâm phục vụ hành chính công"]
    _report(
        commune,
        march,
        centre,
        SubmissionStatus.APPROVED,
        submitted=datetime(2026, 4, 10, 9, tzinfo=TIME_ZONE),
    )
    codes = [evaluation.code for evaluation in evaluations_of(movement, date(2026, 4, 20))]
    assert codes[:7] == ["2026", "2027", "2028", "2029", "2030", "2026-2027", "2028-2030"]
    assert codes[7:11] == ["202604", "202603", "202602", "202601"]
    units = _by_name(_ranking(an_nong, "202603").units)
    assert [line.reason for line in units["Trung tâm phục vụ hành chính công"].lines] == [
        "Báo cáo tháng đúng hạn: 1/1 báo cáo đúng hạn → 4/4 điểm"
    ]
    assert units["Phòng Kinh tế"].lines[0].reason == (
        "Báo cáo tháng đúng hạn: 0/1 báo cáo đúng hạn → 0/4 điểm"
    )
    assert units["Phòng Kinh tế"].rating == Rating.NOT_DONE


def test_a_year_takes_a_units_latest_approved_month_where_its_year_report_lacks_it(an_nong):
    from datetime import datetime

    from reporting.periods import TIME_ZONE
    from reporting.services import period_ensure
    from tests.emulation.conftest import _report

    commune = an_nong["commune"]
    office = an_nong["units"]["Văn phòng HĐND&UBND"]
    indicator_8 = an_nong["criteria"]["share_8"].indicator
    november = period_ensure(commune, "202611")
    _report(
        commune,
        november,
        office,
        SubmissionStatus.APPROVED,
        submitted=datetime(2026, 12, 10, 9, tzinfo=TIME_ZONE),
        figures=[(indicator_8, 162, 200)],
    )
    # 162/200 = 81 %: 90 % of "90%" → 9/10, read from November for the year 2026.
    score = _by_name(_ranking(an_nong).units)["Văn phòng HĐND&UBND"]
    assert score.lines[0].reason == "Chỉ tiêu 8: đạt 90% kế hoạch → 9/10 điểm"
