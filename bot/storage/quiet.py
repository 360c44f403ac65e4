"""Rows to :class:`~bot.core.records.QuietPlan` values, the same for every backend."""

from __future__ import annotations

from typing import Any

from bot.core.records import QuietPlan


def plans(prefs: list[Any], skips: list[Any]) -> dict[int, QuietPlan]:
    """QuietPlans from (user_pk, weekends_since, away_skip) and (user_pk, day) rows."""
    days: dict[int, set[str]] = {}
    for pk, day in skips:
        days.setdefault(int(pk), set()).add(str(day))
    settings = {int(pk): (since, bool(away)) for pk, since, away in prefs}
    return {
        pk: QuietPlan(frozenset(days.get(pk, ())), *settings.get(pk, (None, False)))
        for pk in set(days) | set(settings)
    }
