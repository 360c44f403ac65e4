"""Exactly one process plans and sends the daily fan-out: the holder of the store's lease.

``Leadership`` has the scheduler's shape (``run``/``stop``), so ``careerbot run`` treats
it as the scheduler::

    leadership = Leadership(store.lease(), make_scheduler)
    task = asyncio.create_task(leadership.run())
    ...
    await leadership.stop()      # the scheduler's stop: in-flight sends finish

A follower tries to take the lease every ``poll`` seconds; the leader checks every
``poll`` seconds that it still holds it and, when it lost it (its database connection
is gone), stops sending at once and becomes a follower again. When the leader dies
(even by SIGKILL) its lock goes with its database session or file descriptor, so a
follower takes over within one ``poll``. Exactly-once stays the ledger's job: its unique
key per (subscription, local date) and the platforms' dedup of a resend.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.core.ports import Lease

log = logging.getLogger(__name__)

POLL = 5.0  # seconds between a follower's tries and a leader's checks


class Runnable(Protocol):
    async def run(self) -> None: ...

    async def stop(self) -> None: ...


class Leadership:
    def __init__(
        self,
        lease: Lease,
        make_scheduler: Callable[[], Runnable],
        *,
        poll: float = POLL,
    ) -> None:
        self.lease = lease
        self._make = make_scheduler
        self.poll = poll
        self._stopping = asyncio.Event()
        self._scheduler: Runnable | None = None
        self._leading = False

    @property
    def leading(self) -> bool:
        return self._leading

    async def run(self) -> None:
        """Lead while the lease is ours, follow while it is not; until stopped."""
        following_logged = False
        try:
            while not self._stopping.is_set():
                if await self._try(self.lease.acquire, "taking the lead"):
                    following_logged = False
                    await self._lead()
                    continue
                if not following_logged:
                    holder = self.lease.holder()
                    log.info(
                        "another replica%s leads the daily fan-out; following",
                        f" ({holder})" if holder else "",
                    )
                    following_logged = True
                await self._wait_stop(self.poll)
        finally:
            try:
                await self.lease.release()
            except Exception as exc:  # the connection that held it may be gone already
                log.warning("releasing the leader lease failed: %s", exc)

    async def _lead(self) -> None:
        log.info("this replica leads the daily fan-out")
        scheduler = self._make()
        self._scheduler = scheduler
        self._leading = True
        task = asyncio.create_task(scheduler.run(), name="scheduler")
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=self.poll)
                if task.done() or self._stopping.is_set():
                    break
                if not await self._try(self.lease.held, "checking the lead"):
                    log.warning("lost the lead of the daily fan-out: stopping deliveries")
                    await scheduler.stop()
                    break
            await task  # stop() was asked: in-flight sends finish; errors propagate
        finally:
            self._leading = False
            self._scheduler = None
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    async def _try(self, action: Callable[[], Awaitable[bool]], what: str) -> bool:
        try:
            return await action()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database is down: not leading, try again later
            log.warning("%s failed: %s", what, exc)
            return False

    async def _wait_stop(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        except TimeoutError:
            pass

    async def stop(self) -> None:
        """Stop leading (in-flight sends finish) or following."""
        self._stopping.set()
        if self._scheduler is not None:
            await self._scheduler.stop()
