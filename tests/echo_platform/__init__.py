"""A test-only chat platform, "echo": proof that a platform plugs in without editing careerbot.

Its transport is two JSON-lines files in the directory ``ECHO_DIR``: ``in.jsonl`` (what
users type, one ``{"user": …, "text": …}`` a line, appended by whoever plays the users)
and ``out.jsonl`` (everything the bot sends: command replies, DMs, channel posts). The
whole platform is this package; careerbot loads it through the setting
``CAREERBOT_PLATFORMS=tests.echo_platform``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.config import setting
from bot.delivery.sender import Limits
from bot.platforms.registry import Platform

if TYPE_CHECKING:
    from bot.core.app import Core
    from bot.core.ports import Adapter


@dataclass(frozen=True)
class EchoSettings:
    echo_dir: str = setting("ECHO_DIR")  # the transport's directory
    echo_poll: float = setting("ECHO_POLL_SECONDS", 0.05)  # how often in.jsonl is read


def _build(settings: EchoSettings, core: Core, options: Mapping[str, Any]) -> Adapter:
    from tests.echo_platform.adapter import EchoAdapter

    return EchoAdapter(settings, core)


def mention(channel_id: str) -> str:
    return f"[channel {channel_id}]"


PLATFORM = Platform(
    name="echo",
    settings=EchoSettings,
    configured=lambda s: bool(s.echo_dir),
    build=_build,
    limits=Limits(limit=20, window=1.0),
    setup="ECHO_DIR for the echo test platform",
    mention=mention,
)
