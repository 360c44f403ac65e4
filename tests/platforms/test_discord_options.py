"""Typed options through the real discord.py against the fake Discord: day lists in the
``days`` option, and the order of autocomplete choices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.bank import Bank
from bot.core import messages
from bot.core.app import Core
from bot.core.requests import Request, User
from bot.platforms.discord.tree import ADMIN, GROUP, MORE
from bot.storage.sqlite import SqliteStore as Store
from tests.conftest import FakeClock
from tests.fakes.discord import CHANNEL_ID, FakeDiscord
from tests.platforms.discord_env import Env, running, top_of


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
    # an embed title shows no mention: the channel is written #id there
    assert embed["title"] == f"Daily tip for #{CHANNEL_ID}: 09:00 Europe/Berlin, mon-wed,fri"
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


# option values go to the core by name, never joined into text and re-parsed ----------


async def test_skills_category_with_a_space_lists_that_category(real_env: Env) -> None:
    # joined into "skills soft skill" this was "Too many words for 'skills': 'skill'"
    embed = _embed(
        await real_env.fake.wait_callback(
            await real_env.slash("skills", {"category": "soft skill"})
        )
    )
    assert embed["title"] != messages.ERROR_TITLE, embed.get("description")
    assert [f["name"] for f in embed["fields"]] == ["soft-skill (7)"]
    assert real_env.fake.rejected == []


async def test_an_option_value_is_never_read_as_another_command(real_env: Env) -> None:
    # joined into "daily off" this unsubscribed; it is a time that is not one
    embed = _embed(
        await real_env.fake.wait_callback(await real_env.slash("daily", {"time": "off"}))
    )
    assert embed["title"] == messages.ERROR_TITLE
    assert embed["description"].startswith("'off' is not a time")


@pytest.mark.parametrize(
    ("sub", "options", "title"),
    [
        ("skill", {"name": "machine learning"}, "Machine-learning algorithms (ml-area)"),
        ("role", {"name": "ml engineer"}, "Machine Learning Engineer"),
        ("tip", {"skill": "machine learning"}, "Tip · Machine-learning algorithms"),
        ("learn", {"skill": " machine   learning "}, "📘 Machine-learning algorithms"),
        ("help", {"command": "roadmap done"}, "Usage: roadmap done <n>"),
        (
            "daily",
            {"time": "09:00", "zone": " Europe/Berlin ", "days": "mon - fri"},
            "Daily tip: 09:00 Europe/Berlin, weekdays",
        ),
        (
            "daily",
            {"time": "09:00", "zone": "Asia/Tokyo", "days": "sat, sun"},
            "Daily tip: 09:00 Asia/Tokyo, sat,sun",
        ),
    ],
)
async def test_free_text_values_with_spaces(
    real_env: Env, sub: str, options: dict[str, str], title: str
) -> None:
    embed = _embed(await real_env.fake.wait_callback(await real_env.slash(sub, options)))
    assert embed["title"].startswith(title), (embed["title"], embed.get("description"))
    assert real_env.fake.rejected == []


@pytest.mark.parametrize(
    ("sub", "options", "text"),
    [
        ("daily", {"time": "25:00"}, "daily 25:00"),
        ("daily", {"time": "09:00", "zone": "Mars/Olympus"}, "daily 09:00 Mars/Olympus"),
        ("daily", {"time": "09:00", "days": "mon-xyz"}, "daily 09:00 mon-xyz"),
        ("roadmap-done", {"n": 0}, "roadmap done 0"),
        ("skills", {"category": "astrology"}, "skills astrology"),
        ("skill", {"name": "x" * 101}, "skill " + "x" * 101),
    ],
)
async def test_a_bad_value_gets_the_same_answer_as_typed_text(
    real_env: Env, sub: str, options: dict[str, Any], text: str
) -> None:
    embed = _embed(await real_env.fake.wait_callback(await real_env.slash(sub, options)))
    typed = await real_env.core.respond(Request(User("console", "local", "ada"), text))
    assert not typed.ok
    assert embed["title"] == typed.title == messages.ERROR_TITLE
    assert embed["description"] == typed.body


async def test_level_option_offers_its_choices_and_sets_the_level(env: Env) -> None:
    synced = [c for cmds in env.fake.commands.values() for c in cmds]
    top, spec = next(
        (c["name"], o)
        for c in synced
        if c["name"] in (GROUP, MORE)
        for o in c["options"]
        if o["name"] == "level"
    )
    option = next(o for o in spec["options"] if o["name"] == "level")
    assert option["type"] == 3 and not option.get("required", False)
    choices = [(c["name"], c["value"]) for c in option["choices"]]
    assert choices == [(c, c) for c in ("aspiring", "early", "experienced", "all")]

    iid = await env.fake.slash(top, "level", {"level": "early"})
    embed = _embed(await env.fake.wait_callback(iid))
    assert embed["title"] == "Level: early-career"
    embed = _embed(await env.fake.wait_callback(await env.fake.slash(top, "level")))
    assert embed["title"] == "Level: early-career"  # no choice: shows the current level
    assert env.fake.rejected == []


async def test_streak_settings_are_typed_options(env: Env) -> None:
    """Issue 14: day-start is an integer 0-23, away-skip a choice; both answer."""
    top = top_of(env.fake, "settings-day-start")
    hour = _sub_option(env.fake, top, "settings-day-start", "hour")
    assert (hour["type"], hour["min_value"], hour["max_value"]) == (4, 0, 23)
    state = _sub_option(
        env.fake, top_of(env.fake, "settings-away-skip"), "settings-away-skip", "state"
    )
    assert [c["value"] for c in state["choices"]] == ["off", "on"]
    skip = _sub_option(env.fake, top_of(env.fake, "daily-skip"), "daily-skip", "when")
    assert skip["type"] == 3 and "next <N> days" in skip["description"]

    iid = await env.fake.slash(top, "settings-day-start", {"hour": 4})
    assert "04:00" in _embed(await env.fake.wait_callback(iid))["title"]
    away_top = top_of(env.fake, "settings-away-skip")
    iid = await env.fake.slash(away_top, "settings-away-skip", {"state": "on"})
    refused = _embed(await env.fake.wait_callback(iid))
    assert refused["title"] == messages.ERROR_TITLE
    assert "Discord doesn't tell careerbot when you are away" in refused["description"]
    iid = await env.fake.slash(
        top_of(env.fake, "daily-skip"), "daily-skip", {"when": "next 2 days"}
    )
    assert "2026-03-02 to 2026-03-03" in _embed(await env.fake.wait_callback(iid))["title"]
