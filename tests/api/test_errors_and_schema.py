"""One error shape in the request's language; the schema and its documentation, served locally."""

from __future__ import annotations

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient

from tests.api.conftest import client_with_session

pytestmark = pytest.mark.django_db


def assert_error_shape(body: dict, code: str) -> dict:
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code and isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"code", "message", "fields"}
    return error


def test_messages_are_vietnamese_by_default_and_english_on_request(people):
    client = client_with_session(people["standing_office"])
    url = "/api/v1/communes/truong-giang/"
    vietnamese = client.get(url)
    assert vietnamese["Content-Language"] == "vi"
    assert assert_error_shape(vietnamese.json(), "not_found")["message"].startswith(
        "Không tìm thấy"
    )
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"
    assert english.json()["error"]["message"].startswith("Not found")
    assert "Accept-Language" in english["Vary"]
    # The portal's language switch (a cookie) speaks for the person in the browser.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(url).json()["error"]["message"].startswith("Not found")


def test_every_kind_of_error_has_the_one_shape(people):
    client = client_with_session(people["standing_office"])
    assert_error_shape(client.get("/api/v1/no-such-thing/").json(), "not_found")
    response = client.put("/api/v1/communes/", {}, format="json")
    assert response.status_code == 405
    assert "PUT" in assert_error_shape(response.json(), "method_not_allowed")["message"]
    response = client.post(
        "/api/v1/notifications/read/", "ids=1", content_type="application/x-www-form-urlencoded"
    )  # a form, not JSON
    assert response.status_code == 415
    assert_error_shape(response.json(), "unsupported_media_type")
    response = client.post(
        "/api/v1/notifications/read/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert_error_shape(response.json(), "parse_error")
    response = client.post("/api/v1/notifications/read/", {"ids": ["x"]}, format="json")
    error = assert_error_shape(response.json(), "invalid")
    assert error["message"] == "Một số dữ liệu gửi lên không hợp lệ."
    assert error["fields"] == {"ids": {"0": ["Cần một số nguyên hợp lệ."]}}
    response = client.get("/api/v1/communes/dien-quang/indicators/", {"page": "abc"})
    assert response.status_code == 404
    assert assert_error_shape(response.json(), "not_found")["message"] == "Trang không hợp lệ."
    response = client.get("/api/v1/communes/dien-quang/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert_error_shape(response.json(), "not_acceptable")


def test_anonymous_401_carries_a_bearer_challenge(db):
    response = APIClient().get("/api/v1/provinces/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert assert_error_shape(response.json(), "not_authenticated")["message"].startswith(
        "Chưa cung cấp thông tin xác thực"
    )


def test_the_schema_describes_v1_with_bearer_tokens_and_the_error_shape(db):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert all(path.startswith("/api/v1/") for path in paths)
    for expected in (
        "/api/v1/communes/",
        "/api/v1/provinces/",
        "/api/v1/communes/{commune_code}/indicators/",
        "/api/v1/communes/{commune_code}/submissions/{id}/approve/",
        "/api/v1/notifications/",
    ):
        assert expected in paths
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert "Error" in schema["components"]["schemas"]
    listing = paths["/api/v1/communes/{commune_code}/indicators/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"page", "page_size", "ordering", "plan", "measure_kind", "lead_unit"} <= names
    assert listing["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    patch = paths["/api/v1/communes/{commune_code}/submissions/{id}/"]["patch"]
    assert {"409", "412", "428"} <= set(patch["responses"])


def test_the_documentation_page_uses_our_own_static_files_not_a_cdn(db):
    client = APIClient()
    response = client.get("/api/docs/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "unpkg" not in html and "jsdelivr" not in html
    assert "googleapis" not in html and "<script>" not in html  # no inline script (CSP)
    assert "/static/drf_spectacular_sidecar/" in html
    # A language for screen readers, and darker colours for Swagger UI's badges (axe-core, WCAG AA).
    assert '<html lang="en">' in html and "/static/css/api-docs.css" in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    # Redoc is not offered: it needs inline styles and fonts from a CDN.
    assert client.get("/api/redoc/").status_code == 404
