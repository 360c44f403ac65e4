"""The sender shared by every platform: rate limiters in front of the Messengers.

Each platform's budget (its documented limits, with a little headroom) is the ``limits``
of its descriptor in bot/platforms: a shared budget per bot or per tenant, an optional
per-channel one, and the cost of a first DM.

The limiter counts a send from the moment it starts until ``window`` seconds after it
*finished*: a new send may start only while (sends in flight + sends finished in the last
``window`` seconds) stays within the limit. Every request of a send happens between its
start and its end, so however the network delays requests, the platform never sees more
than ``limit`` of them in any window — unlike a token bucket, whose tokens are spent
before the (delayed) request leaves. A 429 (``RATE_LIMITED``) blocks the budgets that
cover the send for ``retry_after`` seconds, then the send is tried again (a few times).
Clock and sleep are injected: tests never wait on real time.

A Messenger turns platform and network failures into a ``SendResult``; should a network
error (``OSError``, ``TimeoutError``) get through anyway, it is one warning line here.
Anything else it raises is a bug, logged with its traceback; the send counts as failed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal

from bot.core.ports import Messenger, NoObserver, Observer, SendResult, SendStatus
from bot.core.replies import Reply
from bot.core.requests import User

log = logging.getLogger(__name__)

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Limits:
    limit: int  # requests per window on the shared budget
    window: float = 1.0  # seconds
    scope: Literal["bot", "tenant"] = "bot"  # one budget per bot, or per tenant (workspace)
    channel_limit: int | None = None  # sends per window per channel, if limited
    channel_window: float = 1.0
    first_dm_cost: int = 1  # requests of the first DM to a user (opening the DM channel)


UNKNOWN_LIMITS = Limits(limit=1)  # a platform that declares no budget: one at a time
DEFAULT_RATE_LIMIT_WAIT = 1.0  # a 429 without Retry-After
MAX_RATE_LIMIT_RETRIES = 3
POLL = 0.005  # seconds between looks while the budget is all in flight


class WindowLimiter:
    """At most ``limit`` units in flight or finished within the last ``window`` seconds."""

    def __init__(self, limit: int, window: float, *, now: Now, sleep: Sleep) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a limiter needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._now = now
        self._sleep = sleep
        self._in_flight = 0
        self._finished: deque[tuple[float, int]] = deque()  # (finished at, units)
        self._recent = 0
        self._blocked_until = 0.0
        self._lock = asyncio.Lock()

    def used(self, t: float) -> int:
        while self._finished and self._finished[0][0] <= t - self.window:
            self._recent -= self._finished.popleft()[1]
        return self._in_flight + self._recent

    @asynccontextmanager
    async def slot(self, cost: int = 1) -> AsyncIterator[None]:
        cost = min(max(1, cost), self.limit)
        async with self._lock:  # FIFO: nobody overtakes a waiting send
            while True:
                t = self._now()
                if t < self._blocked_until:
                    await self._sleep(self._blocked_until - t)
                    continue
                if self.used(t) + cost <= self.limit:
                    self._in_flight += cost
                    break
                # Wait for the oldest finished send to leave the window; when everything
                # is still in flight, look again shortly.
                wait = self._finished[0][0] + self.window - t if self._finished else POLL
                await self._sleep(max(POLL, wait))
        try:
            yield
        finally:
            self._in_flight -= cost
            self._finished.append((self._now(), cost))
            self._recent += cost

    def block(self, seconds: float) -> None:
        """Start nothing for ``seconds`` (a 429's Retry-After)."""
        self._blocked_until = max(self._blocked_until, self._now() + max(0.0, seconds))


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
        observer: Observer | None = None,
    ) -> None:
        self.messengers = dict(messengers)
        self.observer: Observer = observer or NoObserver()  # hears of each 429
        self.limits = dict(limits or {})  # platform -> Limits (its descriptor's)
        self._now = now
        self._sleep = sleep
        self.max_retries = max_retries
        self._limiters: dict[tuple[str, ...], WindowLimiter] = {}
        self._dm_opened: set[tuple[str, str, str]] = set()  # mirrors the messengers' caches
        self.rate_limited = 0  # 429s seen (for logs and benchmarks)

    def _limiter(self, key: tuple[str, ...], limit: int, window: float) -> WindowLimiter:
        limiter = self._limiters.get(key)
        if limiter is None:
            limiter = WindowLimiter(limit, window, now=self._now, sleep=self._sleep)
            self._limiters[key] = limiter
        return limiter

    def _shared(self, target: Target, limits: Limits) -> WindowLimiter:
        scope = target.tenant if limits.scope == "tenant" else "*"
        return self._limiter((target.platform, scope), limits.limit, limits.window)

    def _channel(self, target: Target, limits: Limits) -> WindowLimiter | None:
        # A DM is a channel of its own; one daily tip per user never nears 1/s.
        if limits.channel_limit is None or target.channel_id is None:
            return None
        key = (target.platform, target.tenant, target.channel_id)
        return self._limiter(key, limits.channel_limit, limits.channel_window)

    def _cost(self, target: Target, limits: Limits) -> int:
        if target.user is None:
            return 1
        opened = (target.platform, target.tenant, target.user.user_id) in self._dm_opened
        return 1 if opened else max(1, limits.first_dm_cost)

    async def send(
        self, target: Target, reply: Reply, *, key: str, resend: bool = False
    ) -> SendResult:
        messenger = self.messengers.get(target.platform)
        if messenger is None:
            return SendResult(SendStatus.FAILED, detail=f"no {target.platform} connection")
        limits = self.limits.get(target.platform, UNKNOWN_LIMITS)
        shared = self._shared(target, limits)
        channel = self._channel(target, limits)
        attempt = 0
        while True:
            result = await self._paced(
                messenger, target, reply, key, resend, shared, channel, limits
            )
            if target.user is not None and result.status is not SendStatus.FAILED:
                self._dm_opened.add((target.platform, target.tenant, target.user.user_id))
            if result.status is not SendStatus.RATE_LIMITED:
                return result
            self.rate_limited += 1
            self.observer.rate_limited(target.platform)
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

    async def _paced(
        self,
        messenger: Messenger,
        target: Target,
        reply: Reply,
        key: str,
        resend: bool,
        shared: WindowLimiter,
        channel: WindowLimiter | None,
        limits: Limits,
    ) -> SendResult:
        if channel is None:
            async with shared.slot(self._cost(target, limits)):
                return await self._call(messenger, target, reply, key, resend)
        async with channel.slot(), shared.slot(self._cost(target, limits)):
            return await self._call(messenger, target, reply, key, resend)

    async def _call(
        self, messenger: Messenger, target: Target, reply: Reply, key: str, resend: bool
    ) -> SendResult:
        try:
            if target.user is not None:
                return await messenger.send_dm(target.user, reply, key=key, resend=resend)
            assert target.channel_id is not None
            return await messenger.send_channel(target.tenant, target.channel_id, reply, key=key)
        except asyncio.CancelledError:
            raise
        except (OSError, TimeoutError) as exc:  # the network, which a Messenger let through
            log.warning("%s delivery %s not sent: %s", target.platform, key, type(exc).__name__)
            return SendResult(SendStatus.FAILED, detail=type(exc).__name__)
        except Exception as exc:  # a bug: a Messenger turns failures into results
            log.exception("%s messenger raised on delivery %s", target.platform, key)
            return SendResult(SendStatus.FAILED, detail=type(exc).__name__)
