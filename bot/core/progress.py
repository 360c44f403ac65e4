"""Pure rules for progress: bars, streaks (with freezes and quiet days), coverage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

FREEZE_EVERY = 7  # active days in a run that earn one streak freeze
FREEZE_CAP = 2  # freezes held at most


def bar(done: int, total: int, width: int = 10) -> str:
    """'███░░░░░░░ 30%' — text that renders the same on every platform."""
    frac = done / total if total else 0.0
    filled = round(frac * width)
    return f"{'█' * filled}{'░' * (width - filled)} {round(frac * 100)}%"


@dataclass(frozen=True, slots=True)
class Streak:
    current: int  # active days in the running streak
    best: int  # the longest streak ever
    freezes: int  # freezes held now


def activity_day(now: datetime, zone: ZoneInfo, day_start: int = 0) -> date:
    """The user's day at ``now``: their local date, where a day begins at the local hour
    ``day_start`` (4: 01:30 still belongs to yesterday).

    Wall-clock arithmetic: on a DST night the day still turns at 04:00 on the clock,
    whatever the hours in between (03:30 is yesterday, 04:30 today).
    """
    local = now.astimezone(zone).replace(tzinfo=None)
    return (local - timedelta(hours=day_start)).date()


def day_to_record(
    computed: date,
    last: date | None,
    old_day: date | None = None,
) -> tuple[date, list[date]]:
    """The day to record an activity on, and the days to mark neutral, given the day
    ``computed`` in the user's zone and day start now, their ``last`` recorded day and
    ``old_day``: today in the zone (and day start) the last day was recorded in, when
    that changed.

    - A day never goes back before the last recorded one (a move west, an earlier day
      start): the activity belongs to the day already recorded, nothing counts twice.
    - A move east can jump the date: the days it skips that the old zone had not
      reached yet are neutral, so no gap is invented.
    """
    if last is None or computed <= last:
        return (last if last is not None else computed), []
    neutral: list[date] = []
    if old_day is not None and old_day < computed:
        d = max(old_day, last + timedelta(days=1))
        while d < computed:
            neutral.append(d)
            d += timedelta(days=1)
    return computed, neutral


def streak(active: Iterable[date], today: date, neutral: Iterable[date] = ()) -> Streak:
    """The current and best streaks and the freezes held, from the days alone.

    Walks from the first active day to ``today``: an active day extends the streak; a
    neutral day (skipped, away, a quiet weekend) neither counts nor breaks it; today
    without activity yet is not over. Every :data:`FREEZE_EVERY` active days in a run
    earn a freeze (at most :data:`FREEZE_CAP` held); a missed day spends one and the
    streak survives it (without counting it), else the streak breaks. A spent freeze
    ends the run that earns the next one. Deterministic: nothing is stored but days.
    """
    act = set(active)
    if not act:
        return Streak(0, 0, 0)
    start, end = min(act), max(max(act), today)
    quiet = {d for d in neutral if start <= d <= end and d not in act}
    run = best = freezes = earned = 0
    last = start - timedelta(days=1)  # the last day walked
    # day by day only where something happened: the missed days between are counted
    for d in sorted(act | quiet):
        run, earned, freezes = _missed(_count_missed(last, d, today), run, earned, freezes)
        last = d
        if d in act:
            run += 1
            earned += 1
            best = max(best, run)
            if earned == FREEZE_EVERY:
                freezes, earned = min(FREEZE_CAP, freezes + 1), 0
    after = end + timedelta(days=1)
    run, earned, freezes = _missed(_count_missed(last, after, today), run, earned, freezes)
    return Streak(run, best, freezes)


def _count_missed(last: date, until: date, today: date) -> int:
    """Days strictly between ``last`` and ``until`` that are over (before ``today``)."""
    return max(0, (min(until, today) - last).days - 1)


def _missed(days: int, run: int, earned: int, freezes: int) -> tuple[int, int, int]:
    """``days`` missed days in a row: each spends a freeze (ending the earning run) while
    there is one; the first without one breaks the streak."""
    if days <= 0:
        return run, earned, freezes
    spent = min(days, freezes)
    if days > spent:
        return 0, 0, 0
    return run, 0, freezes - spent


def weekend_days(since: date, until: date) -> list[date]:
    """The Saturdays and Sundays from ``since`` to ``until`` inclusive."""
    out: list[date] = []
    d = since
    while d <= until:
        if d.weekday() >= 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def coverage(needed: Iterable[str], done: Iterable[str]) -> tuple[int, int]:
    need = set(needed)
    return len(need & set(done)), len(need)


def user_streak(
    active: Iterable[date],
    quiet: Iterable[date],
    weekends_since: str | None,
    today: date,
) -> Streak:
    """A user's :func:`streak` from what is stored: their activity days, their quiet days
    (skipped, away, passed over by a move east) and quiet weekends since an ISO date."""
    neutral = set(quiet)
    if weekends_since is not None:
        neutral.update(weekend_days(date.fromisoformat(weekends_since), today))
    return streak(active, today, neutral)
