"""``careerbot say [opts] TEXT``: one command, one reply; exit 1 when the command failed."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core.replies import Reply
from bot.platforms import registry

if TYPE_CHECKING:
    from bot.cli import Subparsers


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser("say", help="send one command and print the reply")
    p.add_argument("--user", help="user id (default: your login name)")
    p.add_argument("--platform", default="console", help="platform of the user (default console)")
    p.add_argument("--tenant", default="local", help="workspace/server of the user")
    p.add_argument("--json", action="store_true", help="print the neutral reply as JSON")
    p.add_argument("text", nargs="+", help="the command, e.g. 'skill pytorch'")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    reply = asyncio.run(_say(settings, args))
    print(reply.to_json() if args.json else reply.plain_text())
    return 0 if reply.ok else 1


async def _say(settings: Settings, args: argparse.Namespace) -> Reply:
    from bot.app import open_core
    from bot.platforms.console.adapter import console_user, say

    # a platform whose user ids are global keys every user under one tenant, as its adapter does
    descriptor = registry.get(settings, args.platform)
    tenant = descriptor.tenant if descriptor and descriptor.tenant else args.tenant
    user = console_user(args.user, args.platform, tenant)
    async with open_core(settings) as core:
        return await say(core, user, " ".join(args.text))
