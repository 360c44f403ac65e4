"""Prometheus metrics of one replica: ``GET /metrics`` on ``CAREERBOT_METRICS_PORT``.

Off by default: without the port nothing listens and prometheus-client is not imported.
With it, ``careerbot run`` serves the endpoint with aiohttp on its own event loop (one
server for the whole process, no extra thread) and makes :class:`Metrics` the core's
observer (:class:`bot.core.ports.Observer`). Every replica serves its own numbers;
Prometheus scrapes each and sums across them.

=========================================  ===============================================
``careerbot_commands_total``               commands answered, by ``command`` (a registry
                                           name, or ``unknown``) and ``outcome`` (``ok``,
                                           ``user_error``, ``failure``)
``careerbot_command_duration_seconds``     histogram of the time to answer, by ``command``
                                           (0.1 ms to 1 s)
``careerbot_deliveries_total``             daily deliveries tried, by ``platform`` and
                                           ``outcome`` (``sent``, ``retry``, ``failed``,
                                           ``gone``, ``error``)
``careerbot_rate_limited_total``           429s answered to a daily send, by ``platform``
``careerbot_leader``                       1 while this replica plans and sends the daily
                                           fan-out, else 0
``careerbot_deliveries_overdue``           deliveries due and not sent yet (read from the
                                           database on each scrape: the same for every
                                           replica of one database)
``process_*``                              the process's CPU, memory and file descriptors
=========================================  ===============================================

The metrics live in a registry of their own (not prometheus-client's global one), so
two bots in one process, or two tests, never share counters.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from prometheus_client.aiohttp import make_aiohttp_handler

from bot.config import ConfigError, Settings
from bot.core.app import Core
from bot.core.schedule import epoch

log = logging.getLogger(__name__)

PATH = "/metrics"
# answering a command takes ~0.1-100 ms (one transaction); past 1 s something is wrong
LATENCY_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
OVERDUE_TIMEOUT = 5.0  # seconds the overdue count may take before a scrape gives up on it
UNKNOWN = "unknown"


class Leading(Protocol):
    @property
    def leading(self) -> bool: ...


# who leads: an object with ``.leading`` (bot.delivery.leader.Leadership), a callable,
# or None (no leadership: a single process always leads)
LeaderSource = Leading | Callable[[], bool] | None


class Metrics:
    """The replica's metrics: a :class:`~bot.core.ports.Observer` plus the gauges read on
    each scrape. ``commands``: the registry's command names (anything else is counted as
    ``unknown``, so labels stay bounded)."""

    def __init__(
        self,
        commands: Iterable[str] = (),
        *,
        leader: LeaderSource = None,
        overdue: Callable[[], Awaitable[int]] | None = None,
        process: bool = True,
    ) -> None:
        self.registry = CollectorRegistry()
        self.known = frozenset(commands)
        self.leader = leader
        self._overdue_source = overdue
        r = self.registry
        self.commands = Counter(
            "careerbot_commands", "Commands answered.", ["command", "outcome"], registry=r
        )
        self.latency = Histogram(
            "careerbot_command_duration_seconds",
            "Time to answer a command (parse, one transaction, reply).",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.deliveries = Counter(
            "careerbot_deliveries",
            "Daily deliveries tried, by the state they were left in.",
            ["platform", "outcome"],
            registry=r,
        )
        self.rate_limits = Counter(
            "careerbot_rate_limited",
            "429 answers to daily sends.",
            ["platform"],
            registry=r,
        )
        self.leading = Gauge(
            "careerbot_leader",
            "1 while this replica plans and sends the daily fan-out.",
            registry=r,
        )
        self.leading.set_function(self._leading)
        self.overdue = Gauge(
            "careerbot_deliveries_overdue",
            "Deliveries due and not sent yet (pending past their due time, or not planned).",
            registry=r,
        )
        if process:
            ProcessCollector(registry=r)

    # the core's Observer ---------------------------------------------------------------

    def command(self, name: str, outcome: str, seconds: float) -> None:
        name = name if name in self.known else UNKNOWN
        self.commands.labels(name, outcome).inc()
        self.latency.labels(name).observe(seconds)

    def delivery(self, platform: str, outcome: str) -> None:
        self.deliveries.labels(platform, outcome).inc()

    def rate_limited(self, platform: str) -> None:
        self.rate_limits.labels(platform).inc()

    # read on scrape --------------------------------------------------------------------

    def _leading(self) -> float:
        source = self.leader
        if source is None:
            return 1.0
        try:
            value = source.leading if hasattr(source, "leading") else source()
        except Exception:
            log.exception("metrics: reading the leader status failed")
            return 0.0
        return 1.0 if value else 0.0

    async def refresh(self) -> None:
        """Count the overdue deliveries now (NaN when the database does not answer)."""
        if self._overdue_source is None:
            return
        try:
            async with asyncio.timeout(OVERDUE_TIMEOUT):
                count = await self._overdue_source()
        except Exception as exc:  # includes the time-out
            log.warning("metrics: counting overdue deliveries failed: %s", exc)
            self.overdue.set(math.nan)
        else:
            self.overdue.set(count)


class MetricsServer:
    """``GET /metrics`` over HTTP on ``host:port`` (port 0: any free one, see ``port``)."""

    def __init__(self, metrics: Metrics, host: str, port: int) -> None:
        self.metrics = metrics
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._export = make_aiohttp_handler(metrics.registry)

    async def start(self) -> None:
        """Listen; raises :class:`ConfigError` naming the setting when the port is taken."""
        app = web.Application()
        app.router.add_get(PATH, self._scrape)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self.close()
            reason = exc.strerror or str(exc)
            raise ConfigError(
                f"CAREERBOT_METRICS_PORT: cannot listen on {self.host}:{self.port} ({reason})"
            ) from exc
        if self.port == 0:  # the port the system chose
            self.port = int(self._runner.addresses[0][1])
        log.info("metrics: http://%s:%d%s", self.host, self.port, PATH)

    async def _scrape(self, request: web.Request) -> web.StreamResponse:
        await self.metrics.refresh()
        return await self._export(request)

    def follow(self, scheduler: object) -> None:
        """The leader gauge follows ``scheduler.leading`` (a leadership); a scheduler
        without it always leads (one process on its own database)."""
        leading = scheduler if hasattr(scheduler, "leading") else None
        self.metrics.leader = leading

    async def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()


async def start_metrics(settings: Settings, core: Core) -> MetricsServer:
    """Serve ``settings``' endpoint and make its metrics the core's observer.

    The leader gauge reads 0 until :meth:`MetricsServer.follow` names the scheduler.
    """
    assert settings.metrics_port is not None

    async def overdue() -> int:
        now = epoch(core.clock())
        return await core.store.run(lambda tx: tx.deliveries.overdue_count(now))

    metrics = Metrics((c.name for c in core.registry), leader=lambda: False, overdue=overdue)
    server = MetricsServer(metrics, settings.metrics_host, settings.metrics_port)
    await server.start()
    core.observer = metrics
    return server
