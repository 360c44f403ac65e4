"""A running Discord set-up for tests: the fake server, a core, and the real adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bot.core.app import Core
from bot.platforms.discord.adapter import DiscordAdapter
from bot.platforms.discord.settings import DiscordSettings
from tests.fakes.discord import FakeDiscord


def settings_for(fake: FakeDiscord, **kw: Any) -> DiscordSettings:
    values: dict[str, Any] = {
        "discord_token": fake.token,
        "discord_api_url": fake.api_url,
        "discord_gateway_url": fake.gateway_url,
    }
    return DiscordSettings(**(values | kw))


@asynccontextmanager
async def running(core: Core, fake: FakeDiscord, **kw: Any) -> AsyncIterator[DiscordAdapter]:
    """A started adapter (READY, commands synced), closed on exit."""
    options = {"guild_ready_timeout": 0.1}
    options.update({k: kw.pop(k) for k in list(kw) if k in ("defer_after",)})
    adapter = DiscordAdapter(settings_for(fake, **kw), core, **options)
    try:
        await adapter.start()
        yield adapter
    finally:
        await adapter.close()


@dataclass
class Env:
    fake: FakeDiscord
    adapter: DiscordAdapter
    core: Core

    async def slash(self, sub: str, options: dict[str, Any] | None = None, **kw: Any) -> str:
        return await self.fake.slash("career", sub, options, **kw)

    async def answer(self, sub: str, options: dict[str, Any] | None = None, **kw: Any) -> Any:
        """Run ``/career sub`` and return (callback, messages it created)."""
        iid = await self.slash(sub, options, **kw)
        callback = await self.fake.wait_callback(iid)
        return callback, self.fake.messages_for(iid)


def top_of(fake: FakeDiscord, sub: str) -> str:
    """The synced top-level command holding subcommand ``sub``: /career, or its overflow
    /career-more once /career holds 25 (bot.platforms.discord.tree)."""
    from bot.platforms.discord.tree import GROUP, MORE

    for top in (GROUP, MORE):
        try:
            command = fake.find_command(top, guild=False)
        except KeyError:
            continue
        if any(o["name"] == sub for o in command["options"]):
            return top
    raise KeyError(sub)
