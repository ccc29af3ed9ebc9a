"""A backup restores into a fresh database with every row and every file, proven independently."""

import hashlib
import os
import sqlite3
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import CommandError, call_command
from django.db import connection

from config.backup import table_row_counts


@pytest.fixture
def files(settings, tmp_path):
    """One evidence file and one report file in storages of their own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = settings.STORAGES | {
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media" / "reports")},
        }
    }
    contents = {
        ("default", "evidence/dien-quang/quyet-dinh.pdf"): b"%PDF-1.4 evidence",
        ("reports", "dien-quang/2025/bao-cao.xlsx"): bytes(range(256)) * 40,
    }
    for (alias, path), content in contents.items():
        storage = default_storage if alias == "default" else storages["reports"]
        assert storage.save(path, ContentFile(content)) == path
    return contents


def _current_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return table_row_counts(cursor, connection.introspection.table_names(cursor))


def _restored_files(root: Path, contents) -> dict:
    folders = {"default": root / "media", "reports": root / "reports"}
    return {
        (alias, path): hashlib.sha256((folders[alias] / path).read_bytes()).hexdigest()
        for alias, path in contents
    }


@pytest.fixture
def fresh_postgres_database():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL restore runs with DATABASE_URL on PostgreSQL (CI does)")
    settings_dict = connection.settings_dict
    name = f"kpi_restore_{os.getpid()}"
    conninfo = {
        "host": settings_dict["HOST"] or "127.0.0.1",
        "port": settings_dict["PORT"] or 5432,
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{conninfo['password']}" if conninfo["password"] else ""
    yield {
        "url": f"postgres://{conninfo['user']}{password}@{conninfo['host']}:{conninfo['port']}/{name}",
        "connect": lambda: psycopg.connect(dbname=name, **conninfo),
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgres_backup_restores_every_row_and_file(
    seeds, files, tmp_path, fresh_postgres_database, capsys
):
    call_command("backup", "--to", str(tmp_path / "backups"), "--name", "nightly")
    call_command(
        "restore",
        "nightly",
        "--from",
        str(tmp_path / "backups"),
        "--database-url",
        fresh_postgres_database["url"],
        "--media-root",
        str(tmp_path / "restored"),
    )
    print(capsys.readouterr().out)
    expected = _current_counts()
    with fresh_postgres_database["connect"]() as restored:
        counts = {
            table: restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in expected
        }
    assert counts == expected and expected["communes_commune"] >= 3
    assert _restored_files(tmp_path / "restored", files) == {
        key: hashlib.sha256(content).hexdigest() for key, content in files.items()
    }
    # A second restore into the now populated database is refused: nothing is overwritten.
    with pytest.raises(CommandError, match="already holds"):
        call_command(
            "restore",
            "nightly",
            "--from",
            str(tmp_path / "backups"),
            "--database-url",
            fresh_postgres_database["url"],
        )


def test_sqlite_backup_restores_into_a_new_file(seeds, files, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite copy is the embedded default's backup")
    call_command("backup", "--to", str(tmp_path / "backups"), "--name", "b")
    target = tmp_path / "restored.sqlite3"
    call_command(
        "restore",
        "b",
        "--from",
        str(tmp_path / "backups"),
        "--database-url",
        f"sqlite:///{target}",
        "--media-root",
        str(tmp_path / "restored"),
    )
    with sqlite3.connect(target) as restored:
        counts = {
            table: restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in _current_counts()
        }
    assert counts == _current_counts()
    assert set(_restored_files(tmp_path / "restored", files)) == set(files)


def test_a_tampered_backup_is_refused(seeds, files, tmp_path):
    call_command("backup", "--to", str(tmp_path / "backups"), "--name", "b")
    dump = tmp_path / "backups" / "b" / "database.dump"
    dump.write_bytes(dump.read_bytes() + b"x")
    with pytest.raises(CommandError, match="does not match"):
        call_command(
            "restore",
            "b",
            "--from",
            str(tmp_path / "backups"),
            "--database-url",
            f"sqlite:///{tmp_path / 'x.sqlite3'}",
        )
