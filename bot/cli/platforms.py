"""The ONE place where chat platforms add to the command line.

* :func:`platform_run_arguments` — the arguments ``careerbot run`` takes for them
  (which platforms to run; Slack's HTTP mode: ``--http``, ``--host``, ``--port``);
* :func:`platform_commands` — subcommands of their own (``careerbot discord
  clear-commands``), each a module with ``register(subparsers)`` and ``run(args,
  settings) -> int`` like those in :mod:`bot.cli`.

Nothing else in :mod:`bot.cli` names a platform. When the platform registry lands, both
functions iterate over its descriptors instead of the lists below. Registering must not
import a platform library (``careerbot --help`` stays fast and the core-import probe
clean): a platform's ``run`` imports it.
"""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.cli import Subparsers

PLATFORMS = ("slack", "discord")
# platform subcommand modules: each has register(subparsers) and run(args, settings)
PLATFORM_COMMANDS = ("bot.platforms.discord.cli",)


def platform_run_arguments(run: argparse.ArgumentParser) -> None:
    """Add the platforms' arguments to ``careerbot run``'s parser."""
    run.add_argument("--platform", choices=(*PLATFORMS, "all"), default="all")
    # Slack
    run.add_argument("--http", action="store_true", help="Slack HTTP mode (signing secret)")
    run.add_argument("--host", help="HTTP mode: address to bind")
    run.add_argument("--port", type=int, help="HTTP mode: port")


def platform_commands(subparsers: Subparsers) -> None:
    """Add the platforms' own subcommands (``careerbot discord ...``)."""
    for name in PLATFORM_COMMANDS:
        importlib.import_module(name).register(subparsers)
