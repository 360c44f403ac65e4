"""One profile on Slack and Discord, end to end: a Slack user (real slack-bolt against
the fake Slack) runs ``link``, the same person on Discord (real discord.py against the
fake Discord) runs ``link <code>``; both then see the same ``progress``. Both adapters
share one core and one store, as ``careerbot run`` wires them."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.app import Core
from tests.fakes.discord import EPHEMERAL, FakeDiscord
from tests.fakes.slack import FakeSlack, slash_command
from tests.platforms import discord_env, slack_env
from tests.platforms.slack_env import answer, slack

__all__ = ["slack"]  # fixtures used here

CODE = re.compile(r"code: ([A-HJ-NP-Z2-9]{8})\b")


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as f:
        yield f


async def slack_says(fake: FakeSlack, text: str) -> Any:
    url = fake.new_response_url("C1", "U1")
    env = await fake.send_envelope("slash_commands", slash_command(text, response_url=url))
    return await answer(fake, url, await fake.wait_ack(env))


async def discord_says(fake: FakeDiscord, sub: str, options: dict[str, Any] | None = None) -> Any:
    """``/career <sub>`` (or ``/career-more`` when the registry overflows 25 commands)."""
    group = next(
        g for g in ("career", "career-more") if any(o["name"] == sub for o in _options(fake, g))
    )
    iid = await fake.slash(group, sub, options)
    callback = await fake.wait_callback(iid)
    return callback, fake.messages_for(iid)


def _options(fake: FakeDiscord, group: str) -> list[dict[str, Any]]:
    try:
        return list(fake.find_command(group, guild=None).get("options") or [])
    except KeyError:
        return []


async def test_link_on_slack_then_discord_shares_one_progress(
    slack: FakeSlack, discord: FakeDiscord, core: Core, tmp_path: Path
) -> None:
    async with slack_env.running(core, slack, tmp_path), discord_env.running(core, discord):
        await slack_says(slack, "learn python")
        await slack_says(slack, "done rust")
        await discord_says(discord, "learn", {"skill": "pytorch"})

        issued = await slack_says(slack, "link")
        assert issued.response_type == "ephemeral"  # only the person who asked sees it
        found = CODE.search(json.dumps(issued.blocks) + issued.text)
        assert found, issued.text
        code = found.group(1)

        callback, (message,) = await discord_says(discord, "link", {"code": code})
        assert callback["data"]["flags"] & EPHEMERAL
        assert "Profiles linked" in json.dumps(message)

        # the code reply on Discord is ephemeral too
        callback, _ = await discord_says(discord, "link")
        assert callback["data"]["flags"] & EPHEMERAL

        on_slack = await slack_says(slack, "progress")
        _, (on_discord,) = await discord_says(discord, "progress")
        slack_text = json.dumps(on_slack.blocks, ensure_ascii=False) + on_slack.text
        discord_text = json.dumps(on_discord, ensure_ascii=False)
        for text in (slack_text, discord_text):
            assert "Python" in text and "Rust" in text and "PyTorch" in text
            assert "Linked: Slack and Discord" in text
