"""Daily tips of a linked profile: one subscription kept, its ledger merged (no second
tip the day of the link), the DM to the account it was set up on. Both backends."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.core.app import Core
from bot.core.requests import GLOBAL_TENANT, Request, User
from bot.delivery import Scheduler
from tests.conftest import FakeClock
from tests.delivery.doubles import Recorder

SLACK = User("slack", "T1", "U1", "ada")
DISCORD = User("discord", GLOBAL_TENANT, "42", "ada")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def test_the_kept_daily_tip_goes_to_its_account_once_a_day(
    core: Core, clock: FakeClock
) -> None:
    slack, discord = Recorder("slack", clock), Recorder("discord", clock)
    scheduler = Scheduler(core, [slack, discord], clock=clock, pace=clock.seconds)

    async def say(who: User, text: str) -> str:
        reply = await core.respond(Request(user=who, text=text))
        assert reply.ok, reply.plain_text()
        return reply.body

    async def at(moment: datetime) -> int:
        clock.now = moment
        return (await scheduler.tick()).sent

    await say(SLACK, "daily 09:30 UTC")
    assert await at(utc(2026, 3, 2, 9, 30)) == 1  # today's tip, on Slack
    clock.now = utc(2026, 3, 2, 9, 40)
    await say(DISCORD, "daily 10:00 UTC")  # changed last: the one kept
    code = re.search(r"code: (\w{8})", await say(SLACK, "link"))
    assert code
    body = await say(DISCORD, f"link {code.group(1)}")
    assert "Kept your daily tip at 10:00 UTC on Discord; the one on Slack is off" in body

    assert await at(utc(2026, 3, 2, 10)) == 0  # today's went out on Slack already
    assert await at(utc(2026, 3, 3, 10)) == 1
    assert await at(utc(2026, 3, 3, 11)) == 0
    assert [s.where for s in slack.sent] == ["dm:U1"]
    assert [(s.where, s.key[-8:]) for s in discord.sent] == [("dm:42", "20260303")]
    # the tip skips what the profile already saw (the one Slack got yesterday)
    assert discord.sent[0].reply.footer.split()[0] != slack.sent[0].reply.footer.split()[0]
