"""Sign-in security: lock-out after wrong passwords, the second factor, idle sessions."""

import base64
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from communes.models import AuditEntry, Membership

pytestmark = pytest.mark.django_db

LOCKED = "đăng nhập sai quá nhiều lần"


def _log_in(client, username, password="pass-for-tests-1", address="10.1.1.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _shown_device(setup_page) -> TOTPDevice:
    """The authenticator as the app scanning the setup page's QR code has it (its otpauth key)."""
    secret = re.search(r"secret=([A-Z2-7]+)", setup_page.content.decode())[1]
    return TOTPDevice(key=base64.b32decode(secret + "=" * (-len(secret) % 8)).hex())


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return (
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"
    )


# ---- lock-out


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, people):
    user = people["kinh_te"]
    for attempt in range(4):
        response = _log_in(client, user.username, "sai-mat-khau")
        assert response.status_code == 200, attempt  # the form again, with its error
    response = _log_in(client, user.username, "sai-mat-khau")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # The right password now, even from another address: refused, with the same message.
    response = _log_in(client, user.username, address="10.9.9.9")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_address_that_tries_many_accounts_is_locked(client, people):
    for key in ("kinh_te", "cong_an", "leader", "standing_office", "thanh_hoa"):
        _log_in(client, people[key].username, "sai-mat-khau", address="10.2.2.2")
    response = _log_in(client, people["quang_ngai"].username, address="10.2.2.2")
    assert response.status_code == 429
    # Another address logs in the same person (whose own count is 0) normally.
    assert _log_in(client, people["kinh_te"].username, address="10.3.3.3").status_code == 302


def test_the_lock_out_ends_after_the_cool_off(client, people, settings):
    user = people["kinh_te"]
    for _ in range(5):
        _log_in(client, user.username, "sai-mat-khau")
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert _log_in(client, user.username).status_code == 302


def test_the_standing_office_unlocks_its_staff_and_it_is_audited(client, people):
    user = people["kinh_te"]
    for _ in range(5):
        _log_in(client, user.username, "sai-mat-khau")
    membership = Membership.objects.get(user=user)
    office = people["standing_office"]
    client_for = client.__class__()
    client_for.force_login(office)
    page = client_for.get(reverse("accounts:staff", args=["dien-quang"])).content.decode()
    assert "bị khóa đăng nhập" in page
    response = client_for.post(
        reverse("accounts:staff_action", args=["dien-quang", membership.pk, "unlock"])
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        actor=office, object_id=user.pk, field="login lock-out"
    ).exists()
    assert _log_in(client, user.username).status_code == 302


def test_another_communes_office_cannot_unlock(client, people):
    membership = Membership.objects.get(user=people["kinh_te"])
    client.force_login(people["other_commune_office"])
    url = reverse("accounts:staff_action", args=["truong-giang", membership.pk, "unlock"])
    assert client.post(url).status_code == 404


def test_an_officers_api_token_needs_no_session_and_no_second_factor(people):
    from tests.api.conftest import client_with_token

    response = client_with_token(people["thanh_hoa"]).get("/api/v1/communes/")
    assert response.status_code == 200
    assert {row["code"] for row in response.json()["results"]} == {"dien-quang", "an-nong"}


# ---- second factor


def test_a_province_officer_must_set_up_and_verify_a_second_factor(client, people, settings):
    # Each wrong code makes the next wait (1 s, 2 s, 4 s…): not what this test is about.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    officer = people["thanh_hoa"]
    province_page = reverse(
        "communes:province", args=[people["thanh_hoa"].memberships.get().province.code]
    )
    response = _log_in(client, officer.username)
    assert response.status_code == 302
    # Every page leads to the second factor until it is verified; the API answers in its shape.
    response = client.get(province_page)
    assert response.status_code == 302 and "/second-factor/verify/" in response.url
    setup = client.get(client.get(response.url).url)
    assert setup.status_code == 200 and "otpauth://totp/" in setup.content.decode()
    assert "<svg" in setup.content.decode()
    api = client.get("/api/v1/communes/")
    assert api.status_code == 403 and api.json()["error"]["code"] == "second_factor_required"
    assert not TOTPDevice.objects.filter(user=officer).exists()  # showing the key stores nothing
    device = _shown_device(setup)
    assert (
        client.post(reverse("accounts:second_factor_setup"), {"token": "000000"}).status_code == 400
    )
    response = client.post(reverse("accounts:second_factor_setup"), {"token": _code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert client.get(province_page).status_code == 200
    # Next login: the code again (a recovery code works once).
    client.logout()
    _log_in(client, officer.username)
    assert client.get(province_page).status_code == 302
    verify = reverse("accounts:second_factor_verify")
    assert client.post(verify, {"token": "12345678"}).status_code == 400
    assert client.post(verify, {"token": codes[0], "next": province_page}).url == province_page
    assert client.get(province_page).status_code == 200
    client.logout()
    _log_in(client, officer.username)
    assert client.post(verify, {"token": codes[0]}).status_code == 400


def test_someone_with_only_the_password_cannot_replace_the_device(client, people):
    officer = people["thanh_hoa"]
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    _log_in(client, officer.username)
    response = client.get(reverse("accounts:second_factor_setup"))
    assert response.status_code == 302 and "/verify/" in response.url
    assert list(TOTPDevice.objects.filter(user=officer)) == [device]


def test_unit_staff_may_turn_it_on_and_are_then_asked_for_it(client, people):
    user = people["kinh_te"]
    _log_in(client, user.username)
    home = reverse("plans:commune", args=["dien-quang"])
    assert client.get(home).status_code == 200  # not required for unit staff
    device = _shown_device(client.get(reverse("accounts:second_factor_setup")))
    client.post(reverse("accounts:second_factor_setup"), {"token": _code(device)})
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    client.logout()
    _log_in(client, user.username)
    assert client.get(home).status_code == 302
    device.refresh_from_db()
    response = client.post(
        reverse("accounts:second_factor_verify"), {"token": _code(device, offset=1), "next": home}
    )
    assert response.status_code == 302 and response.url == home
    # They may turn it off again (a province officer may not).
    client.post(reverse("accounts:second_factor"), {"action": "disable"})
    assert not TOTPDevice.objects.filter(user=user).exists()


# ---- idle sessions


def test_a_session_ends_after_the_idle_time_and_activity_keeps_it(client, people, settings):
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    page = reverse("plans:commune", args=["dien-quang"])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _log_in(client, people["kinh_te"].username)
    with time_machine.travel(start + idle * 0.8, tick=False):
        assert client.get(page).status_code == 200  # activity: the count starts again
    with time_machine.travel(start + idle * 1.6, tick=False):
        assert client.get(page).status_code == 200
    with time_machine.travel(start + idle * 2.7, tick=False):
        response = client.get(page)
        assert response.status_code == 302 and reverse("login") in response.url


def test_demo_officers_log_in_with_the_demo_code(client, seeds, settings):
    from io import StringIO

    from django.core.management import call_command

    from accounts.demo import DEMO_PASSWORD, demo_accounts_create

    settings.DEMO_DATA_ALLOWED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    demo_accounts_create(demo=True)
    _log_in(client, "thanh-hoa.so-khcn", DEMO_PASSWORD)
    output = StringIO()
    call_command("demo_otp_code", "thanh-hoa.so-khcn", stdout=output)
    response = client.post(
        reverse("accounts:second_factor_verify"), {"token": output.getvalue().strip()}
    )
    assert response.status_code == 302
    assert client.get(reverse("plans:commune", args=["an-nong"])).status_code == 200


def test_the_test_clients_login_goes_through_the_lock_out_too(client, people):
    assert not client.login(username=people["thanh_hoa"].username, password="sai")
    assert client.login(username=people["thanh_hoa"].username, password="pass-for-tests-1")
    assert client.get(reverse("plans:commune", args=["an-nong"])).status_code == 200


def test_an_administrator_resets_a_lost_second_factor_from_the_admin(client, people):
    from accounts.models import User

    officer = people["thanh_hoa"]
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    admin = User.objects.create_superuser("root", "root@example.vn", "pass-for-tests-1")
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [officer.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    entry = AuditEntry.objects.get(object_id=officer.pk, field="second factor")
    assert entry.actor == admin


def test_the_password_reset_button_says_what_it_does(client):
    """Before: the button read «Lưu» (save) on a page that sends a link."""
    html = client.get(reverse("password_reset")).content.decode()
    assert "Gửi cho tôi liên kết đặt lại mật khẩu</button>" in html
    assert ">Lưu</button>" not in html


def test_a_province_inspector_needs_a_second_factor_and_a_commune_inspector_does_not(
    inspectors,
):
    from accounts.security import second_factor_required_by_role

    assert second_factor_required_by_role(inspectors["inspector_thanh_hoa"])
    assert not second_factor_required_by_role(inspectors["inspector"])
