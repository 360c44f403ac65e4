"""The sender shared by every platform: token buckets in front of the Messengers.

Budgets (documented platform limits, with a little headroom so jitter never trips them):

* Discord: 50 requests per second per bot, for everything the bot does. Daily tips take
  at most ``DEFAULT_LIMITS["discord"]`` of it, leaving room for command replies and the
  once-per-user DM-channel opening.
* Slack: ``chat.postMessage`` about 1 message per second per channel (bursts not
  guaranteed) plus a workspace-wide budget that Slack does not publish; we use a
  conservative per-workspace rate.

A bucket of ``rate`` tokens per second and capacity ``burst`` never lets more than
``burst + rate * W`` sends into any window of ``W`` seconds. A 429 (``RATE_LIMITED``)
empties the bucket that covers the send and blocks it for ``retry_after`` seconds, then
the send is tried again (a few times) — so one 429 slows everyone on that budget, as the
platform asks. Clock and sleep are injected: tests never wait on real time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from bot.core.ports import Messenger, SendResult, SendStatus
from bot.core.replies import Reply
from bot.core.requests import User

log = logging.getLogger(__name__)

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Limits:
    rate: float  # sends per second on the shared budget
    burst: float = 1.0  # tokens that may be spent at once
    scope: Literal["bot", "tenant"] = "bot"  # Discord: one budget per bot; Slack: per workspace
    channel_rate: float | None = None  # Slack: ~1 per second per channel
    channel_burst: float = 1.0
    first_dm_cost: int = 1  # requests of the first DM to a user (Discord opens the DM channel)


DEFAULT_LIMITS: dict[str, Limits] = {
    # 50/s per bot, counted in requests; interaction replies do not count against it.
    "discord": Limits(rate=48.0, burst=1.0, scope="bot", first_dm_cost=2),
    # Slack publishes no number for the workspace budget of chat.postMessage; ~8/s is a
    # conservative figure. conversations.open/history have their own (tiered) budgets.
    # ~1 per second per channel: 0.9 leaves room for network jitter at the boundary.
    "slack": Limits(rate=8.0, burst=1.0, scope="tenant", channel_rate=0.9),
}
DEFAULT_RATE_LIMIT_WAIT = 1.0  # a 429 without Retry-After
MAX_RATE_LIMIT_RETRIES = 3
_EPSILON = 1e-9
_MIN_WAIT = 1e-4  # seconds


class TokenBucket:
    """``rate`` tokens per second up to ``burst``; ``acquire`` waits (FIFO) for one."""

    def __init__(self, rate: float, burst: float, *, now: Now, sleep: Sleep) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a bucket needs rate > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._now = now
        self._sleep = sleep
        self._tokens = burst
        self._stamp = now()
        self._blocked_until = 0.0
        self._lock = asyncio.Lock()

    def _refill(self, t: float) -> None:
        if t > self._stamp:
            self._tokens = min(self.burst, self._tokens + (t - self._stamp) * self.rate)
            self._stamp = t

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                t = self._now()
                if t < self._blocked_until:
                    await self._sleep(self._blocked_until - t)
                    continue
                self._refill(t)
                if self._tokens >= 1.0 - _EPSILON:  # float dust must not spin the loop
                    self._tokens = max(0.0, self._tokens - 1.0)
                    return
                await self._sleep(max(_MIN_WAIT, (1.0 - self._tokens) / self.rate))

    def block(self, seconds: float) -> None:
        """Spend nothing for ``seconds`` (a 429's Retry-After), then one send, then the rate."""
        t = self._now()
        self._blocked_until = max(self._blocked_until, t + max(0.0, seconds))
        self._tokens = 1.0
        self._stamp = max(self._stamp, self._blocked_until)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a delivery goes: a user's DM, or a channel of a tenant."""

    platform: str
    tenant: str
    user: User | None = None
    channel_id: str | None = None

    def __post_init__(self) -> None:
        if (self.user is None) == (self.channel_id is None):
            raise ValueError("a target is either a user or a channel")


class Sender:
    def __init__(
        self,
        messengers: Mapping[str, Messenger],
        limits: Mapping[str, Limits] | None = None,
        *,
        now: Now = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        max_retries: int = MAX_RATE_LIMIT_RETRIES,
    ) -> None:
        self.messengers = dict(messengers)
        self.limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self._now = now
        self._sleep = sleep
        self.max_retries = max_retries
        self._buckets: dict[tuple[str, ...], TokenBucket] = {}
        self._dm_opened: set[tuple[str, str, str]] = set()  # mirrors the messengers' caches
        self.rate_limited = 0  # 429s seen (for logs and benchmarks)

    def _bucket(self, key: tuple[str, ...], rate: float, burst: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(rate, burst, now=self._now, sleep=self._sleep)
            self._buckets[key] = bucket
        return bucket

    def _shared(self, target: Target, limits: Limits) -> TokenBucket:
        scope = target.tenant if limits.scope == "tenant" else "*"
        return self._bucket((target.platform, scope), limits.rate, limits.burst)

    def _channel(self, target: Target, limits: Limits) -> TokenBucket | None:
        # A DM is a channel of its own; one daily tip per user never nears 1/s.
        if limits.channel_rate is None or target.channel_id is None:
            return None
        key = (target.platform, target.tenant, target.channel_id)
        return self._bucket(key, limits.channel_rate, limits.channel_burst)

    async def send(self, target: Target, reply: Reply, *, key: str) -> SendResult:
        messenger = self.messengers.get(target.platform)
        if messenger is None:
            return SendResult(SendStatus.FAILED, detail=f"no {target.platform} connection")
        limits = self.limits.get(target.platform, Limits(rate=1.0))
        shared = self._shared(target, limits)
        channel = self._channel(target, limits)
        attempt = 0
        while True:
            if channel is not None:
                await channel.acquire()
            for _ in range(self._cost(target, limits)):
                await shared.acquire()
            result = await self._call(messenger, target, reply, key)
            if target.user is not None and result.status is not SendStatus.FAILED:
                self._dm_opened.add((target.platform, target.tenant, target.user.user_id))
            if result.status is not SendStatus.RATE_LIMITED:
                return result
            self.rate_limited += 1
            wait = result.retry_after if result.retry_after is not None else DEFAULT_RATE_LIMIT_WAIT
            # The platform does not say which budget ran out: hold both.
            shared.block(wait)
            if channel is not None:
                channel.block(wait)
            attempt += 1
            log.warning(
                "%s rate limited delivery %s; waiting %.1f s (try %d of %d)",
                target.platform,
                key,
                wait,
                attempt,
                self.max_retries,
            )
            if attempt >= self.max_retries:
                return result

    def _cost(self, target: Target, limits: Limits) -> int:
        if target.user is None:
            return 1
        opened = (target.platform, target.tenant, target.user.user_id) in self._dm_opened
        return 1 if opened else max(1, limits.first_dm_cost)

    async def _call(
        self, messenger: Messenger, target: Target, reply: Reply, key: str
    ) -> SendResult:
        try:
            if target.user is not None:
                return await messenger.send_dm(target.user, reply, key=key)
            assert target.channel_id is not None
            return await messenger.send_channel(target.tenant, target.channel_id, reply, key=key)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a Messenger should not raise; never lose the delivery
            log.exception("%s messenger raised on delivery %s", target.platform, key)
            return SendResult(SendStatus.FAILED, detail=type(exc).__name__)
