"""A daily tip with a due review, end to end through the real clients and the fakes.

A crash right after the platform call, then a restart: the resend carries the identical
card and the DM holds one message; its Remembered button, clicked in the DM, records
the answer (real slack-bolt / discord.py against tests/fakes, on both backends).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.bank import Bank
from bot.core.app import Core
from bot.core.ports import Messenger, SendResult
from bot.core.replies import Reply
from bot.core.requests import Request, User
from bot.delivery import Scheduler
from bot.platforms.slack.messenger import SlackMessenger
from bot.storage import open_store
from tests.conftest import FakeClock
from tests.delivery.doubles import Crash
from tests.delivery.test_e2e_discord import Naps, tips
from tests.delivery.test_e2e_slack import tips_in
from tests.fakes.discord import EPHEMERAL, FakeDiscord
from tests.fakes.slack import FakeSlack, block_actions
from tests.platforms.discord_env import running as discord_running
from tests.platforms.slack_env import buttons, header, running, slack, via_url

__all__ = ["slack"]  # fixture: fake Slack with U1 (Europe/Berlin)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class Keeps:
    """A messenger that keeps every card it is given, then sends it (``dies``: and then
    the process is killed, before the ledger hears of it)."""

    def __init__(self, real: Messenger, dies: bool = False) -> None:
        self.platform = real.platform
        self.real = real
        self.dies = dies
        self.cards: list[Reply] = []

    async def send_dm(
        self, user: User, reply: Reply, *, key: str, resend: bool = False
    ) -> SendResult:
        self.cards.append(reply)
        result = await self.real.send_dm(user, reply, key=key, resend=resend)
        if self.dies:
            raise Crash("killed between the platform call and the ledger write")
        return result

    async def send_channel(self, *a: object, **k: object) -> SendResult:
        raise AssertionError("not used")


async def tick_and_die(core: Core, messenger: Keeps, clock: FakeClock) -> None:
    try:
        await Scheduler(core, [messenger], clock=clock, sleep=Naps(clock)).tick()
    except BaseException as exc:  # the simulated death
        assert isinstance(exc, Crash) or (
            isinstance(exc, BaseExceptionGroup) and exc.subgroup(Crash) is not None
        )
    else:
        raise AssertionError("the crash did not happen")


def review_buttons(card: Reply) -> list[str]:
    return [b.command for b in card.buttons if b.command.startswith("review answer")]


# clock fixture: Monday 2 March 2026, 09:00 UTC


async def test_slack_resends_the_review_card_identically_once_and_its_button_works(
    slack: FakeSlack, fixture_bank: Bank, clock: FakeClock, db_location: str, tmp_path: Path
) -> None:
    store = await open_store(db_location)
    core = Core(fixture_bank, store, clock=clock)
    ada = User("slack", slack.team_id, "U1", "ada")
    assert (await core.respond(Request(ada, "save t001", via_button=True))).ok
    assert (await core.respond(Request(ada, "daily 10:00 Europe/Berlin"))).ok

    def client() -> SlackMessenger:
        return SlackMessenger(
            AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
        )

    dying = Keeps(client(), dies=True)
    clock.now = utc(2026, 3, 3, 9)  # 10:00 in Berlin; t001 is due since 09:00 UTC
    await tick_and_die(core, dying, clock)
    await store.close()
    [first] = dying.cards
    assert review_buttons(first) == [
        "review answer t001 remembered 0",
        "review answer t001 not-yet 0",
    ]

    clock.advance(minutes=2)
    store2 = await open_store(db_location)
    try:
        core2 = Core(fixture_bank, store2, clock=clock)
        fresh = Keeps(client())
        assert (await Scheduler(core2, [fresh], clock=clock, sleep=Naps(clock)).tick()).sent == 1
        assert fresh.cards == [first]  # the identical card ...
        [posted] = tips_in(slack, "D1")  # ... and one message in the DM
        assert len(slack.api_calls("chat.postMessage")) == 1
        assert await store2.run(lambda tx: tx.deliveries.states(1)) == {"2026-03-03": "sent"}
        values = buttons(posted)
        assert "career:review answer t001 remembered 0" in values

        async with running(core2, slack, tmp_path):
            for n in (1, 2):
                url = slack.new_response_url("D1", "U1")
                env = await slack.send_envelope(
                    "interactive",
                    block_actions(
                        values["career:review answer t001 remembered 0"],
                        action_id="career:review answer t001 remembered 0",
                        response_url=url,
                        channel_id="D1",
                        is_ephemeral=False,
                    ),
                )
                await slack.wait_ack(env)
                [answer] = await via_url(slack, url)
                if n == 1:
                    assert header(answer) == "Remembered t001. Next review in 3 day(s)."
                else:
                    assert "already answered" in header(answer)
        assert len(tips_in(slack, "D1")) == 1  # the card itself is left as it was
    finally:
        await store2.close()


def dm_buttons(message: dict[str, Any]) -> list[str]:
    return [b["custom_id"] for row in message["components"] for b in row["components"]]


async def test_discord_resends_the_review_card_identically_once_and_its_button_works(
    fixture_bank: Bank, clock: FakeClock, db_location: str
) -> None:
    async with FakeDiscord() as fake:
        store = await open_store(db_location)
        core = Core(fixture_bank, store, clock=clock)
        async with discord_running(core, fake) as adapter:
            # the user saves a tip from a tip card, and starts daily tips
            iid = await fake.slash("career", "tip", {})
            await fake.wait_callback(iid)
            [card] = fake.messages_for(iid)
            save = next(c for c in dm_buttons(card) if c.startswith("career:save "))
            saved_tip = save.split()[1]
            await fake.wait_callback(await fake.click(card, save))
            iid = await fake.slash("career", "daily", {"time": "10:00", "zone": "UTC"})
            await fake.wait_callback(iid)
            dying = Keeps(adapter.messenger, dies=True)
            clock.now = utc(2026, 3, 3, 10)
            await tick_and_die(core, dying, clock)
        await store.close()
        [first] = dying.cards
        remembered = f"review answer {saved_tip} remembered 0"
        assert review_buttons(first)[0] == remembered
        assert len(tips(fake)) == 1

        clock.advance(minutes=1)
        store2 = await open_store(db_location)
        core2 = Core(fixture_bank, store2, clock=clock)
        try:
            async with discord_running(core2, fake) as adapter2:
                fresh = Keeps(adapter2.messenger)
                stats = await Scheduler(core2, [fresh], clock=clock, sleep=Naps(clock)).tick()
                assert stats.sent == 1
                assert fresh.cards == [first]  # the identical card, same nonce ...
                [posted] = tips(fake)  # ... answered by Discord with the first message
                assert f"career:{remembered}" in dm_buttons(posted)
                assert f"career:review answer {saved_tip} not-yet 0" in dm_buttons(posted)

                texts = []
                for _ in range(2):  # the persistent button, clicked in the DM, twice
                    click = await fake.click(posted, f"career:{remembered}", dm=True)
                    callback = await fake.wait_callback(click)
                    assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
                    texts.append(str(callback["data"]))
                assert f"Remembered {saved_tip}. Next review in 3 day(s)." in texts[0]
                assert "already answered" in texts[1]
            states = await store2.run(lambda tx: tx.deliveries.states(1))
            assert states["2026-03-03"] == "sent"
            assert fake.rejected == []
        finally:
            await store2.close()
