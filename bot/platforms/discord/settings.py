"""Discord's settings (documented in deploy/.env.example); the token stays out of ``repr``.

Sharding: ``DISCORD_SHARD_COUNT`` is the total number of shards across every process,
``DISCORD_SHARD_IDS`` the ones this process runs (``0,1`` or ``0-1``; all of them when
unset). Without either, one process runs discord.py's recommended count (it asks
Discord's ``GET /gateway/bot``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import ConfigError, setting

NO_COUNT = "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the number of shards across all processes)"
BAD_COUNT = "DISCORD_SHARD_COUNT: must be at least 1 (got {count})"
BAD_ID = "DISCORD_SHARD_IDS: {item!r} is not a shard id or a range like 0-3"
OUT_OF_RANGE = (
    "DISCORD_SHARD_IDS: shard {id} is out of range for DISCORD_SHARD_COUNT={count} "
    "(ids are 0 to {last})"
)
TWICE = "DISCORD_SHARD_IDS: shard {id} is listed twice"


@dataclass(frozen=True)
class DiscordSettings:
    discord_token: str = setting("DISCORD_TOKEN", secret=True)
    # sync the commands to this one server instead of globally
    discord_guild_id: int | None = setting("DISCORD_GUILD_ID", None)
    discord_api_url: str = setting("DISCORD_API_URL")  # REST base (default: discord.com)
    discord_gateway_url: str = setting("DISCORD_GATEWAY_URL")
    # the total number of shards across all processes (default: Discord's recommendation)
    discord_shard_count: int | None = setting("DISCORD_SHARD_COUNT", None)
    # the shards this process runs: "0,1", "2-3" (default: all of DISCORD_SHARD_COUNT)
    discord_shard_ids: tuple[str, ...] = setting("DISCORD_SHARD_IDS", ())

    def __post_init__(self) -> None:
        self.shard_ids  # noqa: B018 - validates: a bad value fails when the settings load

    @property
    def shard_ids(self) -> tuple[int, ...] | None:
        """The shard ids this process runs; None: all of the count (or the recommended)."""
        count = self.discord_shard_count
        if count is not None and count < 1:
            raise ConfigError(BAD_COUNT.format(count=count))
        if not self.discord_shard_ids:
            return None
        if count is None:
            raise ConfigError(NO_COUNT)
        ids: list[int] = []
        for item in self.discord_shard_ids:
            for shard in _parse(str(item).strip()):
                if shard >= count:
                    raise ConfigError(OUT_OF_RANGE.format(id=shard, count=count, last=count - 1))
                if shard in ids:
                    raise ConfigError(TWICE.format(id=shard))
                ids.append(shard)
        return tuple(ids)

    @property
    def runs_shard_zero(self) -> bool:
        """Does this process run shard 0 (DMs, and the one that syncs the commands)?"""
        ids = self.shard_ids
        return ids is None or 0 in ids


def _parse(item: str) -> range:
    """``"3"`` -> 3; ``"0-3"`` -> 0, 1, 2, 3."""
    first, dash, last = item.partition("-")
    if not first.isdigit() or (dash and not last.isdigit()):
        raise ConfigError(BAD_ID.format(item=item))
    start, end = int(first), int(last) if dash else int(first)
    if end < start:
        raise ConfigError(BAD_ID.format(item=item))
    return range(start, end + 1)
