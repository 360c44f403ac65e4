"""Leadership: the scheduler runs only while the lease is held; losing it stops sending."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.delivery.leader import Leadership


@dataclass
class Switch:
    """A lease whose ownership the test flips (the real ones: SQLite flock, Postgres lock)."""

    ours: bool = False
    fail: bool = False
    exclusive: bool = False
    released: int = 0
    tries: int = 0  # acquire attempts so far

    async def acquire(self) -> bool:
        self.tries += 1
        if self.fail:
            raise OSError("database unreachable")
        return self.ours

    async def held(self) -> bool:
        if self.fail:
            raise OSError("database unreachable")
        return self.ours

    def holder(self) -> str:
        return "pid 4242"

    async def release(self) -> None:
        self.released += 1


@dataclass
class Loop:
    """A scheduler that runs until stopped and records its life."""

    events: list[str] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        self.events.append("run")
        await self._stop.wait()
        self.events.append("ended")

    async def stop(self) -> None:
        self.events.append("stop")
        self._stop.set()


async def until(condition: object, *, tries: int = 2000) -> None:
    for _ in range(tries):
        if callable(condition) and condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition not reached")


async def test_a_follower_waits_then_leads_and_stops_cleanly() -> None:
    lease, made = Switch(), []

    def make() -> Loop:
        made.append(Loop())
        return made[-1]

    leadership = Leadership(lease, make, poll=0.01)
    task = asyncio.create_task(leadership.run())
    await until(lambda: lease.tries >= 3)  # it polled, and polled again
    assert made == [] and not leadership.leading
    lease.ours = True
    await until(lambda: leadership.leading and made[0].events == ["run"])
    await leadership.stop()
    await asyncio.wait_for(task, 5)
    assert made[0].events == ["run", "stop", "ended"]
    assert lease.released == 1 and not leadership.leading


async def test_losing_the_lease_stops_sending_and_it_follows_again() -> None:
    lease, made = Switch(ours=True), []

    def make() -> Loop:
        made.append(Loop())
        return made[-1]

    leadership = Leadership(lease, make, poll=0.01)
    task = asyncio.create_task(leadership.run())
    await until(lambda: leadership.leading)
    lease.ours = False  # another replica took over (our session died)
    await until(lambda: not leadership.leading)
    assert made[0].events == ["run", "stop", "ended"]
    lease.ours = True
    await until(lambda: leadership.leading and len(made) == 2)
    await leadership.stop()
    await asyncio.wait_for(task, 5)


async def test_a_database_error_is_following_not_a_crash() -> None:
    lease, made = Switch(ours=True, fail=True), []

    def make() -> Loop:
        made.append(Loop())
        return made[-1]

    leadership = Leadership(lease, make, poll=0.01)
    task = asyncio.create_task(leadership.run())
    await until(lambda: lease.tries >= 3)  # the errors did not end it
    assert not task.done() and made == []
    lease.fail = False
    await until(lambda: leadership.leading)
    lease.fail = True  # the check fails: stop sending rather than risk a second leader
    await until(lambda: not leadership.leading)
    await leadership.stop()
    await asyncio.wait_for(task, 5)


async def test_a_scheduler_crash_reaches_the_caller() -> None:
    class Broken(Loop):
        async def run(self) -> None:
            raise RuntimeError("boom")

    leadership = Leadership(Switch(ours=True), Broken, poll=0.01)
    try:
        await asyncio.wait_for(leadership.run(), 5)
    except RuntimeError as exc:
        assert str(exc) == "boom"
    else:
        raise AssertionError("the scheduler's failure was swallowed")
