"""``careerbot db backup|restore|check|copy``: safe copies and integrity checks of the
database, and copies between databases (SQLite <-> PostgreSQL)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings

if TYPE_CHECKING:
    from bot.cli import Subparsers

PROG = "careerbot db"
MAX_LISTED = 20  # problems printed by 'check'


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "db",
        help="back up, restore, check or copy the database",
        description="Back up, check or copy the database.",
    )
    p.set_defaults(run=run)
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    b = sub.add_parser("backup", help="copy the database to PATH (safe while the bot runs)")
    b.add_argument("path", type=Path, help="the backup file, or a directory to put it in")
    b.add_argument("--force", action="store_true", help="replace an existing file")
    r = sub.add_parser("restore", help="replace the database with a backup (bot stopped)")
    r.add_argument("path", type=Path, help="the backup file")
    sub.add_parser("check", help="integrity and foreign-key check")
    c = sub.add_parser(
        "copy",
        help="copy everything from SRC to DST (SQLite file <-> PostgreSQL), verified",
        description="Copy every row from SRC to DST (a SQLite file path, sqlite:///path or "
        "postgresql://user:password@host:port/db), both migrated to the latest schema first; "
        "verified by row counts and checksums per table. The copy is a snapshot of SRC: "
        "stop the bot before a copy you move to.",
    )
    c.add_argument("src", metavar="SRC", help="the database to copy from")
    c.add_argument("dst", metavar="DST", help="the database to copy into (must be empty)")
    c.add_argument("--force", action="store_true", help="empty DST first if it holds data")
    c.add_argument("--verify", action="store_true", help="only compare SRC and DST; copy nothing")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage import is_postgres
    from bot.storage.sqlite.maintenance import MaintenanceError

    if args.action == "copy":
        return _copy(args.src, args.dst, force=args.force, verify=args.verify)
    if is_postgres(settings.db):
        return _postgres(args.action, settings.db)
    try:
        db = settings.db_path
        if args.action == "backup":
            return _backup(db, args.path, force=args.force)
        if args.action == "restore":
            return _restore(args.path, db)
        return _check(db)
    except (ConfigError, MaintenanceError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1


def _postgres(action: str, url: str) -> int:
    from bot.core.errors import StoreError
    from bot.storage.maintenance import PG_BACKUP, check_postgres

    if action in ("backup", "restore"):
        print(f"{PROG} {action}: {PG_BACKUP}", file=sys.stderr)
        return 1
    try:
        checked = asyncio.run(check_postgres(url))
    except StoreError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    if checked.problems:
        print(f"{checked.where}: {len(checked.problems)} problem(s):", file=sys.stderr)
        for line in checked.problems[:MAX_LISTED]:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"{checked.where}: ok (schema version {checked.version}, latest {checked.latest})")
    return 0


def _backup(db: Path, target: Path, *, force: bool) -> int:
    from bot.storage.sqlite.maintenance import backup

    out = backup(db, target, force=force)
    print(f"backup written: {out} ({out.stat().st_size:,} bytes)")
    return 0


def _restore(source: Path, db: Path) -> int:
    from bot.health import running
    from bot.storage.sqlite.maintenance import restore

    version = restore(source, db, bot_running=running(db))
    print(f"restored {source} into {db} (schema version {version}); start the bot")
    return 0


def _check(db: Path) -> int:
    from bot.storage.sqlite.maintenance import LATEST, check

    version, found = check(db)
    if version > LATEST:
        print(
            f"{PROG}: {db} has schema version {version}, newer than this careerbot "
            f"understands ({LATEST}): upgrade careerbot, or restore a backup made by this "
            "version",
            file=sys.stderr,
        )
        return 1
    if found:
        print(f"{db}: {len(found)} problem(s):", file=sys.stderr)
        for line in found[:MAX_LISTED]:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"{db}: ok (schema version {version}, latest {LATEST})")
    return 0


def _copy(src: str, dst: str, *, force: bool, verify: bool) -> int:
    from bot.core.errors import StoreError
    from bot.storage.copy import compare, copy

    try:
        if verify:
            found = asyncio.run(compare(src, dst))
            for mine, theirs in found.tables:
                same = "same" if mine == theirs else "DIFFERENT"
                print(f"  {mine.table:<18} {mine.rows:>12,} / {theirs.rows:<12,} {same}")
            if found.mismatches:
                print(f"{PROG} copy: {found.source} and {found.target} differ:", file=sys.stderr)
                for line in found.mismatches:
                    print(f"  {line}", file=sys.stderr)
                return 1
            print(f"{found.source} and {found.target} hold the same rows")
            return 0
        report = asyncio.run(copy(src, dst, force=force))
    except StoreError as exc:
        print(f"{PROG} copy: {exc}", file=sys.stderr)
        return 1
    print(f"copied {report.source} -> {report.target}")
    for table in report.tables:
        print(f"  {table.table:<18} {table.rows:>12,} rows  checksum {table.checksum}")
    print(
        f"verified: {len(report.tables)} tables, {report.rows:,} rows, counts and checksums match"
    )
    return 0
