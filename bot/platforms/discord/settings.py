"""Discord's settings (documented in deploy/.env.example); the token stays out of ``repr``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import setting


@dataclass(frozen=True)
class DiscordSettings:
    discord_token: str = setting("DISCORD_TOKEN", secret=True)
    # sync the commands to this one server instead of globally
    discord_guild_id: int | None = setting("DISCORD_GUILD_ID", None)
    discord_api_url: str = setting("DISCORD_API_URL")  # REST base (default: discord.com)
    discord_gateway_url: str = setting("DISCORD_GATEWAY_URL")
