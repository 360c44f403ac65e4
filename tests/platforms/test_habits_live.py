"""Issue 14's habits as a user lives them, end to end through the real clients: slack-bolt
in Socket Mode against the fake Slack and discord.py against the fake Discord, one core on
an injected clock (both backends). Streaks across a day-start hour and a freeze, quiet
days, and help listing every command of the registry."""

from __future__ import annotations

import html
import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.app import Core
from bot.core.commands import REGISTRY
from tests.conftest import FakeClock
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack, Message, block_actions, slash_command
from tests.platforms import discord_env
from tests.platforms.slack_env import answer, buttons, header, running, slack, via_url

__all__ = ["slack"]  # fixture: fake Slack with U1 (Europe/Berlin)

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def user_commands() -> list[str]:
    """Every usage line help owes a non-admin user."""
    return [c.usage for c in REGISTRY if not c.button_only and not c.admin]


@pytest.fixture
async def slack_user(slack: FakeSlack, core: Core, tmp_path: Path) -> AsyncIterator[Any]:
    """``say(text)``: a /career slash command from U1 in Socket Mode; every message the
    answer produced (the ack or the response_url posts), as one text with its blocks."""
    async with running(core, slack, tmp_path):

        async def say(text: str) -> str:
            url = slack.new_response_url("D1", "U1")
            env = await slack.send_envelope(
                "slash_commands", slash_command(text, response_url=url, channel_id="D1")
            )
            first = await answer(slack, url, await slack.wait_ack(env))
            parts = [first] + [m for m in slack.messages if m.url == url and m is not first]
            return "\n".join(f"{m.text}\n{json.dumps(m.blocks, ensure_ascii=False)}" for m in parts)

        yield say


@pytest.fixture
async def discord_user(core: Core) -> AsyncIterator[Any]:
    """``say(sub, options)``: /career <sub> (or /career-more) through discord.py; the
    interaction's response and follow-ups as one text."""
    async with FakeDiscord() as fake, discord_env.running(core, fake):

        async def say(sub: str, options: dict[str, Any] | None = None) -> str:
            iid = await fake.slash(discord_env.top_of(fake, sub), sub, options)
            callback = await fake.wait_callback(iid)
            texts = [json.dumps(callback.get("data") or {}, ensure_ascii=False)]
            texts += [json.dumps(m, ensure_ascii=False) for m in fake.messages_for(iid)]
            return "\n".join(texts)

        yield say


# --- streaks that forgive --------------------------------------------------------------


async def test_slack_streak_follows_the_day_start_and_a_freeze_saves_it(
    slack_user: Any, clock: FakeClock
) -> None:
    say = slack_user
    assert "04:00" in await say("settings day-start 4")
    assert "04:00" in await say("settings")
    clock.now = berlin(2026, 3, 2, 20, 0)
    await say("tip")
    clock.now = berlin(2026, 3, 3, 1, 30)  # before 04:00: still Monday for ada
    await say("tip")
    assert "🔥 1 day(s) · best 1 · Freezes: 0" in await say("progress")
    for day in range(3, 9):  # Tue 3 to Sun 8 March: seven active days in a row
        clock.now = berlin(2026, 3, day, 9, 0)
        await say("tip")
    assert "🔥 7 day(s) · best 7 · Freezes: 1" in await say("progress")
    clock.now = berlin(2026, 3, 10, 9, 0)  # Monday 9 missed: the freeze covers it (uncounted)
    await say("tip")
    assert "🔥 8 day(s) · best 8 · Freezes: 0" in await say("progress")
    clock.now = berlin(2026, 3, 13, 9, 0)  # two days missed, no freeze left
    await say("tip")
    assert "🔥 1 day(s) · best 8 · Freezes: 0" in await say("progress")
    topic = await say("help streak")
    assert "Streaks" in topic and "Freezes" in topic
    bad = await say("settings day-start 24")
    assert "That didn't work" in bad and "04:00" in await say("settings")


async def test_slack_streak_survives_a_move_east(
    slack: FakeSlack, core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    """grace (New York, from users.info) moves to Tokyo and tells careerbot with her daily
    time (a known zone is kept over Slack's profile, see the users contract test); the
    calendar day the move skips over is neutral, not a gap."""

    async def say(text: str) -> str:
        url = slack.new_response_url("D2", "U2")
        env = await slack.send_envelope(
            "slash_commands",
            slash_command(text, response_url=url, user_id="U2", user_name="grace"),
        )
        msg = await answer(slack, url, await slack.wait_ack(env))
        return f"{msg.text}\n{json.dumps(msg.blocks, ensure_ascii=False)}"

    new_york = ZoneInfo("America/New_York")
    async with running(core, slack, tmp_path):
        clock.now = datetime(2026, 12, 4, 20, 0, tzinfo=new_york)
        await say("tip")
        assert "(America/New_York)" in await say("settings")
        clock.now = datetime(2026, 12, 5, 20, 0, tzinfo=new_york)
        await say("tip")
        clock.now = datetime(2026, 12, 6, 10, 0, tzinfo=new_york)  # Mon 7 Dec 00:00 in Tokyo
        assert "Asia/Tokyo" in await say("daily 07:30 Asia/Tokyo")
        await say("tip")
        assert "(Asia/Tokyo)" in await say("settings")
        assert "🔥 3 day(s) · best 3 · Freezes: 0" in await say("progress")


async def test_discord_streak_follows_the_day_start_typed_option(
    discord_user: Any, clock: FakeClock
) -> None:
    say = discord_user
    assert "04:00" in await say("settings-day-start", {"hour": 4})
    utc = ZoneInfo("UTC")  # Discord tells no zone: the user's day is UTC's
    clock.now = datetime(2026, 3, 2, 20, 0, tzinfo=utc)
    await say("tip")
    clock.now = datetime(2026, 3, 3, 1, 30, tzinfo=utc)  # before 04:00: still Monday
    await say("tip")
    assert "🔥 1 day(s) · best 1 · Freezes: 0" in await say("progress")
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=utc)
    await say("tip")
    assert "🔥 2 day(s) · best 2 · Freezes: 0" in await say("progress")
    topic = await say("help", {"command": "streak"})
    assert "Streaks" in topic and "Freezes" in topic


# --- quiet days --------------------------------------------------------------------------


async def test_slack_quiet_days_skip_and_unskip(slack_user: Any, clock: FakeClock) -> None:
    say = slack_user  # clock: Monday 2 March 2026, 10:00 in Berlin
    assert "07:30" in await say("daily 07:30")
    assert "2026-03-03" in await say("daily skip 2026-03-03")
    assert "Wed 4 Mar 2026, 07:30 (Europe/Berlin)" in await say("next")
    assert "2026-03-02 to 2026-03-04" in await say("daily skip next 3 days")
    assert "Thu 5 Mar 2026, 07:30" in await say("next")
    await say("daily skip weekends")
    assert "weekends" in await say("next")
    bad = await say("daily skip 2026-02-01")  # the past
    assert "That didn't work" in bad
    await say("daily unskip all")
    assert "Tue 3 Mar 2026, 07:30" in await say("next")
    await say("daily unskip weekends")
    assert "Skipping" not in await say("next")


async def test_slack_a_skipped_day_does_not_break_the_streak(
    slack_user: Any, clock: FakeClock
) -> None:
    say = slack_user  # clock: Monday 2 March 2026, 10:00 in Berlin
    await say("daily skip 2026-03-03")
    await say("tip")
    clock.now = berlin(2026, 3, 4, 9, 0)  # Tuesday skipped, Wednesday active
    await say("tip")
    assert "🔥 2 day(s) · best 2 · Freezes: 0" in await say("progress")
    clock.now = berlin(2026, 3, 6, 9, 0)  # Thursday was not skipped: the streak breaks
    await say("tip")
    assert "🔥 1 day(s) · best 2 · Freezes: 0" in await say("progress")


async def test_discord_quiet_days_typed_and_the_streak_kept(
    discord_user: Any, clock: FakeClock
) -> None:
    say = discord_user  # clock: Monday 2 March 2026, 09:00 UTC
    assert "2026-03-03" in await say("daily-skip", {"when": "2026-03-03"})
    assert "Saturdays and Sundays" in await say("daily-skip", {"when": "weekends"})
    settings = await say("settings")
    assert "2026-03-03" in settings and "Quiet weekends: on" in settings
    await say("tip")
    clock.now = datetime(2026, 3, 4, 9, 0, tzinfo=ZoneInfo("UTC"))
    await say("tip")
    assert "🔥 2 day(s) · best 2 · Freezes: 0" in await say("progress")
    assert "Weekends are back on" in await say("daily-unskip", {"when": "weekends"})
    # a past quiet day is history: 'unskip all' leaves it, and the streak with it
    assert "No skipped day ahead matched" in await say("daily-unskip", {"when": "all"})
    assert "🔥 2 day(s) · best 2 · Freezes: 0" in await say("progress")
    settings = await say("settings")
    assert "Skipped days ahead: none" in settings and "Quiet weekends: off" in settings


# --- help lists the whole registry -------------------------------------------------------


async def test_slack_help_lists_every_command_and_explains_new_ones(slack_user: Any) -> None:
    say = slack_user
    listing = html.unescape(await say("help"))  # Slack escapes < > & in mrkdwn
    missing = [usage for usage in user_commands() if f"`{usage}`" not in listing]
    assert missing == []
    assert "help streak" in listing
    assert "Usage: daily skip" in await say("help daily skip")
    assert "Usage: weekly on" in await say("help weekly on")
    assert "Usage: link" in await say("help link")


async def test_discord_help_lists_every_command_and_explains_new_ones(discord_user: Any) -> None:
    say = discord_user
    listing = await say("help")
    missing = [usage for usage in user_commands() if f"`{usage}`" not in listing]
    assert missing == []
    assert "Usage: daily skip" in await say("help", {"command": "daily skip"})
    assert "Usage: weekly on" in await say("help", {"command": "weekly on"})
    assert "Usage: link" in await say("help", {"command": "link"})


# --- spaced review on demand -------------------------------------------------------------


async def test_slack_review_on_demand_and_its_not_yet_button(
    slack: FakeSlack, core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    async with running(core, slack, tmp_path):

        async def slash(text: str) -> Message:
            url = slack.new_response_url("D1", "U1")
            env = await slack.send_envelope(
                "slash_commands", slash_command(text, response_url=url, channel_id="D1")
            )
            return await answer(slack, url, await slack.wait_ack(env))

        assert "Nothing to review yet" in (await slash("review")).text
        tip = await slash("tip")
        save = next(v for v in buttons(tip).values() if v.startswith("save "))
        tip_id = save.split()[1]
        url = slack.new_response_url("D1", "U1")
        env = await slack.send_envelope(
            "interactive", block_actions(save, action_id=f"career:{save}", response_url=url)
        )
        await slack.wait_ack(env)
        await via_url(slack, url)
        assert f"Your next review ({tip_id}) is due" in (await slash("review")).text
        clock.advance(days=1, minutes=1)
        card = await slash("review")
        assert header(card).startswith("Review")
        not_yet = f"review answer {tip_id} not-yet 0"
        remembered = f"review answer {tip_id} remembered 0"
        assert {remembered, not_yet} <= set(buttons(card).values())
        url = slack.new_response_url("D1", "U1")
        env = await slack.send_envelope(
            "interactive", block_actions(not_yet, action_id=f"career:{not_yet}", response_url=url)
        )
        await slack.wait_ack(env)
        [answered] = await via_url(slack, url)
        assert (
            header(answered)
            == f"No problem: {tip_id} comes back tomorrow. Next review in 1 day(s)."
        )
        assert "Reviews: 1 done, 0 due" in (await slash("progress")).text


async def test_discord_review_on_demand_and_its_remembered_button(
    core: Core, clock: FakeClock
) -> None:
    async with FakeDiscord() as fake, discord_env.running(core, fake):

        async def slash(sub: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
            iid = await fake.slash(discord_env.top_of(fake, sub), sub, {})
            return await fake.wait_callback(iid), fake.messages_for(iid)

        _, [card] = await slash("tip")
        save = next(
            b["custom_id"]
            for row in card["components"]
            for b in row["components"]
            if b["custom_id"].startswith("career:save ")
        )
        tip_id = save.split()[1]
        await fake.wait_callback(await fake.click(card, save))
        clock.advance(days=1, minutes=1)
        _, [review] = await slash("review")
        assert "Review" in json.dumps(review["embeds"], ensure_ascii=False)
        remembered = f"career:review answer {tip_id} remembered 0"
        assert remembered in [b["custom_id"] for r in review["components"] for b in r["components"]]
        callback = await fake.wait_callback(await fake.click(review, remembered))
        assert f"Remembered {tip_id}. Next review in 3 day(s)." in json.dumps(callback["data"])
        callback, made = await slash("progress")
        embed = next(e for m in [callback.get("data") or {}, *made] for e in m.get("embeds", []))
        reviews = next(f["value"] for f in embed["fields"] if f["name"] == "Reviews")
        assert reviews == "1 done, 0 due"
