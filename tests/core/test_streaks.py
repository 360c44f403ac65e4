"""Streaks that forgive (issue 14): the day-start hour, freezes, quiet days, DST nights
and moves between zones — the pure rules, then through Core on both backends."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.app import Core
from bot.core.ports import UnitOfWork
from bot.core.progress import (
    FREEZE_CAP,
    FREEZE_EVERY,
    Streak,
    activity_day,
    day_to_record,
    streak,
)
from bot.core.replies import Reply
from tests.conftest import Chat, FakeClock

D0 = date(2026, 3, 2)
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def days(*offsets: int) -> list[date]:
    return [D0 + timedelta(days=i) for i in offsets]


def local(zone: ZoneInfo, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=zone, fold=fold).astimezone(UTC)


# --- freezes (pure) ----------------------------------------------------------------------


def test_a_freeze_is_earned_at_seven_active_days_not_before() -> None:
    assert streak(days(*range(6)), D0 + timedelta(days=6)).freezes == 0
    assert streak(days(*range(7)), D0 + timedelta(days=7)) == Streak(7, 7, 1)


def test_at_most_two_freezes_are_held() -> None:
    run = streak(days(*range(35)), D0 + timedelta(days=35))
    assert (run.current, run.freezes) == (35, FREEZE_CAP) == (35, 2)


def test_a_missed_day_spends_a_freeze_and_the_streak_survives() -> None:
    # 7 active days, day 7 missed, day 8 active: the freeze covers day 7
    run = streak(days(*range(7), 8), D0 + timedelta(days=8))
    assert run == Streak(8, 8, 0)
    # without the freeze (6 active days) the same gap breaks it
    assert streak(days(*range(6), 7 + 1), D0 + timedelta(days=8)).current == 1


def test_two_missed_days_with_one_freeze_break_the_streak() -> None:
    run = streak(days(*range(7), 9), D0 + timedelta(days=9))
    assert run == Streak(1, 7, 0)


def test_two_freezes_cover_two_missed_days() -> None:
    run = streak(days(*range(14), 16), D0 + timedelta(days=16))
    assert run == Streak(15, 15, 0)


def test_today_without_activity_is_not_over_yet() -> None:
    assert streak(days(0, 1, 2), D0 + timedelta(days=3)) == Streak(3, 3, 0)
    assert streak(days(0, 1, 2), D0 + timedelta(days=4)).current == 0  # yesterday missed


def test_quiet_days_are_neutral_neither_counted_nor_a_gap() -> None:
    run = streak(days(0, 1, 4), D0 + timedelta(days=4), neutral=days(2, 3))
    assert run == Streak(3, 3, 0)
    # a neutral day does not reset the run that earns a freeze
    run = streak(days(0, 1, 2, 4, 5, 6, 7), D0 + timedelta(days=7), neutral=days(3))
    assert run.freezes == 1


def test_streak_properties_hold_for_random_histories() -> None:
    rng = random.Random(14)
    for _ in range(300):
        active = sorted({D0 + timedelta(days=rng.randrange(60)) for _ in range(rng.randrange(40))})
        today = D0 + timedelta(days=60)
        neutral = [D0 + timedelta(days=rng.randrange(60)) for _ in range(rng.randrange(10))]
        run = streak(active, today, neutral)
        plain = streak(active, today)
        assert 0 <= run.freezes <= FREEZE_CAP
        assert run.current <= run.best <= len(active)
        assert run.current >= plain.current and run.best >= plain.best  # quiet days only help
        assert streak(active, today, neutral) == run  # deterministic
        if run.current == 0:
            assert run.freezes == 0
        # adding activity today never shortens the streak
        assert streak([*active, today], today, neutral).current >= run.current
    assert FREEZE_EVERY == 7


# --- the day-start hour across DST nights (pure) -----------------------------------------


def test_day_start_four_counts_half_past_one_as_yesterday() -> None:
    assert activity_day(local(BERLIN, 2026, 6, 10, 1, 30), BERLIN, 4) == date(2026, 6, 9)
    assert activity_day(local(BERLIN, 2026, 6, 10, 4, 0), BERLIN, 4) == date(2026, 6, 10)
    assert activity_day(local(BERLIN, 2026, 6, 10, 1, 30), BERLIN, 0) == date(2026, 6, 10)


def test_berlin_spring_forward_night_turns_at_four_on_the_clock() -> None:
    # 29 Mar 2026: 02:00 CET -> 03:00 CEST (only 23 hours that day)
    assert activity_day(local(BERLIN, 2026, 3, 29, 1, 30), BERLIN, 4) == date(2026, 3, 28)
    assert activity_day(local(BERLIN, 2026, 3, 29, 3, 30), BERLIN, 4) == date(2026, 3, 28)
    # 04:30 CEST is only 3 h after 00:30 UTC... the day has begun by the clock
    assert activity_day(local(BERLIN, 2026, 3, 29, 4, 30), BERLIN, 4) == date(2026, 3, 29)


def test_berlin_fall_back_night_counts_both_half_past_twos_as_yesterday() -> None:
    # 25 Oct 2026: 03:00 CEST -> 02:00 CET; 02:30 happens twice
    first = local(BERLIN, 2026, 10, 25, 2, 30, fold=0)
    second = local(BERLIN, 2026, 10, 25, 2, 30, fold=1)
    assert second - first == timedelta(hours=1)
    for moment in (first, second, local(BERLIN, 2026, 10, 25, 3, 30)):
        assert activity_day(moment, BERLIN, 4) == date(2026, 10, 24)
    assert activity_day(local(BERLIN, 2026, 10, 25, 4, 0), BERLIN, 4) == date(2026, 10, 25)


def test_new_york_transition_nights() -> None:
    # 8 Mar 2026 spring forward at 02:00; 1 Nov 2026 fall back at 02:00
    assert activity_day(local(NEW_YORK, 2026, 3, 8, 1, 30), NEW_YORK, 4) == date(2026, 3, 7)
    assert activity_day(local(NEW_YORK, 2026, 3, 8, 3, 30), NEW_YORK, 4) == date(2026, 3, 7)
    assert activity_day(local(NEW_YORK, 2026, 3, 8, 4, 0), NEW_YORK, 4) == date(2026, 3, 8)
    again = local(NEW_YORK, 2026, 11, 1, 1, 30, fold=1)
    assert activity_day(again, NEW_YORK, 4) == date(2026, 10, 31)
    assert activity_day(local(NEW_YORK, 2026, 11, 1, 3, 30), NEW_YORK, 4) == date(2026, 10, 31)
    assert activity_day(local(NEW_YORK, 2026, 11, 1, 4, 30), NEW_YORK, 4) == date(2026, 11, 1)


def test_one_active_day_per_local_day_across_a_dst_night_keeps_the_streak() -> None:
    # every day at 03:30 and 04:30 local around Berlin's spring-forward night
    recorded = set()
    for offset in range(-3, 4):
        day = date(2026, 3, 29) + timedelta(days=offset)
        for hour in (3, 4):
            moment = local(BERLIN, day.year, day.month, day.day, hour, 30)
            recorded.add(activity_day(moment, BERLIN, 4))
    run = streak(recorded, max(recorded))
    assert run.current == len(recorded) == 8  # consecutive: no gap, no double count


# --- moving between zones (pure) ---------------------------------------------------------


def test_moving_west_never_counts_a_day_twice() -> None:
    # last recorded: 6 Dec in Berlin (00:30); now 5 Dec 20:00 in New York
    assert day_to_record(date(2026, 12, 5), date(2026, 12, 6), date(2026, 12, 6)) == (
        date(2026, 12, 6),
        [],
    )


def test_moving_east_invents_no_gap() -> None:
    # last: 5 Dec (New York); now 6 Dec 10:00 NY = 7 Dec 00:00 Tokyo
    day, neutral = day_to_record(date(2026, 12, 7), date(2026, 12, 5), date(2026, 12, 6))
    assert (day, neutral) == (date(2026, 12, 7), [date(2026, 12, 6)])
    # a day really missed in the old zone stays missed
    day, neutral = day_to_record(date(2026, 12, 9), date(2026, 12, 5), date(2026, 12, 8))
    assert neutral == [date(2026, 12, 8)]


# --- through Core (SQLite and PostgreSQL) ------------------------------------------------


def field(reply: Reply, name: str) -> str:
    return next(f.value for f in reply.fields if f.name == name)


async def test_day_start_moves_late_night_activity_to_yesterday(
    alice: Chat, clock: FakeClock
) -> None:
    zone = {"tz_hint": "Europe/Berlin"}
    assert (await alice("settings day-start 4", **zone)).ok
    assert "04:00" in (await alice("settings", **zone)).body
    clock.now = local(BERLIN, 2026, 3, 2, 20, 0)
    await alice("tip", **zone)
    clock.now = local(BERLIN, 2026, 3, 3, 1, 30)  # still Monday for alice
    await alice("tip", **zone)
    assert "🔥 1 day(s)" in field(await alice("progress", **zone), "Streak")
    clock.now = local(BERLIN, 2026, 3, 3, 9, 0)
    await alice("tip", **zone)
    assert "🔥 2 day(s)" in field(await alice("progress", **zone), "Streak")
    bad = await alice("settings day-start 24", **zone)
    assert not bad.ok and "between 0 and 23" in bad.body


async def test_progress_shows_freezes_and_a_freeze_saves_the_streak(
    alice: Chat, clock: FakeClock
) -> None:
    for _ in range(7):
        await alice("tip")
        clock.advance(days=1)
    assert "Freezes: 1" in field(await alice("progress"), "Streak")
    clock.advance(days=1)  # one day missed
    await alice("tip")
    value = field(await alice("progress"), "Streak")
    assert "🔥 8 day(s) · best 8 · Freezes: 0" in value


async def _move(core: Core, zone: str) -> None:
    """The user's zone changes (as a platform or a zone command would set it)."""

    def unit(tx: UnitOfWork) -> None:
        pk = tx.users.find_user("console", "local", "alice")
        assert pk is not None
        tx.users.set_tz(pk, zone)

    await core.store.run(unit)


async def test_a_move_east_keeps_the_recorded_days_and_invents_no_gap(
    alice: Chat, core: Core, clock: FakeClock
) -> None:
    clock.now = local(NEW_YORK, 2026, 12, 4, 20, 0)
    await alice("tip", tz_hint="America/New_York")
    clock.now = local(NEW_YORK, 2026, 12, 5, 20, 0)
    await alice("tip")
    await _move(core, "Asia/Tokyo")
    clock.now = local(NEW_YORK, 2026, 12, 6, 10, 0)  # = Mon 7 Dec 00:00 in Tokyo
    await alice("tip")
    assert "🔥 3 day(s) · best 3" in field(await alice("progress"), "Streak")
    data = await core.store.run(lambda tx: tx.users.export(1))
    assert [d["day"] for d in data["activity_days"]] == ["2026-12-04", "2026-12-05", "2026-12-07"]
    assert data["quiet_days"] == [{"day": "2026-12-06", "kind": "zone"}]


async def test_a_move_west_counts_no_day_twice(alice: Chat, core: Core, clock: FakeClock) -> None:
    clock.now = local(BERLIN, 2026, 12, 6, 0, 30)
    await alice("tip", tz_hint="Europe/Berlin")
    await _move(core, "America/New_York")
    clock.now = local(NEW_YORK, 2026, 12, 5, 20, 0)  # 19.5 hours later, "5 Dec" in New York
    await alice("tip")
    assert "🔥 1 day(s)" in field(await alice("progress"), "Streak")
    clock.now = local(NEW_YORK, 2026, 12, 7, 9, 0)
    await alice("tip")
    assert "🔥 2 day(s)" in field(await alice("progress"), "Streak")


async def test_help_explains_streaks_and_lists_the_topic(alice: Chat, core: Core) -> None:
    topic = await alice("help streak")
    assert topic.ok and "freeze" in topic.body.lower() and "7 active days" in topic.body
    assert "day-start" in topic.body and "daily skip" in topic.body
    assert "help streak" in (await alice("help")).body


async def test_daily_skip_and_unskip(alice: Chat, clock: FakeClock) -> None:
    zone = {"tz_hint": "Europe/Berlin"}
    await alice("daily 07:30", **zone)  # Mon 2 Mar 2026, 10:00 Berlin: next is Tuesday
    reply = await alice("daily skip 2026-03-03", **zone)
    assert reply.ok and "2026-03-03" in reply.title
    nxt = await alice("next", **zone)
    assert "Wed 4 Mar 2026, 07:30" in nxt.body and "Skipping: 2026-03-03" in nxt.body
    assert (await alice("daily skip next 3 days", **zone)).title.startswith(
        "No daily tip on 2026-03-02 to 2026-03-04"
    )
    assert "Thu 5 Mar 2026" in (await alice("next", **zone)).body
    assert (await alice("daily skip weekends", **zone)).ok
    assert "weekends" in (await alice("next", **zone)).body
    assert "2026-03-03" in (await alice("settings", **zone)).body
    assert (await alice("daily unskip all", **zone)).ok
    assert "Tue 3 Mar 2026, 07:30" in (await alice("next", **zone)).body
    assert (await alice("daily unskip weekends", **zone)).ok
    assert "Skipping" not in (await alice("next", **zone)).body


async def test_daily_skip_refuses_past_and_bad_dates(alice: Chat) -> None:
    for text, words in (
        ("daily skip 2026-03-01", "has passed"),
        ("daily skip 2026-02-30", "not a date"),
        ("daily skip 2026-13-01", "not a date"),
        ("daily skip someday", "not a day to skip"),
        ("daily skip next 0 days", "between 1 and"),
        ("daily skip 2030-01-01", "too far ahead"),
        ("daily unskip never", "not a skipped day"),
    ):
        reply = await alice(text)
        assert not reply.ok and words in reply.body, (text, reply.body)
    assert "none" in (await alice("settings")).body  # nothing was stored


async def test_skipped_days_never_break_the_streak(alice: Chat, clock: FakeClock) -> None:
    await alice("tip")  # Mon 2 Mar
    await alice("daily skip next 3 days")  # Mon-Wed: quiet
    clock.advance(days=3)
    await alice("tip")  # Thu 5 Mar
    assert "🔥 2 day(s)" in field(await alice("progress"), "Streak")


async def test_away_skip_says_why_it_cannot_work_here(alice: Chat) -> None:
    reply = await alice("settings away-skip on")
    assert not reply.ok and "Console doesn't tell" in reply.body
    assert "Away-skip: off" in (await alice("settings")).body
    scoped = await alice("settings away-skip on", away_check="missing_scope")
    assert not scoped.ok and "users.profile:read" in scoped.body
    assert (await alice("settings away-skip on", away_check="ok")).ok
    assert "Away-skip: on" in (await alice("settings")).body
    assert (await alice("settings away-skip off")).ok
