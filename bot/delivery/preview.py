"""Daily-tip delivery instants for ``careerbot schedule preview`` (parsed in bot.cli.schedule).

:func:`preview` turns the command's text arguments into the next delivery instants, or
raises :class:`~bot.core.errors.UsageError` with one clear line: a bad time, zone, day
list, instant or count, or instants beyond the year 9999.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.commands import parse_days, parse_time, parse_zone
from bot.core.errors import UsageError
from bot.core.schedule import Daily, as_utc

MAX_COUNT = 10_000
BEYOND_9999 = "those instants are beyond the year 9999"


def parse_instant(text: str) -> datetime:
    """ISO 8601 with an offset or ``Z``; without one the instant is taken as UTC."""
    raw = text.strip()
    try:
        moment = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
    except ValueError as exc:
        raise UsageError(f"--after: '{raw[:40]}' is not an ISO 8601 instant") from exc
    return as_utc(moment)


def preview(at: str, tz: str, days: str, after: str, count: int) -> list[datetime]:
    """The next ``count`` delivery instants (UTC) of the schedule ``at`` ``tz`` on ``days``."""
    schedule = Daily(parse_time(at), parse_zone(tz), parse_days(days))
    start = parse_instant(after)
    if not 1 <= count <= MAX_COUNT:
        raise UsageError(f"--count must be between 1 and {MAX_COUNT}")
    try:
        return list(schedule.next_instants(start, count))
    except OverflowError as exc:
        raise UsageError(BEYOND_9999) from exc
