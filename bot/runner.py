"""``careerbot run``: the configured platform adapters plus the daily-tip scheduler.

Start-up: open the database (migrations run here), build the adapters whose tokens are
set — each platform library is imported only when its adapter runs — start them, then
start the scheduler with their messengers, and keep a heartbeat file fresh for
``careerbot health`` (every ``CAREERBOT_HEARTBEAT_SECONDS``). An adapter that stays
disconnected for ``ADAPTER_DOWN_LIMIT`` (the platform libraries reconnect by themselves;
this is for a revoked token or a dead connection task) stops the bot with exit status 1,
so the container's restart policy starts it afresh.

One fan-out per database: the scheduler runs under :class:`~bot.delivery.leader.Leadership`,
only while this process holds the store's lease. PostgreSQL: replicas serve commands and
one of them (a session advisory lock) plans and sends; the others take over within a few
seconds when it dies. SQLite: the lease is exclusive — a second ``careerbot run`` on the
same file is refused at start with a clear message (exit 2).

Shutdown (SIGTERM/SIGINT, or an adapter failing to start), within ``SHUTDOWN_BUDGET``
(under 10 s), in this order:

1. stop the scheduler: it claims no new delivery, and the sends already in flight get
   ``SCHEDULER_STOP_TIMEOUT`` to finish and be recorded; one still waiting for the
   platform after that is cancelled and its ledger row stays 'pending' (tip fixed), to
   be resent once under the same key on the next start — the platform dedups it. The
   adapters keep answering commands meanwhile;
2. close the adapters (no new commands); the messengers' connections close with them,
   so no send can be cut off by it;
3. close the database.

Each step has its own time limit; a failure is logged and the next step still runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from bot.config import ConfigError, Settings
from bot.core.app import Core
from bot.core.errors import StoreError
from bot.core.ports import Adapter, Lease, Messenger
from bot.delivery.leader import Leadership
from bot.health import database_of, heartbeat_path, remove_heartbeat, write_heartbeat
from bot.platforms import registry

if TYPE_CHECKING:
    from bot.metrics import MetricsServer

log = logging.getLogger(__name__)

Report = Callable[[str], None]  # where a start-up failure's one line goes

NO_PLATFORM = (
    "careerbot run: no chat platform is configured. Set {setup}. "
    "To try the bot without a platform, run 'careerbot console'."
)

ONE_PROCESS = (
    "careerbot run: another careerbot run{holder} is using {where}. SQLite serves one "
    "process: stop that one first, or move to PostgreSQL to run several replicas "
    "(README, 'Scaling out')."
)

SCHEDULER = "bot.delivery.scheduler:Scheduler"

SCHEDULER_STOP_TIMEOUT = 7.5  # in-flight sends finish; then they are cancelled (pending)
SCHEDULER_CANCEL_TIMEOUT = 0.5  # the cancelled sends unwind
ADAPTER_CLOSE_TIMEOUT = 1.0  # each adapter, closed concurrently
DB_CLOSE_TIMEOUT = 0.5
ADAPTER_DOWN_LIMIT = 300.0  # disconnected this long: exit 1 so the restart policy acts
DB_PROBE_TIMEOUT = 5.0  # a database slower than this to answer counts as unhealthy
SHUTDOWN_BUDGET = (
    SCHEDULER_STOP_TIMEOUT + SCHEDULER_CANCEL_TIMEOUT + ADAPTER_CLOSE_TIMEOUT + DB_CLOSE_TIMEOUT
)  # 9.5 s: the deployment promises a stop within 10 s of SIGTERM


class Scheduler(Protocol):
    async def run(self) -> None:
        """Deliver daily tips until stopped."""
        ...

    async def stop(self) -> None:
        """Claim no new delivery; ``run`` returns once the sends in flight finish."""
        ...


AdapterFactory = Callable[[str, Settings, Core], Adapter]
SchedulerFactory = Callable[[Core, Sequence[Messenger], Settings], Scheduler]


def _load(spec: str) -> Any:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def make_adapter(platform: str, settings: Settings, core: Core, **options: Any) -> Adapter:
    """The registry's platform ``platform`` builds it (its library is imported now).

    ``options``: the ``run`` command line, with the arguments the platforms added to it.
    """
    descriptor = registry.get(settings, platform)
    if descriptor is None:
        raise ConfigError(f"no platform is named '{platform}'")
    return descriptor.build(registry.settings_of(settings, descriptor), core, options)


def make_scheduler(core: Core, messengers: Sequence[Messenger], settings: Settings) -> Scheduler:
    cls = _load(SCHEDULER)
    scheduler: Scheduler = cls(
        core,
        list(messengers),
        limits={p.name: p.limits for p in registry.platforms(settings)},
        clock=core.clock,
        sleep=asyncio.sleep,
        pace=time.monotonic,
        catchup=timedelta(hours=settings.catchup_hours),
        retention=timedelta(days=settings.ledger_retention_days)
        if settings.ledger_retention_days
        else None,
    )
    return scheduler


def platforms_for(settings: Settings, choice: str = "all") -> list[str]:
    """The names of the configured platforms (``choice``: all, or one name)."""
    return [p.name for p in registry.configured(settings, choice)]


def no_platform(settings: Settings) -> str:
    setup = ", and/or ".join(p.setup for p in registry.platforms(settings))
    return NO_PLATFORM.format(setup=setup)


def _log_failure(message: str) -> None:
    log.error("%s", message)


def run(
    settings: Settings,
    choice: str = "all",
    options: Mapping[str, Any] | None = None,
    report: Report = _log_failure,
) -> int:
    """Entry point of ``careerbot run``; returns the exit status.

    ``choice`` is "all" or one platform's name; ``options`` are the platforms' run
    arguments (e.g. Slack's HTTP mode). A start-up failure is one line handed to
    ``report`` (the command line prints it).
    """
    platforms = platforms_for(settings, choice)
    if not platforms:
        report(no_platform(settings))
        return 2
    options = dict(options or {})

    def adapter_factory(platform: str, s: Settings, core: Core) -> Adapter:
        return make_adapter(platform, s, core, **options)

    return asyncio.run(serve(settings, platforms, adapter_factory=adapter_factory, report=report))


async def serve(
    settings: Settings,
    platforms: Sequence[str],
    *,
    stop: asyncio.Event | None = None,
    adapter_factory: AdapterFactory = make_adapter,
    scheduler_factory: SchedulerFactory = make_scheduler,
    heartbeat_interval: float | None = None,
    report: Report = _log_failure,
) -> int:
    """Run until ``stop`` is set (by SIGTERM/SIGINT when not given); return the exit status.

    ``heartbeat_interval`` defaults to ``settings.heartbeat_seconds``; a start-up failure
    is one line handed to ``report``.
    """
    beat = settings.heartbeat_seconds if heartbeat_interval is None else heartbeat_interval
    handled: list[signal.Signals] = []
    if stop is None:
        stop = _stop_on_signals(handled)
    try:
        return await _serve(
            settings, platforms, stop, adapter_factory, scheduler_factory, beat, report
        )
    finally:
        loop = asyncio.get_running_loop()
        for sig in handled:
            loop.remove_signal_handler(sig)


async def _serve(
    settings: Settings,
    platforms: Sequence[str],
    stop: asyncio.Event,
    adapter_factory: AdapterFactory,
    scheduler_factory: SchedulerFactory,
    heartbeat_interval: float,
    report: Report,
) -> int:
    from bot.app import open_core
    from bot.bank import BankError

    assembly = open_core(settings, close_timeout=DB_CLOSE_TIMEOUT)
    try:
        core = await assembly.__aenter__()  # the bank, the database (migrations run here)
    except (BankError, StoreError) as exc:
        report(f"careerbot run: {exc}")
        return 1
    try:
        lease = core.store.lease()
        if lease.exclusive and not await lease.acquire():
            holder = lease.holder()
            report(
                ONE_PROCESS.format(
                    holder=f" ({holder})" if holder else "", where=core.store.location
                )
            )
            return 2
        service = _Service(core, settings, stop, heartbeat_interval, lease, report)
        return await service.run(platforms, adapter_factory, scheduler_factory)
    finally:
        # 3. last: the database (scheduler and adapters are stopped by now)
        await assembly.__aexit__(None, None, None)
        log.info("careerbot stopped")


def _stop_on_signals(handled: list[signal.Signals]) -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        if stop.is_set():
            return
        log.info("%s received: shutting down", sig.name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)
        handled.append(sig)
    return stop


class _Service:
    def __init__(
        self,
        core: Core,
        settings: Settings,
        stop: asyncio.Event,
        beat: float,
        lease: Lease,
        report: Report,
    ) -> None:
        self.core = core
        self.report = report
        self.lease = lease
        self.leadership: Leadership | None = None
        self.settings = settings
        self.stop = stop
        self.beat = beat
        self.adapters: list[Adapter] = []
        self.heartbeat = heartbeat_path(database_of(settings))
        self._beat_now = asyncio.Event()  # set: write the next heartbeat at once
        self._running = False  # every adapter started
        self._down_since: dict[str, float] = {}
        self.failed = False  # a fault after start-up: exit 1
        self.metrics: MetricsServer | None = None  # GET /metrics, when configured

    async def run(
        self,
        platforms: Sequence[str],
        adapter_factory: AdapterFactory,
        scheduler_factory: SchedulerFactory,
    ) -> int:
        status = 0
        scheduler: Scheduler | None = None
        scheduler_task: asyncio.Task[None] | None = None
        beat_task = asyncio.create_task(self._heartbeat(), name="heartbeat")
        try:
            await self._start_metrics()
            for platform in platforms:
                self.adapters.append(adapter_factory(platform, self.settings, self.core))
            status = await self._start_adapters()
            if status == 0 and not self.stop.is_set():
                messengers = [a.messenger for a in self.adapters]
                # only the holder of the lease plans and sends: one fan-out per database
                scheduler = self.leadership = Leadership(
                    self.lease, lambda: scheduler_factory(self.core, messengers, self.settings)
                )
                if self.metrics is not None:
                    self.metrics.follow(scheduler)
                scheduler_task = asyncio.create_task(scheduler.run(), name="scheduler")
                scheduler_task.add_done_callback(self._scheduler_ended)
                log.info("careerbot running: %s", ", ".join(a.name for a in self.adapters))
                self._running = True
                self._beat_now.set()
                await self.stop.wait()
                if self.failed:
                    status = 1
        except ConfigError as exc:
            self.report(f"careerbot run: {exc}")
            status = 2
        finally:
            await self._shutdown(scheduler, scheduler_task, beat_task)
        return status

    async def _start_metrics(self) -> None:
        """Serve /metrics when CAREERBOT_METRICS_PORT is set (a taken port: ConfigError)."""
        if self.settings.metrics_port is None:
            return  # off: nothing listens, prometheus-client is not even imported
        from bot.metrics import start_metrics

        self.metrics = await start_metrics(self.settings, self.core)

    async def _start_adapters(self) -> int:
        """Start every adapter concurrently; give up early when asked to stop."""
        names: dict[asyncio.Future[Any], str] = {
            asyncio.create_task(a.start()): a.name for a in self.adapters
        }
        starts = list(names)
        stopper = asyncio.create_task(self.stop.wait())
        try:
            pending: set[asyncio.Future[Any]] = set(starts)
            while pending:
                done, pending = await asyncio.wait(
                    pending | {stopper}, return_when=asyncio.FIRST_COMPLETED
                )
                pending.discard(stopper)
                if stopper in done:
                    log.info("stop requested while connecting")
                    return 0
                for task in done:
                    exc = task.exception()
                    if isinstance(exc, ConfigError):
                        self.report(f"careerbot run: {exc}")
                        return 2
                    if exc is not None:
                        name = names[task]
                        log.error("the %s adapter failed to start: %s", name, exc, exc_info=exc)
                        self.report(f"careerbot run: {name} failed to start: {exc}")
                        return 1
            return 0
        finally:
            stopper.cancel()
            for task in starts:
                task.cancel()
            await asyncio.gather(stopper, *starts, return_exceptions=True)

    def _scheduler_ended(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() or self.stop.is_set():
            return
        exc = task.exception()
        log.error("the daily-tip scheduler stopped unexpectedly: %s", exc, exc_info=exc)
        self.failed = True
        self.stop.set()

    async def _heartbeat(self) -> None:
        while True:
            db_ok = True
            try:
                async with asyncio.timeout(DB_PROBE_TIMEOUT):
                    await self.core.store.schema_version()
            except Exception as exc:  # includes the time-out
                log.warning("database health probe failed: %s", exc)
                db_ok = False
            connected = {a.name: _connected(a) for a in self.adapters}
            if self._running:
                self._watch(connected)
            try:
                await asyncio.to_thread(
                    write_heartbeat,
                    self.heartbeat,
                    adapters=connected,
                    db_ok=db_ok,
                    leader=None if self.leadership is None else self.leadership.leading,
                )
            except OSError as exc:
                log.warning("cannot write the heartbeat %s: %s", self.heartbeat, exc)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.beat):
                    await self._beat_now.wait()
            self._beat_now.clear()

    def _watch(self, connected: dict[str, bool]) -> None:
        """Give up (exit 1) on an adapter that stays disconnected: a restart may fix it."""
        now = asyncio.get_running_loop().time()
        for name, up in connected.items():
            if up:
                if self._down_since.pop(name, None) is not None:
                    log.info("%s: connected again", name)
                continue
            since = self._down_since.setdefault(name, now)
            if since == now:
                log.warning("%s: disconnected; waiting for it to reconnect", name)
            elif now - since >= ADAPTER_DOWN_LIMIT and not self.stop.is_set():
                log.error(
                    "%s: disconnected for %.0f s; stopping so that the service restarts",
                    name,
                    now - since,
                )
                self.failed = True
                self.stop.set()

    async def _shutdown(
        self,
        scheduler: Scheduler | None,
        scheduler_task: asyncio.Task[None] | None,
        beat_task: asyncio.Task[None],
    ) -> None:
        beat_task.cancel()
        await asyncio.gather(beat_task, return_exceptions=True)
        remove_heartbeat(self.heartbeat)
        # 1. no new deliveries; the sends in flight finish, or stay pending in the ledger
        if scheduler is not None and scheduler_task is not None and not scheduler_task.done():
            scheduler_task.remove_done_callback(self._scheduler_ended)
            await _drain(scheduler, scheduler_task)
        # 2. no new commands; the messengers' connections close with their adapters
        closing = [
            _step(f"closing the {a.name} adapter", a.close, ADAPTER_CLOSE_TIMEOUT)
            for a in self.adapters
        ]
        if self.metrics is not None:  # beside the adapters: no time of its own
            closing.append(_step("closing /metrics", self.metrics.close, ADAPTER_CLOSE_TIMEOUT))
        await asyncio.gather(*closing)


async def _drain(scheduler: Scheduler, task: asyncio.Task[None]) -> None:
    """Stop the scheduler and wait for its sends in flight; cancel them past the bound."""
    try:
        async with asyncio.timeout(SCHEDULER_STOP_TIMEOUT):
            await scheduler.stop()
            await asyncio.shield(task)
    except TimeoutError:
        log.warning(
            "sends still in flight after %.1f s: cancelled; they stay pending "
            "and are resent under the same key on the next start",
            SCHEDULER_STOP_TIMEOUT,
        )
    except Exception:
        log.exception("the daily-tip scheduler failed while stopping")
    if task.done():
        return
    task.cancel()
    await asyncio.wait({task}, timeout=SCHEDULER_CANCEL_TIMEOUT)
    if not task.done():
        log.error(
            "the daily-tip scheduler was still busy %.1f s after being cancelled; moving on",
            SCHEDULER_CANCEL_TIMEOUT,
        )


def _connected(adapter: Adapter) -> bool:
    try:
        return bool(adapter.connected)
    except Exception:
        log.exception("%s: connected flag failed", adapter.name)
        return False


async def _step(what: str, action: Callable[[], Coroutine[Any, Any, None]], limit: float) -> None:
    """Run one shutdown step with a time limit; log (never raise) its failure."""
    try:
        await asyncio.wait_for(action(), timeout=limit)
    except TimeoutError:
        log.error("%s took longer than %.1f s; moving on", what, limit)
    except Exception:
        log.exception("%s failed", what)
