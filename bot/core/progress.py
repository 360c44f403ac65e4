"""Pure rules for progress: bars, streaks, coverage."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def bar(done: int, total: int, width: int = 10) -> str:
    """'███░░░░░░░ 30%' — text that renders the same on every platform."""
    frac = done / total if total else 0.0
    filled = round(frac * width)
    return f"{'█' * filled}{'░' * (width - filled)} {round(frac * 100)}%"


def streaks(days: Iterable[date], today: date) -> tuple[int, int]:
    """(current, best) runs of consecutive active days.

    The current streak still counts when today has no activity yet but yesterday had:
    the day isn't over.
    """
    ordered = sorted(set(days))
    best = run = 0
    prev: date | None = None
    for d in ordered:
        run = run + 1 if prev is not None and d - prev == timedelta(days=1) else 1
        best = max(best, run)
        prev = d
    current = 0
    if ordered and today - ordered[-1] <= timedelta(days=1):
        current = run
    return current, best


def coverage(needed: Iterable[str], done: Iterable[str]) -> tuple[int, int]:
    need = set(needed)
    return len(need & set(done)), len(need)
