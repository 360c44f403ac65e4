"""Daily tips end to end on Discord: the real discord.py against the fake Discord.

Commands arrive as /career interactions over the fake gateway; tips leave through the
adapter's DiscordMessenger (DM channel opened once, nonce + enforce_nonce per delivery).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.bank import Bank
from bot.core.app import Core
from bot.core.ports import Messenger, SendResult
from bot.core.replies import Reply
from bot.core.requests import User
from bot.delivery import Scheduler
from bot.storage import open_store
from tests.conftest import FakeClock
from tests.delivery.doubles import Crash
from tests.fakes.discord import CHANNEL_ID, EPHEMERAL, FakeDiscord, user
from tests.platforms.discord_env import running


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def slash(
    fake: FakeDiscord, command: str, sub: str, options: dict[str, Any], **kw: Any
) -> str:
    iid = await fake.slash(command, sub, options, **kw)
    callback = await fake.wait_callback(iid)
    text = json.dumps(callback.get("data") or {}, ensure_ascii=False)
    for m in fake.messages_for(iid):
        text += json.dumps(m, ensure_ascii=False)
    return text


class Naps:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    async def __call__(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)


def tips(fake: FakeDiscord) -> list[dict[str, Any]]:
    return [m for m in fake.messages if str(m.get("nonce") or "").startswith("d")]


async def test_daily_tip_reaches_the_dm_once_with_its_nonce(core: Core, clock: FakeClock) -> None:
    async with FakeDiscord() as fake, running(core, fake) as adapter:
        text = await slash(fake, "career", "daily", {"time": "07:30", "zone": "Asia/Kathmandu"})
        assert "Asia/Kathmandu" in text, text
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 3, 1, 44)
        assert (await scheduler.tick()).sent == 0
        clock.now = utc(2026, 3, 3, 1, 45)  # 07:30 at +05:45
        assert (await scheduler.tick()).sent == 1
        assert (await scheduler.tick()).sent == 0
        [tip] = tips(fake)
        assert tip["nonce"] == "d1-20260303"
        assert tip["channel_id"] != str(CHANNEL_ID)  # a DM, not the guild channel
        assert "daily tip" in json.dumps(tip["embeds"])
        assert fake.dm_opens == 1
        text = await slash(fake, "career", "next", {})
        assert "Wed 4 Mar 2026, 07:30 (Asia/Kathmandu)" in text


async def test_crash_after_the_send_then_restart_sends_no_duplicate(
    fixture_bank: Bank, clock: FakeClock, db_location: str
) -> None:
    path = db_location
    async with FakeDiscord() as fake:
        store = await open_store(path)
        core = Core(fixture_bank, store, clock=clock)
        async with running(core, fake) as adapter:
            assert "UTC" in await slash(fake, "career", "daily", {"time": "10:00", "zone": "UTC"})
            real = adapter.messenger

            class DiesAfterSending:
                platform = "discord"

                async def send_dm(
                    self, user: User, reply: Reply, *, key: str, resend: bool = False
                ) -> SendResult:
                    await real.send_dm(user, reply, key=key, resend=resend)
                    raise Crash("killed between the Discord call and the ledger write")

                async def send_channel(self, *a: object, **k: object) -> SendResult:
                    raise AssertionError("not used")

            clock.now = utc(2026, 3, 3, 10)
            try:
                await Scheduler(
                    core, [DiesAfterSending()], clock=clock, sleep=Naps(clock), pace=clock.seconds
                ).tick()
            except BaseException as exc:  # the simulated death
                assert isinstance(exc, BaseExceptionGroup) and exc.subgroup(Crash) is not None
            else:
                raise AssertionError("the crash did not happen")
        await store.close()
        assert len(tips(fake)) == 1

        # Restart: new process state (store, client, DM cache), a minute later.
        clock.advance(minutes=1)
        store2 = await open_store(path)
        core2 = Core(fixture_bank, store2, clock=clock)
        try:
            async with running(core2, fake) as adapter2:
                stats = await Scheduler(core2, [adapter2.messenger], clock=clock).tick()
                assert stats.sent == 1
            posts = [r for r in fake.requests if r[0] == "POST" and r[1].endswith("/messages")]
            assert len(posts) == 2  # the resend reached Discord ...
            assert len(tips(fake)) == 1  # ... which answered with the first message
            states = await store2.run(lambda tx: tx.deliveries.states(1))
            assert states == {"2026-03-02": "skipped", "2026-03-03": "sent"}
        finally:
            await store2.close()


async def test_50007_suspends_and_the_user_hears_why(core: Core, clock: FakeClock) -> None:
    async with FakeDiscord() as fake, running(core, fake) as adapter:
        await slash(fake, "career", "daily", {"time": "10:00", "zone": "UTC"})
        fake.dm_closed.add("42")
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 3, 10)
        assert (await scheduler.tick()).outcomes == {"failed": 1}
        clock.now = utc(2026, 3, 4, 10)
        assert (await scheduler.tick()).outcomes == {}
        text = await slash(fake, "career", "progress", {})
        assert "50007" in text and "on hold" in text
        assert "on hold" in await slash(fake, "career", "next", {})


async def test_429_is_waited_out_and_sends_once(core: Core, clock: FakeClock) -> None:
    async with FakeDiscord() as fake, running(core, fake) as adapter:
        await slash(fake, "career", "daily", {"time": "10:00", "zone": "UTC"})
        fake.fail_next(1, retry_after=0.05)
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 3, 10)
        assert (await scheduler.tick()).sent == 1
        assert ("/api/v10/users/@me/channels", "429") in fake.rejected
        assert len(tips(fake)) == 1


async def test_admin_posts_to_a_channel_and_turns_it_off(core: Core, clock: FakeClock) -> None:
    async with FakeDiscord() as fake, running(core, fake) as adapter:
        general = {"id": str(CHANNEL_ID), "type": 0, "name": "general", "permissions": "0"}
        options = {"channel": general, "time": "09:00", "zone": "Europe/London"}
        text = await slash(fake, "career-admin", "daily", options, admin=True)
        assert f"Daily tip for #{CHANNEL_ID}: 09:00" in text, text  # an embed title
        messenger: Messenger = adapter.messenger
        scheduler = Scheduler(core, [messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds)
        clock.now = utc(2026, 3, 3, 9)
        assert (await scheduler.tick()).sent == 1
        [post] = tips(fake)
        assert post["channel_id"] == str(CHANNEL_ID)
        assert "Stopped daily tips in 1 channel" in await slash(
            fake, "career-admin", "daily-off", {}, admin=True
        )
        clock.now = utc(2026, 3, 4, 9)
        assert (await scheduler.tick()).sent == 0


async def test_get_my_own_tip_on_the_channel_post_answers_privately(
    core: Core, clock: FakeClock
) -> None:
    async with FakeDiscord() as fake, running(core, fake) as adapter:
        general = {"id": str(CHANNEL_ID), "type": 0, "name": "general", "permissions": "0"}
        options = {"channel": general, "time": "09:00", "zone": "UTC"}
        await slash(fake, "career-admin", "daily", options, admin=True)
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 3, 9)
        assert (await scheduler.tick()).sent == 1
        [post] = tips(fake)
        before = json.dumps(post, sort_keys=True)
        ids = [b["custom_id"] for row in post["components"] for b in row["components"]]
        assert "career:tip" in ids  # "Get my own tip"
        for custom_id in ids:  # "Get my own tip" and "Save": both personal
            click = await fake.click(post, custom_id, member=user(77, "bea"))
            callback = await fake.wait_callback(click)
            assert callback["type"] == 4, custom_id  # never 7: the post is not rewritten
            assert callback["data"]["flags"] & EPHEMERAL, custom_id
        assert json.dumps(post, sort_keys=True) == before
        assert fake.rejected == []


async def test_a_refused_channel_post_is_put_on_hold_and_the_admin_is_told(
    core: Core, clock: FakeClock
) -> None:
    async with FakeDiscord() as fake, running(core, fake) as adapter:
        general = {"id": str(CHANNEL_ID), "type": 0, "name": "general", "permissions": "0"}
        options = {"channel": general, "time": "09:00", "zone": "UTC"}
        await slash(fake, "career-admin", "daily", options, admin=True)  # set up by Ada (42)
        fake.refuse_posts(CHANNEL_ID, 403, 50013, "Missing Permissions")  # as Discord answers
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 3, 9)
        assert (await scheduler.tick()).outcomes == {"failed": 1}
        for _ in range(3):  # no silent retries: not later today, not on the next days
            clock.advance(hours=12)
            assert (await scheduler.tick()).outcomes == {}
        posts = [
            r for r in fake.requests if r == ("POST", f"/api/v10/channels/{CHANNEL_ID}/messages")
        ]
        assert len(posts) == 1

        def state(tx: Any) -> tuple[Any, ...]:
            [sub] = tx.subscriptions.of_channels("discord", str(fake.guild_id))
            return sub.status, sub.reason, tx.deliveries.states(sub.id)

        assert await core.store.run(state) == (
            "suspended",
            "50013 Missing Permissions",
            {"2026-03-03": "failed"},
        )
        # another member hears nothing; the admin hears it at their next command, once
        bea = await slash(fake, "career", "progress", {}, member=user(77, "bea"))
        assert "on hold" not in bea
        text = await slash(fake, "career", "progress", {})
        assert f"<#{CHANNEL_ID}>" in text and "50013 Missing Permissions" in text, text
        assert "on hold" in text
        assert "on hold" not in await slash(fake, "career", "progress", {})
        # the admin fixes the permissions and sets it up again: the posts resume
        fake.allow_posts(CHANNEL_ID)
        await slash(fake, "career-admin", "daily", options, admin=True)
        clock.now = utc(2026, 3, 5, 9)
        assert (await scheduler.tick()).sent == 1
