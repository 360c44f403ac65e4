"""``careerbot run`` orchestration: start-up, heartbeat, ordered graceful shutdown, errors.

Adapters and the scheduler here are small in-test implementations of the ports in
``bot/core/ports.py``; the database and the bank are real.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

import pytest

from bot import runner
from bot.config import ConfigError, Settings, load_settings
from bot.core.app import Core
from bot.core.ports import Messenger, SendResult, SendStatus
from bot.core.replies import Reply
from bot.core.requests import User
from bot.health import check, heartbeat_path
from bot.platforms.discord.settings import DiscordSettings
from bot.platforms.slack.settings import SlackSettings

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_BANK = ROOT / "tests" / "fixtures" / "bank"


class FakeMessenger:
    def __init__(self, platform: str) -> None:
        self.platform = platform

    async def send_dm(
        self, user: User, reply: Reply, *, key: str, resend: bool = False
    ) -> SendResult:
        return SendResult(SendStatus.SENT, "m1")

    async def send_channel(
        self, tenant: str, channel_id: str, reply: Reply, *, key: str
    ) -> SendResult:
        return SendResult(SendStatus.SENT, "m2")


class FakeAdapter:
    def __init__(
        self,
        name: str,
        events: list[str],
        *,
        fail: Exception | None = None,
        hang_close: bool = False,
        hang_start: bool = False,
    ) -> None:
        self.name = name
        self.messenger = FakeMessenger(name)
        self.events = events
        self.fail = fail
        self.hang_close = hang_close
        self.hang_start = hang_start
        self._connected = False

    async def start(self) -> None:
        self.events.append(f"start {self.name}")
        if self.hang_start:
            await self._hang("start")
        if self.fail:
            raise self.fail
        self._connected = True

    async def close(self) -> None:
        self.events.append(f"close {self.name}")
        if self.hang_close:
            await self._hang("close")
        self._connected = False

    @property
    def connected(self) -> bool:
        return self._connected

    async def _hang(self, what: str) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.events.append(f"{what} {self.name} cancelled")
            raise


class FakeScheduler:
    def __init__(self, core: Core, messengers: Sequence[Messenger], events: list[str]) -> None:
        self.core = core
        self.messengers = messengers
        self.events = events
        self.stopping = asyncio.Event()

    async def run(self) -> None:
        self.events.append("scheduler running " + ",".join(m.platform for m in self.messengers))
        await self.stopping.wait()
        # an in-flight delivery finishes its write before the scheduler stops
        await self.core.store.run(lambda tx: tx.users.find_user("console", "local", "x"))
        self.events.append("scheduler stopped")

    async def stop(self) -> None:
        self.events.append("scheduler stop")
        self.stopping.set()


def settings(tmp_path: Path) -> Settings:
    return Settings(
        db=str(tmp_path / "bot.db"),
        tips_dir=FIXTURE_BANK,
        platforms={"discord": DiscordSettings(discord_token="x")},
        heartbeat_seconds=0.05,
    )


def factories(
    events: list[str], *, made: list[FakeAdapter] | None = None, **per_adapter: dict[str, object]
) -> tuple[runner.AdapterFactory, runner.SchedulerFactory]:
    """``made``: collects the adapters built, for tests that change their state."""

    def adapter(platform: str, _s: Settings, _c: Core) -> FakeAdapter:
        built = FakeAdapter(platform, events, **per_adapter.get(platform, {}))
        if made is not None:
            made.append(built)
        return built

    def scheduler(core: Core, messengers: Sequence[Messenger], _s: Settings) -> FakeScheduler:
        return FakeScheduler(core, messengers, events)

    return adapter, scheduler


def serve(
    s: Settings | Path,
    platforms: Sequence[str],
    made: tuple[runner.AdapterFactory, runner.SchedulerFactory],
    stop: asyncio.Event | None,
) -> Coroutine[Any, Any, int]:
    """``runner.serve`` with these factories (``stop=None``: SIGTERM/SIGINT stop it)."""
    adapter, scheduler = made
    return runner.serve(
        settings(s) if isinstance(s, Path) else s,
        platforms,
        stop=stop,
        adapter_factory=adapter,
        scheduler_factory=scheduler,
        report=lambda line: print(line, file=sys.stderr),  # as `careerbot run` does
    )


async def wait_for(predicate: Callable[[], object]) -> None:
    async with asyncio.timeout(5):
        while not predicate():  # noqa: ASYNC110 - polls files and lists written elsewhere
            await asyncio.sleep(0.01)


async def test_runs_both_adapters_then_shuts_down_in_order(tmp_path: Path) -> None:
    events: list[str] = []
    stop = asyncio.Event()
    adapter, scheduler = factories(events)
    s = settings(tmp_path)
    task = asyncio.create_task(serve(s, ["slack", "discord"], (adapter, scheduler), stop))
    await wait_for(lambda: "scheduler running slack,discord" in events)
    beat = heartbeat_path(s.db_path)
    await wait_for(beat.exists)
    await wait_for(lambda: json.loads(beat.read_text())["adapters"].get("discord") is True)
    state = json.loads(beat.read_text())
    assert state["pid"] == os.getpid()
    assert state["adapters"] == {"slack": True, "discord": True}
    health = check(s.db_path)
    assert health.ok, health.lines

    stop.set()
    assert await asyncio.wait_for(task, 5) == 0
    assert events[:2] == ["start slack", "start discord"]
    # the scheduler stops (its sends in flight finish and are written) while the adapters
    # still run; then the adapters close
    assert events[3:] == ["scheduler stop", "scheduler stopped", "close slack", "close discord"]
    assert not beat.exists()
    assert not check(s.db_path).ok


async def test_config_error_at_start_exits_2_and_closes_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events: list[str] = []
    bad = ConfigError("DISCORD_TOKEN: Discord rejected the token (401 Unauthorized)")
    adapter, scheduler = factories(events, discord={"fail": bad})
    status = await serve(tmp_path, ["slack", "discord"], (adapter, scheduler), asyncio.Event())
    assert status == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN: Discord rejected the token" in err
    assert "Traceback" not in err
    assert "close slack" in events and "close discord" in events
    assert not any(e.startswith("scheduler") for e in events)


async def test_unexpected_start_failure_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events: list[str] = []
    adapter, scheduler = factories(events, slack={"fail": OSError("connection refused")})
    status = await serve(tmp_path, ["slack"], (adapter, scheduler), asyncio.Event())
    assert status == 1
    assert "slack failed to start: connection refused" in capsys.readouterr().err


async def test_stop_while_connecting_and_hung_close_stay_within_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(runner, "ADAPTER_CLOSE_TIMEOUT", 0.2)
    caplog.set_level(logging.INFO, logger="bot.runner")
    events: list[str] = []
    adapter, scheduler = factories(events, slack={"hang_start": True, "hang_close": True})
    stop = asyncio.Event()
    task = asyncio.create_task(serve(tmp_path, ["slack"], (adapter, scheduler), stop))
    await wait_for(lambda: "start slack" in events)
    stop.set()
    # a generous bound: without the time limits this would never return
    assert await asyncio.wait_for(task, 5) == 0
    # the hung start is cancelled as soon as stop is set (it is not awaited to the end),
    # then the hung close is cut off by its own limit: nothing waits on either
    assert events == [
        "start slack",
        "start slack cancelled",
        "close slack",
        "close slack cancelled",
    ]
    assert "closing the slack adapter took longer than 0.2 s" in caplog.text
    assert "stop requested while connecting" in caplog.text


async def test_sigterm_sets_stop(tmp_path: Path) -> None:
    events: list[str] = []
    adapter, scheduler = factories(events)
    task = asyncio.create_task(serve(tmp_path, ["discord"], (adapter, scheduler), None))
    await wait_for(lambda: any(e.startswith("scheduler running") for e in events))
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(task, 5) == 0
    assert events[-3:] == ["scheduler stop", "scheduler stopped", "close discord"]


async def test_unopenable_database_is_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    db.write_bytes(b"this is not a database" * 100)
    events: list[str] = []
    adapter, scheduler = factories(events)
    s = Settings(db=str(db), tips_dir=FIXTURE_BANK)
    status = await serve(s, ["discord"], (adapter, scheduler), asyncio.Event())
    assert status == 1
    assert f"cannot open the database {db}" in capsys.readouterr().err
    assert events == []


def test_platforms_follow_the_tokens() -> None:
    slack = SlackSettings(slack_bot_token="xoxb-1")
    both = Settings(platforms={"slack": slack, "discord": DiscordSettings(discord_token="d")})
    assert runner.platforms_for(both) == ["slack", "discord"]
    assert runner.platforms_for(both, "discord") == ["discord"]
    assert runner.platforms_for(Settings(platforms={"slack": slack})) == ["slack"]
    assert runner.platforms_for(Settings()) == []
    # what the environment says, read through each platform's own settings
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "DISCORD_TOKEN": "d"}
    assert runner.platforms_for(load_settings(env)) == ["slack", "discord"]
    assert runner.platforms_for(load_settings({"DISCORD_TOKEN": "d"})) == ["discord"]
    assert repr(load_settings(env)).count("xoxb-1") == 0  # tokens stay out of repr


def test_no_platform_configured_exits_2_naming_the_variables(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env["CAREERBOT_DB"] = str(tmp_path / "bot.db")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN"):
        assert name in proc.stderr
    assert "Traceback" not in proc.stderr


async def test_a_scheduler_that_does_not_stop_is_abandoned_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(runner, "SCHEDULER_STOP_TIMEOUT", 0.2)
    events: list[str] = []
    adapter, _ = factories(events)

    class Stuck(FakeScheduler):
        async def stop(self) -> None:  # ignores the request: a send that never returns
            self.events.append("scheduler stop")

    def scheduler(core: Core, messengers: Sequence[Messenger], _s: Settings) -> Stuck:
        return Stuck(core, messengers, events)

    stop = asyncio.Event()
    task = asyncio.create_task(serve(tmp_path, ["discord"], (adapter, scheduler), stop))
    await wait_for(lambda: any(e.startswith("scheduler running") for e in events))
    stop.set()
    assert await asyncio.wait_for(task, 2) == 0
    assert "they stay pending" in caplog.text
    assert "scheduler stopped" not in events


async def test_an_adapter_that_stays_disconnected_stops_the_bot_with_status_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(runner, "ADAPTER_DOWN_LIMIT", 0.3)
    events: list[str] = []
    made: list[FakeAdapter] = []
    tracking, scheduler = factories(events, made=made)

    task = asyncio.create_task(
        serve(tmp_path, ["slack", "discord"], (tracking, scheduler), asyncio.Event())
    )
    await wait_for(lambda: any(e.startswith("scheduler running") for e in events))
    made[1]._connected = False  # e.g. the gateway refused the resume: no reconnect
    assert await asyncio.wait_for(task, 5) == 1
    assert "discord: disconnected for" in caplog.text
    assert events[-4:] == ["scheduler stop", "scheduler stopped", "close slack", "close discord"]


async def test_a_short_disconnect_is_tolerated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(runner, "ADAPTER_DOWN_LIMIT", 5.0)
    caplog.set_level(logging.INFO, logger="bot.runner")
    events: list[str] = []
    made: list[FakeAdapter] = []
    tracking, scheduler = factories(events, made=made)

    stop = asyncio.Event()
    task = asyncio.create_task(serve(tmp_path, ["slack"], (tracking, scheduler), stop))
    await wait_for(lambda: any(e.startswith("scheduler running") for e in events))
    made[0]._connected = False
    await wait_for(lambda: "slack: disconnected; waiting" in caplog.text)
    made[0]._connected = True
    await wait_for(lambda: "slack: connected again" in caplog.text)
    stop.set()
    assert await asyncio.wait_for(task, 5) == 0
