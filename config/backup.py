"""Backups of everything the portal keeps: the database and the files of its two storages.

A backup is three files under one name in the `backups` storage (a folder by default, an
S3-compatible bucket through django-storages when BACKUP_STORAGE_BACKEND says so):

- `database.dump`: `pg_dump --format=custom` on PostgreSQL, an SQLite copy on SQLite;
- `files.tar`: every file of the `default` (evidence) and `reports` storages, by storage;
- `manifest.json`: when, from which database engine, the row count of every table and the
  SHA-256 of the dump and of every file, so that a restore proves it brought everything back.

A restore refuses a database that already holds tables (it never overwrites data by mistake)
and ends by comparing row counts and checksums with the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

FILE_STORAGES = ("default", "reports")
MANIFEST_VERSION = 1


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class RestoreResult:
    tables: int
    rows: int
    files: int


def _sha256(stream) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _storage_files(storage, folder: str = ""):
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for directory in directories:
        yield from _storage_files(storage, f"{folder}/{directory}" if folder else directory)


def _storage_exists(alias: str) -> bool:
    return alias in settings.STORAGES


def _nested_folders(alias: str) -> tuple[str, ...]:
    """Folders of `alias` that are another storage's own (reports under MEDIA_ROOT by default),
    so that their files are kept once, under the storage that serves them."""
    location = getattr(storages[alias], "location", None)
    nested = []
    for other in FILE_STORAGES:
        other_location = (
            getattr(storages[other], "location", None) if _storage_exists(other) else None
        )
        if other != alias and location and other_location:
            relative = os.path.relpath(other_location, location)
            if not relative.startswith(".."):
                nested.append(relative.rstrip("/") + "/")
    return tuple(nested)


def table_row_counts(cursor, tables) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_environment(database: dict) -> dict:
    return os.environ | {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or 5432),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database["NAME"],
    }


def _database_dump(target: Path) -> None:
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target)],
            env=_pg_environment(database),
            check=True,
            capture_output=True,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
    else:
        raise BackupError(f"No backup for the {connection.vendor} engine.")


def backup_create(*, storage=None, name: str | None = None) -> dict:
    """Write a backup under `name` (default: the time) and return its manifest."""
    storage = storage or storages["backups"]
    name = name or timezone.localtime().strftime("backup-%Y%m%d-%H%M%S")
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        dump = work / "database.dump"
        _database_dump(dump)
        with connection.cursor() as cursor:
            counts = table_row_counts(cursor, connection.introspection.table_names(cursor))
        files: dict[str, dict[str, str]] = {}
        with tarfile.open(work / "files.tar", "w") as archive:
            for alias in FILE_STORAGES:
                if not _storage_exists(alias):
                    continue
                source, files[alias] = storages[alias], {}
                nested = _nested_folders(alias)
                for path in _storage_files(source):
                    if nested and path.startswith(nested):
                        continue
                    with source.open(path, "rb") as stream:
                        content = stream.read()
                    files[alias][path] = hashlib.sha256(content).hexdigest()
                    info = tarfile.TarInfo(f"{alias}/{path}")
                    info.size = len(content)
                    archive.addfile(info, io.BytesIO(content))
        with dump.open("rb") as stream:
            dump_sha256 = _sha256(stream)
        manifest = {
            "version": MANIFEST_VERSION,
            "name": name,
            "created": timezone.now().isoformat(),
            "engine": connection.vendor,
            "database_sha256": dump_sha256,
            "tables": counts,
            "files": files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        for part in ("database.dump", "files.tar", "manifest.json"):
            with (work / part).open("rb") as stream:
                storage.save(f"{name}/{part}", File(stream))
    return manifest


def _fetch(storage, name: str, work: Path) -> dict:
    for part in ("database.dump", "files.tar", "manifest.json"):
        if not storage.exists(f"{name}/{part}"):
            raise BackupError(f"The backup «{name}» has no {part}.")
        with storage.open(f"{name}/{part}", "rb") as source, (work / part).open("wb") as target:
            shutil.copyfileobj(source, target)
    manifest = json.loads((work / "manifest.json").read_text())
    with (work / "database.dump").open("rb") as stream:
        if _sha256(stream) != manifest["database_sha256"]:
            raise BackupError(f"The database dump of «{name}» does not match its manifest.")
    return manifest


def _database_restore(dump: Path, database: dict, engine: str) -> dict[str, int]:
    if engine == "postgresql":
        import psycopg

        env = _pg_environment(database)
        conninfo = {key: env[f"PG{key.upper()}"] for key in ("host", "port", "user", "password")}
        with psycopg.connect(dbname=database["NAME"], **conninfo) as target:
            tables = target.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
            if tables:
                raise BackupError(
                    f"The database {database['NAME']} already holds {len(tables)} tables: "
                    "restore only into an empty database."
                )
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                database["NAME"],
                str(dump),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        with psycopg.connect(dbname=database["NAME"], **conninfo) as target:
            cursor = target.cursor()
            names = [
                row[0]
                for row in cursor.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            ]
            return {
                name: cursor.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
                for name in sorted(names)
            }
    if engine == "sqlite":
        path = Path(database["NAME"])
        if path.exists() and path.stat().st_size:
            raise BackupError(f"{path} exists: restore only into a new database file.")
        shutil.copyfile(dump, path)
        with sqlite3.connect(path) as target:
            names = [
                row[0]
                for row in target.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {
                name: target.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
                for name in sorted(names)
            }
    raise BackupError(f"No restore for the {engine} engine.")


def backup_restore(
    *, name: str, storage=None, database: dict | None = None, file_storages: dict | None = None
) -> RestoreResult:
    """Restore backup `name` into `database` (default: the portal's) and the file storages."""
    storage = storage or storages["backups"]
    database = database or connection.settings_dict
    file_storages = file_storages or {
        alias: storages[alias] for alias in FILE_STORAGES if _storage_exists(alias)
    }
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        manifest = _fetch(storage, name, work)
        engine = "postgresql" if "postgresql" in database["ENGINE"] else "sqlite"
        if engine != manifest["engine"]:
            raise BackupError(f"«{name}» is a {manifest['engine']} backup, not {engine}.")
        counts = _database_restore(work / "database.dump", database, engine)
        if counts != manifest["tables"]:
            differ = sorted(
                table
                for table in set(counts) | set(manifest["tables"])
                if counts.get(table) != manifest["tables"].get(table)
            )
            raise BackupError(f"Restored row counts differ from the backup in: {', '.join(differ)}")
        restored = 0
        with tarfile.open(work / "files.tar") as archive:
            for member in archive.getmembers():
                alias, path = member.name.split("/", 1)
                expected = manifest["files"].get(alias, {}).get(path)
                content = archive.extractfile(member).read()
                if expected != hashlib.sha256(content).hexdigest():
                    raise BackupError(f"{member.name} does not match its checksum.")
                target = file_storages[alias]
                if target.exists(path):
                    target.delete(path)
                if target.save(path, ContentFile(content)) != path:
                    raise BackupError(f"{member.name} could not be restored under its name.")
                restored += 1
        expected_files = sum(len(paths) for paths in manifest["files"].values())
        if restored != expected_files:
            raise BackupError(f"{restored} files restored, the backup lists {expected_files}.")
    return RestoreResult(tables=len(counts), rows=sum(counts.values()), files=restored)
