"""Discord shards: the settings, and the real discord.py ``AutoShardedClient`` against the
fake Discord, which routes guilds and interactions by shard as Discord does.

The two-process split (``careerbot run`` twice) is in tests/deploy/test_shards_live.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.core.app import Core
from bot.platforms.discord.settings import DiscordSettings
from bot.platforms.discord.tree import GROUP
from tests.deploy.live import poll
from tests.fakes.discord import GUILD_ID, FakeDiscord
from tests.platforms.discord_env import running

# a guild on each shard of two: Discord's shard of a guild is (guild_id >> 22) % count
ON_SHARD_1 = (7 << 22) + 123
GUILDS = [GUILD_ID, ON_SHARD_1]


def test_the_guilds_lie_on_both_shards() -> None:
    assert [FakeDiscord.shard_of(g, 2) for g in GUILDS] == [0, 1]


def shard_settings(**env: str) -> DiscordSettings:
    settings = load_settings({"DISCORD_TOKEN": "t", **env}).platforms["discord"]
    assert isinstance(settings, DiscordSettings)
    return settings


@pytest.mark.parametrize(
    ("env", "ids"),
    [
        ({}, None),
        ({"DISCORD_SHARD_COUNT": "4"}, None),  # every shard of the count
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0,1"}, (0, 1)),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": " 3 , 1 "}, (3, 1)),
        ({"DISCORD_SHARD_COUNT": "8", "DISCORD_SHARD_IDS": "0-3,6"}, (0, 1, 2, 3, 6)),
        ({"DISCORD_SHARD_COUNT": "1", "DISCORD_SHARD_IDS": "0"}, (0,)),
    ],
)
def test_shard_settings(env: dict[str, str], ids: tuple[int, ...] | None) -> None:
    settings = shard_settings(**env)
    assert settings.shard_ids == ids
    assert settings.runs_shard_zero == (ids is None or 0 in ids)


@pytest.mark.parametrize(
    ("env", "error"),
    [
        (
            {"DISCORD_SHARD_IDS": "0,1"},
            "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the number of shards across all "
            "processes)",
        ),
        ({"DISCORD_SHARD_COUNT": "0"}, "DISCORD_SHARD_COUNT: must be at least 1 (got 0)"),
        ({"DISCORD_SHARD_COUNT": "-2"}, "DISCORD_SHARD_COUNT: must be at least 1 (got -2)"),
        (
            {"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "1,2"},
            "DISCORD_SHARD_IDS: shard 2 is out of range for DISCORD_SHARD_COUNT=2 (ids are 0 to 1)",
        ),
        (
            {"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0-2,2"},
            "DISCORD_SHARD_IDS: shard 2 is listed twice",
        ),
        (
            {"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "one"},
            "DISCORD_SHARD_IDS: 'one' is not a shard id or a range like 0-3",
        ),
        (
            {"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "3-1"},
            "DISCORD_SHARD_IDS: '3-1' is not a shard id or a range like 0-3",
        ),
        (
            {"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "-1"},
            "DISCORD_SHARD_IDS: '-1' is not a shard id or a range like 0-3",
        ),
        (
            {"DISCORD_SHARD_COUNT": "two"},
            "DISCORD_SHARD_COUNT: invalid value 'two' (invalid literal for int() with base 10: "
            "'two')",
        ),
    ],
)
def test_bad_shard_settings_are_one_clear_line(env: dict[str, str], error: str) -> None:
    with pytest.raises(ConfigError) as caught:
        shard_settings(**env)
    assert str(caught.value) == error


def test_the_yaml_file_may_list_shard_ids(tmp_path: Path) -> None:
    config = tmp_path / "careerbot.yaml"
    config.write_text("DISCORD_SHARD_COUNT: 4\nDISCORD_SHARD_IDS: [2, 3]\n", encoding="utf-8")
    assert shard_settings(CAREERBOT_CONFIG=str(config)).shard_ids == (2, 3)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(guilds=GUILDS, shards=2) as f:
        yield f


async def answered_on(fake: FakeDiscord, guild: int | None) -> int:
    """Run ``/career tip`` in ``guild`` (None: a DM); the port its answer came in on."""
    iid = await fake.slash(GROUP, "tip", guild=guild, dm=guild is None)
    callback = await fake.wait_callback(iid)
    assert callback["type"] == 4
    port: int = callback["port"]
    return port


async def test_by_default_one_process_runs_the_recommended_shards(
    core: Core, fake: FakeDiscord
) -> None:
    """No shard settings: ``GET /gateway/bot`` says 2, so this one process identifies on
    both shards, at the URL that answer gives, and answers in both guilds and in DMs."""
    async with running(core, fake, discord_gateway_url="") as adapter:
        assert ("GET", "/api/v10/gateway/bot") in fake.requests
        assert sorted(i["shard"] for i in fake.identified) == [[0, 2], [1, 2]]
        assert adapter.shards == [0, 1] and adapter.connected
        assert {g.id for g in adapter.client.guilds} == set(GUILDS)
        for guild in [*GUILDS, None]:
            assert await answered_on(fake, guild) == fake.port
    assert not adapter.connected


async def test_a_configured_gateway_replaces_the_one_discord_advertises(
    core: Core, fake: FakeDiscord
) -> None:
    """``GET /gateway/bot`` names the port it was asked on; DISCORD_GATEWAY_URL wins."""
    other = await fake.listen()
    async with running(core, fake, discord_gateway_url=fake.gateway_url_at(other)) as adapter:
        assert adapter.connected
    assert [i["port"] for i in fake.identified] == [other, other]


async def test_a_process_runs_only_its_shards_and_syncs_only_with_shard_0(
    core: Core, fake: FakeDiscord
) -> None:
    async with running(core, fake, discord_shard_count=2, discord_shard_ids=("1",)) as adapter:
        assert ("GET", "/api/v10/gateway/bot") not in fake.requests  # the count is given
        assert [i["shard"] for i in fake.identified] == [[1, 2]]
        assert adapter.shards == [1] and adapter.connected
        assert [g.id for g in adapter.client.guilds] == [ON_SHARD_1]
        assert fake.commands == {}  # the process running shard 0 registers them
    async with running(core, fake, discord_shard_count=2, discord_shard_ids=("0",)) as adapter:
        assert [i["shard"] for i in fake.identified][1:] == [[0, 2]]
        assert [g.id for g in adapter.client.guilds] == [GUILD_ID]
        assert list(fake.commands) == [None]  # globally
        assert await answered_on(fake, GUILD_ID) == fake.port
        assert await answered_on(fake, None) == fake.port  # DMs: shard 0


async def test_connected_needs_every_shard_of_the_process(core: Core, fake: FakeDiscord) -> None:
    """Shard 1 dropped (and its reconnection refused): the process is down."""
    async with running(core, fake, discord_shard_count=2) as adapter:
        assert adapter.connected
        fake.token = "revoked"
        [shard_1] = [ws for ws, _ in fake._sockets if fake._shards[ws] == (1, 2)]
        await shard_1.close()
        await poll(lambda: not adapter.connected, 20.0, "connected goes false")
