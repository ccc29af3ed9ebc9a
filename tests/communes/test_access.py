"""Roles within a tenant: who reads, who manages (isolation between tenants: tests/test_tenant_isolation.py)."""

import pytest
from django.urls import reverse

from communes.access import scope_for
from communes.models import Commune, Membership, Role
from indicators.models import Indicator, IndicatorGroup
from plans.models import Plan
from tasks.models import Task, TaskSection

pytestmark = pytest.mark.django_db


def commune_urls(code: str) -> dict[str, list[str]]:
    """Every commune-scoped URL for the objects of the commune `code`, split by what they need."""
    commune = Commune.objects.get(code=code)
    plan = Plan.objects.filter(commune=commune).first()
    indicator = Indicator.objects.filter(commune=commune).first()
    group = IndicatorGroup.objects.filter(commune=commune).first()
    task = Task.objects.filter(commune=commune).first()
    section = TaskSection.objects.filter(commune=commune).first() or TaskSection.objects.create(
        commune=commune, plan=plan, numeral="Z", title="Thử"
    )
    unit = commune.units.first()
    membership = Membership.objects.create(
        user=Membership.objects.model.user.field.related_model.objects.create(username=f"m-{code}"),
        role=Role.UNIT_STAFF,
        commune=commune,
        unit=unit,
    )
    read = [
        reverse("plans:commune", args=[code]),
        reverse("reporting:plan", args=[code, plan.pk]),
        reverse("dashboards:indicator", args=[code, indicator.pk]),
    ]
    manage = [
        reverse("communes:units", args=[code]),
        reverse("communes:unit_create", args=[code]),
        reverse("communes:unit_edit", args=[code, unit.pk]),
        reverse("accounts:staff", args=[code]),
        reverse("accounts:staff_invite", args=[code]),
        reverse("reporting:plan_create", args=[code]),
        reverse("reporting:plan_edit", args=[code, plan.pk]),
        reverse("indicators:group_create", args=[code, plan.pk]),
        reverse("indicators:group_edit", args=[code, group.pk]),
        reverse("indicators:create", args=[code, plan.pk]),
        reverse("indicators:edit", args=[code, indicator.pk]),
        reverse("tasks:section_create", args=[code, plan.pk]),
        reverse("tasks:section_edit", args=[code, section.pk]),
        reverse("tasks:create", args=[code, plan.pk]),
        reverse("tasks:edit", args=[code, task.pk]),
    ]
    post_only = [
        reverse("accounts:staff_action", args=[code, membership.pk, "reset"]),
        reverse("accounts:staff_action", args=[code, membership.pk, "deactivate"]),
    ]
    return {"read": read, "manage": manage, "post": post_only}


def test_scope_of_each_role(people):
    dq = Commune.objects.get(code="dien-quang")
    an = Commune.objects.get(code="an-nong")
    tg = Commune.objects.get(code="truong-giang")
    office, staff, province = (
        scope_for(people[k]) for k in ("standing_office", "kinh_te", "thanh_hoa")
    )
    assert office.can_manage_commune(dq) and not office.can_manage_commune(tg)
    assert (
        staff.can_read_commune(dq)
        and not staff.can_manage_commune(dq)
        and not staff.can_read_commune(an)
    )
    assert staff.can_write_for_unit(dq.units.get(short_name="Phòng Kinh tế").pk)
    assert not staff.can_write_for_unit(dq.units.get(short_name="Công an xã").pk)
    assert (
        province.can_read_commune(dq)
        and province.can_read_commune(an)
        and not province.can_read_commune(tg)
    )
    assert not province.can_manage_commune(dq)


@pytest.mark.parametrize("who", ["kinh_te", "leader", "thanh_hoa"])
def test_readers_read_but_cannot_manage(client, people, who):
    urls = commune_urls("dien-quang")
    client.force_login(people[who])
    for url in urls["read"]:
        assert client.get(url).status_code == 200, url
    for url in urls["manage"]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"code": "99", "name": "x"}).status_code == 403, url
    for url in urls["post"]:
        assert client.post(url).status_code == 403, url
    assert Indicator.objects.filter(code="99").count() == 0


def test_standing_office_manages_every_view(client, people):
    urls = commune_urls("dien-quang")
    client.force_login(people["standing_office"])
    for url in urls["read"] + urls["manage"]:
        assert client.get(url).status_code == 200, url


def test_province_officer_sees_only_the_communes_of_its_province(client, people):
    client.force_login(people["thanh_hoa"])
    response = client.get(reverse("communes:province", args=["38"]))
    html = response.content.decode()
    assert "Điền Quang" in html and "An Nông" in html and "Trường Giang" not in html
    assert client.get(reverse("communes:province", args=["51"])).status_code == 404
    assert client.get(reverse("plans:commune", args=["truong-giang"])).status_code == 404
    # Home sends a single-province officer straight to the province's to-do page.
    assert client.get(reverse("home")).url == reverse("todo:province", args=["38"])


def test_anonymous_is_sent_to_login(client, seeds):
    response = client.get(reverse("plans:commune", args=["dien-quang"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.get(reverse("communes:province", args=["38"]))
    assert response.status_code == 302


def test_home_sends_each_role_where_it_belongs(client, people):
    """Each person's home is their to-do page ("Việc cần làm")."""
    client.force_login(people["kinh_te"])
    assert client.get(reverse("home")).url == reverse("todo:commune", args=["dien-quang"])
    client.force_login(people["standing_office"])
    assert client.get(reverse("home")).url == reverse("todo:commune", args=["dien-quang"])


def test_deactivated_membership_loses_access(client, people):
    user = people["leader"]
    user.memberships.update(is_active=False)
    client.force_login(user)
    assert client.get(reverse("plans:commune", args=["dien-quang"])).status_code == 404


def test_vietnamese_by_default_even_for_an_english_browser_and_english_on_request(client, people):
    client.force_login(people["leader"])
    url = reverse("plans:commune", args=["dien-quang"])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Kế hoạch" in html
    client.post(reverse("set_language"), {"language": "en", "next": url})
    html = client.get(url).content.decode()
    assert "Plans" in html and "Kế hoạch" not in html


def test_an_inspector_with_another_role_writes_only_through_that_role(client, people):
    """Inspecting Điền Quang adds reads, never writes: Trường Giang's standing office (and unit
    staff) who also inspects Điền Quang reads a Điền Quang unit's report, cannot save or approve
    it, and still manages its own commune."""
    from reporting.services import period_ensure

    dien_quang = Commune.objects.get(code="dien-quang")
    truong_giang = Commune.objects.get(code="truong-giang")
    own_unit = truong_giang.units.order_by("order").first()
    clerk = people["other_commune_office"]
    Membership.objects.create(user=clerk, role=Role.UNIT_STAFF, commune=truong_giang, unit=own_unit)
    Membership.objects.create(user=clerk, role=Role.INSPECTOR, commune=dien_quang)
    scope = scope_for(clerk)
    assert scope.is_inspector and not scope.is_read_only
    assert scope.reads_internal_work_of(dien_quang) and not scope.is_member_of(dien_quang)
    assert not scope.can_manage_commune(dien_quang)
    period = period_ensure(dien_quang, "2025")
    unit = dien_quang.units.get(short_name="Phòng Kinh tế")
    url = reverse("reporting:submission", args=[dien_quang.code, period.code, unit.pk])
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "save"}).status_code == 403
    assert client.post(url, {"action": "approve"}).status_code == 403
    assert (
        client.post(reverse("communes:unit_create", args=[dien_quang.code]), {}).status_code == 403
    )
    # Its own commune it still manages (it is that commune's standing office).
    units_page = reverse("communes:units", args=[truong_giang.code])
    assert client.get(units_page).status_code == 200


def test_only_an_inspector_alone_is_read_only(inspectors, people):
    assert scope_for(inspectors["inspector"]).is_read_only
    assert scope_for(inspectors["inspector_thanh_hoa"]).is_read_only
    for role in ("standing_office", "leader", "kinh_te", "thanh_hoa"):
        assert not scope_for(people[role]).is_read_only, role
