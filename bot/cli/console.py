"""``careerbot console``: chat with the bot in this terminal (no tokens needed)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.cli import Subparsers


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "console", help="chat with the bot in this terminal (no tokens needed)"
    )
    p.add_argument("--user", help="your user id (default: your login name)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_chat(settings, args.user))


async def _chat(settings: Settings, user_id: str | None) -> int:
    from bot.app import open_core
    from bot.platforms.console.adapter import chat, console_user, stdin_bytes

    async with open_core(settings) as core:
        return await chat(core, console_user(user_id), stdin_bytes(), sys.stdout)
