"""Delivery instants for daily tips: pure date/time maths, no I/O, no platform.

A tip for local date ``D`` at local time ``T`` in zone ``Z`` is due at
``datetime.combine(D, T, tzinfo=ZoneInfo(Z))`` with ``fold=0``, normalised through UTC:

* a time skipped by a jump forward lands shifted by the gap (02:30 -> 03:30 in New
  York, 02:15 -> 02:45 on Lord Howe Island, whose jump is 30 minutes);
* an ambiguous time (the hour repeated by a jump back) is delivered once, at its first
  occurrence.

Exactly one instant per selected local date. Where a zone skipped a whole calendar day
(Pacific/Apia, 30 Dec 2011) two local dates can map to the same instant: it is kept once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.core.records import SubRow
from bot.core.zones import zone_info

ALL_DAYS: frozenset[int] = frozenset(range(7))


def instant(day: date, at: time, tz: str) -> datetime:
    """The UTC instant of local time ``at`` on local date ``day`` in zone ``tz``."""
    local = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone_info(tz))
    return local.astimezone(UTC)


def local_date(moment: datetime, tz: str) -> date:
    """The local calendar date of an aware instant in zone ``tz``."""
    return moment.astimezone(zone_info(tz)).date()


def as_utc(moment: datetime) -> datetime:
    """An aware datetime in UTC; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Daily:
    """One daily-tip schedule: local time, IANA zone, selected weekdays (0 = Monday)."""

    at: time
    tz: str
    days: frozenset[int] = ALL_DAYS

    def __post_init__(self) -> None:
        if not self.days or not self.days <= ALL_DAYS:
            raise ValueError("days must be a non-empty set of weekday numbers 0..6")
        zone_info(self.tz)  # fail early on an unknown zone: UnknownZone, a ValueError

    def instant(self, day: date) -> datetime:
        return instant(day, self.at, self.tz)

    def occurrences(self, after: datetime) -> Iterator[tuple[date, datetime]]:
        """(local date, UTC instant) of every delivery strictly after ``after``, in order."""
        after = as_utc(after)
        # Start two local days back: an instant of an earlier local date can still lie
        # after ``after`` only across a calendar-day jump; the filter below sorts it out.
        day = local_date(after, self.tz) - timedelta(days=2)
        last = after
        while True:
            if day.weekday() in self.days:
                moment = self.instant(day)
                if moment > last:
                    yield day, moment
                    last = moment
            day += timedelta(days=1)

    def next_after(
        self, after: datetime, not_before: datetime | None = None
    ) -> tuple[date, datetime]:
        """The first delivery strictly after ``after`` (and at or after ``not_before``)."""
        for day, moment in self.occurrences(after):
            if not_before is None or moment >= not_before:
                return day, moment
        raise AssertionError("unreachable: occurrences() is infinite")  # pragma: no cover

    def next_instants(self, after: datetime, count: int) -> list[datetime]:
        """The next ``count`` instants strictly after ``after``."""
        out: list[datetime] = []
        if count <= 0:
            return out
        for _, moment in self.occurrences(after):
            out.append(moment)
            if len(out) >= count:
                break
        return out

    def between(self, after: datetime, until: datetime) -> list[tuple[date, datetime]]:
        """Deliveries with ``after < instant <= until``."""
        out: list[tuple[date, datetime]] = []
        until = as_utc(until)
        for day, moment in self.occurrences(after):
            if moment > until:
                break
            out.append((day, moment))
        return out


def schedule_of(sub: SubRow) -> Daily:
    """The schedule a stored subscription describes."""
    return Daily(time_of_minute(sub.minute), sub.tz, mask_days(sub.days))


def epoch(moment: datetime) -> int:
    """Unix seconds of an aware instant (how the ports store instants)."""
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def days_mask(days: frozenset[int]) -> int:
    """Weekdays as a bit mask (bit 0 = Monday), for storage."""
    return sum(1 << d for d in days)


def mask_days(mask: int) -> frozenset[int]:
    return frozenset(d for d in range(7) if mask & (1 << d))


def minute_of_day(at: time) -> int:
    return at.hour * 60 + at.minute


def time_of_minute(minute: int) -> time:
    return time(minute // 60, minute % 60)


def iso_z(moment: datetime) -> str:
    """``2027-03-14T07:30:00Z``."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def describe_local(moment: datetime, tz: str) -> str:
    """``Tue 3 Mar 2026, 07:30 (Europe/Berlin)`` for replies."""
    local = moment.astimezone(zone_info(tz))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({tz})"


def describe_wait(delta: timedelta) -> str:
    """``in 3 h 20 min`` / ``in 2 days``; ``now`` when due."""
    minutes = int(delta.total_seconds() // 60)
    if minutes <= 0:
        return "now"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days >= 2:
        return f"in {days} days"
    parts = []
    if days:
        parts.append("1 day")
    if hours:
        parts.append(f"{hours} h")
    if mins and not days:
        parts.append(f"{mins} min")
    return "in " + " ".join(parts)
