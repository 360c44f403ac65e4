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
    # OAuth mode (several workspaces): set both instead of SLACK_BOT_TOKEN
    slack_client_id: str = setting("SLACK_CLIENT_ID")
    slack_client_secret: str = setting("SLACK_CLIENT_SECRET", secret=True)
    # the public https URL of /slack/oauth_redirect, as listed in the app's Redirect URLs
    slack_redirect_uri: str = setting("SLACK_REDIRECT_URI")
    secret_key: str = setting("CAREERBOT_SECRET_KEY", secret=True)  # Fernet: tokens at rest
    # refresh a rotating bot token this many minutes before it expires
    token_rotation_minutes: int = setting("SLACK_TOKEN_ROTATION_MINUTES", 120)
    # days an uninstalled workspace's users are kept, in case it comes back
    uninstall_grace_days: int = setting("CAREERBOT_UNINSTALL_GRACE_DAYS", 30)

    @property
    def oauth(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)
