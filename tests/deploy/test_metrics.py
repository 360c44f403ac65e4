"""``GET /metrics`` (Prometheus): off by default; with ``CAREERBOT_METRICS_PORT`` it counts
commands, deliveries and 429s, and reports the leader status and the overdue deliveries.

The live tests run ``careerbot run`` as a real process against the fake Slack (real
slack-sdk/slack-bolt) and scrape it over HTTP; the others drive the real core and
``runner.serve`` in this process.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from bot.bank import Bank
from bot.config import Settings
from bot.core.app import Core
from bot.core.ports import UnitOfWork
from bot.core.requests import Request, User
from bot.core.schedule import epoch
from bot.metrics import Metrics
from bot.storage import open_store
from tests.deploy import test_runner as rt
from tests.deploy.live import (
    careerbot,
    fakes,
    run_sync,
    sigterm_and_time,
    start_bot,
    wait_healthy,
)
from tests.fakes.slack import TEAM_ID, slash_command

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def scrape(port: int) -> Samples:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as resp,
    ):
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        return parse(await resp.text())


def listening_ports(pid: int) -> set[int]:
    """The TCP ports process ``pid`` listens on (Linux /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


PROBE = """
import sys
import bot.core.app, bot.core.ports, bot.delivery.scheduler, bot.delivery.sender
import bot.runner, bot.cli, bot.app
bot.core.commands.REGISTRY.parse("help")
{extra}
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] == "prometheus_client")))
"""


def test_core_delivery_and_runner_import_no_metrics_library() -> None:
    """The core only knows its Observer port; with metrics off nothing imports the library."""

    def loaded(extra: str = "") -> str:
        code = PROBE.format(extra=extra)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
        )
        return out.stdout.strip()

    assert loaded() == ""
    assert "prometheus_client" in loaded("import bot.metrics")  # the probe would notice


# the core reports each command once, under a bounded name --------------------------------


class Ticks:
    """An injected timer: each command takes ``step`` seconds."""

    def __init__(self, step: float) -> None:
        self.t = 0.0
        self.step = step

    def __call__(self) -> float:
        self.t += self.step
        return self.t


async def test_commands_are_counted_by_registry_name_and_outcome(
    fixture_bank: Bank, tmp_path: Path
) -> None:
    store = await open_store(str(tmp_path / "bot.db"))
    metrics = Metrics([c.name for c in Core(fixture_bank, store).registry], process=False)
    core = Core(fixture_bank, store, observer=metrics, timer=Ticks(0.002))
    ada = User("console", "local", "ada", "Ada")
    try:
        for text in ("help", "", "skill", "skill no-such-skill-at-all", "roadmap done x y z"):
            await core.respond(Request(ada, text))
        for text in ("nosuch", "x" * 5000, "ignore previous instructions"):
            await core.respond(Request(ada, text))
    finally:
        await store.close()
    await core.respond(Request(ada, "help"))  # the database is closed: a failure
    got = parse(generate_latest(metrics.registry).decode())
    assert value(got, "careerbot_commands_total", command="help", outcome="ok") == 2
    assert value(got, "careerbot_commands_total", command="skill", outcome="user_error") == 2
    assert value(got, "careerbot_commands_total", command="roadmap done", outcome="user_error")
    assert value(got, "careerbot_commands_total", command="unknown", outcome="user_error") == 3
    assert value(got, "careerbot_commands_total", command="help", outcome="failure") == 1
    commands = {dict(labels)["command"] for name, labels in got if name.startswith("careerbot_c")}
    assert commands == {"help", "skill", "roadmap done", "unknown"}  # nothing user-typed
    # the latency histogram: 2 ms each (injected), so all in le=0.0025, none in le=0.001
    duration = "careerbot_command_duration_seconds"
    assert value(got, f"{duration}_count", command="help") == 3
    assert value(got, f"{duration}_bucket", command="help", le="0.0025") == 3
    assert value(got, f"{duration}_bucket", command="help", le="0.001") == 0
    assert math.isclose(value(got, f"{duration}_sum", command="unknown"), 0.006)
    assert value(got, "careerbot_leader") == 1  # no leadership given: a lone process leads


async def test_an_unknown_name_from_an_observer_caller_is_bounded() -> None:
    metrics = Metrics(["help"], process=False)
    metrics.command("<script>", "ok", 0.001)
    got = parse(generate_latest(metrics.registry).decode())
    assert value(got, "careerbot_commands_total", command="unknown", outcome="ok") == 1


# careerbot run in this process: leader status, start-up errors ----------------------------


class Flag:
    """A leadership's ``leading`` flag, which the test sets."""

    leading = False


def test_the_leader_gauge_reads_the_leadership() -> None:
    flag = Flag()

    def broken() -> bool:
        raise RuntimeError("lost")

    def leader(metrics: Metrics) -> float:
        return value(parse(generate_latest(metrics.registry).decode()), "careerbot_leader")

    with_flag = Metrics(leader=flag, process=False)
    assert leader(with_flag) == 0
    flag.leading = True
    assert leader(with_flag) == 1
    assert leader(Metrics(leader=lambda: False, process=False)) == 0  # a callable
    assert leader(Metrics(leader=None, process=False)) == 1  # no leadership: it leads
    assert leader(Metrics(leader=broken, process=False)) == 0


async def test_run_serves_metrics_while_it_runs(tmp_path: Path) -> None:
    events: list[str] = []
    port = free_port()
    s = Settings(
        db=str(tmp_path / "bot.db"),
        tips_dir=rt.FIXTURE_BANK,
        heartbeat_seconds=0.05,
        metrics_port=port,
        metrics_host="127.0.0.1",
    )
    stop = asyncio.Event()
    task = asyncio.create_task(rt.serve(s, ["discord"], rt.factories(events), stop))
    try:
        await rt.wait_for(lambda: "scheduler running discord" in events)
        got = await scrape(port)
        assert value(got, "careerbot_leader") == 1  # the one process on its SQLite file
        assert value(got, "careerbot_deliveries_overdue") == 0
        assert value(got, "process_resident_memory_bytes") > 0
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 5) == 0
    assert port not in listening_ports(os.getpid())  # closed with the adapters


async def test_a_taken_port_is_a_clear_start_up_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events: list[str] = []
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        s = Settings(
            db=str(tmp_path / "bot.db"),
            tips_dir=rt.FIXTURE_BANK,
            metrics_port=port,
            metrics_host="127.0.0.1",
        )
        status = await rt.serve(s, ["discord"], rt.factories(events), asyncio.Event())
    assert status == 2
    err = capsys.readouterr().err
    assert f"CAREERBOT_METRICS_PORT: cannot listen on 127.0.0.1:{port}" in err
    assert "Traceback" not in err
    assert events == []  # nothing was started


# careerbot run as a process against the fake Slack ---------------------------------------


async def seed(db: str, now: datetime) -> None:
    """Two daily subscriptions due two minutes ago: a Slack user's (this bot sends it) and a
    Discord user's (no Discord here: it stays due and unsent)."""
    moment = (now - timedelta(minutes=2)).replace(second=0, microsecond=0)
    store = await open_store(db)

    def subscribe(tx: UnitOfWork) -> None:
        for platform, tenant, uid in (("slack", TEAM_ID, "U1"), ("discord", "", "42")):
            pk = tx.users.user(platform, tenant, uid, "ada", now).pk
            tx.subscriptions.save_user(
                user_pk=pk, platform=platform, tenant=tenant, minute=moment.hour * 60 +
                moment.minute, tz="UTC", days=127, next_due=epoch(moment),
                next_date=moment.date().isoformat(), now=now,
            )  # fmt: skip

    try:
        await store.run(subscribe)
    finally:
        await store.close()


async def test_run_serves_metrics_of_commands_deliveries_and_429s(tmp_path: Path) -> None:
    port = free_port()
    async with fakes() as f:
        db = str(tmp_path / "bot.db")
        await seed(db, datetime.now(UTC))
        f.slack.add_user("U1", name="ada", tz="UTC")
        f.slack.fail_next("chat.postMessage", retry_after=1)  # the daily tip's first try
        env = f.env(discord=False) | {
            "CAREERBOT_DB": db,
            "CAREERBOT_METRICS_PORT": str(port),
            "CAREERBOT_METRICS_HOST": "127.0.0.1",
        }
        proc = await start_bot(env, "--platform", "slack")
        try:
            await wait_healthy(env, proc)
            assert listening_ports(proc.pid) == {port}

            got: Samples = {}

            async def delivered() -> bool:
                nonlocal got
                got = await scrape(port)
                sent = value(got, "careerbot_deliveries_total", platform="slack", outcome="sent")
                return sent == 1

            await poll_scrape(delivered, 30, "the daily tip sent")
            assert value(got, "careerbot_rate_limited_total", platform="slack") == 1
            assert value(got, "careerbot_leader") == 1  # one process on its SQLite file
            assert value(got, "careerbot_deliveries_overdue") == 1  # the Discord user's
            tips = [m for m in f.slack.messages if m.via == "chat.postMessage"]
            assert len(tips) == 1

            for text in ("help", "skill", "no-such-command"):
                url = f.slack.new_response_url("C1", "U1")
                envelope = await f.slack.send_envelope(
                    "slash_commands", slash_command(text, response_url=url)
                )
                await f.slack.wait_ack(envelope, within=10)

            async def answered() -> bool:
                nonlocal got
                got = await scrape(port)
                return sum(v for (n, _), v in got.items() if n == "careerbot_commands_total") >= 3

            await poll_scrape(answered, 10, "three commands counted")
        finally:
            log, _ = await sigterm_and_time(proc)
        assert proc.returncode == 0, log[-2000:]
    assert value(got, "careerbot_commands_total", command="help", outcome="ok") == 1
    assert value(got, "careerbot_commands_total", command="skill", outcome="user_error") == 1
    assert value(got, "careerbot_commands_total", command="unknown", outcome="user_error") == 1
    assert value(got, "careerbot_command_duration_seconds_count", command="skill") == 1
    assert "Traceback" not in log


async def poll_scrape(check: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    """Scrape until ``check()`` holds; fail past ``within`` seconds (a hang guard)."""
    try:
        async with asyncio.timeout(within):
            while not await check():  # noqa: ASYNC110 - polls another process over HTTP
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"{what}: not within {within:g} s") from None


async def test_metrics_are_off_by_default(tmp_path: Path) -> None:
    async with fakes() as f:
        env = f.env(discord=False) | {"CAREERBOT_DB": str(tmp_path / "bot.db")}
        proc = await start_bot(env, "--platform", "slack")
        try:
            await wait_healthy(env, proc)
            assert listening_ports(proc.pid) == set()  # Socket Mode and no /metrics
        finally:
            await sigterm_and_time(proc)


async def test_run_with_a_taken_metrics_port_exits_2(tmp_path: Path) -> None:
    async with fakes() as f:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = int(taken.getsockname()[1])
            env = f.env(discord=False) | {
                "CAREERBOT_DB": str(tmp_path / "bot.db"),
                "CAREERBOT_METRICS_PORT": str(port),
                "CAREERBOT_METRICS_HOST": "127.0.0.1",
            }
            done = await asyncio.to_thread(run_sync, careerbot("run"), env)
    assert done.returncode == 2, done.stderr
    assert f"CAREERBOT_METRICS_PORT: cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not f.slack.sockets  # it stopped before connecting


def test_the_readme_lists_every_metric() -> None:
    readme = (rt.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Metrics.**", 1)[1]
    names = {f.name for f in Metrics(["help"]).registry.collect()}
    ours = {n for n in names if n.startswith("careerbot_")}
    assert len(ours) == 6
    for name in ours:
        assert f"`{name}" in section, name
    documented = set(re.findall(r"`(careerbot_[a-z_]+)", section))
    suffixes = ("_total", "_seconds")
    assert {d for d in documented if not d.endswith(suffixes)} <= ours
