"""Slack (slack-bolt): slash commands, buttons, App Home, DMs and channel posts.

``PLATFORM`` is its descriptor for the registry (bot.platforms.registry); slack-bolt
is imported only when ``build`` runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.delivery.sender import Limits
from bot.platforms.registry import Platform
from bot.platforms.slack.cli import run_arguments
from bot.platforms.slack.settings import SlackSettings

if TYPE_CHECKING:
    from bot.core.app import Core
    from bot.core.ports import Adapter

_SLACK_ID = re.compile(r"[A-Z0-9]{2,}")


def _build(settings: SlackSettings, core: Core, options: Mapping[str, Any]) -> Adapter:
    from bot.platforms.slack.adapter import SlackAdapter

    return SlackAdapter(
        settings,
        core,
        http=True if options.get("http") else None,
        host=options.get("host"),
        port=options.get("port"),
    )


def mention(channel_id: str) -> str:
    """A channel link in mrkdwn (a name that is no Slack id, e.g. #general, stays text)."""
    return f"<#{channel_id}>" if _SLACK_ID.fullmatch(channel_id) else f"#{channel_id}"


PLATFORM = Platform(
    name="slack",
    settings=SlackSettings,
    configured=lambda s: bool(s.slack_bot_token) or s.oauth,
    build=_build,
    # chat.postMessage: ~1 message/s per channel, plus a workspace budget Slack does not
    # publish (8/s, conservative); conversations.open/history have their own tiers.
    limits=Limits(limit=8, window=1.0, scope="tenant", channel_limit=1, channel_window=1.0),
    setup=(
        "SLACK_BOT_TOKEN and SLACK_APP_TOKEN (or SLACK_SIGNING_SECRET for HTTP mode) for Slack"
        " (or, for several workspaces, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_SIGNING_SECRET"
        " and CAREERBOT_SECRET_KEY)"
    ),
    mention=mention,
    run_arguments=run_arguments,
    commands=("bot.platforms.slack.cli",),
)
