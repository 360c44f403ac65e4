"""Sending outside a command (daily tips): the Discord :class:`~bot.core.ports.Messenger`.

- ``send_dm`` opens the DM channel once (``POST /users/@me/channels``) and caches its id.
- Every send carries ``nonce=key`` (discord.py adds ``enforce_nonce``): a resend with the
  same key after a crash returns the message Discord already created instead of a
  duplicate. A reply that spans several messages uses ``key`` for the first and
  ``key~N`` for the following ones (nonces are at most 25 characters).
- Every Discord, network or time-out error of a send, and a send after the client
  closed, becomes a :class:`~bot.core.ports.SendResult` (a warning line, no traceback).
- Error 50007 (the user does not accept DMs) is :attr:`SendStatus.UNREACHABLE`, logged
  once at INFO. So is a channel post that Discord refuses (403: 50013 Missing
  Permissions, 50001 Missing Access; 404: 10003 Unknown Channel; any other 403/404 on the
  channel): retrying cannot help, so the ledger puts the channel's subscription on hold
  and tells the admin who set it up at their next command.
- A 429 is retried by discord.py (which logs it) and only surfaces as
  :attr:`SendStatus.RATE_LIMITED` when the wait exceeds ``max_ratelimit_timeout``.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord

from bot.core.ports import SendResult, SendStatus
from bot.core.replies import Reply
from bot.core.requests import User
from bot.platforms.discord.render import render

log = logging.getLogger(__name__)

CANNOT_DM = 50007  # Cannot send messages to this user
UNKNOWN_USER = 10013
UNKNOWN_CHANNEL = 10003
# what Discord answers when the bot may not post in a channel (or it is gone)
CHANNEL_REFUSED = {
    50013: "Missing Permissions",
    50001: "Missing Access",
    UNKNOWN_CHANNEL: "Unknown Channel",
}
MAX_NONCE = 25


def nonce_for(key: str, page: int) -> str:
    if page == 0:
        return key[:MAX_NONCE]
    tail = f"~{page}"
    return key[: MAX_NONCE - len(tail)] + tail


class DiscordMessenger:
    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self._client = client
        self._dm_channels: dict[str, int] = {}  # user id -> DM channel id

    async def send_dm(
        self, user: User, reply: Reply, *, key: str, resend: bool = False
    ) -> SendResult:
        """DM a user; a resend needs no check here: Discord dedups by the nonce."""
        try:
            channel_id = await self._dm_channel(user.user_id)
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            return self._failure(exc, user.user_id)
        except RuntimeError as exc:
            return self._closed(exc)
        result = await self._send(channel_id, reply, key, user.user_id)
        if result.detail == str(UNKNOWN_CHANNEL):
            self._dm_channels.pop(user.user_id, None)  # reopen next time
        return result

    async def send_channel(
        self, tenant: str, channel_id: str, reply: Reply, *, key: str
    ) -> SendResult:
        if not channel_id.isdigit():
            return SendResult(SendStatus.FAILED, detail="bad channel id")
        result = await self._send(int(channel_id), reply, key, None)
        if result.status is SendStatus.UNREACHABLE:
            log.warning("discord: cannot post in channel %s (%s)", channel_id, result.detail)
        return result

    async def _dm_channel(self, user_id: str) -> int:
        cached = self._dm_channels.get(user_id)
        if cached is not None:
            return cached
        channel = await self._client.create_dm(discord.Object(id=int(user_id)))
        self._dm_channels[user_id] = channel.id
        return channel.id

    async def _send(
        self, channel_id: int, reply: Reply, key: str, user_id: str | None
    ) -> SendResult:
        if self._client.is_closed() or not self._client.is_ready():
            return SendResult(SendStatus.FAILED, detail="not connected")
        channel = self._client.get_partial_messageable(channel_id)
        first: str | None = None
        for i, page in enumerate(render(reply)):
            try:
                message = await channel.send(**page.kwargs(), nonce=nonce_for(key, i))
            except asyncio.CancelledError:
                raise
            except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
                return self._failure(exc, user_id)
            except RuntimeError as exc:
                return self._closed(exc)
            first = first or str(message.id)
        return SendResult(SendStatus.SENT, message_id=first)

    def _closed(self, exc: RuntimeError) -> SendResult:
        """aiohttp's "Session is closed" once the client closed under a send; else a bug."""
        if not self._client.is_closed():
            raise exc
        log.warning("discord: send failed: the connection is closed")
        return SendResult(SendStatus.FAILED, detail="not connected")

    def _failure(self, exc: BaseException, user_id: str | None) -> SendResult:
        if isinstance(exc, discord.RateLimited):
            log.warning("discord: rate limited for %.1f s; the caller will retry", exc.retry_after)
            return SendResult(SendStatus.RATE_LIMITED, retry_after=exc.retry_after, detail="429")
        if isinstance(exc, discord.HTTPException):
            if exc.code in (CANNOT_DM, UNKNOWN_USER):
                log.info("discord: user %s cannot be messaged (code %s)", user_id, exc.code)
                return SendResult(SendStatus.UNREACHABLE, detail=str(exc.code))
            if user_id is None and exc.status in (403, 404):  # a channel post, refused
                if exc.code in CHANNEL_REFUSED:
                    detail = f"{exc.code} {CHANNEL_REFUSED[exc.code]}"
                else:
                    detail = f"HTTP {exc.status}" + (f" code {exc.code}" if exc.code else "")
                return SendResult(SendStatus.UNREACHABLE, detail=detail)
            log.warning("discord: send failed: HTTP %s code %s", exc.status, exc.code)
            return SendResult(SendStatus.FAILED, detail=str(exc.code or exc.status))
        log.warning("discord: send failed: %s", type(exc).__name__)
        return SendResult(SendStatus.FAILED, detail=type(exc).__name__)
