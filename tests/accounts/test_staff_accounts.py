"""The standing office manages its units' staff accounts: invite by e-mail, reset, deactivate."""

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.demo import demo_accounts_create
from accounts.models import User
from communes.models import Commune, Membership, Role

pytestmark = pytest.mark.django_db


def test_invite_of_unit_staff_without_unit_is_refused(client, people):
    client.force_login(people["standing_office"])
    response = client.post(
        reverse("accounts:staff_invite", args=["dien-quang"]),
        {"email": "x@example.vn", "full_name": "X", "role": Role.UNIT_STAFF},
    )
    assert response.status_code == 200
    assert "Chọn đơn vị" in response.content.decode()
    assert not User.objects.filter(email="x@example.vn").exists()


def test_reset_and_deactivate(client, people, django_capture_on_commit_callbacks):
    membership = Membership.objects.get(user=people["cong_an"])
    client.force_login(people["standing_office"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:staff_action", args=["dien-quang", membership.pk, "reset"]))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [people["cong_an"].email]
    client.post(reverse("accounts:staff_action", args=["dien-quang", membership.pk, "deactivate"]))
    membership.refresh_from_db()
    people["cong_an"].refresh_from_db()
    assert not membership.is_active and not people["cong_an"].is_active


def test_staff_of_another_commune_cannot_be_touched(client, people):
    foreign = Membership.objects.get(user=people["other_commune_office"])
    client.force_login(people["standing_office"])
    url = reverse("accounts:staff_action", args=["dien-quang", foreign.pk, "deactivate"])
    assert client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_demo_accounts_are_refused_when_debug_is_off(settings, seeds):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(ImproperlyConfigured):
        demo_accounts_create(demo=True)


def test_demo_accounts_cover_every_role_in_every_seed_commune(settings, seeds):
    settings.DEMO_DATA_ALLOWED = True
    demo_accounts_create(demo=True)
    for code in ("dien-quang", "truong-giang", "an-nong"):
        roles = set(Membership.objects.filter(commune__code=code).values_list("role", flat=True))
        assert {Role.UNIT_STAFF, Role.STANDING_OFFICE, Role.COMMUNE_LEADER, Role.INSPECTOR} <= roles
    for role in (Role.PROVINCE_OFFICER, Role.INSPECTOR):
        of_provinces = Membership.objects.filter(role=role, province__isnull=False)
        assert of_provinces.values("province").distinct().count() == 2, role


def test_everyone_can_change_their_password(client, people):
    user = people["thanh_hoa"]
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pass-for-tests-1",
            "new_password1": "Doi-mat-khau-2026",
            "new_password2": "Doi-mat-khau-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Doi-mat-khau-2026")


def test_password_reset_by_e_mail(client, people):
    client.post(reverse("password_reset"), {"email": people["leader"].email})
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
    # An unknown address says the same thing and sends nothing: it reveals no account.
    response = client.post(reverse("password_reset"), {"email": "khong-co@example.vn"}, follow=True)
    assert len(mail.outbox) == 1 and "Kiểm tra" in response.content.decode()


def test_admin_searches_and_filters_for_administrators(client, seeds):
    admin = User.objects.create_superuser("root", "root@example.vn", "pass-for-tests-1")
    client.force_login(admin)
    response = client.get(
        reverse("admin:indicators_indicator_changelist"),
        {"q": "VNeID", "commune__id__exact": Commune.objects.get(code="dien-quang").pk},
    )
    assert response.status_code == 200
    assert "Tỉ lệ người dân có tài khoản định danh điện tử (VNeID)" in response.content.decode()


def test_an_inspector_membership_names_a_commune_or_a_province(seeds):
    from django.core.exceptions import ValidationError

    from tests.factories import UserFactory

    dien_quang = seeds["dien-quang"]
    user = UserFactory()
    for scope in (
        {"commune": dien_quang, "province": dien_quang.province},
        {},
        {"commune": dien_quang, "unit": dien_quang.units.first()},
    ):
        with pytest.raises(ValidationError):
            Membership(user=user, role=Role.INSPECTOR, **scope).full_clean()
    Membership(user=user, role=Role.INSPECTOR, commune=dien_quang).full_clean()
    Membership(user=user, role=Role.INSPECTOR, province=dien_quang.province).full_clean()
