"""``careerbot health``: exit 0 when the running bot is healthy (the image's HEALTHCHECK)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings
from bot.health import MAX_AGE, check, database_of, max_age_for

if TYPE_CHECKING:
    from bot.cli import Subparsers

PROG = "careerbot health"


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "health",
        help="exit 0 when the running bot is healthy (HEALTHCHECK)",
        description="Exit 0 when the running bot is healthy: fresh heartbeat, "
        "database reachable, every adapter connected.",
    )
    p.add_argument(
        "--max-age",
        type=float,
        help=f"heartbeat age limit in s (default {MAX_AGE:.0f}, or 3 heartbeat intervals)",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        db_path = database_of(settings)
    except ConfigError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    max_age = max_age_for(settings.heartbeat_seconds) if args.max_age is None else args.max_age
    health = check(db_path, max_age=max_age)
    if not args.quiet:
        print(("healthy" if health.ok else "UNHEALTHY") + ": " + "; ".join(health.lines))
    return 0 if health.ok else 1
