"""A small Messenger double for the scheduler's own logic (end-to-end tests use the fakes).

It behaves like the platforms where it matters: a send with a key already delivered to
that DM/channel returns SENT without a second message (Discord nonce, Slack metadata),
and it can be told to fail in the ways the platforms fail.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from bot.core.ports import SendResult, SendStatus
from bot.core.replies import Reply
from bot.core.requests import User
from bot.delivery import Scheduler


class Crash(BaseException):
    """The process dies here (not an Exception: nothing may catch it)."""


async def tick_until_crash(scheduler: Scheduler) -> None:
    """Run one scheduler tick that must die of a :class:`Crash` (alone or in a group)."""
    with pytest.raises(BaseException) as info:
        await scheduler.tick()
    assert (
        info.group_contains(Crash)
        if isinstance(info.value, BaseExceptionGroup)
        else isinstance(info.value, Crash)
    )


@dataclass
class Sent:
    where: str  # "dm:U1" or "channel:C1"
    key: str
    reply: Reply
    at: datetime | None


@dataclass
class Recorder:
    platform: str = "slack"
    clock: object = None  # a FakeClock, to stamp sends
    sent: list[Sent] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)  # every key tried, in order
    resends: list[str] = field(default_factory=list)  # keys tried as a possible resend
    tried: list[Reply] = field(default_factory=list)  # every card tried (a deduplicated one too)
    script: deque[SendResult] = field(default_factory=deque)  # next results, then SENT
    unreachable: set[str] = field(default_factory=set)  # user/channel ids
    crash_after_send: int = 0  # this many next sends deliver, then the process "dies"

    def _now(self) -> datetime | None:
        return self.clock() if callable(self.clock) else None

    async def send_dm(
        self, user: User, reply: Reply, *, key: str, resend: bool = False
    ) -> SendResult:
        if resend:
            self.resends.append(key)
        return self._send(f"dm:{user.user_id}", user.user_id, reply, key)

    async def send_channel(
        self, tenant: str, channel_id: str, reply: Reply, *, key: str
    ) -> SendResult:
        return self._send(f"channel:{channel_id}", channel_id, reply, key)

    def _send(self, where: str, who: str, reply: Reply, key: str) -> SendResult:
        assert len(key) <= 25
        self.calls.append(key)
        self.tried.append(reply)
        if who in self.unreachable:
            return SendResult(SendStatus.UNREACHABLE, detail="50007")
        if self.script:
            return self.script.popleft()
        for s in self.sent:
            if s.where == where and s.key == key:
                return SendResult(SendStatus.SENT, message_id=f"m{key}", detail="already_sent")
        self.sent.append(Sent(where, key, reply, self._now()))
        if self.crash_after_send:
            self.crash_after_send -= 1
            raise Crash("killed between the platform call and the ledger write")
        return SendResult(SendStatus.SENT, message_id=f"m{key}")

    def to(self, who: str) -> list[Sent]:
        return [s for s in self.sent if s.where.endswith(f":{who}")]
