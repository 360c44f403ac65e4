"""The weekly report end to end: the real slack-bolt/slack-sdk and discord.py clients
against the fakes. Turned on by a real slash command; sent by the scheduler through the
adapter's messenger; a crash between the platform call and the ledger write, then a
restart, still leaves ONE report in the DM."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.bank import Bank
from bot.core.app import Core
from bot.core.ports import Messenger, SendResult, UnitOfWork
from bot.core.replies import Reply
from bot.core.requests import GLOBAL_TENANT, User
from bot.delivery import Scheduler
from bot.platforms.discord.tree import GROUP, MORE
from bot.platforms.slack.messenger import EVENT_TYPE, SlackMessenger
from bot.storage import open_store
from tests.conftest import FakeClock
from tests.delivery.doubles import Crash
from tests.delivery.test_e2e_discord import slash, tips
from tests.delivery.test_e2e_slack import Naps, command, tips_in, utc
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.platforms.discord_env import running as discord_running
from tests.platforms.slack_env import header, slack
from tests.platforms.slack_env import running as slack_running

__all__ = ["slack"]  # fixture: fake Slack with U1 (Europe/Berlin)


def dies_after(real: Messenger) -> Messenger:
    class DiesAfterSending:
        platform = real.platform

        async def send_dm(
            self, user: User, reply: Reply, *, key: str, resend: bool = False
        ) -> SendResult:
            await real.send_dm(user, reply, key=key, resend=resend)
            raise Crash("killed between the platform call and the ledger write")

        async def send_channel(self, *a: object, **k: object) -> SendResult:
            raise AssertionError("not used")

    return DiesAfterSending()


async def crash_tick(core: Core, messenger: Messenger, clock: FakeClock) -> None:
    try:
        await Scheduler(
            core, [messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        ).tick()
    except BaseException as exc:  # the simulated death
        assert isinstance(exc, BaseExceptionGroup) and exc.subgroup(Crash) is not None
    else:
        raise AssertionError("the crash did not happen")


async def weekly_id(core: Core, platform: str, tenant: str, user_id: str) -> int:
    def find(tx: UnitOfWork) -> int:
        pk = tx.users.find_user(platform, tenant, user_id)
        assert pk is not None
        sub = tx.subscriptions.of_user(pk, "weekly")
        assert sub is not None
        return sub.id

    return await core.store.run(find)


async def test_slack_weekly_report_reaches_the_dm_once_across_a_crash(
    slack: FakeSlack, fixture_bank: Bank, clock: FakeClock, db_location: str, tmp_path: Any
) -> None:
    store = await open_store(db_location)
    core = Core(fixture_bank, store, clock=clock)
    async with slack_running(core, slack, tmp_path) as adapter:
        reply = await command(slack, "weekly on")  # no zone: users.info says Europe/Berlin
        assert "Weekly report: Fridays at 16:00 Europe/Berlin" in reply.text, reply.text
        assert "Fri 6 Mar 2026, 16:00 (Europe/Berlin)" in reply.text
        assert "✅" in (await command(slack, "done python")).text
        clock.now = utc(2026, 3, 6, 15)  # Friday 16:00 in Berlin
        await crash_tick(core, dies_after(adapter.messenger), clock)
        sub_id = await weekly_id(core, "slack", slack.team_id, "U1")
    await store.close()
    assert len(tips_in(slack, "D1")) == 1

    clock.advance(minutes=2)  # a new process: new store, new client
    store2 = await open_store(db_location)
    try:
        core2 = Core(fixture_bank, store2, clock=clock)
        fresh = SlackMessenger(
            AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
        )
        scheduler = Scheduler(core2, [fresh], clock=clock, sleep=Naps(clock), pace=clock.seconds)
        assert (await scheduler.tick()).sent == 1
        assert (await scheduler.tick()).sent == 0
        [report] = tips_in(slack, "D1")  # found in the DM history, not posted again
        assert len(slack.api_calls("chat.postMessage")) == 1
        key = f"d{sub_id}-20260306"
        assert report.metadata == {"event_type": EVENT_TYPE, "event_payload": {"key": key}}
        assert header(report) == "Your week in careerbot (Sat 28 Feb – Fri 6 Mar)"
        assert "✅ Python — done" in json.dumps(report.blocks, ensure_ascii=False)
        states = await store2.run(lambda tx: tx.deliveries.states(sub_id))
        assert states == {"2026-03-06": "sent"}
    finally:
        await store2.close()


async def test_discord_weekly_report_reaches_the_dm_once_across_a_crash(
    fixture_bank: Bank, clock: FakeClock, db_location: str
) -> None:
    async with FakeDiscord() as fake:
        store = await open_store(db_location)
        core = Core(fixture_bank, store, clock=clock)
        async with discord_running(core, fake) as adapter:
            # /career, or its overflow /career-more once /career holds 25 commands
            top, spec = next(
                (name, o)
                for name in (GROUP, MORE)
                for o in fake.find_command(name, guild=False)["options"]
                if o["name"] == "weekly-on"
            )
            day = next(o for o in spec["options"] if o["name"] == "day")
            assert [c["value"] for c in day["choices"]] == [
                "mon", "tue", "wed", "thu", "fri", "sat", "sun"
            ]  # fmt: skip
            assert not day.get("required")
            options = {"day": "sat", "time": "09:15", "zone": "Asia/Kathmandu"}
            text = await slash(fake, top, "weekly-on", options)
            assert "Weekly report: Saturdays at 09:15 Asia/Kathmandu" in text, text
            weekly_top = next(
                name
                for name in (GROUP, MORE)
                if any(
                    o["name"] == "weekly" for o in fake.find_command(name, guild=False)["options"]
                )
            )
            assert "Saturdays at 09:15" in await slash(fake, weekly_top, "weekly", {})
            clock.now = utc(2026, 3, 7, 3, 30)  # 09:15 at +05:45
            await crash_tick(core, dies_after(adapter.messenger), clock)
            sub_id = await weekly_id(core, "discord", GLOBAL_TENANT, "42")
        await store.close()
        assert len(tips(fake)) == 1

        clock.advance(minutes=1)  # restart: store, client and DM cache are new
        store2 = await open_store(db_location)
        core2 = Core(fixture_bank, store2, clock=clock)
        try:
            async with discord_running(core2, fake) as adapter2:
                scheduler = Scheduler(core2, [adapter2.messenger], clock=clock)
                assert (await scheduler.tick()).sent == 1
                assert (await scheduler.tick()).sent == 0
            posts = [r for r in fake.requests if r[0] == "POST" and r[1].endswith("/messages")]
            assert len(posts) == 2  # the resend reached Discord ...
            [report] = tips(fake)  # ... which answered with the first message
            assert report["nonce"] == f"d{sub_id}-20260307"
            assert "Your week in careerbot (Sun 1 Mar – Sat 7 Mar)" in json.dumps(
                report["embeds"], ensure_ascii=False
            )
            states = await store2.run(lambda tx: tx.deliveries.states(sub_id))
            assert states == {"2026-03-07": "sent"}
        finally:
            await store2.close()
