"""``careerbot discord``: Discord chores that need the bot token but not a running bot.

careerbot discord clear-commands --global       remove the application's global commands
careerbot discord clear-commands --guild ID     remove those registered on one server

``careerbot run`` registers the slash commands globally, or with ``DISCORD_GUILD_ID`` on
that server only. A registration made before switching stays with Discord, and a server
that has both shows every command twice: clearing the old one ends that. It logs in over
REST only (no gateway connection) with ``DISCORD_TOKEN`` (and ``DISCORD_API_URL``).

:func:`register` adds the subcommand to ``careerbot``'s parser (see
:mod:`bot.cli.platforms`) without importing discord.py; :func:`run` imports it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings

if TYPE_CHECKING:
    from typing import TypeAlias

    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    from bot.platforms.discord.settings import DiscordSettings

PROG = "careerbot discord"
DESCRIPTION = "Discord chores that need the bot token but not a running bot."
CLEARED_GLOBAL = (
    "Removed the global slash commands of the bot's application. Discord apps may show "
    "them for a few more minutes; reopen Discord (Ctrl+R) to refresh."
)
CLEARED_GUILD = "Removed the slash commands registered on server {guild}."
REFUSED = "Discord refused: HTTP {status} (code {code})."


def register(subparsers: Subparsers) -> None:
    """Add ``careerbot discord clear-commands`` (no discord.py import: help stays fast)."""
    p = subparsers.add_parser(
        "discord",
        help="clear an old Discord slash-command registration",
        description=DESCRIPTION,
    )
    p.set_defaults(run=run)
    sub = p.add_subparsers(dest="action", metavar="COMMAND", required=True)
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


async def clear_commands(settings: DiscordSettings, guild_id: int | None) -> None:
    """Register an empty command list globally (``guild_id`` None) or on one server."""
    import discord
    from discord import app_commands

    from bot.platforms.discord.adapter import NO_TOKEN, login
    from bot.platforms.discord.routes import route

    if not settings.discord_token:
        raise ConfigError(NO_TOKEN)
    client = discord.Client(intents=discord.Intents(guilds=True))  # REST only: no gateway
    route(client, settings.discord_api_url, settings.discord_gateway_url)
    try:
        await login(client, settings.discord_token)
        tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
        await tree.sync(guild=discord.Object(id=guild_id) if guild_id else None)
    finally:
        await client.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    """``careerbot discord clear-commands``: the exit status (2: token, 1: refused)."""
    import discord

    # discord.py warns about voice support on every client; a one-shot REST call needs none
    logging.getLogger("discord.client").setLevel(logging.ERROR)
    try:
        from bot.platforms.discord import PLATFORM
        from bot.platforms.registry import settings_of

        asyncio.run(clear_commands(settings_of(settings, PLATFORM), args.guild))
    except ConfigError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except discord.HTTPException as exc:
        print(f"{PROG}: " + REFUSED.format(status=exc.status, code=exc.code), file=sys.stderr)
        return 1
    print(CLEARED_GUILD.format(guild=args.guild) if args.guild else CLEARED_GLOBAL)
    return 0
