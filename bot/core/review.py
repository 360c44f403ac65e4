"""Spaced review: the schedule (pure) and what is due.

The schedule is SM-2 simplified, in whole days:

- a tip becomes reviewable when the user saves it or votes it Helpful, and is first
  due :data:`FIRST_DUE` (1 day) later;
- **Remembered**: the next interval is :data:`SECOND_INTERVAL` (3 days) the first time
  (and the first time after a "Not yet"), then the previous interval × ease, rounded
  (and at least a day longer than before); ease rises by 0.1, to at most 3.0;
- **Not yet**: the interval goes back to 1 day; ease falls by 0.2, to at least 1.3.

Ease starts at 2.5. It is kept in hundredths (250 = 2.5) so every store computes the
same intervals; an interval is never under 1 day nor over :data:`MAX_INTERVAL` days.
A Remembered answer always moves the next review later than a Not yet would.

The daily tip carries one due review at most every :data:`DAILY_EVERY` days
(:func:`daily_pick`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.ports import Tips
from bot.core.records import ReviewRow

FIRST_DUE = timedelta(days=1)  # a saved / helpful tip is first due a day later
SECOND_INTERVAL = 3  # days after the first Remembered
START_EASE = 250  # hundredths: 2.5
EASE_UP = 10  # Remembered: +0.1
EASE_DOWN = 20  # Not yet: -0.2
MIN_EASE = 130
MAX_EASE = 300
MAX_INTERVAL = 365  # days
DAILY_EVERY = 3  # the daily tip carries a review at most once in this many days


@dataclass(frozen=True, slots=True)
class Schedule:
    """Where a tip stands: its last interval (days), ease (hundredths) and how many
    Remembered answers in a row it has had."""

    interval: int = 1
    ease: int = START_EASE
    streak: int = 0


def answer(state: Schedule, remembered: bool) -> Schedule:
    """The schedule after an answer (see the module docstring)."""
    if not remembered:
        return Schedule(1, max(MIN_EASE, state.ease - EASE_DOWN), 0)
    grown = max(state.interval + 1, (state.interval * state.ease + 50) // 100)  # × ease
    interval = min(MAX_INTERVAL, max(1, SECOND_INTERVAL if state.streak == 0 else grown))
    return Schedule(interval, min(MAX_EASE, state.ease + EASE_UP), state.streak + 1)


def schedule_of(row: ReviewRow) -> Schedule:
    return Schedule(row.interval, row.ease, row.streak)


def due_of(now: datetime, state: Schedule) -> datetime:
    """When the next review is due after answering at ``now``."""
    return now + timedelta(days=state.interval)


def due(rows: Iterable[ReviewRow], now: int, known: Iterable[str]) -> list[ReviewRow]:
    """The reviewable rows due by ``now`` (Unix seconds) whose tip still exists, most
    overdue first (then by tip id, so the order is stable)."""
    tips = set(known)
    return sorted(
        (r for r in rows if r.active and r.due_at <= now and r.tip_id in tips),
        key=lambda r: (r.due_at, r.tip_id),
    )


def next_due(rows: Iterable[ReviewRow], known: Iterable[str]) -> ReviewRow | None:
    """The reviewable row due soonest (for "next one due ..."), or None."""
    tips = set(known)
    found = [r for r in rows if r.active and r.tip_id in tips]
    return min(found, key=lambda r: (r.due_at, r.tip_id)) if found else None


def daily_pick(
    rows: Iterable[ReviewRow], now: int, known: Iterable[str], today: date, skip: str = ""
) -> ReviewRow | None:
    """The review a daily tip dated ``today`` carries: the most overdue due one (not
    ``skip``, the day's tip itself), unless one was carried in the last
    :data:`DAILY_EVERY` - 1 days."""
    rows = list(rows)
    last = max((date.fromisoformat(r.carried_on) for r in rows if r.carried_on), default=None)
    if last is not None and (today - last).days < DAILY_EVERY:
        return None
    return next((r for r in due(rows, now, known) if r.tip_id != skip), None)


def start(tips: Tips, pk: int, tip_id: str, now: datetime) -> None:
    """Make a tip the user just saved or voted Helpful reviewable: first due
    :data:`FIRST_DUE` later (a tip already under review keeps its schedule)."""
    tips.start_review(pk, tip_id, int((now + FIRST_DUE).timestamp()))
