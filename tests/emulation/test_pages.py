"""The emulation pages as the standing office, a leader, an inspector and other tenants use them."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from communes.models import Role, Unit, UnitKind
from emulation.models import Basis, Criterion, ManualMark, Movement, ScoreAdjustment
from reporting.models import SubmissionStatus
from tests.conftest import person
from tests.emulation.conftest import AFTER_DEADLINE, ON_TIME, _report
from tests.queries import assert_flat, queries_of_get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_the_deadline():
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        yield


def _ranking_url(an_nong, code="2026"):
    commune, movement = an_nong["commune"], an_nong["movement"]
    return reverse("emulation:ranking", args=[commune.code, movement.pk]) + f"?period={code}"


def _unit_url(an_nong, unit, code="2026"):
    commune, movement = an_nong["commune"], an_nong["movement"]
    return (
        reverse("emulation:unit_score", args=[commune.code, movement.pk, unit.pk])
        + f"?period={code}"
    )


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_ranking_shows_every_score_with_its_reasons(client, an_nong):
    client.force_login(an_nong["leader"])
    response = client.get(_ranking_url(an_nong))
    assert response.status_code == 200
    text = _text(response)
    assert "Chỉ tiêu 8: đạt 85% kế hoạch → 8,5/10 điểm" in text
    assert "Chỉ tiêu 8 tại thôn: đạt 105,6% kế hoạch → 21,11/20 điểm" in text
    assert "Các cơ quan, đơn vị" in text and "Các thôn, tổ dân phố" in text
    rows = re.findall(
        r'<tr data-unit="([^"]+)">.*?data-testid="score">([^<]*)<.*?data-testid="rating">([^<]*)<',
        response.content.decode(),
        re.S,
    )
    assert rows[:3] == [
        ("Trung tâm phục vụ hành chính công", "100", "Hoàn thành xuất sắc nhiệm vụ"),
        ("Công an xã", "53,23", "Hoàn thành nhiệm vụ"),
        ("Phòng Kinh tế", "40,32", "Không hoàn thành nhiệm vụ"),
    ]
    assert ("Thôn Đông", "77,78", "Hoàn thành tốt nhiệm vụ") in rows
    # The leader reads; acting is the office's.
    assert (
        reverse(
            "emulation:criterion_create", args=[an_nong["commune"].code, an_nong["movement"].pk]
        )
        not in response.content.decode()
    )
    assert client.get(_unit_url(an_nong, an_nong["units"]["Phòng Kinh tế"])).status_code == 200
    assert (
        client.post(
            _unit_url(an_nong, an_nong["units"]["Phòng Kinh tế"]),
            {"action": "adjust", "points": "5", "reason": "Thử"},
        ).status_code
        == 403
    )


def test_the_office_adjusts_a_score_with_a_reason_and_it_shows(client, an_nong):
    client.force_login(an_nong["office"])
    economy = an_nong["units"]["Phòng Kinh tế"]
    url = _unit_url(an_nong, economy)
    refused = client.post(url, {"action": "adjust", "points": "-20", "reason": "Vi phạm"})
    assert refused.status_code == 400
    assert "điểm phải nằm trong khoảng từ 0 đến 31 điểm" in _text(refused)
    refused = client.post(url, {"action": "adjust", "points": "2.5", "reason": "Thử"})
    assert refused.status_code == 400 and "không rõ nghĩa" in _text(refused)
    refused = client.post(url, {"action": "adjust", "points": "5", "reason": ""})
    assert refused.status_code == 400
    assert not ScoreAdjustment.objects.exists()
    done = client.post(
        url, {"action": "adjust", "points": "5", "reason": "Khen thưởng đột xuất của tỉnh"}
    )
    assert done.status_code == 302
    page = _text(client.get(url))
    assert "+5 điểm: Khen thưởng đột xuất của tỉnh" in page
    assert "Khen thưởng đột xuất của tỉnh" in page.split("Lịch sử thay đổi")[-1]  # the history
    assert "12,5" in page and "17,5" in page
    ranking = _text(client.get(_ranking_url(an_nong)))
    assert "Cơ quan thường trực điều chỉnh: +5 điểm (Khen thưởng đột xuất của tỉnh)" in ranking
    assert "56,45" in ranking


def test_the_office_marks_a_village_within_the_maximum(client, an_nong):
    client.force_login(an_nong["office"])
    check = an_nong["criteria"]["village_check"]
    url = _unit_url(an_nong, an_nong["dong"])
    prefix = f"mark-{check.pk}"
    refused = client.post(url, {"action": "mark", "criterion": check.pk, f"{prefix}-points": "12"})
    assert refused.status_code == 400
    assert "Điểm (12) không được lớn hơn điểm tối đa (10)." in _text(refused)
    refused = client.post(url, {"action": "mark", "criterion": check.pk, f"{prefix}-points": "-1"})
    assert refused.status_code == 400 and "Số điểm không được âm." in _text(refused)
    saved = client.post(
        url,
        {"action": "mark", "criterion": check.pk, f"{prefix}-points": "9", f"{prefix}-note": "Tốt"},
    )
    assert saved.status_code == 302
    assert ManualMark.objects.get(unit=an_nong["dong"]).points == Decimal(9)
    assert "Kiểm tra của Ban Chỉ đạo: cơ quan thường trực chấm (Tốt) → 9/10 điểm" in _text(
        client.get(url)
    )
    # A criterion computed from the figures is not marked by hand.
    share = an_nong["criteria"]["village_8"]
    assert client.post(url, {"action": "mark", "criterion": share.pk}).status_code == 404


def test_the_office_defines_a_movement_and_its_criteria_with_clear_messages(client, an_nong):
    commune = an_nong["commune"]
    client.force_login(an_nong["office"])
    create = reverse("emulation:movement_create", args=[commune.code])
    data = {
        "name": "Phong trào thi đua chuyển đổi số",
        "start_year": "2026",
        "end_year": "2030",
        "excellent_from": "70",
        "good_from": "80",
        "done_from": "50",
        "phases": "2026-2027; 2028-2030",
    }
    refused = client.post(create, data)
    assert "Các mức xếp loại phải giảm dần" in _text(refused)
    refused = client.post(create, {**data, "excellent_from": "90", "phases": "2026-2031"})
    assert "Giai đoạn 2026-2031 nằm ngoài thời gian của phong trào." in _text(refused)
    response = client.post(create, {**data, "excellent_from": "92,5"})
    assert response.status_code == 302
    movement = Movement.objects.get(name="Phong trào thi đua chuyển đổi số")
    assert movement.excellent_from == Decimal("92.5")
    assert [phase.code for phase in movement.phases.all()] == ["2026-2027", "2028-2030"]
    new = reverse("emulation:criterion_create", args=[commune.code, movement.pk])
    criterion = {
        "audience": "units",
        "name": "Chỉ tiêu 8",
        "basis": Basis.INDICATOR_SHARE,
        "indicator": an_nong["criteria"]["share_8"].indicator_id,
        "points": "12",
        "maximum": "10",
        "evaluated_over": "year",
        "order": "1",
    }
    assert "Điểm (12) không được lớn hơn điểm tối đa (10)." in _text(client.post(new, criterion))
    assert "Số điểm không được âm." in _text(client.post(new, {**criterion, "points": "-2"}))
    assert "Chọn chỉ tiêu được chấm theo tiêu chí này." in _text(
        client.post(new, {**criterion, "indicator": "", "points": "8"})
    )
    assert client.post(new, {**criterion, "points": "8,5"}).status_code == 302
    saved = Criterion.objects.get(movement=movement)
    assert (saved.points, saved.maximum) == (Decimal("8.5"), Decimal(10))
    detail = _text(client.get(reverse("emulation:movement", args=[commune.code, movement.pk])))
    assert "Hoàn thành xuất sắc nhiệm vụ: từ 92,5 điểm" in detail
    assert "8,5" in detail


def test_the_inspector_reads_and_acts_on_nothing(client, an_nong):
    client.force_login(an_nong["inspector"])
    commune, movement = an_nong["commune"], an_nong["movement"]
    economy = an_nong["units"]["Phòng Kinh tế"]
    for url in (
        reverse("emulation:movements", args=[commune.code]),
        reverse("emulation:movement", args=[commune.code, movement.pk]),
        _ranking_url(an_nong),
        _unit_url(an_nong, economy),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        forms = re.findall(r'<form method="post"(?: action="([^"]*)")?', response.content.decode())
        assert forms == ["/accounts/logout/"], url  # nothing to act on but signing out
    assert client.post(_unit_url(an_nong, economy), {"action": "adjust"}).status_code == 403
    for url in (
        reverse("emulation:movement_create", args=[commune.code]),
        reverse("emulation:movement_edit", args=[commune.code, movement.pk]),
        reverse("emulation:criterion_create", args=[commune.code, movement.pk]),
        reverse("emulation:criterion_edit", args=[commune.code, an_nong["criteria"]["task"].pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    # A province officer reads the commune's figures, not its internal scoring.
    client.force_login(person(Role.PROVINCE_OFFICER, province=commune.province))
    assert client.get(_ranking_url(an_nong)).status_code == 403


def test_another_communes_movement_answers_404(client, an_nong, seeds):
    dien_quang = seeds["dien-quang"]
    own = Movement.objects.create(
        commune=dien_quang, name="Thi đua", start_year=2025, end_year=2026
    )
    client.force_login(person(Role.STANDING_OFFICE, commune=dien_quang))
    movement, criterion = an_nong["movement"], an_nong["criteria"]["share_8"]
    economy = an_nong["units"]["Phòng Kinh tế"]
    an_nong_code = an_nong["commune"].code
    for url in (
        # Under the other commune's code.
        reverse("emulation:movements", args=[an_nong_code]),
        reverse("emulation:ranking", args=[an_nong_code, movement.pk]),
        reverse("emulation:rating_file", args=[an_nong_code, movement.pk]) + "?format=pdf",
        reverse("emulation:criterion_edit", args=[an_nong_code, criterion.pk]),
        # Under its own code, with the other commune's ids.
        reverse("emulation:ranking", args=[dien_quang.code, movement.pk]),
        reverse("emulation:movement_edit", args=[dien_quang.code, movement.pk]),
        reverse("emulation:criterion_edit", args=[dien_quang.code, criterion.pk]),
        reverse("emulation:criterion_create", args=[dien_quang.code, movement.pk]),
        reverse("emulation:unit_score", args=[dien_quang.code, own.pk, economy.pk]),
    ):
        assert client.get(url).status_code == 404, url
        # A page that only reads answers a post 405 before looking anything up, as for a missing id.
        posted = client.post(url, {"action": "adjust", "points": "1", "reason": "x"})
        assert posted.status_code in (404, 405), url
    assert not ScoreAdjustment.objects.exists()
    # An unknown period of the movement is missing too.
    assert (
        client.get(
            reverse("emulation:ranking", args=[dien_quang.code, own.pk]) + "?period=2031"
        ).status_code
        == 404
    )


def _grow(an_nong, count: int) -> None:
    """More villages with approved figures and more criteria of every kind."""
    commune, period = an_nong["commune"], an_nong["period"]
    indicator_8 = an_nong["criteria"]["share_8"].indicator
    for number in range(count):
        village = Unit.objects.create(
            commune=commune,
            kind=UnitKind.VILLAGE,
            name=f"Thôn {number + 3}",
            short_name=f"Thôn {number + 3}",
            order=100 + number,
        )
        indicator_8.support_units.add(village)
        _report(
            commune,
            period,
            village,
            SubmissionStatus.APPROVED,
            submitted=ON_TIME,
            figures=[(indicator_8, 50 + number, 100)],
        )
    for criterion in list(an_nong["criteria"].values()):
        for copy in range(count // 3):
            Criterion.objects.create(
                commune=commune,
                movement=criterion.movement,
                audience=criterion.audience,
                name=f"{criterion.name} ({copy + 2})",
                basis=criterion.basis,
                indicator=criterion.indicator,
                task=criterion.task,
                points=criterion.points,
                maximum=criterion.maximum,
                evaluated_over=criterion.evaluated_over,
            )


def test_the_ranking_pages_queries_stay_flat(client, an_nong):
    client.force_login(an_nong["office"])
    economy = an_nong["units"]["Phòng Kinh tế"]
    ScoreAdjustment.objects.create(
        commune=an_nong["commune"],
        movement=an_nong["movement"],
        unit=economy,
        period_code="2026",
        points=Decimal(1),
        reason="Thử",
    )
    small = queries_of_get(client, _ranking_url(an_nong))
    small_unit = queries_of_get(client, _unit_url(an_nong, economy))
    _grow(an_nong, 9)
    large = queries_of_get(client, _ranking_url(an_nong))
    large_unit = queries_of_get(client, _unit_url(an_nong, economy))
    assert_flat(small, large, "the ranking page")
    assert_flat(small_unit, large_unit, "a unit's score page")
