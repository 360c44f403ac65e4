"""``careerbot schedule preview``: the next delivery instants of a daily-tip schedule.

    careerbot schedule preview --at 02:30 --tz America/New_York --after 2027-03-13T12:00:00Z \\
        --count 3 [--days mon-fri]

prints one ISO 8601 UTC timestamp per line (``2027-03-14T07:30:00Z``). A bad time, zone
or day list exits 1 with one clear line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

from bot.core.commands import parse_days, parse_time, parse_zone
from bot.core.errors import UsageError
from bot.core.schedule import Daily, as_utc, iso_z

MAX_COUNT = 10_000


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="careerbot schedule", description="Daily-tip delivery instants."
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    pv = sub.add_parser("preview", help="print the next N delivery instants (UTC)")
    pv.add_argument("--at", required=True, help="local time, 24-hour HH:MM")
    pv.add_argument("--tz", required=True, help="IANA time zone, e.g. Europe/Berlin")
    pv.add_argument(
        "--days", default="every day", help="every day | weekdays | mon-fri | fri-mon | mon-wed,fri"
    )
    pv.add_argument("--after", required=True, help="ISO 8601 instant, e.g. 2027-03-13T00:00:00Z")
    pv.add_argument("--count", type=int, default=7, help=f"how many (1..{MAX_COUNT})")
    return p


def parse_instant(text: str) -> datetime:
    """ISO 8601 with an offset or ``Z``; without one the instant is taken as UTC."""
    raw = text.strip()
    try:
        moment = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
    except ValueError as exc:
        raise UsageError(f"--after: '{raw[:40]}' is not an ISO 8601 instant") from exc
    return as_utc(moment)


def preview(args: argparse.Namespace, out: TextIO) -> None:
    at = parse_time(args.at)
    tz = parse_zone(args.tz)
    days = parse_days(args.days)
    after = parse_instant(args.after)
    if not 1 <= args.count <= MAX_COUNT:
        raise UsageError(f"--count must be between 1 and {MAX_COUNT}")
    for moment in Daily(at, tz, days).next_instants(after, args.count):
        out.write(iso_z(moment) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        preview(args, sys.stdout)
    except UsageError as exc:
        print(f"careerbot schedule: {exc.message}", file=sys.stderr)
        return 1
    except OverflowError:
        print("careerbot schedule: those instants are beyond the year 9999", file=sys.stderr)
        return 1
    return 0
