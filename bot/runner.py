"""``careerbot run``: the configured platform adapters plus the daily-tip scheduler."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.config import Settings

log = logging.getLogger(__name__)

NO_PLATFORM = (
    "careerbot run: no chat platform is configured. Set SLACK_BOT_TOKEN and SLACK_APP_TOKEN "
    "(or SLACK_SIGNING_SECRET for HTTP mode) for Slack, and/or DISCORD_TOKEN for Discord. "
    "To try the bot without a platform, run 'careerbot console'."
)


def run(settings: Settings, args: argparse.Namespace) -> int:
    if not (settings.slack_configured or settings.discord_configured):
        print(NO_PLATFORM, file=sys.stderr)
        return 2
    print("careerbot run: the platform adapters are not built yet", file=sys.stderr)
    return 2
