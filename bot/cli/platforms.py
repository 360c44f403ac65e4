"""The ONE place where chat platforms add to the command line.

* :func:`platform_run_arguments` — the arguments ``careerbot run`` takes for them
  (which platforms to run; Slack's HTTP mode: ``--http``, ``--host``, ``--port``);
* :func:`platform_commands` — subcommands of their own (``careerbot discord
  clear-commands``), each a module with ``register(subparsers)`` and ``run(args,
  settings) -> int`` like those in :mod:`bot.cli`.

Nothing else in :mod:`bot.cli` names a platform: both functions iterate over the
descriptors of the platform registry (:mod:`bot.platforms.registry`). Registering must
not import a platform library (``careerbot --help`` stays fast and the core-import probe
clean): a platform's ``run`` imports it.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.platforms.registry import Platform

if TYPE_CHECKING:
    from bot.cli import Subparsers


def platform_run_arguments(run: argparse.ArgumentParser, platforms: Sequence[Platform]) -> None:
    """Add the platforms' arguments to ``careerbot run``'s parser."""
    run.add_argument("--platform", choices=(*(p.name for p in platforms), "all"), default="all")
    for platform in platforms:
        if platform.run_arguments is not None:
            platform.run_arguments(run)


def platform_commands(subparsers: Subparsers, platforms: Sequence[Platform]) -> None:
    """Add the platforms' own subcommands (``careerbot discord ...``)."""
    for platform in platforms:
        for module in platform.commands:
            importlib.import_module(module).register(subparsers)
