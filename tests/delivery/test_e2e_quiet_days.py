"""Quiet days end to end (issue 14): ``daily skip`` typed through the real clients, then the
scheduler delivering through the adapter's real messenger. A skipped day and a skipped
weekend send nothing to the user's DM; the next ordinary day's tip arrives once; ``daily
unskip`` brings a day back. Slack: slack-bolt/slack-sdk against the fake Slack; Discord:
discord.py against the fake Discord. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.core.app import Core
from bot.delivery import Scheduler
from tests.conftest import FakeClock
from tests.delivery.test_e2e_discord import Naps, slash, tips
from tests.delivery.test_e2e_slack import command, tips_in
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.platforms.discord_env import running as discord_running
from tests.platforms.discord_env import top_of
from tests.platforms.slack_env import running as slack_running
from tests.platforms.slack_env import slack

__all__ = ["slack"]  # fixture: fake Slack with U1 (Europe/Berlin)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# clock fixture: Monday 2 March 2026, 09:00 UTC (10:00 in Berlin)


async def test_slack_skipped_days_send_no_dm_and_the_next_day_does(
    slack: FakeSlack, core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    async with slack_running(core, slack, tmp_path) as adapter:
        assert "(Europe/Berlin)" in (await command(slack, "daily 07:30")).text
        assert "2026-03-03" in (await command(slack, "daily skip 2026-03-03")).text
        assert "weekends" in (await command(slack, "daily skip weekends")).text
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 3, 6, 30)  # Tue 07:30 in Berlin: skipped
        assert (await scheduler.tick()).sent == 0
        assert tips_in(slack, "D1") == []
        clock.now = utc(2026, 3, 4, 6, 30)  # Wed: an ordinary day
        assert (await scheduler.tick()).sent == 1
        assert (await scheduler.tick()).sent == 0
        sent = {}
        for day in range(5, 10):  # Thu 5 to Mon 9 March, the weekend in between
            clock.now = utc(2026, 3, day, 6, 30)
            sent[day] = (await scheduler.tick()).sent
        assert sent == {5: 1, 6: 1, 7: 0, 8: 0, 9: 1}
        keys = [m.metadata["event_payload"]["key"] for m in tips_in(slack, "D1")]
        assert keys == ["d1-20260304", "d1-20260305", "d1-20260306", "d1-20260309"]
        assert all("missed" not in m.text.lower() for m in tips_in(slack, "D1"))


async def test_slack_unskip_brings_the_day_back(
    slack: FakeSlack, core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    async with slack_running(core, slack, tmp_path) as adapter:
        await command(slack, "daily 07:30")
        await command(slack, "daily skip next 2 days")  # Mon 2 and Tue 3 March
        assert "Wed 4 Mar 2026, 07:30" in (await command(slack, "next")).text
        await command(slack, "daily unskip 2026-03-03")
        assert "Tue 3 Mar 2026, 07:30" in (await command(slack, "next")).text
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 3, 6, 30)
        assert (await scheduler.tick()).sent == 1
        assert len(tips_in(slack, "D1")) == 1


async def test_discord_skipped_day_sends_no_dm(core: Core, clock: FakeClock) -> None:
    async with FakeDiscord() as fake, discord_running(core, fake) as adapter:
        assert "UTC" in await slash(fake, "career", "daily", {"time": "07:30", "zone": "UTC"})
        skip = top_of(fake, "daily-skip")
        assert "2026-03-03" in await slash(fake, skip, "daily-skip", {"when": "2026-03-03"})
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 3, 7, 30)
        assert (await scheduler.tick()).sent == 0
        assert tips(fake) == [] and fake.dm_opens == 0
        clock.now = utc(2026, 3, 4, 7, 30)
        assert (await scheduler.tick()).sent == 1
        assert [t["nonce"] for t in tips(fake)] == ["d1-20260304"]
