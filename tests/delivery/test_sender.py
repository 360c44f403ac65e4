"""Token buckets and the shared sender, on a fake clock (no real waiting)."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.ports import SendResult, SendStatus
from bot.core.replies import Reply
from bot.core.requests import User
from bot.delivery import Limits, Sender, Target, WindowLimiter
from tests.delivery.doubles import Recorder


class Time:
    def __init__(self) -> None:
        self.t = 1000.0
        self.naps: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.t += seconds
        await asyncio.sleep(0)


def max_in_window(stamps: list[float], window: float) -> int:
    return max(sum(1 for s in stamps if t <= s < t + window - 1e-9) for t in stamps)


async def test_limiter_never_lets_more_than_limit_into_a_window() -> None:
    clock = Time()
    limiter = WindowLimiter(5, 1.0, now=clock.now, sleep=clock.sleep)
    starts = []
    for _ in range(40):
        async with limiter.slot():
            starts.append(clock.t)
            clock.t += 0.05  # each send takes 50 ms
    assert max_in_window(starts, 1.0) <= 5
    # ... and keeps the pace: 5 per (window + duration of a send).
    assert starts[-1] - starts[0] == pytest.approx(7 * 1.05 + 4 * 0.05)


async def test_delayed_requests_still_fit_the_platform_window() -> None:
    """Requests leave at random points inside their send: the server's windows still hold."""
    import random

    clock = Time()
    rng = random.Random(3)
    limiter = WindowLimiter(10, 1.0, now=clock.now, sleep=clock.sleep)
    arrivals: list[float] = []

    async def send() -> None:
        async with limiter.slot(cost=2):
            for _ in range(2):  # e.g. open the DM channel, then post
                await clock.sleep(rng.uniform(0, 0.2))
                arrivals.append(clock.t)

    for _ in range(30):
        await send()
    assert len(arrivals) == 60
    assert max_in_window(sorted(arrivals), 1.0) <= 10


async def test_in_flight_sends_count_against_the_budget() -> None:
    clock = Time()
    limiter = WindowLimiter(2, 1.0, now=clock.now, sleep=clock.sleep)
    order: list[str] = []
    release = asyncio.Event()

    async def hold(name: str) -> None:
        async with limiter.slot():
            order.append(name)
            await release.wait()

    tasks = [asyncio.create_task(hold(n)) for n in ("a", "b", "c")]
    for _ in range(20):
        await asyncio.sleep(0)
    assert order == ["a", "b"]  # c waits while two are in flight
    release.set()
    await asyncio.gather(*tasks)
    assert order == ["a", "b", "c"]
    assert clock.t >= 1000.0 + 1.0  # c started a window after a and b finished


async def test_block_holds_everyone_until_retry_after() -> None:
    clock = Time()
    limiter = WindowLimiter(50, 1.0, now=clock.now, sleep=clock.sleep)
    limiter.block(3.0)
    start = clock.t
    async with limiter.slot():
        assert clock.t - start == pytest.approx(3.0)


def test_limiter_refuses_nonsense() -> None:
    clock = Time()
    with pytest.raises(ValueError):
        WindowLimiter(0, 1.0, now=clock.now, sleep=clock.sleep)


def reply() -> Reply:
    return Reply(title="Tip", body="x", kind="tip")


async def test_slack_channel_posts_are_paced_per_channel_and_per_workspace() -> None:
    clock = Time()
    slack = Recorder(platform="slack", clock=lambda: clock.t)
    limits = {"slack": Limits(10, scope="tenant", channel_limit=1)}
    sender = Sender({"slack": slack}, limits, now=clock.now, sleep=clock.sleep)
    stamps: dict[str, list[float]] = {"C1": [], "C2": []}
    for i in range(6):
        for ch in ("C1", "C2"):
            result = await sender.send(
                Target("slack", "T1", channel_id=ch), reply(), key=f"k{ch}{i}"
            )
            assert result.status is SendStatus.SENT
            stamps[ch].append(clock.t)
    for ch in stamps:
        assert max_in_window(stamps[ch], 1.0) <= 1
    # Two workspaces have separate budgets.
    assert sender._shared(Target("slack", "T2", channel_id="C"), limits["slack"]) is not (
        sender._shared(Target("slack", "T1", channel_id="C"), limits["slack"])
    )


async def test_a_429_slows_the_whole_budget_and_is_retried() -> None:
    clock = Time()
    discord = Recorder(platform="discord")
    sender = Sender(
        {"discord": discord}, {"discord": Limits(50)}, now=clock.now,
        sleep=clock.sleep,
    )  # fmt: skip
    discord.script.append(SendResult(SendStatus.RATE_LIMITED, retry_after=1.5))
    user = User("discord", "G1", "42")
    start = clock.t
    result = await sender.send(Target("discord", "G1", user=user), reply(), key="d1-20270101")
    assert result.status is SendStatus.SENT
    assert clock.t - start >= 1.5
    assert discord.calls == ["d1-20270101", "d1-20270101"]
    assert sender.rate_limited == 1


class Raising:
    """A Messenger that raises ``error`` instead of returning a SendResult."""

    platform = "discord"

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def send_dm(
        self, user: User, reply: Reply, *, key: str, resend: bool = False
    ) -> SendResult:
        raise self.error

    async def send_channel(
        self, tenant: str, channel_id: str, reply: Reply, *, key: str
    ) -> SendResult:
        raise self.error


async def test_messenger_errors_never_escape_and_unknown_platforms_fail_softly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Time()
    sender = Sender({"discord": Raising(RuntimeError("boom"))}, now=clock.now, sleep=clock.sleep)
    user = User("discord", "G1", "42")
    result = await sender.send(Target("discord", "G1", user=user), reply(), key="k")
    assert (result.status, result.detail) == (SendStatus.FAILED, "RuntimeError")
    [bug] = caplog.records
    assert bug.exc_info is not None  # a bug in a Messenger keeps its traceback
    other = await sender.send(Target("slack", "T1", user=user), reply(), key="k")
    assert other.status is SendStatus.FAILED and "no slack" in other.detail
    with pytest.raises(ValueError):
        Target("slack", "T1")


async def test_a_network_error_a_messenger_let_through_is_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Time()
    messenger = Raising(ConnectionResetError("reset by peer"))
    sender = Sender({"discord": messenger}, now=clock.now, sleep=clock.sleep)
    target = Target("discord", "G1", channel_id="C1")
    result = await sender.send(target, reply(), key="k")
    assert (result.status, result.detail) == (SendStatus.FAILED, "ConnectionResetError")
    [line] = caplog.records
    assert line.levelname == "WARNING" and line.exc_info is None
    assert line.getMessage() == "discord delivery k not sent: ConnectionResetError"
