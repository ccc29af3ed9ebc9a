"""Copies of the test database, taken once per session, that put the seed communes (and, for the
browser tests, their demo figures) back in milliseconds after a transactional test (a live
server, a real worker) has flushed them.

Loading the seeds or the demo figures through their services takes seconds; copying their rows
back is one INSERT … SELECT per table. A copy lives beside the test database: a schema on
PostgreSQL, an attached in-memory database on SQLite (whose test connection is never closed).
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

_taken: set[str] = set()


def _schema(name: str) -> str:
    return f"snapshot_{name}"


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _present(name: str) -> bool:
    """Is the snapshot there? On SQLite it lives on the connection: a test that opened a new
    connection to the in-memory database (a backup, a restore) left it behind."""
    if name not in _taken:
        return False
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA database_list")
        return _schema(name) in {row[1] for row in cursor.fetchall()}


def snapshot_take(name: str) -> None:
    """Copy every table of the test database, as committed now, into the snapshot `name`."""
    assert not connection.in_atomic_block, "a snapshot copies committed rows only"
    quote, schema = connection.ops.quote_name, _schema(name)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if _present(name):
                cursor.execute(f"DETACH DATABASE {schema}")
            cursor.execute(f"ATTACH DATABASE ':memory:' AS {schema}")
        else:
            cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            cursor.execute(f"CREATE SCHEMA {schema}")
        for table in _tables():
            cursor.execute(f"CREATE TABLE {schema}.{quote(table)} AS SELECT * FROM {quote(table)}")
    _taken.add(name)


def snapshot_restore(name: str) -> bool:
    """Replace every table's rows by the snapshot's, in one transaction (the foreign keys are
    deferred to its end), and move the sequences past the restored ids. False when no snapshot
    of that name is there (never taken, or left behind with an old connection)."""
    if not _present(name):
        _taken.discard(name)
        return False
    quote, schema = connection.ops.quote_name, _schema(name)
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")
        else:
            cursor.execute("TRUNCATE " + ", ".join(quote(table) for table in tables))
        for table in tables:
            cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {schema}.{quote(table)}")
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)
    # A flush recreates the content types under new ids; the restored rows carry the old ones.
    # Read back in one query, so that a test's first page counts no content-type lookups.
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models())
    return True
