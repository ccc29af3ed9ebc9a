"""Each log line names its request, user and commune; one access line per request."""

import json
import logging

from django.urls import reverse

from config.log import RequestContextFilter


def _access_records(caplog):
    return [record for record in caplog.records if record.name == "portal.access"]


def test_a_request_gets_an_id_echoed_back_and_one_access_line(client, people, caplog):
    client.force_login(people["standing_office"])
    with caplog.at_level(logging.INFO, logger="portal.access"):
        response = client.get(
            reverse("plans:commune", args=["dien-quang"]), HTTP_X_REQUEST_ID="proxy-id-1234"
        )
    assert response.headers["X-Request-ID"] == "proxy-id-1234"
    (record,) = _access_records(caplog)
    assert (record.request_id, record.commune, record.status) == (
        "proxy-id-1234",
        "dien-quang",
        response.status_code,
    )
    assert record.user == people["standing_office"].get_username()


def test_an_insane_request_id_is_replaced(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.access"):
        response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\nforged line")
    assert "\n" not in response.headers["X-Request-ID"]
    assert len(response.headers["X-Request-ID"]) == 32
    assert _access_records(caplog)[0].user == "-"


def test_the_json_format_writes_one_object_per_line_with_the_context(settings):
    from pythonjsonlogger.json import JsonFormatter

    options = settings.LOGGING["formatters"]["json"]
    handler_formatter = JsonFormatter(options["fmt"], rename_fields=options["rename_fields"])
    record = logging.LogRecord("reports", logging.ERROR, __file__, 1, "render failed", (), None)
    RequestContextFilter().filter(record)
    line = json.loads(handler_formatter.format(record))
    assert line["level"] == "ERROR" and line["logger"] == "reports"
    assert line["message"] == "render failed" and line["request_id"] == "-"
    assert "time" in line
