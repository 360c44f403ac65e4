"""Settings: read once from the environment (and an optional YAML file) into one object.

Precedence: environment variable > ``CAREERBOT_CONFIG`` YAML file > default. Every
setting is documented in ``deploy/.env.example``. Secrets (tokens) are kept out of
``repr`` so they never reach a log line.

Each chat platform declares its own settings (a dataclass whose fields name their
environment variable with :func:`setting`, in its package under ``bot/platforms``);
:func:`load_settings` reads them for every platform of the registry into
``Settings.platforms`` (only those set to something else than their defaults).
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


def setting(env: str, default: Any = "", *, secret: bool = False) -> Any:
    """A field of a platform's settings dataclass, read from the variable ``env``.

    A secret is kept out of ``repr``. In the YAML file the key is the variable's name
    or the field's name (any case).
    """
    return field(default=default, repr=not secret, metadata={"env": env})


def env_names(cls: type[Any]) -> dict[str, str]:
    """field name -> environment variable, for a settings dataclass built with ``setting``."""
    return {f.name: f.metadata["env"] for f in fields(cls) if "env" in f.metadata}


@dataclass(frozen=True)
class Settings:
    # CAREERBOT_DB: a SQLite file path (or sqlite:///path); the store is chosen from it
    db: str = field(default_factory=default_db)
    log_level: str = "INFO"  # CAREERBOT_LOG_LEVEL: DEBUG, INFO, WARNING or ERROR
    # CAREERBOT_LOG_PLATFORM_DEBUG: let slack_sdk/discord.py/aiohttp log at DEBUG too
    log_platform_debug: bool = False
    tips_dir: Path | None = None  # CAREERBOT_TIPS_DIR: a bank of your own
    # CAREERBOT_PLATFORMS: extra platform packages (module paths, comma-separated)
    platform_modules: tuple[str, ...] = ()
    # each platform's own settings by platform name (see bot.platforms.registry)
    platforms: Mapping[str, Any] = field(default_factory=dict)
    # daily tips
    catchup_hours: float = 6.0  # CAREERBOT_CATCHUP_HOURS
    # CAREERBOT_LEDGER_RETENTION_DAYS: finished delivery rows older than this are pruned
    # (0: keep them all)
    ledger_retention_days: int = 30
    # health
    heartbeat_seconds: float = 5.0  # CAREERBOT_HEARTBEAT_SECONDS
    # monitoring: GET /metrics (Prometheus) on this port; None: off
    metrics_port: int | None = None  # CAREERBOT_METRICS_PORT
    metrics_host: str = "0.0.0.0"  # CAREERBOT_METRICS_HOST: all interfaces (containers)

    @property
    def db_path(self) -> Path:
        """The SQLite file of ``CAREERBOT_DB`` (backups, checks and the heartbeat use it)."""
        scheme, sep, rest = self.db.partition("://")
        if not sep:
            return Path(self.db).expanduser()
        if scheme.lower() != "sqlite":
            raise ConfigError(f"CAREERBOT_DB: a {scheme}:// database is not a SQLite file")
        return Path(rest[1:]).expanduser()


ENV_NAMES: dict[str, str] = {
    "db": "CAREERBOT_DB",
    "log_level": "CAREERBOT_LOG_LEVEL",
    "log_platform_debug": "CAREERBOT_LOG_PLATFORM_DEBUG",
    "tips_dir": "CAREERBOT_TIPS_DIR",
    "platform_modules": "CAREERBOT_PLATFORMS",
    "catchup_hours": "CAREERBOT_CATCHUP_HOURS",
    "ledger_retention_days": "CAREERBOT_LEDGER_RETENTION_DAYS",
    "heartbeat_seconds": "CAREERBOT_HEARTBEAT_SECONDS",
    "metrics_port": "CAREERBOT_METRICS_PORT",
    "metrics_host": "CAREERBOT_METRICS_HOST",
}

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    data = _config_file(env)
    used: set[str] = set()
    out = _section(ENV_NAMES, Settings, env, data, used)
    from bot.platforms.registry import PlatformError, load_platforms

    try:
        platforms = load_platforms(out.get("platform_modules", ()))
    except PlatformError as exc:
        raise ConfigError(f"CAREERBOT_PLATFORMS: {exc}") from exc
    sections: dict[str, Any] = {}
    for platform in platforms:
        values = _section(env_names(platform.settings), platform.settings, env, data, used)
        section = platform.settings(**values)
        if section != platform.settings():  # only what differs from the defaults
            sections[platform.name] = section
    for key in data:
        if key not in used:
            raise ConfigError(f"CAREERBOT_CONFIG: unknown setting '{data[key][0]}'")
    return Settings(**out, platforms=sections)


def _config_file(env: Mapping[str, str]) -> dict[str, tuple[str, Any]]:
    """The YAML file's settings: lower-cased key -> (key as written, value)."""
    config_file = env.get("CAREERBOT_CONFIG")
    if not config_file:
        return {}
    try:
        data = yaml.safe_load(Path(config_file).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"CAREERBOT_CONFIG: cannot read {config_file}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"CAREERBOT_CONFIG: {config_file} must be a mapping of settings")
    return {str(key).lower(): (str(key), value) for key, value in data.items()}


def _section(
    names: Mapping[str, str],
    cls: type[Any],
    env: Mapping[str, str],
    data: Mapping[str, tuple[str, Any]],
    used: set[str],
) -> dict[str, Any]:
    """The values set for one settings dataclass (field name -> converted value)."""
    raw: dict[str, Any] = {}
    for name, var in names.items():
        for key in (var.lower(), name):
            if key in data:
                raw[name] = data[key][1]
                used.add(key)
        value = env.get(var)
        if value is not None and value.strip() != "":
            raw[name] = value.strip()
    kinds = {f.name: f.type for f in fields(cls)}
    return {
        name: _convert(name, names[name], str(kinds[name]), value) for name, value in raw.items()
    }


def _convert(name: str, var: str, kind: str, value: Any) -> Any:
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
        if kind.startswith("tuple"):
            items = value if isinstance(value, list | tuple) else str(value).split(",")
            return tuple(str(item).strip() for item in items if str(item).strip())
        if kind.startswith("Path"):
            return Path(str(value)).expanduser()
        if kind.startswith("int"):
            whole = int(value)
            if name == "metrics_port" and not 0 < whole < 65536:
                raise ValueError("a TCP port: 1 to 65535")
            if name == "ledger_retention_days" and whole < 0:
                raise ValueError("must not be negative; 0 keeps the whole ledger")
            return whole
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
