"""Helpers of the API tests: clients authenticated by session or by token, query counting."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from api.models import TokenScope
from api.services import api_token_create
from tests.queries import Queries, assert_flat, queries_of_get


def token_for(user, scope: str = TokenScope.READ, days: int = 90, name: str = "IOC"):
    return api_token_create(
        user=user, name=name, scope=scope, expires_at=timezone.now() + timedelta(days=days)
    )


def client_with_token(user, scope: str = TokenScope.READ) -> APIClient:
    _row, secret = token_for(user, scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def client_with_session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def query_count(client, url: str, **params) -> Queries:
    return queries_of_get(client, url, params)


def assert_flat_query_count(client, url: str, *, small: int = 1, large: int = 50, **params):
    """The same number of queries for a page of `small` rows and one of `large` rows."""
    client.get(url, {"page_size": 1, **params})  # warm-up: periods ensured, content types cached
    few = query_count(client, url, page_size=small, **params)
    many_response = client.get(url, {"page_size": large, **params})
    rows = len(many_response.json()["results"])
    assert rows > small, f"{url} has {rows} rows: too few to compare page sizes"
    many = query_count(client, url, page_size=large, **params)
    assert_flat(few, many, f"{url}: {small} row(s) against {rows} rows")
    return len(many)
