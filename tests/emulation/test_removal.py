"""Removing a criterion or a movement from the pages, as the standing office, the others who may
not, and another commune."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from communes.audit import audit_trail_for
from communes.models import AuditAction, AuditEntry
from emulation.models import Basis, Criterion, ManualMark, Movement, MovementPhase, ScoreAdjustment
from tests.emulation.conftest import AFTER_DEADLINE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_the_deadline():
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        yield


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _criterion_delete_url(an_nong, criterion):
    return reverse("emulation:criterion_delete", args=[an_nong["commune"].code, criterion.pk])


def _movement_delete_url(an_nong, movement=None):
    movement = movement or an_nong["movement"]
    return reverse("emulation:movement_delete", args=[an_nong["commune"].code, movement.pk])


def _economy_row(an_nong):
    """Phòng Kinh tế's score and rating in the 2026 ranking."""
    client_response = an_nong["client"].get(
        reverse("emulation:ranking", args=[an_nong["commune"].code, an_nong["movement"].pk])
        + "?period=2026"
    )
    html = client_response.content.decode()
    match = re.search(
        r'<tr data-unit="Phòng Kinh tế">.*?data-testid="score">([^<]*)<'
        r'.*?data-testid="rating">([^<]*)<',
        html,
        re.S,
    )
    return match.groups(), _text(client_response)


def test_the_office_removes_a_criterion_and_the_ranking_no_longer_counts_it(client, an_nong):
    client.force_login(an_nong["office"])
    an_nong["client"] = client
    reports = an_nong["criteria"]["reports"]
    before, ranking = _economy_row(an_nong)
    # 12,5 of 31 points: the 10 points of reports on time (Phòng Kinh tế reported late) count.
    assert before == ("40,32", "Không hoàn thành nhiệm vụ")
    assert "Báo cáo đúng hạn:" in ranking

    # From the criterion's page, to its confirmation page.
    edit = client.get(
        reverse("emulation:criterion_edit", args=[an_nong["commune"].code, reports.pk])
    )
    assert _criterion_delete_url(an_nong, reports) in edit.content.decode()
    confirm = client.get(_criterion_delete_url(an_nong, reports))
    assert confirm.status_code == 200
    page = _text(confirm)
    assert "Xóa tiêu chí: Báo cáo đúng hạn" in page
    assert "chưa có điểm chấm nào" in page

    removed = client.post(_criterion_delete_url(an_nong, reports))
    assert removed.status_code == 302
    assert removed["Location"] == reverse(
        "emulation:movement", args=[an_nong["commune"].code, an_nong["movement"].pk]
    )
    assert not Criterion.objects.filter(pk=reports.pk).exists()
    detail = _text(client.get(removed["Location"]))
    assert "Đã xóa tiêu chí «Báo cáo đúng hạn»." in detail
    history = detail.split("Lịch sử thay đổi")[-1]
    assert "đã xóa" in history and "tiêu chí" in history and "Báo cáo đúng hạn" in history
    after, ranking = _economy_row(an_nong)
    assert after == ("59,52", "Hoàn thành nhiệm vụ")  # 12,5 of the 21 points left
    assert "Báo cáo đúng hạn:" not in ranking

    # Audited on the movement (its history, above, shows it).
    entry = audit_trail_for(an_nong["movement"]).get(action=AuditAction.DELETE)
    assert (entry.actor, entry.field, entry.old_value) == (
        an_nong["office"],
        "criterion",
        "Báo cáo đúng hạn",
    )


def test_a_criterion_goes_with_its_marks_and_the_page_says_how_many(client, an_nong):
    client.force_login(an_nong["office"])
    check = an_nong["criteria"]["village_check"]
    for village, points in ((an_nong["dong"], 9), (an_nong["tay"], 7)):
        ManualMark.objects.create(
            commune=an_nong["commune"],
            criterion=check,
            unit=village,
            period_code="2026",
            points=Decimal(points),
        )
    page = _text(client.get(_criterion_delete_url(an_nong, check)))
    assert "Tiêu chí và 2 điểm chấm theo tiêu chí này sẽ bị xóa" in page
    assert client.post(_criterion_delete_url(an_nong, check)).status_code == 302
    assert not ManualMark.objects.filter(criterion_id=check.pk).exists()
    entry = audit_trail_for(an_nong["movement"]).get(action=AuditAction.DELETE)
    assert entry.old_value == "Kiểm tra của Ban Chỉ đạo (kèm 2 điểm chấm)"


def test_the_confirmation_pages_write_nothing(client, an_nong):
    client.force_login(an_nong["office"])
    check = an_nong["criteria"]["village_check"]
    ManualMark.objects.create(
        commune=an_nong["commune"],
        criterion=check,
        unit=an_nong["dong"],
        period_code="2026",
        points=Decimal(9),
    )

    def counts():
        return (
            Criterion.objects.count(),
            ManualMark.objects.count(),
            Movement.objects.count(),
            MovementPhase.objects.count(),
            AuditEntry.objects.count(),
        )

    before = counts()
    page = client.get(_criterion_delete_url(an_nong, check))
    assert page.status_code == 200
    assert "1 điểm chấm" in _text(page)
    page = client.get(_movement_delete_url(an_nong))
    assert page.status_code == 200
    # The movement carries a mark: the page says so and offers no button to remove.
    assert "hãy xóa chúng trước, hoặc giữ lại phong trào" in _text(page)
    assert '<button type="submit" class="button danger">' not in page.content.decode()
    empty = Movement.objects.create(
        commune=an_nong["commune"], name="Phong trào mới", start_year=2026, end_year=2026
    )
    page = client.get(_movement_delete_url(an_nong, empty))
    assert page.status_code == 200 and "sẽ bị xóa" in _text(page)
    assert counts() == (before[0], before[1], before[2] + 1, before[3], before[4])


def test_a_movement_with_marks_or_adjustments_is_refused_with_the_reason(client, an_nong):
    client.force_login(an_nong["office"])
    movement = an_nong["movement"]
    ManualMark.objects.create(
        commune=an_nong["commune"],
        criterion=an_nong["criteria"]["village_check"],
        unit=an_nong["dong"],
        period_code="2026",
        points=Decimal(9),
    )
    refused = client.post(_movement_delete_url(an_nong))
    assert refused.status_code == 400
    assert (
        "Phong trào này đã có 1 điểm chấm và 0 lần điều chỉnh điểm: hãy xóa chúng trước, "
        "hoặc giữ lại phong trào." in _text(refused)
    )
    assert Movement.objects.filter(pk=movement.pk).exists()
    assert Criterion.objects.filter(movement=movement).count() == 8
    assert not audit_trail_for(movement).filter(action=AuditAction.DELETE).exists()

    ManualMark.objects.all().delete()
    ScoreAdjustment.objects.create(
        commune=an_nong["commune"],
        movement=movement,
        unit=an_nong["units"]["Phòng Kinh tế"],
        period_code="2026",
        points=Decimal(5),
        reason="Khen thưởng",
    )
    refused = client.post(_movement_delete_url(an_nong))
    assert refused.status_code == 400
    assert "0 điểm chấm và 1 lần điều chỉnh điểm" in _text(refused)
    assert Movement.objects.filter(pk=movement.pk).exists()


def test_the_office_removes_a_movement_nothing_was_scored_on(client, an_nong):
    client.force_login(an_nong["office"])
    movement = an_nong["movement"]
    detail = client.get(reverse("emulation:movement", args=[an_nong["commune"].code, movement.pk]))
    assert _movement_delete_url(an_nong) in detail.content.decode()
    removed = client.post(_movement_delete_url(an_nong))
    assert removed.status_code == 302
    assert removed["Location"] == reverse("emulation:movements", args=[an_nong["commune"].code])
    assert not Movement.objects.filter(pk=movement.pk).exists()
    assert not Criterion.objects.filter(movement_id=movement.pk).exists()
    assert not MovementPhase.objects.filter(movement_id=movement.pk).exists()
    entry = AuditEntry.objects.get(
        action=AuditAction.DELETE, object_id=movement.pk, content_type__model="movement"
    )
    assert (entry.actor, entry.commune, entry.old_value) == (
        an_nong["office"],
        an_nong["commune"],
        movement.name,
    )
    listing = _text(client.get(removed["Location"]))
    assert f"Đã xóa phong trào «{movement.name}»." in listing


@pytest.mark.parametrize("who", ["staff", "leader", "inspector"])
def test_only_the_office_removes(client, an_nong, who):
    client.force_login(an_nong[who])
    urls = (
        _criterion_delete_url(an_nong, an_nong["criteria"]["reports"]),
        _movement_delete_url(an_nong),
    )
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url
    assert Criterion.objects.filter(pk=an_nong["criteria"]["reports"].pk).exists()
    assert Movement.objects.filter(pk=an_nong["movement"].pk).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.DELETE).exists()
    # Nor is the office's way to remove shown to them.
    detail = client.get(
        reverse("emulation:movement", args=[an_nong["commune"].code, an_nong["movement"].pk])
    )
    assert "/delete/" not in detail.content.decode()


def test_another_communes_criterion_and_movement_answer_404(client, an_nong, seeds):
    other = seeds["dien-quang"]
    movement = Movement.objects.create(
        commune=other, name="Phong trào của xã khác", start_year=2026, end_year=2026
    )
    criterion = Criterion.objects.create(
        commune=other,
        movement=movement,
        name="Báo cáo đúng hạn",
        basis=Basis.REPORTS_ON_TIME,
        points=10,
        maximum=10,
    )
    client.force_login(an_nong["office"])
    code = an_nong["commune"].code
    for url in (
        reverse("emulation:criterion_delete", args=[code, criterion.pk]),
        reverse("emulation:movement_delete", args=[code, movement.pk]),
        reverse("emulation:criterion_delete", args=[other.code, criterion.pk]),
        reverse("emulation:movement_delete", args=[other.code, movement.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    assert Movement.objects.filter(pk=movement.pk).exists()
