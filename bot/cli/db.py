"""``careerbot db backup|restore|check``: safe copies and integrity checks of the database."""

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
        help="back up, restore or check the database",
        description="Back up or check the database.",
    )
    p.set_defaults(run=run)
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    b = sub.add_parser("backup", help="copy the database to PATH (safe while the bot runs)")
    b.add_argument("path", type=Path, help="the backup file, or a directory to put it in")
    b.add_argument("--force", action="store_true", help="replace an existing file")
    r = sub.add_parser("restore", help="replace the database with a backup (bot stopped)")
    r.add_argument("path", type=Path, help="the backup file")
    sub.add_parser("check", help="integrity and foreign-key check")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage import is_postgres
    from bot.storage.sqlite.maintenance import MaintenanceError

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
