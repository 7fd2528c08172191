"""Backups and restores of the whole database: SQLite (online backup API) and PostgreSQL.

SQLite: ``sqlite3.Connection.backup`` copies a consistent snapshot while the application
keeps running (readers and the writer are not stopped). PostgreSQL: ``pg_dump`` in its
custom format (compressed, restorable with ``pg_restore``), taken in one snapshot too.
The password never appears on a command line: it goes through ``PGPASSWORD``.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 (pg_dump / pg_restore, fixed argument lists, no shell)
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.core.clock import utcnow
from app.core.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    kind: str  # "sqlite" | "postgresql"
    size: int


def database_kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise DomainError(f"Base de données non prise en charge : {backend}.")
    return backend


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise DomainError("La base SQLite en mémoire ne peut pas être sauvegardée.")
    return Path(database)


def pg_tool(name: str) -> str:
    """The newest Debian PostgreSQL client (it must not be older than the server), else PATH."""
    override = os.environ.get("PG_BIN_DIR")
    if override and (Path(override) / name).exists():
        return str(Path(override) / name)
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")

    def version(path: str) -> tuple[int, ...]:
        part = Path(path).parts[-3]
        return tuple(int(p) for p in part.split(".") if p.isdigit())

    if candidates:
        return max(candidates, key=version)
    found = shutil.which(name)
    if not found:
        raise DomainError(
            f"{name} est introuvable : installez le paquet Debian postgresql-client "
            "de la même version que le serveur."
        )
    return found


def pg_env(url: str) -> tuple[dict[str, str], str]:
    """Connection settings as libpq environment variables, and the database name."""
    parsed = make_url(url)
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", parsed.host),
        ("PGPORT", str(parsed.port) if parsed.port else None),
        ("PGUSER", parsed.username),
        ("PGPASSWORD", parsed.password),
    ):
        if value:
            env[key] = str(value)
    if parsed.query.get("sslmode"):
        env["PGSSLMODE"] = str(parsed.query["sslmode"])
    return env, str(parsed.database or "")


def default_backup_path(directory: Path, kind: str, now: datetime | None = None) -> Path:
    stamp = (now or utcnow()).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if kind == "sqlite" else "dump"
    return directory / f"ordilien-{stamp}.{suffix}"


def backup(url: str, target: Path) -> BackupResult:
    """Write a backup of the database at ``url`` to ``target`` (a new file)."""
    kind = database_kind(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partiel")
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{sqlite_path(url)}?mode=ro", uri=True)
        destination = sqlite3.connect(partial)
        try:
            with destination:
                source.backup(destination)
            # A standalone file: no -wal/-shm companions needed to open or copy it.
            destination.execute("PRAGMA journal_mode=DELETE")
        finally:
            destination.close()
            source.close()
    else:
        env, dbname = pg_env(url)
        _run(
            [
                pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
                f"--dbname={dbname}",
            ],
            env,
        )
    # Renamed only once complete: a file named .sqlite3/.dump is always a whole backup.
    partial.replace(target)
    return BackupResult(target, kind, target.stat().st_size)


def backup_kind_of_file(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise DomainError(f"{path} n'est pas une sauvegarde Ordilien (ni SQLite, ni pg_dump).")


def restore(url: str, source: Path) -> str:
    """Replace the content of the database at ``url`` by the backup ``source``.

    The caller disposes of its connection pool first; the application should be stopped.
    """
    if not source.is_file():
        raise DomainError(f"Fichier introuvable : {source}")
    kind = database_kind(url)
    file_kind = backup_kind_of_file(source)
    if file_kind != kind:
        raise DomainError(
            f"Cette sauvegarde vient d'une base {file_kind} ; la base configurée est {kind}. "
            "Restaurez-la dans une base du même type."
        )
    if kind == "sqlite":
        live = sqlite_path(url)
        live.parent.mkdir(parents=True, exist_ok=True)
        backup_conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(live)
        try:
            # The backup API replaces every page of the target in one step.
            with target:
                backup_conn.backup(target)
        finally:
            target.close()
            backup_conn.close()
    else:
        env, dbname = pg_env(url)
        _run(
            [
                pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={dbname}",
                str(source),
            ],
            env,
        )
    return kind


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete the oldest backups of ``directory``, keeping the ``keep`` newest."""
    files = sorted(
        [p for p in directory.glob("ordilien-*") if p.suffix in {".sqlite3", ".dump"}],
        key=lambda p: p.name,
        reverse=True,
    )
    removed = files[keep:] if keep > 0 else []
    for path in removed:
        path.unlink()
    return removed


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        raise DomainError(
            f"{Path(args[0]).name} a échoué (code {result.returncode}) : "
            + (message[-1] if message else "")
        )
