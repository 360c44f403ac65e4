"""The ``careerbot`` command line: one module per subcommand.

careerbot                      console chat (or ``run`` when platform tokens are set)
careerbot console              interactive chat on the local database, no tokens
careerbot say [opts] TEXT      one command, one reply; exit 1 when the command failed
careerbot run                  the configured platforms' adapters + daily scheduler
careerbot tips check|extract   validate the bank / draft tips from a document
careerbot db backup|restore|check|copy   backup / restore / integrity check / copy SRC DST
careerbot health               exit 0 when the running bot is healthy
careerbot schedule preview     daily-tip delivery instants
careerbot discord clear-commands   remove an old Discord slash-command registration

Each module in :data:`COMMANDS` has ``register(subparsers)``, which adds its parser and
sets ``run`` as the parser's default, and ``run(args, settings) -> int``, which calls
the library (values or typed errors back), prints, and returns the exit status.
Platforms add their arguments and subcommands in one place: :mod:`bot.cli.platforms`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, TypeAlias

from bot import __version__
from bot.bank import BankError
from bot.config import ConfigError, Settings, load_settings
from bot.core.errors import StoreError
from bot.platforms import registry
from bot.platforms.registry import Platform

if TYPE_CHECKING:
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

Run = Callable[[argparse.Namespace, Settings], int]

PROG = "careerbot"


def _commands() -> list[ModuleType]:
    """The subcommand modules, in the order ``careerbot --help`` lists them."""
    from bot.cli import console, db, health, run, say, schedule, tips

    return [console, say, run, tips, db, health, schedule]


def parser(platforms: Sequence[Platform] | None = None) -> argparse.ArgumentParser:
    """The whole command line; ``platforms``: the registry's (default: the built-in ones)."""
    from bot.cli import run
    from bot.cli.platforms import platform_commands

    if platforms is None:
        platforms = registry.load_platforms()

    p = argparse.ArgumentParser(
        prog=PROG,
        description="A career-coaching bot for machine-learning engineers.",
        epilog="With no command: the console, or 'run' when platform tokens are set.",
    )
    p.add_argument("--version", action="version", version=f"careerbot {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in _commands():
        if module is run:
            run.register(sub, platforms)
        else:
            module.register(sub)
    platform_commands(sub, platforms)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # the reader went away (`careerbot say ... | head`): stop quietly, like cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _main(argv: Sequence[str] | None) -> int:
    error: ConfigError | None = None
    try:
        settings = load_settings()
        platforms = registry.platforms(settings)
    except ConfigError as exc:  # told after parsing: --help and --version still work
        error, platforms = exc, registry.load_platforms()
    args = parser(platforms).parse_args(argv)
    if error is not None:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    if args.command is None:
        chosen = "run" if registry.configured(settings) else "console"
        args = parser(platforms).parse_args([chosen])
    from bot.logs import setup_logging

    setup_logging(
        settings.log_level if args.command == "run" else logging.WARNING,
        platform_debug=settings.log_platform_debug,
    )
    command: Run = args.run
    try:
        return command(args, settings)
    except BankError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
