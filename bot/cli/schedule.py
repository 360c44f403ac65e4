"""``careerbot schedule preview``: the next delivery instants of a daily-tip schedule.

    careerbot schedule preview --at 02:30 --tz America/New_York --after 2027-03-13T12:00:00Z \\
        --count 3 [--days mon-fri]

prints one ISO 8601 UTC timestamp per line (``2027-03-14T07:30:00Z``). A bad time, zone
or day list exits 1 with one clear line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.cli import Subparsers

PROG = "careerbot schedule"


def register(subparsers: Subparsers) -> None:
    from bot.delivery.preview import MAX_COUNT

    p = subparsers.add_parser(
        "schedule",
        help="preview daily-tip delivery instants",
        description="Daily-tip delivery instants.",
    )
    p.set_defaults(run=run)
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    pv = sub.add_parser("preview", help="print the next N delivery instants (UTC)")
    pv.add_argument("--at", required=True, help="local time, 24-hour HH:MM")
    pv.add_argument("--tz", required=True, help="IANA time zone, e.g. Europe/Berlin")
    pv.add_argument(
        "--days", default="every day", help="every day | weekdays | mon-fri | fri-mon | mon-wed,fri"
    )
    pv.add_argument("--after", required=True, help="ISO 8601 instant, e.g. 2027-03-13T00:00:00Z")
    pv.add_argument("--count", type=int, default=7, help=f"how many (1..{MAX_COUNT})")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.errors import UsageError
    from bot.core.schedule import iso_z
    from bot.delivery.preview import preview

    try:
        instants = preview(args.at, args.tz, args.days, args.after, args.count)
    except UsageError as exc:
        print(f"{PROG}: {exc.message}", file=sys.stderr)
        return 1
    sys.stdout.writelines(iso_z(moment) + "\n" for moment in instants)
    return 0
