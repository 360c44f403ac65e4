"""Discord (discord.py): the /career command tree, buttons, DMs and channel posts.

``PLATFORM`` is its descriptor for the registry (bot.platforms.registry); discord.py
is imported only when ``build`` (or the ``discord`` subcommand) runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.core.requests import GLOBAL_TENANT
from bot.delivery.sender import Limits
from bot.platforms.discord.settings import DiscordSettings
from bot.platforms.registry import Platform

if TYPE_CHECKING:
    from bot.core.app import Core
    from bot.core.ports import Adapter


def _build(settings: DiscordSettings, core: Core, options: Mapping[str, Any]) -> Adapter:
    from bot.platforms.discord.adapter import DiscordAdapter

    return DiscordAdapter(settings, core)


def mention(channel_id: str) -> str:
    """A channel link in message content, embed descriptions and field values (a name
    that is no snowflake stays text)."""
    return f"<#{channel_id}>" if channel_id.isdigit() else f"#{channel_id}"


PLATFORM = Platform(
    name="discord",
    settings=DiscordSettings,
    configured=lambda s: bool(s.discord_token),
    build=_build,
    # 50 requests/s per bot, counted in requests (the first DM also opens the channel);
    # interaction replies do not count against it.
    limits=Limits(limit=49, window=1.0, scope="bot", first_dm_cost=2),
    setup="DISCORD_TOKEN for Discord",
    mention=mention,
    tenant=GLOBAL_TENANT,  # user ids are global: one profile per person
    commands=("bot.platforms.discord.cli",),
)
