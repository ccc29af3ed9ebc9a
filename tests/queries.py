"""The one query-count helper of the tests: count the queries of some work, and compare the
counts at two data sizes; when they differ, the failure prints both lists of SQL with the
queries that differ marked, so the one that grew is found without a debugger."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Queries:
    """The SQL some work ran, in order."""

    sql: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.sql)


def queries_of(work: Callable[[], object]) -> Queries:
    """The queries `work()` runs."""
    with CaptureQueriesContext(connection) as captured:
        work()
    return Queries(tuple(query["sql"] for query in captured.captured_queries))


def queries_of_get(client, url: str, params: dict | None = None, *, status: int = 200) -> Queries:
    """The queries of one GET of `url`, which must answer `status`."""

    def get():
        response = client.get(url, params or {})
        assert response.status_code == status, (url, response.status_code)

    return queries_of(get)


def _shape(sql: str) -> str:
    """A query without its literals, so that the same query at another size compares equal."""
    sql = re.sub(r"'(?:[^']|'')*'", "'…'", sql)
    sql = re.sub(r"\b\d+\b", "N", sql)
    return re.sub(r"\((?:N|'…'|%s)(?:, (?:N|'…'|%s))+\)", "(…)", sql)


def assert_flat(small: Queries, large: Queries, what: str) -> None:
    """The same number of queries at both sizes; otherwise fail with the difference."""
    if len(small) == len(large):
        return
    diff = difflib.unified_diff(
        [_shape(sql)[:400] for sql in small.sql],
        [_shape(sql)[:400] for sql in large.sql],
        "small",
        "large",
        lineterm="",
        n=1,
    )
    pytest.fail(
        f"{what}: {len(small)} queries at the small size, {len(large)} at the large one\n"
        + "\n".join(diff),
        pytrace=False,
    )
