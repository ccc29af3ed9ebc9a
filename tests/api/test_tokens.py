"""Personal API tokens: created and revoked on their page, stored hashed, scoped, expiring."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, TokenScope
from api.services import token_hash
from communes.models import AuditEntry
from tests.api.conftest import client_with_token, token_for

pytestmark = pytest.mark.django_db

COMMUNES = "/api/v1/communes/"


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_the_page_is_in_the_user_menu_and_creates_a_token_shown_once(client, people):
    officer = people["thanh_hoa"]
    client.force_login(officer)
    home = client.get(reverse("api:tokens")).content.decode()
    assert f'href="{reverse("api:tokens")}"' in home  # the link in the user menu of base.html
    assert "Bạn chưa có khoá API nào" in home or "You have no API token yet." in home

    response = client.post(
        reverse("api:tokens"), {"name": "IOC Thanh Hóa", "scope": "read", "lifetime_days": "90"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    secret = html.split('id="token-value" class="token-value" type="text" readonly value="')[1]
    secret = secret.split('"')[0]
    assert secret.startswith("kpi_")

    row = ApiToken.objects.get(user=officer)
    assert row.name == "IOC Thanh Hóa" and row.scope == TokenScope.READ
    assert secret not in (row.key_hash, row.prefix)  # only a hash is stored
    assert row.key_hash == token_hash(secret)
    assert timedelta(days=89) < row.expires_at - timezone.now() <= timedelta(days=90)
    assert AuditEntry.objects.filter(object_id=row.pk, action="create").exists()

    # Shown once: the list shows the prefix only.
    again = client.get(reverse("api:tokens")).content.decode()
    assert secret not in again and row.display_prefix in again

    assert bearer(secret).get(COMMUNES).status_code == 200


def test_the_form_refuses_a_missing_name_and_an_unknown_lifetime(client, people):
    client.force_login(people["leader"])
    response = client.post(
        reverse("api:tokens"), {"name": "", "scope": "read", "lifetime_days": "7"}
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert 'class="field has-error' in response.content.decode()


def test_revoking_from_the_page_closes_the_api_to_the_token(client, people):
    owner = people["standing_office"]
    row, secret = token_for(owner, TokenScope.READ_WRITE)
    assert bearer(secret).get(COMMUNES).status_code == 200
    client.force_login(owner)
    response = client.post(reverse("api:token_revoke", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    answer = bearer(secret).get(COMMUNES)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "authentication_failed"
    assert "thu hồi" in answer.json()["error"]["message"]
    page = client.get(reverse("api:tokens")).content.decode()
    assert "đã thu hồi" in page or "revoked" in page


def test_nobody_revokes_another_persons_token(client, people):
    row, _secret = token_for(people["standing_office"])
    client.force_login(people["other_commune_office"])
    assert client.post(reverse("api:token_revoke", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_the_token_page_needs_a_login(client):
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_expired_token_answers_401_in_the_error_shape(people):
    _row, secret = token_for(people["thanh_hoa"], days=30)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = bearer(secret).get(COMMUNES)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    error = response.json()["error"]
    assert error["code"] == "authentication_failed"
    assert "hết hạn" in error["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer kpi_00000000_not-the-secret",
        "Bearer something",
        "Bearer ",
        "Bearer kpi_abc",
    ],
)
def test_unknown_or_malformed_tokens_answer_401(people, header):
    token_for(people["thanh_hoa"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(COMMUNES)
    assert response.status_code == 401
    assert set(response.json()) == {"error"}


def test_a_forged_secret_with_a_real_prefix_is_refused(people):
    row, _secret = token_for(people["thanh_hoa"])
    forged = f"kpi_{row.prefix}_{'x' * 43}"
    assert bearer(forged).get(COMMUNES).status_code == 401


def test_no_credentials_answer_401_not_403(db):
    response = APIClient().get(COMMUNES)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_deactivated_account_closes_its_tokens(people):
    officer = people["thanh_hoa"]
    _row, secret = token_for(officer)
    officer.is_active = False
    officer.save()
    assert bearer(secret).get(COMMUNES).status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(people, django_assert_num_queries):
    row, secret = token_for(people["thanh_hoa"])
    client = bearer(secret)
    client.get(COMMUNES)
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None
    client.get(COMMUNES)
    row.refresh_from_db()
    assert row.last_used_at == first  # not rewritten within the minute
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        client.get(COMMUNES)
    row.refresh_from_db()
    assert row.last_used_at > first


def test_a_read_only_token_cannot_write_even_for_a_writing_role(people):
    client = client_with_token(people["kinh_te"], TokenScope.READ)
    response = client.post(
        "/api/v1/communes/dien-quang/submissions/", {"period": "202506", "unit": 1}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "chỉ có quyền đọc" in response.json()["error"]["message"]


def test_the_throttle_limits_token_clients_but_not_browser_sessions(people, settings):
    settings.API_TOKEN_RATE = "3/minute"
    client = client_with_token(people["thanh_hoa"])
    assert [client.get(COMMUNES).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(COMMUNES)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    browser = APIClient()
    browser.force_login(people["thanh_hoa"])
    assert all(browser.get(COMMUNES).status_code == 200 for _ in range(5))


def test_a_browser_session_must_send_the_csrf_token_to_write(people):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(people["kinh_te"])
    assert client.get(COMMUNES).status_code == 200
    response = client.post("/api/v1/notifications/read/", {}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_operators_revoke_tokens_in_the_admin_without_seeing_a_secret(client, people):
    from accounts.models import User

    row, secret = token_for(people["thanh_hoa"])
    admin_user = User.objects.create_superuser("ops", "ops@example.invalid", "pass-for-tests-1")
    client.force_login(admin_user)
    page = client.get(f"/admin/api/apitoken/{row.pk}/change/").content.decode()
    assert row.prefix in page and secret not in page
    response = client.post(
        "/admin/api/apitoken/", {"action": "revoke", "_selected_action": [row.pk]}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert bearer(secret).get(COMMUNES).status_code == 401
