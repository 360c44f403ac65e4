"""Starting Discord from the command line: ``careerbot run`` errors and command registration.

``careerbot`` runs as a real process against the fake Discord on loopback.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.deploy.live import start_bot
from tests.fakes.discord import FakeDiscord

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
