"""What the core and the scheduler expect of a platform adapter (ports and adapters).

Implemented by the Slack and Discord adapters; the console needs none of it. Nothing
here imports a platform library.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from bot.core.replies import Reply
from bot.core.requests import User


class SendStatus(Enum):
    SENT = "sent"  # delivered (or found already delivered: idempotent resend)
    UNREACHABLE = "unreachable"  # the user cannot be messaged (Discord 50007, Slack
    # cannot_dm_bot / account_inactive / user_not_found): suspend, tell them later
    RATE_LIMITED = "rate_limited"  # 429: try again after ``retry_after`` seconds
    FAILED = "failed"  # anything else; worth a later retry


@dataclass(frozen=True, slots=True)
class SendResult:
    status: SendStatus
    message_id: str | None = None
    retry_after: float | None = None
    detail: str = ""  # platform error code, for logs (never a secret)


class Messenger(Protocol):
    """Sends replies outside a command: daily tips by DM or to a channel."""

    platform: str

    async def send_dm(
        self, user: User, reply: Reply, *, key: str, resend: bool = False
    ) -> SendResult:
        """DM ``reply`` to ``user``. ``key`` (<= 25 chars, unique per delivery) makes the
        send idempotent: Discord uses it as the message nonce with enforce_nonce; Slack
        tags the message metadata with it and, when ``resend`` (an earlier attempt may
        have reached Slack), checks the DM's recent history first — only then, because
        conversations.history allows far fewer calls than chat.postMessage."""
        ...

    async def send_channel(
        self, tenant: str, channel_id: str, reply: Reply, *, key: str
    ) -> SendResult: ...


class Adapter(Protocol):
    """A running platform connection, started and stopped by ``careerbot run``."""

    name: str
    messenger: Messenger

    async def start(self) -> None:
        """Connect and return once ready; raise ``bot.config.ConfigError`` for a bad token."""
        ...

    async def close(self) -> None: ...

    @property
    def connected(self) -> bool: ...
