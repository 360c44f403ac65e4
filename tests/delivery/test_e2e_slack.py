"""Daily tips end to end on Slack: the real slack-bolt/slack-sdk against the fake Slack.

Commands go in as Socket Mode slash commands (the adapter fills the zone from
users.info); tips go out through the adapter's SlackMessenger (real AsyncWebClient).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from bot.bank import Bank
from bot.core.app import Core
from bot.core.ports import SendResult
from bot.core.replies import Reply
from bot.core.requests import Request, User
from bot.delivery import Limits, Scheduler, Sender
from bot.platforms.slack import PLATFORM as SLACK
from bot.platforms.slack.messenger import EVENT_TYPE, SlackMessenger
from bot.storage import open_store
from tests.conftest import FakeClock
from tests.delivery.doubles import Crash
from tests.fakes.slack import FakeSlack, Message, slash_command
from tests.platforms.slack_env import answer, header, running, slack

__all__ = ["slack"]  # fixture: fake Slack with U1 (Europe/Berlin) and U2 (admin, New York)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def command(fake: FakeSlack, text: str, user: str = "U1", channel: str = "D1") -> Message:
    url = fake.new_response_url(channel, user)
    env = await fake.send_envelope(
        "slash_commands", slash_command(text, response_url=url, user_id=user, channel_id=channel)
    )
    return await answer(fake, url, await fake.wait_ack(env))


class Naps:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
        self.clock.advance(seconds=seconds)


def tips_in(fake: FakeSlack, channel: str) -> list[Message]:
    return [m for m in fake.history(channel) if m.metadata]


async def test_daily_tip_reaches_the_dm_once_at_local_time(
    slack: FakeSlack, core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    async with running(core, slack, tmp_path) as adapter:
        reply = await command(slack, "daily 07:30")  # no zone: users.info says Europe/Berlin
        assert "(Europe/Berlin)" in reply.text, reply.text
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 3, 6, 29)
        assert (await scheduler.tick()).sent == 0
        clock.now = utc(2026, 3, 3, 6, 30)  # 07:30 in Berlin
        assert (await scheduler.tick()).sent == 1
        clock.now = utc(2026, 3, 3, 6, 45)
        assert (await scheduler.tick()).sent == 0
        [tip] = tips_in(slack, "D1")
        assert tip.metadata == {"event_type": EVENT_TYPE, "event_payload": {"key": "d1-20260303"}}
        assert header(tip).startswith("Tip")
        assert "daily tip" in tip.text
        nxt = await command(slack, "next")
        assert "Wed 4 Mar 2026, 07:30 (Europe/Berlin)" in nxt.text


async def test_crash_after_the_post_and_restart_sends_no_duplicate(
    slack: FakeSlack, fixture_bank: Bank, clock: FakeClock, db_location: str
) -> None:
    path = db_location
    store = await open_store(path)
    core = Core(fixture_bank, store, clock=clock)
    ada = User("slack", slack.team_id, "U1", "ada")
    assert (await core.respond(Request(ada, "daily 10:00 Europe/Berlin"))).ok
    real = SlackMessenger(
        AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
    )

    class DiesAfterPosting:
        platform = "slack"

        async def send_dm(
            self, user: User, reply: Reply, *, key: str, resend: bool = False
        ) -> SendResult:
            await real.send_dm(user, reply, key=key, resend=resend)
            raise Crash("SIGKILL between chat.postMessage and the ledger write")

        async def send_channel(self, *a: object, **k: object) -> SendResult:
            raise AssertionError("not used")

    clock.now = utc(2026, 3, 3, 9)  # 10:00 in Berlin
    scheduler = Scheduler(
        core, [DiesAfterPosting()], clock=clock, sleep=Naps(clock), pace=clock.seconds
    )
    try:
        await scheduler.tick()
    except BaseException as exc:  # the simulated death
        assert isinstance(exc, Crash) or (
            isinstance(exc, BaseExceptionGroup) and exc.subgroup(Crash) is not None
        )
    else:
        raise AssertionError("the crash did not happen")
    await store.close()
    assert len(tips_in(slack, "D1")) == 1

    # A new process: new store, new client (no caches), two minutes later.
    clock.advance(minutes=2)
    store2 = await open_store(path)
    try:
        core2 = Core(fixture_bank, store2, clock=clock)
        fresh = SlackMessenger(
            AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
        )
        stats = await Scheduler(
            core2, [fresh], clock=clock, sleep=Naps(clock), pace=clock.seconds
        ).tick()
        assert stats.sent == 1
        assert len(tips_in(slack, "D1")) == 1  # found in the DM history, not posted again
        assert len(slack.api_calls("chat.postMessage")) == 1
        assert await store2.run(lambda tx: tx.deliveries.states(1)) == {"2026-03-03": "sent"}
    finally:
        await store2.close()


async def test_cannot_dm_bot_suspends_and_the_user_is_told(
    slack: FakeSlack, core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    async with running(core, slack, tmp_path) as adapter:
        assert "New_York" in (await command(slack, "daily 08:00", user="U2", channel="D2")).text
        slack.user_errors["U2"] = "cannot_dm_bot"
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 2, 13)  # 08:00 EST
        stats = await scheduler.tick()
        assert stats.outcomes == {"failed": 1}
        clock.now = utc(2026, 3, 3, 13)
        assert (await scheduler.tick()).outcomes == {}  # suspended: not tried again
        del slack.user_errors["U2"]
        told = await command(slack, "progress", user="U2", channel="C1")
        assert "cannot_dm_bot" in told.text and "on hold" in told.text


async def test_429_with_retry_after_is_honoured_and_nothing_doubles(
    slack: FakeSlack, core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    ada = User("slack", slack.team_id, "U1", "ada")
    assert (await core.respond(Request(ada, "daily 10:00 UTC"))).ok
    slack.fail_next("chat.postMessage", retry_after=2)
    naps = Naps(clock)
    messenger = SlackMessenger(
        AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
    )
    scheduler = Scheduler(core, [messenger], clock=clock, sleep=naps, pace=clock.seconds)
    clock.now = utc(2026, 3, 2, 10)
    assert (await scheduler.tick()).sent == 1
    assert 2.0 in naps.seconds
    assert len(slack.api_calls("chat.postMessage")) == 2
    assert len(tips_in(slack, "D1")) == 1


async def test_channel_posts_are_paced_one_per_second_per_channel(
    slack: FakeSlack, core: Core, clock: FakeClock
) -> None:
    """Two days' worth of catch-up into one channel must not trip the per-channel limit."""
    slack.channel_limit = 1  # per second, enforced on real time
    per_channel = SLACK.limits.channel_limit
    admin = User("slack", slack.team_id, "U2", "grace")
    clock.now = utc(2026, 3, 2, 8)
    for ch in ("C1", "C2", "C3"):
        r = await core.respond(Request(admin, f"admin daily #{ch} 09:00 UTC", is_admin=True))
        assert r.ok, r.plain_text()
    messenger = SlackMessenger(
        AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
    )
    # The fake limits on real time, so this sender paces on real time too.
    limits = {"slack": Limits(50, scope="tenant", channel_limit=per_channel)}
    sender = Sender({"slack": messenger}, limits, now=time.monotonic, sleep=asyncio.sleep)
    scheduler = Scheduler(
        core, [messenger], clock=clock, sender=sender, catchup=timedelta(hours=30)
    )
    clock.now = utc(2026, 3, 3, 9, 30)  # 2 and 3 March are both inside the window
    stats = await scheduler.tick()
    assert stats.sent == 6
    assert [c for c in slack.calls if c.method == "chat.postMessage"] and all(
        m.metadata for m in slack.messages
    )
    assert sender.rate_limited == 0
    assert sorted(m.channel for m in slack.messages) == ["C1", "C1", "C2", "C2", "C3", "C3"]
