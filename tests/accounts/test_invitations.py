"""Invitations: they change no existing account; a membership comes only from accepting one."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import User
from accounts.services import user_reactivate
from communes.models import AuditEntry, Commune, Invitation, Membership, Role

pytestmark = pytest.mark.django_db


def _log_in(client, username: str, password: str = "pass-for-tests-1"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_an_invitation_does_not_bring_back_a_deactivated_province_officer(
    client, people, django_capture_on_commit_callbacks
):
    officer = people["quang_ngai"]
    officer.email = "so-khcn@quangngai.example.vn"
    officer.is_active = False  # deactivated by an administrator
    officer.save()
    dien_quang = Commune.objects.get(code="dien-quang")
    client.force_login(people["standing_office"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:staff_invite", args=["dien-quang"]),
            {
                "email": "SO-KHCN@quangngai.example.vn",
                "full_name": "Ai đó",
                "role": Role.UNIT_STAFF,
                "unit": dien_quang.units.get(short_name="Phòng Kinh tế").pk,
            },
        )
    client.logout()
    officer.refresh_from_db()
    assert not officer.is_active
    _log_in(client, officer.username)
    for url in (
        reverse("plans:commune", args=["truong-giang"]),
        reverse("dashboards:province", args=[dien_quang.province.code]),
        reverse(
            "dashboards:province",
            args=[Commune.objects.get(code="truong-giang").province.code],
        ),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response.url, url


def _invite(client, office, *, email, role=Role.UNIT_STAFF, unit="Phòng Kinh tế", capture=None):
    commune = Commune.objects.get(code="dien-quang")
    client.force_login(office)
    data = {"email": email, "full_name": "Nguyễn Văn B", "role": role}
    if unit:
        data["unit"] = commune.units.get(short_name=unit).pk
    with capture(execute=True):
        response = client.post(reverse("accounts:staff_invite", args=["dien-quang"]), data)
    assert response.status_code == 302
    client.logout()
    message = mail.outbox[-1]
    link = next(line for line in message.body.splitlines() if "/invitations/" in line).strip()
    return message, link.split("127.0.0.1:8000", 1)[1]


def test_a_new_person_accepts_by_choosing_a_password_and_sees_the_commune(
    client, people, django_capture_on_commit_callbacks
):
    message, path = _invite(
        client,
        people["standing_office"],
        email="Nguyen.Van.B@Example.vn",
        capture=django_capture_on_commit_callbacks,
    )
    assert message.to == ["nguyen.van.b@example.vn"] and "Điền Quang" in message.subject
    assert not User.objects.filter(email__iexact="nguyen.van.b@example.vn").exists()
    page = client.get(client.get(path).url)  # the token moves into the session
    assert "Chọn mật khẩu cho tài khoản" in page.content.decode()
    response = client.post(
        reverse("accounts:invitation_accept"),
        {"password1": "Mat-khau-moi-2025", "password2": "Mat-khau-moi-2025"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="nguyen.van.b@example.vn")
    assert Membership.objects.filter(user=user, role=Role.UNIT_STAFF, is_active=True).exists()
    assert client.get(reverse("plans:commune", args=["dien-quang"])).status_code == 200
    client.logout()
    assert _log_in(client, user.username, "Mat-khau-moi-2025").status_code == 302
    # The link worked once.
    client.logout()
    assert client.get(client.get(path).url).status_code == 410


def test_an_existing_person_joins_only_by_accepting_while_logged_in(
    client, people, django_capture_on_commit_callbacks
):
    staff = people["other_commune_office"]  # a Trường Giang officer, now asked by Điền Quang
    staff.email = "ho@example.vn"
    staff.save()
    _message, path = _invite(
        client,
        people["standing_office"],
        email="ho@example.vn",
        role=Role.COMMUNE_LEADER,
        unit=None,
        capture=django_capture_on_commit_callbacks,
    )
    dien_quang = Commune.objects.get(code="dien-quang")
    assert not Membership.objects.filter(user=staff, commune=dien_quang).exists()
    page = client.get(client.get(path).url)
    assert "Đăng nhập" in page.content.decode()
    # Without logging in, no password can be chosen for the existing account.
    client.post(
        reverse("accounts:invitation_accept"),
        {"password1": "Chiem-quyen-2025", "password2": "Chiem-quyen-2025"},
    )
    staff.refresh_from_db()
    assert staff.check_password("pass-for-tests-1")
    assert not Membership.objects.filter(user=staff, commune=dien_quang).exists()
    # Someone else logged in cannot take it either.
    client.force_login(people["cong_an"])
    assert client.post(reverse("accounts:invitation_accept")).status_code == 409
    assert not Membership.objects.filter(
        commune=dien_quang, role=Role.COMMUNE_LEADER, user__in=[staff, people["cong_an"]]
    ).exists()
    client.force_login(staff)  # a new login starts a new session: the link is opened again
    assert "Chấp nhận" in client.get(client.get(path).url).content.decode()
    response = client.post(reverse("accounts:invitation_accept"))
    assert response.status_code == 302
    membership = Membership.objects.get(user=staff, commune=dien_quang)
    assert membership.role == Role.COMMUNE_LEADER and membership.is_active
    assert AuditEntry.objects.filter(object_id=membership.pk, actor=staff).exists()


def test_a_deactivated_account_cannot_accept_and_stays_deactivated(
    client, people, django_capture_on_commit_callbacks
):
    officer = people["quang_ngai"]
    officer.email = "so@example.vn"
    officer.is_active = False
    officer.save()
    _message, path = _invite(
        client,
        people["standing_office"],
        email="so@example.vn",
        capture=django_capture_on_commit_callbacks,
    )
    page = client.get(client.get(path).url).content.decode()
    assert "quản trị" in page  # only an administrator reactivates
    response = client.post(
        reverse("accounts:invitation_accept"),
        {"password1": "Chiem-quyen-2025", "password2": "Chiem-quyen-2025"},
    )
    assert response.status_code == 409
    officer.refresh_from_db()
    assert not officer.is_active and officer.check_password("pass-for-tests-1")
    assert not User.objects.filter(username="so@example.vn").exists()


def test_an_expired_or_withdrawn_invitation_does_nothing(
    client, people, django_capture_on_commit_callbacks
):
    _message, path = _invite(
        client,
        people["standing_office"],
        email="muon@example.vn",
        capture=django_capture_on_commit_callbacks,
    )
    invitation = Invitation.objects.get(email="muon@example.vn")
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
        response = client.get(client.get(path).url)
        assert response.status_code == 410 and "hết hạn" in response.content.decode()
    client.force_login(people["standing_office"])
    client.post(reverse("accounts:invitation_revoke", args=["dien-quang", invitation.pk]))
    client.logout()
    assert client.get(client.get(path).url).status_code == 410
    assert not User.objects.filter(email="muon@example.vn").exists()


def test_only_an_administrator_reactivates_and_it_is_audited(people, seeds):
    officer = people["quang_ngai"]
    officer.is_active = False
    officer.save()
    with pytest.raises(PermissionDenied):
        user_reactivate(actor=people["standing_office"], user=officer)
    admin = User.objects.create_superuser("root", "root@example.vn", "pass-for-tests-1")
    user_reactivate(actor=admin, user=officer, reason="confirmed by the province")
    officer.refresh_from_db()
    assert officer.is_active
    entry = AuditEntry.objects.get(object_id=officer.pk, field="is_active")
    assert entry.actor == admin and entry.new_value == "True"


def test_the_standing_office_invites_an_inspector_who_reads_and_cannot_write(
    client, people, django_capture_on_commit_callbacks
):
    _message, path = _invite(
        client,
        people["standing_office"],
        email="ubkt@example.vn",
        role=Role.INSPECTOR,
        unit=None,
        capture=django_capture_on_commit_callbacks,
    )
    client.get(client.get(path).url)
    response = client.post(
        reverse("accounts:invitation_accept"),
        {"password1": "Mat-khau-moi-2025", "password2": "Mat-khau-moi-2025"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="ubkt@example.vn")
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.INSPECTOR and membership.commune.code == "dien-quang"
    assert membership.unit is None and membership.province is None
    # Home is the inspection page; it reads the commune's periods and cannot add a unit.
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url == reverse("todo:inspection")
    assert client.get(reverse("reporting:periods", args=["dien-quang"])).status_code == 200
    new_unit = client.post(
        reverse("communes:unit_create", args=["dien-quang"]), {"short_name": "Thử"}
    )
    assert new_unit.status_code == 403
    # The standing office sees the inspector among its staff accounts.
    client.force_login(people["standing_office"])
    staff_page = client.get(reverse("accounts:staff", args=["dien-quang"])).content.decode()
    assert "ubkt@example.vn" in staff_page
