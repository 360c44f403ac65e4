"""The echo messenger: DMs and channel posts appended to out.jsonl, once per key."""

from __future__ import annotations

from bot.core.ports import SendResult, SendStatus
from bot.core.replies import Reply
from bot.core.requests import User
from tests.echo_platform import mention
from tests.echo_platform.transport import Transport


def render(reply: Reply) -> str:
    """The reply as the echo platform shows it: plain text, its own channel links."""
    return reply.plain_text(mention)


class EchoMessenger:
    platform = "echo"

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def _seen(self, key: str) -> bool:
        return any(event.get("key") == key for event in self.transport.sent())

    async def send_dm(
        self, user: User, reply: Reply, *, key: str, resend: bool = False
    ) -> SendResult:
        if not (resend and self._seen(key)):  # idempotent, like the real platforms
            self.transport.send(
                {"type": "dm", "to": user.user_id, "key": key, "text": render(reply)}
            )
        return SendResult(SendStatus.SENT, message_id=key)

    async def send_channel(
        self, tenant: str, channel_id: str, reply: Reply, *, key: str
    ) -> SendResult:
        self.transport.send(
            {"type": "channel", "to": channel_id, "key": key, "text": render(reply)}
        )
        return SendResult(SendStatus.SENT, message_id=key)
