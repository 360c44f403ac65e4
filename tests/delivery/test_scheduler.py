"""The scheduler's own logic, with an injected clock and a recording Messenger double.

Real SQLite files; no real waiting. End-to-end runs through the real Slack and Discord
clients live in test_e2e_*.py.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.bank import Bank
from bot.core import refs
from bot.core.app import Core
from bot.core.ports import SendResult, SendStatus, UnitOfWork
from bot.core.records import SubRow
from bot.core.replies import Reply
from bot.core.requests import Request, User
from bot.delivery import Scheduler
from bot.delivery.scheduler import TickStats
from bot.delivery.sender import Limits
from bot.storage import open_store
from tests.conftest import FakeClock
from tests.delivery.doubles import Recorder, tick_until_crash


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class Env:
    """One running bot: core + scheduler on a database file, a clock, a Messenger double."""

    def __init__(self, core: Core, clock: FakeClock, messenger: Recorder, **kw: object) -> None:
        self.core = core
        self.clock = clock
        self.messenger = messenger
        self.naps: list[float] = []
        self.scheduler = Scheduler(
            core,
            [messenger],
            clock=clock,
            sleep=self.sleep,
            pace=clock.seconds,
            **kw,
        )

    async def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.clock.advance(seconds=seconds)

    async def say(self, text: str, user: str = "U1", **kw: object) -> Reply:
        who = User("slack", "T1", user, user.lower())
        return await self.core.respond(Request(user=who, text=text, **kw))

    async def at(self, moment: datetime) -> TickStats:
        self.clock.now = moment
        return await self.scheduler.tick()

    async def ledger(self, sub_id: int = 1) -> dict[str, str]:
        return await self.core.store.run(lambda tx: tx.deliveries.states(sub_id))

    async def sub(self, user: str = "U1") -> SubRow | None:
        """The user's subscription (looked up by key: a PostgreSQL sequence skips the ids
        of rolled-back inserts, so a user's pk is not always the next integer)."""

        def find(tx: UnitOfWork) -> SubRow | None:
            pk = tx.users.find_user("slack", "T1", user)
            return None if pk is None else tx.subscriptions.of_user(pk)

        return await self.core.store.run(find)


@pytest.fixture
def recorder(clock: FakeClock) -> Recorder:
    return Recorder(clock=clock)


@pytest.fixture
def env(core: Core, clock: FakeClock, recorder: Recorder) -> Env:
    return Env(core, clock, recorder)


# clock fixture: Monday 2 March 2026, 09:00 UTC


async def test_one_tip_per_day_at_its_instant_and_never_early(env: Env, recorder: Recorder) -> None:
    reply = await env.say("daily 07:30 Europe/Berlin")
    assert reply.ok, reply.plain_text()
    assert "Tue 3 Mar 2026, 07:30 (Europe/Berlin)" in reply.body
    assert (await env.at(utc(2026, 3, 3, 6, 29, 59))).sent == 0
    assert recorder.sent == []
    assert (await env.at(utc(2026, 3, 3, 6, 30))).sent == 1
    assert (await env.at(utc(2026, 3, 3, 6, 31))).sent == 0
    assert (await env.at(utc(2026, 3, 3, 23, 0))).sent == 0
    assert (await env.at(utc(2026, 3, 4, 6, 30))).sent == 1
    assert [(s.where, s.key, s.at) for s in recorder.sent] == [
        ("dm:U1", "d1-20260303", utc(2026, 3, 3, 6, 30)),
        ("dm:U1", "d1-20260304", utc(2026, 3, 4, 6, 30)),
    ]
    first = recorder.sent[0].reply
    assert first.kind == "tip" and not first.ephemeral
    assert "daily tip" in first.footer
    tip_id = first.footer.split(" ")[0]
    assert {b.command for b in first.buttons} >= {"tip", f"rate {tip_id} down", f"save {tip_id}"}
    assert await env.ledger() == {"2026-03-03": "sent", "2026-03-04": "sent"}


async def run_until(env: Env, end: datetime) -> None:
    """Run the real loop; the fake sleep moves the clock; stop once past ``end``."""

    async def sleep(seconds: float) -> None:
        env.naps.append(seconds)
        env.clock.advance(seconds=seconds)
        if env.clock.now >= end:
            await env.scheduler.stop()

    env.scheduler._sleep = sleep
    await asyncio.wait_for(env.scheduler.run(), timeout=30)


@pytest.mark.parametrize(
    ("tz", "at", "start", "expected"),
    [
        (
            "America/New_York",
            "02:30",
            utc(2027, 3, 12, 12),
            ["2027-03-13T07:30:00Z", "2027-03-14T07:30:00Z", "2027-03-15T06:30:00Z"],
        ),
        (
            "America/New_York",
            "01:30",
            utc(2027, 11, 6, 12),
            ["2027-11-07T05:30:00Z", "2027-11-08T06:30:00Z", "2027-11-09T06:30:00Z"],
        ),
        (
            "Europe/London",
            "01:30",
            utc(2027, 3, 27, 12),
            ["2027-03-28T01:30:00Z", "2027-03-29T00:30:00Z", "2027-03-30T00:30:00Z"],
        ),
        (
            "Australia/Lord_Howe",
            "02:15",
            utc(2026, 10, 2, 18),
            ["2026-10-03T15:45:00Z", "2026-10-04T15:15:00Z", "2026-10-05T15:15:00Z"],
        ),
        (
            "Asia/Kathmandu",
            "07:30",
            utc(2027, 3, 13, 12),
            ["2027-03-14T01:45:00Z", "2027-03-15T01:45:00Z", "2027-03-16T01:45:00Z"],
        ),
    ],
)
async def test_the_loop_delivers_exactly_at_each_instant_across_dst(
    core: Core,
    clock: FakeClock,
    recorder: Recorder,
    tz: str,
    at: str,
    start: datetime,
    expected: list[str],
) -> None:
    env = Env(core, clock, recorder, idle=timedelta(hours=12))
    clock.now = start
    assert (await env.say(f"daily {at} {tz}")).ok
    await run_until(env, datetime.fromisoformat(expected[-1]) + timedelta(hours=1))
    got = [s.at.strftime("%Y-%m-%dT%H:%M:%SZ") for s in recorder.sent if s.at]
    assert got == expected
    assert len({s.key for s in recorder.sent}) == len(recorder.sent)


async def test_weekday_filter(env: Env, recorder: Recorder, clock: FakeClock) -> None:
    clock.now = utc(2026, 3, 6, 7)  # Friday
    assert (await env.say("daily 08:00 UTC weekdays")).ok
    for day in range(6, 11):
        await env.at(utc(2026, 3, day, 8))
    assert [s.at.strftime("%a %d") for s in recorder.sent if s.at] == [
        "Fri 06",
        "Mon 09",
        "Tue 10",
    ]


async def test_pause_skips_days_then_resumes(env: Env, recorder: Recorder) -> None:
    assert (await env.say("daily 10:00 UTC")).ok  # first: today 10:00
    reply = await env.say("daily pause 2")
    assert "Paused for 2 day(s)" in reply.title
    assert "Wed 4 Mar 2026, 10:00 (UTC)" in reply.title
    nxt = await env.say("next")
    assert "Paused until" in nxt.body
    for day in (2, 3, 4, 5):
        await env.at(utc(2026, 3, day, 10))
    assert [s.key for s in recorder.sent] == ["d1-20260304", "d1-20260305"]
    # Paused days are not "missed": the next tip carries no notice.
    assert recorder.sent[0].reply.notices == ()


async def test_short_downtime_catches_up_once(env: Env, recorder: Recorder) -> None:
    assert (await env.say("daily 10:00 UTC")).ok
    stats = await env.at(utc(2026, 3, 2, 15, 59))  # down from 09:30 to 15:59: 5h59 late
    assert stats.sent == 1
    assert (await env.at(utc(2026, 3, 2, 16, 30))).sent == 0
    assert [s.key for s in recorder.sent] == ["d1-20260302"]


async def test_long_downtime_skips_and_the_next_tip_says_how_many(
    env: Env, recorder: Recorder
) -> None:
    assert (await env.say("daily 10:00 UTC")).ok
    stats = await env.at(utc(2026, 3, 5, 12))  # 2, 3 and 4 March are > 6 h old; 5th is 2 h
    assert (stats.skipped, stats.sent) == (3, 1)
    assert await env.ledger() == {
        "2026-03-02": "skipped",
        "2026-03-03": "skipped",
        "2026-03-04": "skipped",
        "2026-03-05": "sent",
    }
    assert recorder.sent[0].reply.notices == (
        "You missed 3 daily tip(s) while careerbot was offline.",
    )
    await env.at(utc(2026, 3, 6, 10))
    assert recorder.sent[1].reply.notices == ()


async def test_catchup_window_is_configurable(
    core: Core, clock: FakeClock, recorder: Recorder
) -> None:
    env = Env(core, clock, recorder, catchup=timedelta(hours=1))
    assert (await env.say("daily 10:00 UTC")).ok
    assert (await env.at(utc(2026, 3, 2, 11, 30))).skipped == 1
    assert recorder.sent == []


async def test_crash_between_platform_call_and_ledger_write_sends_no_duplicate(
    db_location: str, fixture_bank: Bank, clock: FakeClock, recorder: Recorder
) -> None:
    path = db_location
    store = await open_store(path)
    env = Env(Core(fixture_bank, store, clock=clock), clock, recorder)
    assert (await env.say("daily 10:00 UTC")).ok
    recorder.crash_after_send = 1
    clock.now = utc(2026, 3, 2, 10)
    await tick_until_crash(env.scheduler)
    assert len(recorder.sent) == 1  # the platform has the message ...
    assert await env.ledger() == {"2026-03-02": "pending"}  # ... the ledger does not know
    await store.close()

    # Restart on the same file, a minute later.
    clock.advance(minutes=1)
    store2 = await open_store(path)
    try:
        env2 = Env(Core(fixture_bank, store2, clock=clock), clock, recorder)
        stats = await env2.scheduler.tick()
        assert stats.sent == 1
        assert recorder.calls == ["d1-20260302", "d1-20260302"]  # same key both times
        assert recorder.resends == ["d1-20260302"]  # only the retry asks for a check
        assert len(recorder.sent) == 1  # and one message
        assert await env2.ledger() == {"2026-03-02": "sent"}
        views = await store2.run(lambda tx: tx.tips.tip_views(1))
        assert sum(views.values()) == 1  # the tip was chosen once
    finally:
        await store2.close()


async def test_cancelled_in_flight_send_stays_pending_and_is_sent_once_later(
    env: Env, recorder: Recorder, clock: FakeClock
) -> None:
    assert (await env.say("daily 10:00 UTC")).ok
    started = asyncio.Event()
    release = asyncio.Event()
    original = recorder.send_dm

    async def slow(user: User, reply: Reply, *, key: str, resend: bool = False) -> SendResult:
        started.set()
        await release.wait()
        return await original(user, reply, key=key, resend=resend)

    recorder.send_dm = slow
    clock.now = utc(2026, 3, 2, 10)
    task = asyncio.create_task(env.scheduler.run())
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()  # SIGTERM's path in careerbot run
    with pytest.raises(asyncio.CancelledError):
        await task
    assert recorder.sent == []
    assert await env.ledger() == {"2026-03-02": "pending"}
    recorder.send_dm = original
    fresh = Env(env.core, clock, recorder)
    assert (await fresh.scheduler.tick()).sent == 1
    assert [s.key for s in recorder.sent] == ["d1-20260302"]


async def test_stop_lets_the_loop_finish_cleanly(env: Env, clock: FakeClock) -> None:
    stopped = asyncio.Event()

    async def sleep(seconds: float) -> None:
        await env.scheduler.stop()
        stopped.set()
        await asyncio.sleep(3600)  # a real nap: stop() must interrupt it

    env.scheduler._sleep = sleep
    await asyncio.wait_for(env.scheduler.run(), timeout=5)
    assert stopped.is_set() and not env.scheduler.running


async def test_unreachable_user_is_suspended_and_told_on_their_next_command(
    env: Env, recorder: Recorder
) -> None:
    assert (await env.say("daily 10:00 UTC")).ok
    recorder.unreachable.add("U1")
    await env.at(utc(2026, 3, 2, 10))
    assert await env.ledger() == {"2026-03-02": "failed"}
    sub = await env.sub()
    assert sub is not None and (sub.status, sub.reason) == ("suspended", "50007")
    await env.at(utc(2026, 3, 3, 10))
    assert recorder.calls == ["d1-20260302"]  # no more tries while suspended
    reply = await env.say("help")
    assert any("could not send you a direct message (50007)" in n for n in reply.notices)
    assert (await env.say("help")).notices == ()  # told once
    assert "on hold" in (await env.say("next")).body
    # They fix their settings and turn it back on.
    recorder.unreachable.clear()
    assert (await env.say("daily 10:00 UTC")).ok
    await env.at(utc(2026, 3, 4, 10))
    assert [s.key for s in recorder.sent] == ["d1-20260304"]


async def test_rate_limited_send_waits_retry_after_then_sends_once(
    env: Env, recorder: Recorder
) -> None:
    assert (await env.say("daily 10:00 UTC")).ok
    recorder.script.append(SendResult(SendStatus.RATE_LIMITED, retry_after=2.5, detail="429"))
    assert (await env.at(utc(2026, 3, 2, 10))).sent == 1
    assert 2.5 in env.naps
    assert env.scheduler.sender.rate_limited == 1
    assert len(recorder.sent) == 1 and recorder.sent[0].at == utc(2026, 3, 2, 10, 0, 2, 500000)


async def test_persistent_429_leaves_the_delivery_pending_for_later(
    env: Env, recorder: Recorder, clock: FakeClock
) -> None:
    assert (await env.say("daily 10:00 UTC")).ok
    limited = SendResult(SendStatus.RATE_LIMITED, retry_after=5, detail="429")
    recorder.script.extend([limited] * 3)
    stats = await env.at(utc(2026, 3, 2, 10))
    assert stats.outcomes == {"pending": 1}
    assert await env.ledger() == {"2026-03-02": "pending"}
    clock.advance(seconds=5)
    assert (await env.scheduler.tick()).sent == 1
    assert len(recorder.sent) == 1


async def test_transient_failure_is_retried_with_backoff(
    env: Env, recorder: Recorder, clock: FakeClock
) -> None:
    assert (await env.say("daily 10:00 UTC")).ok
    recorder.script.append(SendResult(SendStatus.FAILED, detail="internal_error"))
    assert (await env.at(utc(2026, 3, 2, 10))).outcomes == {"pending": 1}
    assert (await env.at(utc(2026, 3, 2, 10, 0, 10))).outcomes == {}  # backing off
    assert (await env.at(utc(2026, 3, 2, 10, 0, 31))).sent == 1
    assert recorder.calls == ["d1-20260302", "d1-20260302"] and len(recorder.sent) == 1


async def test_changing_the_time_after_todays_tip_does_not_send_a_second(
    env: Env, recorder: Recorder
) -> None:
    assert (await env.say("daily 09:30 UTC")).ok
    await env.at(utc(2026, 3, 2, 9, 30))
    reply = await env.say("daily 18:00 UTC")
    assert "Tue 3 Mar 2026, 18:00" in reply.body  # not today again
    await env.at(utc(2026, 3, 2, 18))
    await env.at(utc(2026, 3, 3, 18))
    assert [s.key for s in recorder.sent] == ["d1-20260302", "d1-20260303"]


async def test_daily_off_stops_and_forget_removes_everything(env: Env, recorder: Recorder) -> None:
    assert (await env.say("daily 10:00 UTC")).ok
    await env.at(utc(2026, 3, 2, 10))
    assert (await env.say("daily off")).title.startswith("Daily tips are off")
    await env.at(utc(2026, 3, 3, 10))
    assert len(recorder.sent) == 1
    assert "no daily tip" in (await env.say("next")).body
    exported = (await env.say("export")).attachment
    assert exported is not None and '"daily_deliveries"' in exported.content
    assert (await env.say("forget confirm")).ok

    def left(tx: UnitOfWork) -> list[object]:
        # the user's subscription (id 1) and its two ledger rows (ids 1, 2), all gone
        return [tx.subscriptions.get(1), tx.deliveries.get(1), tx.deliveries.get(2)]

    assert await env.core.store.run(left) == [None, None, None]


async def test_selection_favours_learning_and_never_resends_not_helpful(
    env: Env, recorder: Recorder, clock: FakeClock
) -> None:
    assert (await env.say("learn rust")).ok
    assert (await env.say("daily 10:00 UTC")).ok
    await env.at(utc(2026, 3, 2, 10))
    first = recorder.sent[0].reply
    assert "Rust" in first.title  # t003 or t005: the learning skill first
    tip_id = first.footer.split(" ")[0]
    assert (await env.say(f"rate {tip_id} down", via_button=True)).ok
    for day in range(3, 13):
        await env.at(utc(2026, 3, day, 10))
    ids = [s.reply.footer.split(" ")[0] for s in recorder.sent]
    assert tip_id not in ids[1:]
    assert len(set(ids[1:5])) == 4  # the other four, unseen first, before any repeat


async def test_needs_a_zone_when_none_is_known_and_uses_the_platform_hint(env: Env) -> None:
    reply = await env.say("daily 07:30")
    assert not reply.ok and "Which time zone?" in reply.body
    reply = await env.say("daily 07:30", tz_hint="Asia/Kathmandu")
    assert reply.ok and "(Asia/Kathmandu)" in reply.body
    sub = await env.sub()
    assert sub is not None and sub.tz == "Asia/Kathmandu"


async def test_bad_input_gets_a_short_message(env: Env) -> None:
    for text in ("daily 25:00 UTC", "daily pause 0", "daily pause 9999", "daily 07:30 UTC funday"):
        reply = await env.say(text)
        assert not reply.ok and "Traceback" not in reply.body, text
        assert len(reply.body) < 300


async def test_admin_daily_posts_to_a_channel_and_reports_a_missing_invite(
    env: Env, recorder: Recorder
) -> None:
    refused = await env.say("admin daily #C0GEN 09:00 Europe/Berlin", user="U9")
    assert not refused.ok
    reply = await env.say(
        "admin daily <#C0GEN|general> 09:00 Europe/Berlin", user="U9", is_admin=True
    )
    # the channel is a reference in the neutral reply; each platform renders it
    assert reply.ok and refs.channel("C0GEN") in reply.title, reply.plain_text()
    assert reply.plain_text().startswith("Daily tip for #C0GEN: 09:00")
    await env.at(utc(2026, 3, 3, 8))
    assert [s.where for s in recorder.sent] == ["channel:C0GEN"]
    assert recorder.sent[0].reply.buttons[0].command == "tip"
    recorder.unreachable.add("C0GEN")
    await env.at(utc(2026, 3, 4, 8))
    notice = (await env.say("help", user="U9", is_admin=True)).notices
    where = refs.channel("C0GEN")  # kept in the database as a reference
    assert any(f"could not post the daily tip in {where}" in n for n in notice)
    off = await env.say("admin daily off", user="U9", is_admin=True)
    assert off.title == "Stopped daily tips in 1 channel(s)."


async def test_run_wakes_for_a_due_delivery_without_waiting_the_full_idle(
    core: Core, clock: FakeClock, recorder: Recorder
) -> None:
    env = Env(core, clock, recorder, idle=timedelta(hours=6))
    assert (await env.say("daily 09:45 UTC")).ok
    await run_until(env, utc(2026, 3, 2, 10))
    assert [s.at for s in recorder.sent] == [utc(2026, 3, 2, 9, 45)]


async def test_a_platform_not_connected_is_caught_up_when_it_returns(
    core: Core, clock: FakeClock, recorder: Recorder
) -> None:
    discord_only = Env(core, clock, Recorder(platform="discord"))
    assert (await discord_only.say("daily 10:00 UTC")).ok  # a Slack user
    stats = await discord_only.at(utc(2026, 3, 2, 10))
    assert (stats.planned, stats.skipped, stats.outcomes) == (0, 0, {})
    assert await discord_only.ledger() == {}  # nothing written for an absent platform
    # Slack is back two hours later: today's tip is inside the window.
    env = Env(core, clock, recorder)
    assert (await env.at(utc(2026, 3, 2, 12))).sent == 1
    assert [s.key for s in recorder.sent] == ["d1-20260302"]


async def test_the_runner_builds_this_scheduler_and_cancels_it_cleanly(
    core: Core, recorder: Recorder
) -> None:
    from bot.config import Settings
    from bot.runner import make_scheduler

    scheduler = make_scheduler(core, [recorder], Settings(catchup_hours=2.5))
    assert isinstance(scheduler, Scheduler)
    assert scheduler.ledger.catchup == timedelta(hours=2.5)
    # each platform's send budget comes from its descriptor in the registry
    from bot.platforms.registry import load_platforms

    platforms = load_platforms()
    assert {p.name: p.limits for p in platforms} == scheduler.sender.limits
    assert len(platforms) >= 2
    task = asyncio.create_task(scheduler.run())
    for _ in range(50):
        await asyncio.sleep(0.01)
        if scheduler.running:
            break
    assert scheduler.running
    task.cancel()  # what careerbot run does on SIGTERM
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not scheduler.running


async def test_pacing_reads_the_pace_clock_it_is_given(
    core: Core, clock: FakeClock, recorder: Recorder
) -> None:
    """No test-only branch decides which clock paces: the one passed as ``pace`` does,
    whatever the sleep is — here a sleep that advances only that clock."""
    paced = [0.0]
    naps: list[float] = []

    async def sleep(seconds: float) -> None:
        naps.append(seconds)
        paced[0] += seconds

    limits = {"slack": Limits(limit=1, window=1.0, scope="tenant")}  # one send a second
    scheduler = Scheduler(
        core, [recorder], clock=clock, sleep=sleep, pace=lambda: paced[0], limits=limits
    )
    for uid in ("U1", "U2", "U3"):
        who = User("slack", "T1", uid, uid.lower())
        assert (await core.respond(Request(user=who, text="daily 10:00 UTC"))).ok
    clock.now = datetime(2026, 3, 2, 10, tzinfo=UTC)
    stats = await scheduler.tick()
    assert stats.sent == 3
    assert paced[0] >= 2.0 and sum(naps) == paced[0]  # the 2nd and 3rd waited their turn
    assert clock.now == datetime(2026, 3, 2, 10, tzinfo=UTC)  # the due clock never moved


async def test_the_ledger_is_pruned_hourly_and_a_channel_never_repeats_a_tip_early(
    core: Core, clock: FakeClock, recorder: Recorder
) -> None:
    """Finished rows older than the retention go (at most once an hour); what reads the
    ledger does not notice: a channel's rotation over the 7 fixture tips stays whole
    across pruned days, and ``next``/a new time still see today's row."""
    env = Env(core, clock, recorder, retention=timedelta(days=3))
    assert (await env.say("daily 07:30 UTC")).ok
    chan = await env.say("admin daily <#C1|general> 07:45 UTC", user="U9", is_admin=True)
    assert chan.ok, chan.plain_text()
    pruned: list[tuple[int, int, int]] = []
    for day in range(3, 17):  # 14 days of March 2026: two full rounds of the 7 tips
        dm = await env.at(utc(2026, 3, day, 7, 31))
        post = await env.at(utc(2026, 3, day, 7, 46))
        late = await env.at(utc(2026, 3, day, 8, 32))
        assert (dm.sent, post.sent) == (1, 1)
        pruned.append((dm.pruned, post.pruned, late.pruned))
    # days 3..5 have nothing older than 3 days; then each morning the DM row of 3 days
    # ago goes at 07:31, the channel's (due 07:45) is prunable at 07:46 but waits for
    # the next hour (08:32)
    assert pruned == [(0, 0, 0)] * 3 + [(1, 0, 1)] * 11
    sub = await env.sub()
    assert sub is not None
    assert await env.ledger(sub.id) == {f"2026-03-{d}": "sent" for d in (14, 15, 16)}
    posted = [s.reply.footer.split(" ")[0] for s in recorder.sent if s.where == "channel:C1"]
    assert len(posted) == 14
    assert len(set(posted[:7])) == 7 and len(set(posted[7:])) == 7
    # a new time today does not promise a second tip today: today's row is still there
    again = await env.say("daily 09:00 UTC")
    assert "Tue 17 Mar 2026, 09:00" in again.body, again.body


def test_the_retention_setting_reaches_the_scheduler(core: Core, recorder: Recorder) -> None:
    from bot.config import ConfigError, Settings, load_settings
    from bot.runner import make_scheduler

    assert Settings().ledger_retention_days == 30
    env = {"CAREERBOT_LEDGER_RETENTION_DAYS": "7"}
    settings = load_settings(env)
    assert make_scheduler(core, [recorder], settings).retention == timedelta(days=7)
    off = load_settings({"CAREERBOT_LEDGER_RETENTION_DAYS": "0"})
    assert make_scheduler(core, [recorder], off).retention is None
    with pytest.raises(ConfigError, match="CAREERBOT_LEDGER_RETENTION_DAYS"):
        load_settings({"CAREERBOT_LEDGER_RETENTION_DAYS": "-1"})
