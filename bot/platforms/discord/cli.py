"""``careerbot discord``: Discord chores that need the bot token but not a running bot.

careerbot discord clear-commands --global       remove the application's global commands
careerbot discord clear-commands --guild ID     remove those registered on one server

``careerbot run`` registers the slash commands globally, or with ``DISCORD_GUILD_ID`` on
that server only. A registration made before switching stays with Discord, and a server
that has both shows every command twice: clearing the old one ends that. It logs in over
REST only (no gateway connection) with ``DISCORD_TOKEN`` (and ``DISCORD_API_URL``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

import discord
from discord import app_commands

from bot.config import ConfigError, Settings, load_settings
from bot.platforms.discord.adapter import NO_TOKEN, apply_urls, login, restore_urls

PROG = "careerbot discord"
DESCRIPTION = "Discord chores that need the bot token but not a running bot."
CLEARED_GLOBAL = (
    "Removed the global slash commands of the bot's application. Discord apps may show "
    "them for a few more minutes; reopen Discord (Ctrl+R) to refresh."
)
CLEARED_GUILD = "Removed the slash commands registered on server {guild}."
REFUSED = "Discord refused: HTTP {status} (code {code})."


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND", required=True)
    clear = sub.add_parser(
        "clear-commands",
        help="remove an old slash-command registration (after setting or unsetting "
        "DISCORD_GUILD_ID)",
    )
    scope = clear.add_mutually_exclusive_group(required=True)
    scope.add_argument(
        "--global",
        dest="everywhere",
        action="store_true",
        help="the global commands (after setting DISCORD_GUILD_ID)",
    )
    scope.add_argument(
        "--guild",
        type=int,
        metavar="ID",
        help="those on this server (after unsetting DISCORD_GUILD_ID)",
    )
    return p


async def clear_commands(settings: Settings, guild_id: int | None) -> None:
    """Register an empty command list globally (``guild_id`` None) or on one server."""
    if not settings.discord_token:
        raise ConfigError(NO_TOKEN)
    saved = apply_urls(settings)
    client = discord.Client(intents=discord.Intents(guilds=True))  # REST only: no gateway
    try:
        await login(client, settings.discord_token)
        tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
        await tree.sync(guild=discord.Object(id=guild_id) if guild_id else None)
    finally:
        await client.close()
        restore_urls(saved)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # discord.py warns about voice support on every client; a one-shot REST call needs none
    logging.getLogger("discord.client").setLevel(logging.ERROR)
    try:
        settings = load_settings()
        asyncio.run(clear_commands(settings, args.guild))
    except ConfigError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except discord.HTTPException as exc:
        print(f"{PROG}: " + REFUSED.format(status=exc.status, code=exc.code), file=sys.stderr)
        return 1
    print(CLEARED_GUILD.format(guild=args.guild) if args.guild else CLEARED_GLOBAL)
    return 0
