"""Slack's settings (documented in deploy/.env.example); tokens stay out of ``repr``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import setting


@dataclass(frozen=True)
class SlackSettings:
    slack_bot_token: str = setting("SLACK_BOT_TOKEN", secret=True)  # xoxb-…
    slack_app_token: str = setting("SLACK_APP_TOKEN", secret=True)  # xapp-…, Socket Mode
    slack_signing_secret: str = setting("SLACK_SIGNING_SECRET", secret=True)  # HTTP mode
    slack_api_url: str = setting("SLACK_API_URL", "https://slack.com/api/")
    # HTTP mode: the address and port to listen on
    http_host: str = setting("CAREERBOT_HTTP_HOST", "0.0.0.0")
    http_port: int = setting("CAREERBOT_HTTP_PORT", 3000)
