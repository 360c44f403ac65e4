"""The spaced-review schedule (bot/core/review.py): examples and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.core import messages, review
from bot.core.records import ReviewRow
from bot.core.review import (
    MAX_EASE,
    MAX_INTERVAL,
    MIN_EASE,
    START_EASE,
    Schedule,
    answer,
    daily_pick,
    due,
    due_of,
)

STATES = st.builds(
    Schedule,
    interval=st.integers(1, MAX_INTERVAL),
    ease=st.integers(MIN_EASE, MAX_EASE),
    streak=st.integers(0, 50),
)
ANSWERS = st.lists(st.booleans(), max_size=40)


def walk(answers: list[bool]) -> list[Schedule]:
    state, out = Schedule(), []
    for remembered in answers:
        state = answer(state, remembered)
        out.append(state)
    return out


def test_the_documented_intervals() -> None:
    # saved (due after 1 day), then Remembered: 3 days, 3 × 2.6 = 8, 8 × 2.7 = 22 ...
    assert [s.interval for s in walk([True, True, True])] == [3, 8, 22]
    assert [s.ease for s in walk([True, True, True])] == [260, 270, 280]
    # Not yet: back to 1 day, ease 2.5 - 0.2; the next Remembered starts again at 3
    lapsed = walk([True, True, False, True])
    assert [(s.interval, s.ease) for s in lapsed] == [(3, 260), (8, 270), (1, 250), (3, 260)]


def test_ease_stops_at_its_bounds() -> None:
    assert walk([True] * 20)[-1].ease == MAX_EASE
    assert walk([False] * 20)[-1].ease == MIN_EASE
    assert walk([True] * 40)[-1].interval == MAX_INTERVAL


@given(STATES, st.booleans())
def test_interval_never_below_a_day_and_ease_within_bounds(state: Schedule, rem: bool) -> None:
    after = answer(state, rem)
    assert 1 <= after.interval <= MAX_INTERVAL
    assert MIN_EASE <= after.ease <= MAX_EASE


@given(STATES)
def test_remembered_always_moves_the_next_review_later_than_not_yet(state: Schedule) -> None:
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert due_of(now, answer(state, True)) > due_of(now, answer(state, False))


@given(ANSWERS)
def test_any_run_of_answers_keeps_the_bounds(answers: list[bool]) -> None:
    for state in walk(answers):
        assert 1 <= state.interval <= MAX_INTERVAL
        assert MIN_EASE <= state.ease <= MAX_EASE
    if answers and not answers[-1]:
        assert walk(answers)[-1].interval == 1


@given(STATES)
def test_a_streak_of_remembered_never_shortens_the_interval(state: Schedule) -> None:
    after = answer(state, True)
    if state.streak > 0:
        assert after.interval >= min(state.interval, MAX_INTERVAL)


def row(tip: str, due_at: int, active: bool = True, carried: str | None = None) -> ReviewRow:
    return ReviewRow(tip, due_at, 1, START_EASE, 0, 0, 0, carried, active)


def test_due_is_most_overdue_first_and_only_reviewable_known_tips() -> None:
    rows = [row("t3", 50), row("t1", 10), row("t2", 10), row("t4", 5, active=False),
            row("t5", 1), row("t6", 200)]  # fmt: skip
    known = {"t1", "t2", "t3", "t4", "t6"}  # t5 left the bank
    assert [r.tip_id for r in due(rows, 100, known)] == ["t1", "t2", "t3"]


def test_the_daily_tip_carries_a_review_at_most_every_three_days() -> None:
    known = {"t1", "t2"}
    day = date(2026, 3, 10)
    rows = [row("t1", 10), row("t2", 20, carried="2026-03-08")]
    assert daily_pick(rows, 100, known, day) is None  # carried two days ago
    assert daily_pick(rows, 100, known, day + timedelta(days=1)) == rows[0]
    assert daily_pick(rows, 100, known, day + timedelta(days=1), skip="t1") == rows[1]
    assert daily_pick([row("t1", 10)], 5, known, day) is None  # nothing due yet


def test_readme_and_help_name_the_schedule_this_module_runs() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Spaced review", 1)[1].split("\n## ", 1)[0]
    promised = [
        "SM-2 simplified",
        f"**{review.FIRST_DUE.days} day**",
        f"**{review.SECOND_INTERVAL} days**",
        f"**{review.START_EASE / 100}**",
        f"**{review.EASE_UP / 100}**",
        f"**{review.MAX_EASE / 100}**",
        f"**{review.EASE_DOWN / 100}**",
        f"**{review.MIN_EASE / 100}**",
        f"at most {review.MAX_INTERVAL} days",
        f"**at most once every {review.DAILY_EVERY} days**",
    ]
    assert [p for p in promised if p not in section] == []
    assert "`review`" in readme.split("## Data", 1)[0]
    how = messages.REVIEW_HOW
    for number in ("2.5", "0.1", "3.0", "0.2", "1.3", "3 days", "1 day"):
        assert number in how
