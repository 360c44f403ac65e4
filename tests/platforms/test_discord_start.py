"""Starting Discord from the command line: ``careerbot run`` errors and command registration.

``careerbot`` runs as a real process against the fake Discord on loopback.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping
from pathlib import Path

import pytest

from bot.core.app import Core
from tests.deploy.live import careerbot, clean_env, start_bot
from tests.fakes.discord import APP_ID, FakeDiscord
from tests.platforms.discord_env import running

SECRETS = ("carl", "s3cret-pw", "k3y", "frag")


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("setting", "url", "shown"),
    [
        (
            "DISCORD_API_URL",
            "http://carl:s3cret-pw@127.0.0.1:{closed}/api?key=k3y#frag",
            "cannot reach Discord at http://127.0.0.1:{closed}/api ",
        ),
        (
            "DISCORD_API_URL",
            "http://127.0.0.1:{closed}/api/v10?carl=s3cret-pw&key=k3y#frag",
            "cannot reach Discord at http://127.0.0.1:{closed}/api/v10 ",
        ),
        (
            "DISCORD_GATEWAY_URL",
            "ws://carl:s3cret-pw@127.0.0.1:{closed}/gateway?key=k3y#frag",
            "cannot reach the Discord gateway at ws://127.0.0.1:{closed}/gateway ",
        ),
        (  # an HTTP server that is no gateway: aiohttp's error names the whole URL
            "DISCORD_GATEWAY_URL",
            "ws://carl:s3cret-pw@127.0.0.1:{fake}/not-a-gateway?key=k3y#frag",
            "cannot reach the Discord gateway at ws://127.0.0.1:{fake}/not-a-gateway ",
        ),
    ],
)
async def test_an_unreachable_url_is_named_without_its_credentials(
    tmp_path: Path, setting: str, url: str, shown: str
) -> None:
    async with FakeDiscord() as fake:
        ports = {"closed": closed_port(), "fake": fake.port}
        env = {
            "CAREERBOT_DB": str(tmp_path / "bot.db"),
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            setting: url.format(**ports),
        }
        proc = await start_bot(env, "--platform", "discord")
        out, _ = await proc.communicate()
    output = out.decode()
    assert proc.returncode == 2, output
    [line] = [x for x in output.splitlines() if x.startswith("careerbot run:")]
    assert line.startswith(f"careerbot run: {setting}: {shown.format(**ports)}"), line
    for secret in SECRETS:
        assert secret not in line
    assert "s3cret-pw" not in output  # nor in the log lines before it


async def run_cli(env: Mapping[str, str], *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *careerbot(*args),
        env=clean_env(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(), err.decode()


async def test_switching_to_a_guild_and_clearing_the_old_global_commands(
    core: Core, tmp_path: Path
) -> None:
    async with FakeDiscord() as fake:
        env = {"DISCORD_TOKEN": fake.token, "DISCORD_API_URL": fake.api_url}
        async with running(core, fake):  # first run: no DISCORD_GUILD_ID, global commands
            pass
        async with running(core, fake, discord_guild_id=fake.guild_id):
            pass  # now the server has both: Discord shows every command twice there
        assert fake.commands[None] and fake.commands[fake.guild_id]
        fake.requests.clear()
        status, out, err = await run_cli(env, "discord", "clear-commands", "--global")
        assert (status, err) == (0, ""), err
        assert "Removed the global slash commands" in out
        assert fake.commands[None] == []  # an empty list: Discord deletes them all
        assert fake.commands[fake.guild_id]  # the server's own registration stays
        assert [r for r in fake.requests if r[0] == "PUT"] == [
            ("PUT", f"/api/v10/applications/{APP_ID}/commands")
        ]
        # and back: without DISCORD_GUILD_ID again, the server's copies go
        status, out, err = await run_cli(
            env, "discord", "clear-commands", "--guild", str(fake.guild_id)
        )
        assert (status, err) == (0, ""), err
        assert str(fake.guild_id) in out
        assert fake.commands[fake.guild_id] == []


async def test_clear_commands_names_a_missing_or_refused_token() -> None:
    async with FakeDiscord() as fake:
        status, _, err = await run_cli({}, "discord", "clear-commands", "--global")
        assert status == 2 and "DISCORD_TOKEN" in err
        env = {"DISCORD_TOKEN": "wrong", "DISCORD_API_URL": fake.api_url}
        status, _, err = await run_cli(env, "discord", "clear-commands", "--global")
        assert status == 2 and "DISCORD_TOKEN" in err and "Traceback" not in err
        assert [r for r in fake.requests if r[0] == "PUT"] == []
