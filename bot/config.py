"""Settings: read once from the environment (and an optional YAML file) into one object.

Precedence: environment variable > ``CAREERBOT_CONFIG`` YAML file > default. Every
setting is documented in ``deploy/.env.example``. Secrets (tokens) are kept out of
``repr`` so they never reach a log line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml


def default_db() -> str:
    """``$CAREERBOT_DB``, else ``$XDG_DATA_HOME/careerbot/careerbot.db`` (~/.local/share)."""
    env = os.environ.get("CAREERBOT_DB", "").strip()
    if env:
        return env
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "careerbot" / "careerbot.db")


class ConfigError(Exception):
    """A setting is missing or invalid; the message names it."""


def _secret() -> Any:
    return field(default="", repr=False)


@dataclass(frozen=True)
class Settings:
    # CAREERBOT_DB: a SQLite file path (or sqlite:///path); the store is chosen from it
    db: str = field(default_factory=default_db)
    log_level: str = "INFO"  # CAREERBOT_LOG_LEVEL: DEBUG, INFO, WARNING or ERROR
    # CAREERBOT_LOG_PLATFORM_DEBUG: let slack_sdk/discord.py/aiohttp log at DEBUG too
    log_platform_debug: bool = False
    tips_dir: Path | None = None  # CAREERBOT_TIPS_DIR: a bank of your own
    # Slack
    slack_bot_token: str = _secret()  # SLACK_BOT_TOKEN (xoxb-…)
    slack_app_token: str = _secret()  # SLACK_APP_TOKEN (xapp-…, Socket Mode)
    slack_signing_secret: str = _secret()  # SLACK_SIGNING_SECRET (HTTP mode)
    slack_api_url: str = "https://slack.com/api/"  # SLACK_API_URL
    # Discord
    discord_token: str = _secret()  # DISCORD_TOKEN
    discord_guild_id: int | None = None  # DISCORD_GUILD_ID: sync commands to one server
    discord_api_url: str = ""  # DISCORD_API_URL: REST base (default: discord.com)
    discord_gateway_url: str = ""  # DISCORD_GATEWAY_URL
    # HTTP mode / health
    http_host: str = "0.0.0.0"  # CAREERBOT_HTTP_HOST
    http_port: int = 3000  # CAREERBOT_HTTP_PORT
    # daily tips
    catchup_hours: float = 6.0  # CAREERBOT_CATCHUP_HOURS
    # health
    heartbeat_seconds: float = 5.0  # CAREERBOT_HEARTBEAT_SECONDS

    @property
    def db_path(self) -> Path:
        """The SQLite file of ``CAREERBOT_DB`` (backups, checks and the heartbeat use it)."""
        scheme, sep, rest = self.db.partition("://")
        if not sep:
            return Path(self.db).expanduser()
        if scheme.lower() != "sqlite":
            raise ConfigError(f"CAREERBOT_DB: a {scheme}:// database is not a SQLite file")
        return Path(rest[1:]).expanduser()

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def discord_configured(self) -> bool:
        return bool(self.discord_token)


ENV_NAMES: dict[str, str] = {
    "db": "CAREERBOT_DB",
    "log_level": "CAREERBOT_LOG_LEVEL",
    "log_platform_debug": "CAREERBOT_LOG_PLATFORM_DEBUG",
    "tips_dir": "CAREERBOT_TIPS_DIR",
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_api_url": "SLACK_API_URL",
    "discord_token": "DISCORD_TOKEN",
    "discord_guild_id": "DISCORD_GUILD_ID",
    "discord_api_url": "DISCORD_API_URL",
    "discord_gateway_url": "DISCORD_GATEWAY_URL",
    "http_host": "CAREERBOT_HTTP_HOST",
    "http_port": "CAREERBOT_HTTP_PORT",
    "catchup_hours": "CAREERBOT_CATCHUP_HOURS",
    "heartbeat_seconds": "CAREERBOT_HEARTBEAT_SECONDS",
}

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    raw: dict[str, Any] = {}
    config_file = env.get("CAREERBOT_CONFIG")
    if config_file:
        try:
            data = yaml.safe_load(Path(config_file).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"CAREERBOT_CONFIG: cannot read {config_file}: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"CAREERBOT_CONFIG: {config_file} must be a mapping of settings")
        by_env = {v.lower(): k for k, v in ENV_NAMES.items()}
        for key, value in data.items():
            name = by_env.get(str(key).lower(), str(key).lower())
            if name not in ENV_NAMES:
                raise ConfigError(f"CAREERBOT_CONFIG: unknown setting '{key}'")
            raw[name] = value
    for name, var in ENV_NAMES.items():
        value = env.get(var)
        if value is not None and value.strip() != "":
            raw[name] = value.strip()
    kinds = {f.name: f.type for f in fields(Settings)}
    out: dict[str, Any] = {}
    for name, value in raw.items():
        out[name] = _convert(name, str(kinds[name]), value)
    return Settings(**out)


def _convert(name: str, kind: str, value: Any) -> Any:
    var = ENV_NAMES[name]
    if name == "log_level":
        level = str(value).strip().upper()
        if level not in LOG_LEVELS:
            raise ConfigError(
                f"{var}: invalid value {str(value)[:40]!r} (use one of {', '.join(LOG_LEVELS)})"
            )
        return level
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word not in _TRUE + _FALSE:
                raise ValueError("use 1 or 0")
            return word in _TRUE
        if kind.startswith("Path"):
            return Path(str(value)).expanduser()
        if kind.startswith("int"):
            return int(value)
        if kind == "float":
            number = float(value)
            if number < 0:
                raise ValueError("must not be negative")
            if name == "heartbeat_seconds" and not 0 < number <= 60:
                raise ValueError("must be more than 0 and at most 60")
            return number
    except ValueError as exc:
        raise ConfigError(f"{var}: invalid value {str(value)[:40]!r} ({exc})") from exc
    return str(value)
