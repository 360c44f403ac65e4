"""The ``careerbot`` command line.

careerbot                      console chat (or ``run`` when platform tokens are set)
careerbot console              interactive chat on the local database, no tokens
careerbot say [opts] TEXT      one command, one reply; exit 1 when the command failed
careerbot run                  the configured Slack/Discord adapters + daily scheduler
careerbot tips check|extract   validate the bank / draft tips from a document
careerbot schedule preview     daily-tip delivery instants
careerbot db backup|check      online backup / integrity check
careerbot health               exit 0 when the running bot is healthy
careerbot discord clear-commands   remove an old Discord slash-command registration
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from bot import __version__
from bot.bank import BankError
from bot.config import ConfigError, Settings, load_settings
from bot.core.errors import StoreError

log = logging.getLogger(__name__)

# Subcommands that own their argument parsing: name -> (module:function(argv) -> int, help)
DELEGATED: dict[str, tuple[str, str]] = {
    "tips": ("bot.bank.cli:main", "check the tip bank, or draft tips from a document"),
    "db": ("bot.storage.sqlite.maintenance:main", "back up, restore or check the database"),
    "health": ("bot.health:main", "exit 0 when the running bot is healthy (HEALTHCHECK)"),
    "schedule": ("bot.delivery.cli:main", "preview daily-tip delivery instants"),
    "discord": (
        "bot.platforms.discord.cli:main",
        "clear an old Discord slash-command registration",
    ),
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="careerbot",
        description="A career-coaching bot for machine-learning engineers.",
        epilog="With no command: the console, or 'run' when platform tokens are set.",
    )
    p.add_argument("--version", action="version", version=f"careerbot {__version__}")
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")
    c = sub.add_parser("console", help="chat with the bot in this terminal (no tokens needed)")
    c.add_argument("--user", help="your user id (default: your login name)")
    s = sub.add_parser("say", help="send one command and print the reply")
    s.add_argument("--user", help="user id (default: your login name)")
    s.add_argument("--platform", default="console", help="platform of the user (default console)")
    s.add_argument("--tenant", default="local", help="workspace/server of the user")
    s.add_argument("--json", action="store_true", help="print the neutral reply as JSON")
    s.add_argument("text", nargs="+", help="the command, e.g. 'skill pytorch'")
    r = sub.add_parser("run", help="run the configured Slack/Discord adapters and daily tips")
    r.add_argument("--platform", choices=("slack", "discord", "all"), default="all")
    r.add_argument("--http", action="store_true", help="Slack HTTP mode (signing secret)")
    r.add_argument("--host", help="HTTP mode: address to bind")
    r.add_argument("--port", type=int, help="HTTP mode: port")
    for name, (_, helptext) in DELEGATED.items():
        d = sub.add_parser(name, help=helptext, add_help=False)
        d.add_argument("rest", nargs=argparse.REMAINDER)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # the reader went away (`careerbot say ... | head`): stop quietly, like cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:  # argparse's REMAINDER drops a leading "--option"
        args = argparse.Namespace(cmd=argv[0], rest=argv[1:])
    else:
        args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return 2
    cmd = args.cmd
    if cmd is None:
        cmd = "run" if settings.slack_configured or settings.discord_configured else "console"
    from bot.logs import setup_logging

    setup_logging(
        settings.log_level if cmd == "run" else logging.WARNING,
        platform_debug=settings.log_platform_debug,
    )
    if cmd in DELEGATED:
        module, _, func = DELEGATED[cmd][0].partition(":")
        entry = getattr(importlib.import_module(module), func)
        return int(entry(list(getattr(args, "rest", []))))
    try:
        if cmd == "console":
            return asyncio.run(_console(settings, getattr(args, "user", None)))
        if cmd == "say":
            return asyncio.run(_say(settings, args))
        if cmd == "run":
            from bot.runner import run

            return run(settings, args)
    except BankError as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    raise AssertionError(cmd)


async def _console(settings: Settings, user_id: str | None) -> int:
    from bot.bootstrap import open_core
    from bot.platforms.console.adapter import chat, console_user, stdin_bytes

    async with open_core(settings) as core:
        return await chat(core, console_user(user_id), stdin_bytes(), sys.stdout)


async def _say(settings: Settings, args: argparse.Namespace) -> int:
    from bot.bootstrap import open_core
    from bot.platforms.console.adapter import console_user, say

    user = console_user(args.user, args.platform, args.tenant)
    async with open_core(settings) as core:
        reply = await say(core, user, " ".join(args.text))
    print(reply.to_json() if args.json else reply.plain_text())
    return 0 if reply.ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
