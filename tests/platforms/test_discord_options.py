"""Typed options through the real discord.py against the fake Discord: day lists in the
``days`` option, and the order of autocomplete choices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.bank import Bank
from bot.core import messages
from bot.core.app import Core
from bot.platforms.discord.tree import ADMIN, GROUP
from bot.storage.sqlite import SqliteStore as Store
from tests.conftest import FakeClock
from tests.fakes.discord import CHANNEL_ID, FakeDiscord
from tests.platforms.discord_env import Env, running


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as f:
        yield f


@pytest.fixture
async def env(core: Core, fake: FakeDiscord) -> AsyncIterator[Env]:
    async with running(core, fake) as adapter:
        yield Env(fake, adapter, core)


def _embed(callback: dict[str, Any]) -> dict[str, Any]:
    assert callback["type"] == 4
    embed: dict[str, Any] = callback["data"]["embeds"][0]
    return embed


def _sub_option(fake: FakeDiscord, top: str, sub: str, option: str) -> dict[str, Any]:
    command = fake.find_command(top, guild=False)
    spec = next(o for o in command["options"] if o["name"] == sub)
    found: dict[str, Any] = next(o for o in spec["options"] if o["name"] == option)
    return found


async def test_days_option_takes_ranges(env: Env) -> None:
    options = {"time": "09:00", "zone": "America/Los_Angeles", "days": "mon-fri"}
    embed = _embed(await env.fake.wait_callback(await env.slash("daily", options)))
    assert embed["title"] == "Daily tip: 09:00 America/Los_Angeles, weekdays"
    nxt = _embed(await env.fake.wait_callback(await env.slash("next")))
    assert "Daily tip: 09:00 America/Los_Angeles, weekdays" in nxt["description"]

    options = {"time": "09:00", "days": "fri-mon"}  # wraps past Sunday
    embed = _embed(await env.fake.wait_callback(await env.slash("daily", options)))
    assert embed["title"] == "Daily tip: 09:00 America/Los_Angeles, fri-mon"

    options = {"time": "09:00", "days": "mon-xyz"}
    embed = _embed(await env.fake.wait_callback(await env.slash("daily", options)))
    assert embed["title"] == messages.ERROR_TITLE
    assert "'xyz' is not a day" in embed["description"]
    assert env.fake.rejected == []
    # the option's description shows the grammar
    days = _sub_option(env.fake, GROUP, "daily", "days")
    assert days["type"] == 3  # a string: any day list, no fixed choices
    assert not days.get("choices") and not days.get("autocomplete")
    assert days["description"] == messages.DAYS_HELP and "mon-fri" in days["description"]


async def test_admin_days_option_takes_ranges(env: Env) -> None:
    channel = {"id": str(CHANNEL_ID), "type": 0, "name": "general", "permissions": "0"}
    options = {"channel": channel, "time": "09:00", "zone": "Europe/Berlin", "days": "mon-wed,fri"}
    iid = await env.fake.slash(ADMIN, "daily", options, admin=True)
    embed = _embed(await env.fake.wait_callback(iid))
    assert embed["title"] == f"Daily tip for <#{CHANNEL_ID}>: 09:00 Europe/Berlin, mon-wed,fri"
    assert "mon-fri" in _sub_option(env.fake, ADMIN, "daily", "days")["description"]


@pytest.fixture
async def real_env(
    real_bank: Bank, store: Store, clock: FakeClock, fake: FakeDiscord
) -> AsyncIterator[Env]:
    core = Core(real_bank, store, clock=clock)
    async with running(core, fake) as adapter:
        yield Env(fake, adapter, core)


async def test_autocomplete_lists_names_that_start_with_the_text_first(real_env: Env) -> None:
    # APPLICATION_COMMAND_AUTOCOMPLETE (interaction type 4) on /career skill name:"py"
    iid = await real_env.fake.autocomplete(GROUP, "skill", "name", "py")
    callback = await real_env.fake.wait_callback(iid)
    assert callback["type"] == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
    values = [c["value"] for c in callback["data"]["choices"]]
    names = [c["name"] for c in callback["data"]["choices"]]
    assert values[:2] == ["python", "pytorch"] and names[:2] == ["Python", "PyTorch"]
    assert values.index("numpy") < values.index("pandas")  # alias word before fuzz
    assert len(values) <= 25
    # one character is enough
    iid = await real_env.fake.autocomplete(GROUP, "learn", "skill", "p")
    choices = (await real_env.fake.wait_callback(iid))["data"]["choices"]
    starting = [c["name"] for c in choices if c["name"].lower().startswith("p")]
    assert [c["name"] for c in choices[: len(starting)]] == starting
    assert {"Python", "PyTorch", "Pandas"} <= set(starting)
