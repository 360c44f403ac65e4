"""``careerbot run``: the configured chat platforms plus the daily-tip scheduler."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.cli.platforms import platform_run_arguments
from bot.config import Settings
from bot.platforms.registry import Platform

if TYPE_CHECKING:
    from bot.cli import Subparsers


def register(subparsers: Subparsers, platforms: Sequence[Platform]) -> None:
    p = subparsers.add_parser("run", help="run the configured chat platforms and daily tips")
    platform_run_arguments(p, platforms)
    p.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run as serve

    options = {
        k: v for k, v in vars(args).items() if k not in ("cmd", "command", "platform", "run")
    }
    return serve(settings, getattr(args, "platform", None) or "all", options, _to_stderr)


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)
