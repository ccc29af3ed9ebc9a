"""`/healthz` and `/readyz`, and the web serving on while Redis is down (the cache degrades,
so the API throttle lets requests through)."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import caches

import config.health
from config.cache import DegradingRedisCache
from tests.api.conftest import client_with_token

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture(autouse=True)
def _fresh_probes(monkeypatch):
    monkeypatch.setattr(config.health, "_migrations_applied", False)
    monkeypatch.setattr(DegradingRedisCache, "_down_until", 0.0)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "reports")},
        }
    }
    return tmp_path


@pytest.fixture
def dead_redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return caches["default"]  # the setting_changed signal resets the cache handler


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")  # no django_db mark: a query would raise
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_database_storage_and_migrations(client, media, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "migrations": "ok"},
    }
    assert not (media / "readyz").exists() or not any((media / "readyz").iterdir())


@pytest.mark.django_db
def test_readyz_names_redis_when_it_is_down(client, media, settings, caplog):
    settings.REDIS_URL = DEAD_REDIS
    settings.CELERY_BROKER_URL = DEAD_REDIS
    with caplog.at_level(logging.WARNING, logger="config.health"):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["failed"] == ["redis"]
    assert body["checks"]["database"] == "ok"
    assert "127.0.0.1" not in response.content.decode()  # details go to the log only
    assert "Readiness check redis failed" in caplog.text


@pytest.mark.django_db
def test_readyz_with_redis_up(client, media, settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["redis"] == "ok"


@pytest.mark.django_db
def test_readyz_names_unapplied_migrations(client, media, settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: [("reminders", "0003_not_yet")],
    )
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["migrations"]


@pytest.mark.django_db
def test_readyz_names_a_storage_it_cannot_write(client, media, settings, monkeypatch):
    settings.REDIS_URL = ""

    def refuse(self, name, content, max_length=None):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("django.core.files.storage.FileSystemStorage.save", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["storage"]


@pytest.mark.django_db
def test_readyz_names_the_database_when_it_is_down(client, media, settings, monkeypatch):
    settings.REDIS_URL = ""

    def down():
        raise ConnectionError("could not connect to server")

    monkeypatch.setattr(config.health, "_database", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database", "migrations"]


def test_the_cache_degrades_when_redis_is_down(dead_redis_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert dead_redis_cache.get("key", "default") == "default"
        dead_redis_cache.set("key", "value")  # dropped, not raised
        assert dead_redis_cache.add("key", "value") is False
        assert dead_redis_cache.get_many(["a", "b"]) == {}
        with pytest.raises(ValueError):
            dead_redis_cache.incr("key")
    # One warning, then Redis is left alone for a few seconds: requests do not wait on it.
    assert caplog.text.count("Cache unreachable") == 1
    assert DegradingRedisCache.is_degraded()


@pytest.mark.django_db
def test_the_api_answers_token_clients_while_redis_is_down(
    people, settings, dead_redis_cache, caplog
):
    settings.API_TOKEN_RATE = "3/minute"
    client = client_with_token(people["thanh_hoa"])
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        statuses = [client.get("/api/v1/communes/").status_code for _ in range(5)]
    assert statuses == [200] * 5  # the throttle cannot count: it lets them through
    assert "Cache unreachable" in caplog.text


@pytest.mark.django_db
def test_the_cache_and_the_throttle_work_on_a_live_redis(people, settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    cache = caches["default"]
    assert isinstance(cache, DegradingRedisCache)
    cache.set("health-test", "value", 30)
    assert cache.get("health-test") == "value"
    cache.delete("health-test")
    settings.API_TOKEN_RATE = "2/minute"
    client = client_with_token(people["thanh_hoa"])
    assert [client.get("/api/v1/communes/").status_code for _ in range(3)] == [200, 200, 429]
