"""The Slack :class:`~bot.core.ports.Messenger`: DMs and channel posts outside a command.

Idempotency: the last message of a delivery carries Slack message metadata
(``event_type`` ``careerbot_delivery``, payload ``{"key": key}``). Before sending a DM,
the DM's recent history is read (``conversations.history`` with
``include_all_metadata``, scope ``im:history``); a message with the same key means the
delivery already happened and nothing is sent again.

Errors become :class:`~bot.core.ports.SendResult` (one warning line, no traceback): a
user or channel that cannot be reached -> ``UNREACHABLE``; HTTP 429 -> ``RATE_LIMITED``
with ``Retry-After``; any other Slack, network or time-out error, or the shared session
already closed -> ``FAILED``. This client retries nothing, on purpose (``retry_handlers=[]``;
the constructor refuses a client with any): the delivery layer owns retries and pacing
and must see the 429; and a connection that drops after Slack accepted a post must not
post it again — the send is ``FAILED``, and the ledger's resend checks the history first.

OAuth mode (several workspaces): ``tokens`` gives the bot token of the user's or the
channel's workspace for each send (refreshed when it expires soon); a workspace that is
not installed (any more) gets nothing: ``FAILED`` / ``not_installed``.

It only sends: what Slack knows about users (users.info) is the adapter's business
(:mod:`bot.platforms.slack.users`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.ports import AwayResult, Presence, SendResult, SendStatus
from bot.core.replies import Reply
from bot.core.requests import User
from bot.platforms.slack.blocks import render

log = logging.getLogger(__name__)

EVENT_TYPE = "careerbot_delivery"
UNREACHABLE = frozenset(
    {
        "cannot_dm_bot",
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
    }
)
# a send that fails with one of these is a result, not a bug
SEND_ERRORS = (SlackClientError, aiohttp.ClientError, OSError, TimeoutError)
HISTORY_LIMIT = 20  # recent DM messages searched for a delivery key
NOT_INSTALLED = "not_installed"

# status emoji that mean "away" for away-skip: on vacation, out sick
AWAY_EMOJI = frozenset({":palm_tree:", ":face_with_thermometer:"})

TokenOf = Callable[[str], Awaitable[str | None]]  # workspace -> its bot token, or None


class NotInstalled(Exception):
    """The workspace has no installation (OAuth mode): nothing is sent."""


def dnd_now(info: dict[str, Any], now: float) -> bool:
    """Whether a dnd.info answer means Do Not Disturb now: snoozed until later, or inside
    the scheduled window (``dnd_enabled``, next_dnd_start_ts <= now < next_dnd_end_ts)."""
    if info.get("snooze_enabled") and float(info.get("snooze_endtime") or 0) > now:
        return True
    if not info.get("dnd_enabled"):
        return False
    start = float(info.get("next_dnd_start_ts") or 0)
    end = float(info.get("next_dnd_end_ts") or 0)
    return start <= now < end


def retry_after(exc: SlackApiError) -> float | None:
    """The Retry-After of a 429 answer (seconds), or None when it was not a 429."""
    resp = exc.response
    if resp.status_code != 429 and resp.get("error") != "ratelimited":
        return None
    for name, value in (resp.headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                break
    return 1.0


def result_for(exc: Exception) -> SendResult:
    """Map a failed Web API call to a SendResult (never carries a token)."""
    if isinstance(exc, SlackApiError):
        code = str(exc.response.get("error") or f"http_{exc.response.status_code}")
        wait = retry_after(exc)
        if wait is not None:
            return SendResult(SendStatus.RATE_LIMITED, retry_after=wait, detail="ratelimited")
        if code in UNREACHABLE:
            return SendResult(SendStatus.UNREACHABLE, detail=code)
        return SendResult(SendStatus.FAILED, detail=code)
    return SendResult(SendStatus.FAILED, detail=type(exc).__name__)


class SlackMessenger:
    platform = "slack"

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        history_limit: int = HISTORY_LIMIT,
        tokens: TokenOf | None = None,
    ) -> None:
        if client.retry_handlers:
            # slack-sdk's default retries a dropped connection: a post Slack accepted
            # before the drop would reach the user twice
            raise ValueError("the messenger's client must not retry: pass retry_handlers=[]")
        self.client = client
        self.history_limit = history_limit
        self.tokens = tokens  # OAuth mode; None: the client's own token
        self._dm_channels: dict[tuple[str, str], str] = {}
        self.clock: Callable[[], float] = time.time  # Unix seconds, for Do Not Disturb windows

    # sending ---------------------------------------------------------------------------

    async def send_dm(
        self, user: User, reply: Reply, *, key: str, resend: bool = False
    ) -> SendResult:
        try:
            auth = await self._auth(user.tenant)
            channel = await self._dm_channel(user, auth)
            found = await self._find_delivery(channel, key, auth) if resend else None
            if found is not None:
                log.info("delivery %s was already sent; not sending again", key)
                return SendResult(SendStatus.SENT, message_id=found, detail="already_sent")
            return await self._post(channel, reply, key, auth)
        except Exception as exc:
            return self._not_sent(exc, f"DM {key}")

    async def away(self, user: User) -> AwayResult:
        """Whether ``user`` is away now (:class:`~bot.core.ports.AwayProbe`): a status
        emoji of :data:`AWAY_EMOJI` (users.profile.get, scope users.profile:read), or Do
        Not Disturb on or snoozed (dnd.info, scope dnd:read). Any error (e.g.
        ``missing_scope``) is UNKNOWN: the tip goes out."""
        try:
            auth = await self._auth(user.tenant)
            profile = await self.client.users_profile_get(user=user.user_id, **auth)
            emoji = str((profile.get("profile") or {}).get("status_emoji") or "")
            if emoji in AWAY_EMOJI:
                return AwayResult(Presence.AWAY, emoji)
            dnd = await self.client.dnd_info(user=user.user_id, **auth)
        except Exception as exc:
            if not isinstance(exc, (NotInstalled, *SEND_ERRORS)):
                raise
            code = exc.response.get("error", "error") if isinstance(exc, SlackApiError) else ""
            log.warning("Slack away check failed: %s", code or type(exc).__name__)
            return AwayResult(Presence.UNKNOWN, code or "error")
        if dnd_now(dnd.data if isinstance(dnd.data, dict) else {}, self.clock()):
            return AwayResult(Presence.AWAY, "dnd")
        return AwayResult(Presence.HERE)

    async def send_channel(
        self, tenant: str, channel_id: str, reply: Reply, *, key: str
    ) -> SendResult:
        try:
            return await self._post(channel_id, reply, key, await self._auth(tenant))
        except Exception as exc:
            return self._not_sent(exc, f"post {key} to a channel")

    def _not_sent(self, exc: Exception, what: str) -> SendResult:
        """The result of a failed send; re-raises what is no platform or network error."""
        if isinstance(exc, NotInstalled):
            log.warning("Slack %s not sent: the workspace is not installed", what)
            return SendResult(SendStatus.FAILED, detail=NOT_INSTALLED)
        session = self.client.session
        closed = session is not None and session.closed
        if closed and isinstance(exc, (RuntimeError, *SEND_ERRORS)):
            result = SendResult(SendStatus.FAILED, detail="not connected")  # adapter closed
        elif isinstance(exc, SEND_ERRORS):
            result = result_for(exc)
        else:
            raise exc
        log.warning("Slack %s not sent: %s", what, result.detail)
        return result

    async def _auth(self, tenant: str) -> dict[str, Any]:
        """The ``token`` argument for this workspace's calls ({} in single-token mode)."""
        if self.tokens is None:
            return {}
        token = await self.tokens(tenant)
        if not token:
            raise NotInstalled(tenant)
        return {"token": token}

    async def _dm_channel(self, user: User, auth: dict[str, Any]) -> str:
        key = (user.tenant, user.user_id)
        channel = self._dm_channels.get(key)
        if channel is None:
            resp = await self.client.conversations_open(users=user.user_id, **auth)
            channel = str(resp["channel"]["id"])
            self._dm_channels[key] = channel
        return channel

    async def _find_delivery(self, channel: str, key: str, auth: dict[str, Any]) -> str | None:
        """The message id of an earlier delivery with ``key`` in the recent history."""
        try:
            resp = await self.client.conversations_history(
                channel=channel, limit=self.history_limit, include_all_metadata=True, **auth
            )
        except SlackApiError as exc:
            if retry_after(exc) is not None:
                raise
            # No im:history scope, say: sending twice beats not sending at all.
            log.warning("cannot check DM history before sending: %s", result_for(exc).detail)
            return None
        for msg in resp.get("messages") or []:
            meta = msg.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == EVENT_TYPE and payload.get("key") == key:
                return f"{channel}/{msg.get('ts')}"
        return None

    async def _post(self, channel: str, reply: Reply, key: str, auth: dict[str, Any]) -> SendResult:
        pages = render(reply)
        first: str | None = None
        for i, page in enumerate(pages):
            extra: dict[str, Any] = {}
            if i == len(pages) - 1:  # the key marks a complete delivery
                extra["metadata"] = {"event_type": EVENT_TYPE, "event_payload": {"key": key}}
            resp = await self.client.chat_postMessage(
                channel=channel,
                text=page["text"],
                blocks=page["blocks"],
                unfurl_links=False,
                unfurl_media=False,
                **extra,
                **auth,
            )
            first = first or f"{channel}/{resp.get('ts')}"
        return SendResult(SendStatus.SENT, message_id=first)
