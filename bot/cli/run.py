"""``careerbot run``: the configured chat platforms plus the daily-tip scheduler."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.cli.platforms import platform_run_arguments
from bot.config import Settings

if TYPE_CHECKING:
    from bot.cli import Subparsers


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "run", help="run the configured Slack/Discord adapters and daily tips"
    )
    platform_run_arguments(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run as serve

    return serve(settings, args)
