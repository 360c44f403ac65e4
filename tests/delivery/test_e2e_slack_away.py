"""Away-skip end to end on Slack (issue 14): the real slack-bolt/slack-sdk against the
fake Slack's users.profile.get and dnd.info. Away -> no DM and the ledger says 'away';
not away -> the DM; without the scopes -> 'settings away-skip on' says why."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.core.app import Core
from bot.delivery import Scheduler
from bot.platforms.slack.adapter import SlackAdapter
from bot.platforms.slack.messenger import dnd_now
from tests.conftest import FakeClock
from tests.delivery.test_e2e_slack import Naps, command, tips_in
from tests.fakes.slack import FakeSlack
from tests.platforms.slack_env import running, slack

__all__ = ["slack"]  # fixture: fake Slack with U1 (Europe/Berlin)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def scheduler_for(core: Core, adapter: SlackAdapter, clock: FakeClock) -> Scheduler:
    adapter.messenger.clock = clock.seconds  # Do Not Disturb windows read the test clock
    return Scheduler(core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds)


async def ledger(core: Core) -> dict[str, str]:
    return await core.store.run(lambda tx: tx.deliveries.states(1))


async def test_away_status_or_dnd_skips_the_dm_and_the_ledger_says_away(
    slack: FakeSlack, core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    async with running(core, slack, tmp_path) as adapter:
        assert "(Europe/Berlin)" in (await command(slack, "daily 07:30")).text
        on = await command(slack, "settings away-skip on")
        assert "Away-skip is on" in on.text, on.text
        scheduler = scheduler_for(core, adapter, clock)

        slack.users["U1"]["profile"] = {"status_emoji": ":palm_tree:", "status_text": "Off"}
        clock.now = utc(2026, 3, 3, 6, 30)
        assert (await scheduler.tick()).sent == 0
        assert tips_in(slack, "D1") == []
        assert await ledger(core) == {"2026-03-03": "away"}
        [asked] = slack.api_calls("users.profile.get")
        assert asked.params["user"] == "U1"

        slack.users["U1"]["profile"] = {"status_emoji": ":coffee:"}
        now = utc(2026, 3, 4, 6, 30).timestamp()
        slack.dnd["U1"] = {
            "dnd_enabled": True,
            "next_dnd_start_ts": int(now) - 600,
            "next_dnd_end_ts": int(now) + 3600,
        }
        clock.now = utc(2026, 3, 4, 6, 30)
        assert (await scheduler.tick()).sent == 0
        assert (await ledger(core))["2026-03-04"] == "away"

        slack.dnd["U1"] = {"dnd_enabled": True, "next_dnd_start_ts": int(now) + 86400 + 600}
        clock.now = utc(2026, 3, 5, 6, 30)  # DND scheduled later today: not away now
        assert (await scheduler.tick()).sent == 1
        assert len(tips_in(slack, "D1")) == 1
        assert (await ledger(core))["2026-03-05"] == "sent"

        # a snooze ("pause notifications") is visible only to the user's own token: Slack
        # does not show it to the bot, so the tip goes out
        slack.dnd["U1"] = {"snooze_enabled": True, "snooze_endtime": int(now) + 2 * 86400 + 60}
        clock.now = utc(2026, 3, 6, 6, 30)
        assert (await scheduler.tick()).sent == 1
        assert (await ledger(core))["2026-03-06"] == "sent"
        assert len(slack.api_calls("dnd.info")) == 3  # the palm tree answered on its own


async def test_without_the_scopes_away_skip_says_why_and_tips_still_go(
    slack: FakeSlack, core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    slack.scopes = {"commands", "chat:write", "im:write", "im:history", "users:read"}
    async with running(core, slack, tmp_path) as adapter:
        assert (await command(slack, "daily 07:30")).text
        refused = await command(slack, "settings away-skip on")
        assert "users.profile:read" in refused.text and "dnd:read" in refused.text
        assert "Away-skip: off" in (await command(slack, "settings")).text
        scheduler = scheduler_for(core, adapter, clock)
        clock.now = utc(2026, 3, 3, 6, 30)
        assert (await scheduler.tick()).sent == 1
        assert slack.api_calls("users.profile.get") == []


async def test_a_missing_scope_at_delivery_time_sends_the_tip(
    slack: FakeSlack, core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    async with running(core, slack, tmp_path) as adapter:
        assert (await command(slack, "daily 07:30")).text
        assert "Away-skip is on" in (await command(slack, "settings away-skip on")).text
        slack.scopes = {"commands", "chat:write", "im:write", "im:history", "users:read"}
        slack.users["U1"]["profile"] = {"status_emoji": ":palm_tree:"}
        scheduler = scheduler_for(core, adapter, clock)
        clock.now = utc(2026, 3, 3, 6, 30)
        assert (await scheduler.tick()).sent == 1  # Slack said missing_scope: can't tell
        assert await ledger(core) == {"2026-03-03": "sent"}


def test_dnd_now_reads_the_window_and_a_visible_snooze() -> None:
    now = 1_000_000.0
    assert dnd_now(
        {"dnd_enabled": True, "next_dnd_start_ts": now - 1, "next_dnd_end_ts": now + 1}, now
    )
    assert not dnd_now(
        {"dnd_enabled": True, "next_dnd_start_ts": now + 1, "next_dnd_end_ts": now + 9}, now
    )
    assert not dnd_now(
        {"dnd_enabled": False, "next_dnd_start_ts": 0, "next_dnd_end_ts": now + 9}, now
    )
    assert dnd_now({"snooze_enabled": True, "snooze_endtime": now + 60}, now)  # a user token
    assert not dnd_now({"snooze_enabled": True, "snooze_endtime": now - 60}, now)
