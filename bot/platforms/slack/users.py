"""What the Slack adapter knows about users: users.info (name, time zone, admin flag),
cached for an hour per (workspace, user).

The adapter asks for every request (the time zone becomes the request's ``tz_hint``,
the admin flag its ``is_admin``); it passes its own interactive client, which retries
429s. Sending is the messenger's business, not this one's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.zones import known

log = logging.getLogger(__name__)

PROFILE_TTL = 3600.0  # seconds a users.info answer is trusted


@dataclass(frozen=True, slots=True)
class Profile:
    """What careerbot uses from users.info."""

    name: str
    tz: str | None
    is_admin: bool


class Profiles:
    """users.info with a cache; a failed look-up falls back to the last answer."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = PROFILE_TTL,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self._monotonic = monotonic
        self._cache: dict[tuple[str, str], tuple[float, Profile]] = {}

    async def get(
        self, tenant: str, user_id: str, client: AsyncWebClient | None = None
    ) -> Profile | None:
        """The user's name, zone and admin flag (cached); None when Slack won't say.

        ``client``: one with the workspace's token (bolt's per-request client in OAuth
        mode); else this one's."""
        key = (tenant, user_id)
        cached = self._cache.get(key)
        now = self._monotonic()
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            resp = await (client or self.client).users_info(user=user_id)
        except (TimeoutError, SlackApiError, aiohttp.ClientError) as exc:
            log.warning("users.info failed for a user: %s", _code(exc))
            return cached[1] if cached is not None else None
        info: dict[str, Any] = resp.get("user") or {}
        profile = Profile(
            name=str(info.get("name") or info.get("real_name") or ""),
            tz=known(info.get("tz")),
            is_admin=bool(info.get("is_admin") or info.get("is_owner")),
        )
        self._cache[key] = (now, profile)
        return profile


def _code(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or f"http_{exc.response.status_code}")
    return type(exc).__name__
