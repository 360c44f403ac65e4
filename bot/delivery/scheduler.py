"""The daily-tip loop: plan due deliveries, send them through the Messengers, record.

Runs inside ``careerbot run`` beside the adapters::

    scheduler = Scheduler(core, messengers, clock=..., sleep=..., pace=..., catchup=...)
    task = asyncio.create_task(scheduler.run())   # until cancelled or stop()
    ...
    await scheduler.stop()                         # or task.cancel()

The due-time clock, the sleep and the pacing clock the sleep advances are injected
(tests drive :meth:`tick` with a fake clock and never wait on real time; production
paces on ``time.monotonic`` with ``asyncio.sleep``, so wall-clock jumps never disturb
it). Stopping is clean either way: after ``stop()`` nothing new is claimed and the sends
in flight finish and are recorded (``careerbot run`` gives them a bound, then cancels);
cancelling abandons them, and their ledger rows stay 'pending' with the tip fixed, to
be resent under the same key (the platform dedups) on the next start.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.app import Clock, Core, utcnow
from bot.core.ports import AwayProbe, Messenger, Presence
from bot.core.records import DeliveryRow
from bot.delivery.ledger import Ledger, Outgoing
from bot.delivery.sender import Limits, Sender

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
IDLE = timedelta(seconds=30)  # longest nap: new subscriptions are seen within this
BATCH = 500
# Deliveries claimed and sending at once, across platforms. The sender's limiters, not
# this, bound what reaches a platform (Slack 8 per workspace, Discord 24 first DMs); this
# bounds how far ahead tips are claimed, so that one platform's queue leaves room for
# the other's.
CONCURRENCY = 32
MIN_NAP = 0.5  # seconds; a failing tick never spins
OUTCOMES = {"pending": "retry"}  # ledger state after a send -> outcome reported
# The bounded ledger: at most every PRUNE_EVERY, a tick deletes finished rows past the
# retention window, PRUNE_BATCH per transaction (no long lock) and at most PRUNE_BATCHES
# per tick; a backlog (a full last batch) goes on at the next tick.
PRUNE_EVERY = timedelta(hours=1)
PRUNE_BATCH = 5000
PRUNE_BATCHES = 20


@dataclass
class TickStats:
    planned: int = 0
    skipped: int = 0
    pruned: int = 0  # ledger rows past the retention window deleted
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        return self.outcomes.get("sent", 0)


class Scheduler:
    def __init__(
        self,
        core: Core,
        messengers: Mapping[str, Messenger] | Sequence[Messenger],
        *,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
        pace: Callable[[], float] = time.monotonic,
        catchup: timedelta = timedelta(hours=6),
        limits: Mapping[str, Limits] | None = None,
        sender: Sender | None = None,
        idle: timedelta = IDLE,
        batch: int = BATCH,
        concurrency: int = CONCURRENCY,
        retention: timedelta | None = None,
    ) -> None:
        if not isinstance(messengers, Mapping):
            messengers = {m.platform: m for m in messengers}
        self.core = core
        self.messengers = dict(messengers)
        self.clock = clock
        self._sleep = sleep
        self.ledger = Ledger(core, catchup)
        # the token buckets read ``pace``: it must be the clock ``sleep`` advances
        self.sender = sender or Sender(
            self.messengers, limits, now=pace, sleep=sleep, observer=core.observer
        )
        self.idle = idle
        self.batch = batch
        self.concurrency = concurrency
        self._stopping = asyncio.Event()
        self._running = False
        self.in_flight = 0  # deliveries claimed and not yet recorded
        self.retention = retention  # None: keep the whole ledger
        self._next_prune: datetime | None = None

    async def tick(self) -> TickStats:
        """Plan what is due now and send every ready delivery once."""
        stats = TickStats()
        platforms = sorted(self.messengers)
        planned = await self.ledger.plan(self.clock(), self.batch, platforms)
        stats.planned, stats.skipped = planned.pending, planned.skipped
        seen: set[int] = set()
        while not self._stopping.is_set():
            rows = [
                r
                for r in await self.ledger.ready(self.clock(), platforms, self.batch)
                if r.id not in seen
            ]
            if not rows:
                break
            seen.update(r.id for r in rows)
            await self._send_all(rows, stats)
        await self._prune(stats)
        return stats

    async def _prune(self, stats: TickStats) -> None:
        """Prune the ledger, after the sends and at most every PRUNE_EVERY (backlog aside)."""
        now = self.clock()
        if self.retention is None or self._stopping.is_set():
            return
        if self._next_prune is not None and now < self._next_prune:
            return
        self._next_prune = now + PRUNE_EVERY
        try:
            stats.pruned, more = await self.ledger.prune_some(
                now, self.retention, PRUNE_BATCH, PRUNE_BATCHES
            )
            if more:
                self._next_prune = now  # a backlog: go on at the next tick
        except Exception:  # the tips matter more than the pruning; try again later
            log.exception("pruning the delivery ledger failed; trying again later")

    async def _send_all(self, rows: list[DeliveryRow], stats: TickStats) -> None:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(row: DeliveryRow) -> None:
            async with gate:
                if self._stopping.is_set():
                    return  # stays pending; sent after the restart
                state = await self._deliver(row)
                stats.outcomes[state] = stats.outcomes.get(state, 0) + 1

        async with asyncio.TaskGroup() as group:
            for row in rows:
                group.create_task(one(row))

    async def _deliver(self, row: DeliveryRow) -> str:
        try:
            out = await self.ledger.claim(row.id, self.clock())
            if out is not None and out.probe:
                out, away = await self._probe(out)
                if away:
                    return away
            if out is None:
                return "not sent"
            self.in_flight += 1
            try:
                return await self._send(out)
            finally:
                self.in_flight -= 1
        except asyncio.CancelledError:
            raise
        except Exception:  # one bad row must not stop everyone's tips
            log.exception("daily delivery %d failed unexpectedly; it stays pending", row.id)
            return "error"

    async def _probe(self, out: Outgoing) -> tuple[Outgoing | None, str]:
        """Away-skip: ask the platform (an :class:`AwayProbe` messenger) whether the user
        is away. Away: the ledger records it, nothing is sent (returns its state).
        Otherwise (here, unknown, or a platform that can't tell) the tip is claimed."""
        messenger = self.messengers.get(out.target.platform)
        user = out.target.user
        if isinstance(messenger, AwayProbe) and user is not None:
            result = await messenger.away(user)
            if result.presence is Presence.AWAY:
                state = await self.ledger.away(out, result.detail, self.clock())
                log.info("delivery %s: user away (%s); not sent", out.key, result.detail)
                return None, state
        return await self.ledger.claim(out.delivery_id, self.clock(), probed=True), ""

    async def _send(self, out: Outgoing) -> str:
        try:
            result = await self.sender.send(out.target, out.reply, key=out.key, resend=out.resend)
            state = await self.ledger.finish(out, result, self.clock())
        except asyncio.CancelledError:
            raise
        except Exception:
            self._observe(out, "error")
            raise
        self._observe(out, state)
        if state != "sent":
            log.info("delivery %s: %s (%s)", out.key, state, result.detail)
        return state

    def _observe(self, out: Outgoing, state: str) -> None:
        """Report the outcome (sent, retry, failed, gone, error) to the core's observer."""
        try:
            self.core.observer.delivery(out.target.platform, OUTCOMES.get(state, state))
        except Exception:  # monitoring never stops a delivery
            log.exception("the delivery observer failed")

    async def run(self) -> None:
        """Tick, then sleep until the next due instant (at most ``idle``); until stopped."""
        self._running = True
        log.info("daily-tip scheduler started (platforms: %s)", ", ".join(sorted(self.messengers)))
        try:
            while not self._stopping.is_set():
                try:
                    stats = await self.tick()
                    if stats.outcomes or stats.skipped:
                        log.info(
                            "daily tips: %s; %d skipped (outside the catch-up window)",
                            stats.outcomes,
                            stats.skipped,
                        )
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("daily-tip tick failed; trying again shortly")
                await self._nap()
        finally:
            self._running = False
            log.info("daily-tip scheduler stopped")

    async def _nap(self) -> None:
        now = self.clock()
        wake = await self.ledger.next_wake(sorted(self.messengers))
        until = now + self.idle if wake is None else min(wake, now + self.idle)
        seconds = max(MIN_NAP, (until - now).total_seconds())
        if self._stopping.is_set():
            return
        nap = asyncio.ensure_future(self._sleep(seconds))
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({nap, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (nap, stop):
                task.cancel()
            await asyncio.gather(nap, stop, return_exceptions=True)

    async def stop(self) -> None:
        """Claim nothing more; ``run`` returns once the sends in flight are recorded.

        Deliveries not claimed yet stay pending for the next start.
        """
        if not self._stopping.is_set():
            log.info(
                "daily-tip scheduler stopping: no new deliveries; %d in flight", self.in_flight
            )
        self._stopping.set()

    @property
    def running(self) -> bool:
        return self._running
