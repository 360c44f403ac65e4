"""The weekly report through the scheduler and the ledger, on both backends.

Same doubles as test_scheduler.py (a fake clock, a recording Messenger that dedups by
key like the platforms do); the real Slack and Discord clients are in
test_e2e_weekly.py. The clock starts on Monday 2 March 2026, 09:00 UTC; Friday 6 March
16:00 in Berlin (CET) is 15:00 UTC.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.bank import Bank
from bot.core import messages
from bot.core.app import Core
from bot.core.ports import UnitOfWork
from bot.core.records import SubRow
from bot.core.replies import Reply
from bot.storage import open_store
from tests.conftest import FakeClock
from tests.delivery.doubles import Recorder, tick_until_crash
from tests.delivery.test_scheduler import Env, utc

FRI_16_BERLIN = utc(2026, 3, 6, 15)


@pytest.fixture
def recorder(clock: FakeClock) -> Recorder:
    return Recorder(clock=clock)


@pytest.fixture
def env(core: Core, clock: FakeClock, recorder: Recorder) -> Env:
    return Env(core, clock, recorder)


async def weekly_sub(env: Env, user: str = "U1") -> SubRow | None:
    def find(tx: UnitOfWork) -> SubRow | None:
        pk = tx.users.find_user("slack", "T1", user)
        return None if pk is None else tx.subscriptions.of_user(pk, "weekly")

    return await env.core.store.run(find)


def field(reply: Reply, start: str) -> str:
    [value] = [f.value for f in reply.fields if f.name.startswith(start)]
    return value


async def a_busy_week(env: Env) -> str:
    """Read a tip and vote it Helpful, move two skills, check off a roadmap step."""
    tip = await env.say("tip")
    tip_id = tip.footer.split(" ")[0]
    for text in ("learn pytorch", "done python", "roadmap done 1", f"rate {tip_id} up"):
        assert (await env.say(text)).ok, text
    return tip_id


async def test_weekly_on_sends_one_report_a_week_at_the_local_time(
    env: Env, recorder: Recorder, fixture_bank: Bank
) -> None:
    reply = await env.say("weekly on Europe/Berlin")  # defaults: Friday 16:00
    assert reply.ok, reply.plain_text()
    assert reply.title == "Weekly report: Fridays at 16:00 Europe/Berlin"
    assert "Fri 6 Mar 2026, 16:00 (Europe/Berlin)" in reply.body
    tip_id = await a_busy_week(env)

    assert (await env.at(FRI_16_BERLIN - timedelta(seconds=1))).sent == 0
    assert (await env.at(FRI_16_BERLIN)).sent == 1
    assert (await env.at(FRI_16_BERLIN + timedelta(hours=3))).sent == 0
    assert (await env.at(utc(2026, 3, 12, 15))).sent == 0  # Thursday
    assert (await env.at(utc(2026, 3, 13, 15))).sent == 1
    sub = await weekly_sub(env)
    assert sub is not None
    assert [(s.where, s.key, s.at) for s in recorder.sent] == [
        ("dm:U1", f"d{sub.id}-20260306", FRI_16_BERLIN),
        ("dm:U1", f"d{sub.id}-20260313", utc(2026, 3, 13, 15)),
    ]
    report = recorder.sent[0].reply
    assert report.kind == "weekly" and not report.ephemeral
    assert report.title == "Your week in careerbot (Sat 28 Feb – Fri 6 Mar)"
    assert field(report, "Tips read") == "1"
    assert field(report, "Skills moved (2)") == "✅ Python — done\n📘 PyTorch — learning"
    assert field(report, "Roadmap steps checked off (1)") == "☑️ Learn to program in Python"
    assert field(report, "Most helpful tip") == (f"{fixture_bank.tips[tip_id].text} ({tip_id})")
    assert field(report, "Streak") == "🔥 0 day(s)"  # active Monday only: broken by Friday
    # the role they cover best (1 of 3 skills done): its first skill not done
    assert field(report, "Next week") == (
        "Learn PyTorch: it takes you further towards Machine Learning Engineer."
    )
    assert ("Learn PyTorch", "learn pytorch") in [(b.label, b.command) for b in report.buttons]

    quiet = recorder.sent[1].reply  # nothing happened from 7 to 13 March
    assert quiet.title == "Your week in careerbot (Sat 7 Mar – Fri 13 Mar)"
    assert quiet.body == messages.WEEKLY_EMPTY.format(streak=0)
    assert [f.name for f in quiet.fields] == ["Next week"]
    assert "Learn PyTorch" in quiet.fields[0].value
    assert await env.ledger(sub.id) == {"2026-03-06": "sent", "2026-03-13": "sent"}


async def test_crash_between_send_and_ledger_write_then_restart_sends_one_report(
    db_location: str, fixture_bank: Bank, clock: FakeClock, recorder: Recorder
) -> None:
    store = await open_store(db_location)
    env = Env(Core(fixture_bank, store, clock=clock), clock, recorder)
    assert (await env.say("weekly on fri 10:00 UTC")).ok
    await a_busy_week(env)
    sub = await weekly_sub(env)
    assert sub is not None
    key = f"d{sub.id}-20260306"
    recorder.crash_after_send = 1
    clock.now = utc(2026, 3, 6, 10)
    await tick_until_crash(env.scheduler)
    assert len(recorder.sent) == 1
    first = recorder.sent[0].reply
    assert await env.ledger(sub.id) == {"2026-03-06": "pending"}
    await store.close()

    clock.advance(minutes=1)  # restart on the same database
    store2 = await open_store(db_location)
    try:
        env2 = Env(Core(fixture_bank, store2, clock=clock), clock, recorder)
        before = len(recorder.tried)
        assert (await env2.scheduler.tick()).sent == 1
        assert recorder.calls == [key, key]  # the same key both times
        assert recorder.resends == [key]  # the second attempt is a resend
        assert len(recorder.sent) == 1  # one message
        assert recorder.tried[before:] == [first]  # the same report, built again from the same week
        assert await env2.ledger(sub.id) == {"2026-03-06": "sent"}
        assert (await env2.at(utc(2026, 3, 6, 12))).sent == 0
    finally:
        await store2.close()


async def test_downtime_within_the_catchup_window_sends_the_report_once(
    env: Env, recorder: Recorder
) -> None:
    assert (await env.say("weekly on fri 10:00 UTC")).ok
    stats = await env.at(utc(2026, 3, 6, 15, 59))  # down from 09:00 to 15:59: 5h59 late
    assert stats.sent == 1
    assert (await env.at(utc(2026, 3, 6, 16, 30))).sent == 0
    assert len(recorder.sent) == 1 and recorder.sent[0].reply.kind == "weekly"


async def test_weeks_missed_beyond_the_catchup_window_are_skipped(
    env: Env, recorder: Recorder
) -> None:
    assert (await env.say("weekly on fri 10:00 UTC")).ok
    stats = await env.at(utc(2026, 3, 20, 12))  # the 6th and 13th are too old; 20th 2 h
    assert (stats.skipped, stats.sent) == (2, 1)
    sub = await weekly_sub(env)
    assert sub is not None
    assert await env.ledger(sub.id) == {
        "2026-03-06": "skipped",
        "2026-03-13": "skipped",
        "2026-03-20": "sent",
    }
    assert [s.key for s in recorder.sent] == [f"d{sub.id}-20260320"]
    assert recorder.sent[0].reply.notices == (
        "You missed 2 weekly report(s) while careerbot was offline.",
    )
    await env.at(utc(2026, 3, 27, 10))
    assert recorder.sent[1].reply.notices == ()


async def test_weekly_leaves_the_daily_tip_alone_and_the_reverse(
    env: Env, recorder: Recorder
) -> None:
    daily = await env.say("daily 07:30 Europe/Berlin")
    before_next = await env.say("next")
    on = await env.say("weekly on")  # the zone 'daily' set: Europe/Berlin
    assert on.title == "Weekly report: Fridays at 16:00 Europe/Berlin", on.plain_text()
    assert await env.say("next") == before_next
    assert (await env.say("daily 07:30 Europe/Berlin")).plain_text() == daily.plain_text()
    daily_sub = await env.sub()
    weekly = await weekly_sub(env)
    assert daily_sub is not None and weekly is not None
    assert (daily_sub.kind, weekly.kind) == ("daily", "weekly")
    assert daily_sub.id != weekly.id

    await env.at(utc(2026, 3, 6, 6, 30))  # Friday 07:30 in Berlin: the daily tip
    await env.at(FRI_16_BERLIN)  # Friday 16:00: the report
    assert [(s.key, s.reply.kind) for s in recorder.sent] == [
        (f"d{daily_sub.id}-20260306", "tip"),
        (f"d{weekly.id}-20260306", "weekly"),
    ]

    assert (await env.say("daily off")).title == messages.DAILY_OFF
    state = await env.say("weekly")
    assert "Fridays at 16:00 Europe/Berlin" in state.body
    assert "Fri 13 Mar 2026, 16:00 (Europe/Berlin)" in state.body
    await env.at(utc(2026, 3, 13, 6, 30))
    await env.at(utc(2026, 3, 13, 15))
    assert [s.reply.kind for s in recorder.sent[2:]] == ["weekly"]

    assert (await env.say("daily 07:30")).ok
    assert (await env.say("weekly off")).title == messages.WEEKLY_OFF
    assert (await env.say("weekly")).body == messages.WEEKLY_IS_OFF
    assert "Sat 14 Mar 2026, 07:30 (Europe/Berlin)" in (await env.say("next")).body
    await env.at(utc(2026, 3, 20, 6, 30))
    await env.at(utc(2026, 3, 20, 15))
    assert [s.reply.kind for s in recorder.sent[3:]] == ["tip"]
    assert (await env.say("weekly off")).title == messages.WEEKLY_ALREADY_OFF


async def test_weekly_shows_the_state_and_changes_keep_what_is_not_given(env: Env) -> None:
    assert (await env.say("weekly")).body == messages.WEEKLY_IS_OFF
    need = await env.say("weekly on")
    assert not need.ok and "Which time zone?" in need.plain_text()
    assert "'weekly on fri 16:00 Europe/Berlin'" in need.plain_text()
    assert await weekly_sub(env) is None
    set_ = await env.say("weekly on sun 18:30 America/New_York")
    assert set_.title == "Weekly report: Sundays at 18:30 America/New_York"
    assert "Sun 8 Mar 2026, 18:30 (America/New_York)" in set_.body
    moved = await env.say("weekly on 07:00")  # the day and zone stay
    assert moved.title == "Weekly report: Sundays at 07:00 America/New_York"
    tue = await env.say("weekly on tue")  # the time stays
    assert tue.title == "Weekly report: Tuesdays at 07:00 America/New_York"
    assert "Tue 3 Mar 2026, 07:00 (America/New_York)" in tue.body
    state = await env.say("weekly")
    assert state.body.startswith("Weekly report: Tuesdays at 07:00 America/New_York\n")
    assert [b.command for b in state.buttons] == ["weekly off"]


async def test_bad_input_gets_a_short_message_and_changes_nothing(env: Env) -> None:
    assert (await env.say("weekly on fri 16:00 UTC")).ok
    before = await weekly_sub(env)
    for text, expected in (
        ("weekly on funday", "Usage: weekly on [mon|tue|wed|thu|fri|sat|sun] [time] [zone]"),
        ("weekly on fri 25:00", "'25:00' is not a time"),
        ("weekly on fri 16:00 Mars/Olympus", "not a known time zone"),
        ("weekly on fri 16:00 UTC now", "Too many words"),
        ("weekly sometimes", "Too many words"),
    ):
        reply = await env.say(text)
        assert not reply.ok and expected in reply.plain_text(), (text, reply.plain_text())
        assert "Traceback" not in reply.plain_text()
    assert await weekly_sub(env) == before


async def test_moving_the_day_after_this_weeks_report_waits_for_next_week(
    env: Env, recorder: Recorder
) -> None:
    assert (await env.say("weekly on mon 10:00 UTC")).ok  # today, in an hour
    assert (await env.at(utc(2026, 3, 2, 10))).sent == 1
    moved = await env.say("weekly on wed")  # Wednesday is 2 days after Monday's report
    assert "Wed 11 Mar 2026, 10:00 (UTC)" in moved.body, moved.body
    await env.at(utc(2026, 3, 4, 10))
    await env.at(utc(2026, 3, 11, 10))
    assert [s.at for s in recorder.sent] == [utc(2026, 3, 2, 10), utc(2026, 3, 11, 10)]


async def test_an_unreachable_user_has_the_report_put_on_hold_and_is_told(
    env: Env, recorder: Recorder
) -> None:
    assert (await env.say("daily 10:00 UTC")).ok
    assert (await env.say("weekly on fri 12:00 UTC")).ok
    await env.at(utc(2026, 3, 2, 10))  # the daily tip goes out
    recorder.unreachable.add("U1")
    await env.at(utc(2026, 3, 6, 12))  # both fail: the daily at 10:00 was first
    reply = await env.say("weekly")
    assert any("weekly report is on hold" in n for n in reply.notices), reply.notices
    assert "on hold" in reply.body
    weekly = await weekly_sub(env)
    assert weekly is not None and weekly.status == "suspended"


async def test_export_lists_the_weekly_report_and_forget_removes_it(env: Env) -> None:
    assert (await env.say("weekly on fri 16:00 UTC")).ok
    await env.at(utc(2026, 3, 6, 16))
    export = await env.say("export")
    assert export.attachment is not None
    data = json.loads(export.attachment.content)
    assert [w["days"] for w in data["weekly"]] == [1 << 4]
    assert [d["local_date"] for d in data["weekly_deliveries"]] == ["2026-03-06"]
    assert data["daily"] == [] and data["daily_deliveries"] == []
    assert (await env.say("forget confirm")).ok
    assert await weekly_sub(env) is None


async def test_the_reports_streak_counts_quiet_days_as_progress_does(
    env: Env, recorder: Recorder
) -> None:
    """Quiet days neither count nor break the streak, in the report as in `progress`."""
    assert (await env.say("weekly on Europe/Berlin")).ok
    assert (await env.say("daily 08:00 Europe/Berlin")).ok
    await a_busy_week(env)  # active on Monday 2 March
    skipped = await env.say("daily skip next 4 days")  # Monday to Thursday
    assert skipped.ok, skipped.plain_text()
    assert (await env.at(FRI_16_BERLIN)).sent >= 1
    [report] = [s.reply for s in recorder.sent if s.reply.kind == "weekly"]
    assert field(report, "Streak") == "🔥 1 day(s)"  # Tue-Thu were quiet: not a break


async def test_quiet_days_skip_the_daily_tip_not_the_weekly_report(
    env: Env, recorder: Recorder
) -> None:
    assert (await env.say("weekly on sat 10:00 Europe/Berlin")).ok
    assert (await env.say("daily 10:00 Europe/Berlin")).ok
    assert (await env.say("daily skip weekends")).ok
    assert (await env.say("daily skip 2026-03-06")).ok  # a Friday off
    await env.at(utc(2026, 3, 6, 9))  # Friday 10:00 in Berlin: no daily tip
    await env.at(utc(2026, 3, 7, 9))  # Saturday 10:00: the report, no daily tip
    kinds = [(s.at.day, s.reply.kind) for s in recorder.sent]
    assert (6, "weekly") not in kinds and (7, "weekly") in kinds
    assert not [day for day, kind in kinds if kind != "weekly" and day in (6, 7)]
