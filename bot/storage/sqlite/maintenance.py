"""Safe copies and integrity checks of the SQLite database (``careerbot db``).

``backup`` uses SQLite's online backup API from its own connection. The database runs
in WAL mode, so the one-step copy reads a consistent snapshot while the bot keeps
writing; the copy is written to a temporary file, checked, switched to a single-file
journal and only then renamed to its final name — a failed backup never leaves a
half-written file under the name you asked for.

``restore`` copies a checked backup back into the database through the same API
(refused while the bot is running). ``check`` runs ``PRAGMA integrity_check`` and
``PRAGMA foreign_key_check`` and reports the schema version; a schema newer than this
careerbot (``version > LATEST``) is for the caller to refuse: this version cannot use
that database. Every function returns a value or raises :class:`MaintenanceError`; the
command line (:mod:`bot.cli.db`) prints and chooses the exit status.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.storage.sqlite.migrations import LATEST

__all__ = ["LATEST", "MaintenanceError", "backup", "check", "problems", "restore"]


class MaintenanceError(Exception):
    """A clear, one-line reason the command could not do its job."""


def _connect(path: Path, *, must_exist: bool = True) -> sqlite3.Connection:
    if must_exist and not path.is_file():
        raise MaintenanceError(f"no database at {path} (set CAREERBOT_DB to its path)")
    mode = "rw" if must_exist else "rwc"
    try:
        return sqlite3.connect(f"file:{path}?mode={mode}", uri=True, timeout=10.0)
    except sqlite3.Error as exc:
        raise MaintenanceError(f"cannot open {path}: {exc}") from exc


def problems(con: sqlite3.Connection) -> list[str]:
    """Integrity and foreign-key problems of an open database; [] when healthy."""
    found = [str(r[0]) for r in con.execute("PRAGMA integrity_check") if r[0] != "ok"]
    found += [
        f"foreign key violation in {r[0]} rowid {r[1]}"
        for r in con.execute("PRAGMA foreign_key_check")
    ]
    return found


def _version(con: sqlite3.Connection) -> int:
    return int(con.execute("PRAGMA user_version").fetchone()[0])


def backup(db: Path, target: Path, *, force: bool = False) -> Path:
    """Copy the live database ``db`` to ``target`` (a file, or a directory to put one in)."""
    if target.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = target / f"careerbot-{stamp}.db"
    if target.exists() and not force:
        raise MaintenanceError(f"{target} exists; pass --force to replace it")
    if target.exists() and target.resolve() == db.resolve():
        raise MaintenanceError("the backup cannot replace the database itself")
    if not target.parent.is_dir():
        raise MaintenanceError(f"no such directory: {target.parent}")
    tmp = target.with_name(f".{target.name}.partial")
    src = _connect(db)
    try:
        tmp.unlink(missing_ok=True)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # one step: a consistent snapshot; WAL lets the bot keep writing
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            bad = problems(dst)
        finally:
            dst.close()
        if bad:
            raise MaintenanceError("the copy failed its integrity check: " + "; ".join(bad[:5]))
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        raise MaintenanceError(f"backup failed: {exc}") from exc
    except OSError as exc:
        raise MaintenanceError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        src.close()
        tmp.unlink(missing_ok=True)
    return target


def restore(source: Path, db: Path, *, bot_running: bool) -> int:
    """Replace the database's content with the backup ``source``; returns its version."""
    if bot_running:
        raise MaintenanceError("the bot is running: stop it before restoring a backup")
    if not source.is_file():
        raise MaintenanceError(f"no backup at {source}")
    src = _connect(source)
    try:
        try:
            bad = problems(src)
            version = _version(src)
        except sqlite3.DatabaseError as exc:
            raise MaintenanceError(f"{source} is not a careerbot database: {exc}") from exc
        if bad:
            raise MaintenanceError(f"{source} is damaged: " + "; ".join(bad[:5]))
        if version > LATEST:
            raise MaintenanceError(
                f"{source} has schema version {version}, newer than this careerbot ({LATEST})"
            )
        db.parent.mkdir(parents=True, exist_ok=True)
        dst = _connect(db, must_exist=False)
        try:
            src.backup(dst)  # page-by-page through SQLite: WAL and locks handled
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise MaintenanceError(f"restore failed: {exc}") from exc
    finally:
        src.close()
    return version


def check(db: Path) -> tuple[int, list[str]]:
    """The schema version of ``db`` and its integrity problems ([] when healthy)."""
    con = _connect(db)
    try:
        return _version(con), problems(con)
    except sqlite3.DatabaseError as exc:
        return 0, [f"not a readable SQLite database: {exc}"]
    finally:
        con.close()
