"""A clean stop in the middle of a daily fan-out, on both platforms.

``careerbot run`` sends daily tips through the real slack-sdk / discord.py to fakes that
post every DM at once but hold its answer (a slow network). SIGTERM while >= 30
deliveries are in flight: the scheduler stops claiming, the sends in flight finish (or,
past the runner's bound, are cancelled and stay 'pending'), then the adapters and the
database close. Nothing is recorded as failed, no traceback is logged, and after a
restart every subscriber has exactly one DM.

"In flight" is a claimed delivery (tip fixed, attempt counted) not yet recorded: the
sender's pacing lets :func:`at_the_platform` of them reach the platform at once, the
others wait there for a slot. Time limits here are hang guards; the 10 s promise is the
runner's own budget (``test_the_shutdown_budget_stays_under_10_s``).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import runner
from bot.bank import load_bank
from bot.config import Settings
from bot.core.app import Core
from bot.platforms.registry import load_platform
from bot.storage.sqlite import SqliteStore as Store
from tests.bench.delivery import subscribe
from tests.deploy.live import Fakes, fakes, poll, read_until, start_bot, within
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.platforms import discord_env, slack_env

SUBSCRIBERS = 40
IN_FLIGHT = 30
HANG = 60.0  # seconds; only so that a hang fails instead of blocking the suite
PLATFORMS = ["slack", "discord"]


def at_the_platform(platform: str) -> int:
    """How many DMs the sender's pacing lets reach the platform at once (a first DM on
    Discord costs two requests: the DM channel is opened first)."""
    limits = load_platform(f"bot.platforms.{platform}").limits
    return limits.limit // limits.first_dm_cost


async def seed(db: Path, f: Fakes, platform: str) -> None:
    """:data:`SUBSCRIBERS` daily subscribers on ``platform``, all due ten minutes ago."""
    now = datetime.now(UTC)
    at = (now - timedelta(minutes=10)).strftime("%H:%M")
    if platform == "slack":
        tenant, users = f.slack.team_id, [f"U{7000 + i}" for i in range(SUBSCRIBERS)]
        for uid in users:
            f.slack.add_user(uid)
    else:
        tenant, users = str(f.discord.guild_id), [str(10**17 + i) for i in range(SUBSCRIBERS)]
    store = await Store.open(db)
    try:
        core = Core(load_bank(), store, clock=lambda: now - timedelta(hours=1))
        await subscribe(core, platform, tenant, users, at=at)
    finally:
        await store.close()


def fake_of(f: Fakes, platform: str) -> FakeSlack | FakeDiscord:
    return f.slack if platform == "slack" else f.discord


def ledger(db: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        con.row_factory = sqlite3.Row
        return con.execute(
            "SELECT key, state, tip_id, due_at, retry_at, detail FROM deliveries"
        ).fetchall()


def in_flight(db: Path) -> int:
    return sum(1 for r in ledger(db) if r["state"] == "pending" and r["tip_id"] is not None)


def all_sent(db: Path) -> bool:
    rows = ledger(db)
    return len(rows) == SUBSCRIBERS and all(r["state"] == "sent" for r in rows)


def dms(f: Fakes, platform: str) -> list[tuple[str, str]]:
    """(DM channel, delivery key) of every daily tip the fake accepted."""
    if platform == "slack":
        return [
            (m.channel, m.metadata["event_payload"]["key"])
            for m in f.slack.messages
            if m.via == "chat.postMessage" and m.metadata
        ]
    return [(m["channel_id"], m["nonce"]) for m in f.discord.messages if m.get("nonce")]


def check_recorded_truthfully(db: Path, accepted: set[str]) -> list[sqlite3.Row]:
    """The ledger after a stop says what happened: 'sent' only for a DM the platform has;
    anything else still 'pending', ready at once (no back-off, no error), to be resent
    under the same key — which the platform dedups when it had accepted it."""
    rows = ledger(db)
    assert len(rows) == SUBSCRIBERS
    for r in rows:
        assert r["state"] in ("sent", "pending"), dict(r)
        if r["state"] == "sent":
            assert r["key"] in accepted, dict(r)
        else:
            assert r["detail"] == "" and r["retry_at"] == r["due_at"], dict(r)
    return rows


def check_one_dm_each(f: Fakes, platform: str) -> None:
    per_channel = Counter(channel for channel, _ in dms(f, platform))
    assert len(per_channel) == SUBSCRIBERS and set(per_channel.values()) == {1}, per_channel


async def fan_out_held(f: Fakes, platform: str, db: Path) -> FakeSlack | FakeDiscord:
    """Wait until >= IN_FLIGHT deliveries are in flight, as many held by the fake as the
    pacing lets through."""
    fake = fake_of(f, platform)
    await poll(lambda: in_flight(db) >= IN_FLIGHT, HANG, f"{IN_FLIGHT} deliveries in flight")
    await poll(lambda: fake.held >= at_the_platform(platform), HANG, "DMs held by the fake")
    return fake


def test_the_shutdown_budget_stays_under_10_s() -> None:
    """The promise "stopped within 10 s of SIGTERM" is the sum of the runner's limits."""
    steps = (
        runner.SCHEDULER_STOP_TIMEOUT,
        runner.SCHEDULER_CANCEL_TIMEOUT,
        runner.ADAPTER_CLOSE_TIMEOUT,
        runner.DB_CLOSE_TIMEOUT,
    )
    assert runner.SHUTDOWN_BUDGET == sum(steps) < 10.0
    assert runner.SCHEDULER_STOP_TIMEOUT >= 7.0  # in-flight sends get about 8 s


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_sigterm_mid_fan_out_then_restart(tmp_path: Path, platform: str) -> None:
    """SIGTERM with >= 30 DMs in flight; the fake answers them while the bot drains."""
    db = tmp_path / "bot.db"
    async with fakes() as f:
        await seed(db, f, platform)
        env = f.env(slack=platform == "slack", discord=platform == "discord")
        env |= {"CAREERBOT_DB": str(db)}
        fake_of(f, platform).hold()
        proc = await start_bot(env, "--platform", platform)
        try:
            fake = await fan_out_held(f, platform, db)
            proc.send_signal(signal.SIGTERM)
            log = await read_until(proc, "no new deliveries", HANG)
            fake.release()
            (rest, _), _took = await within(HANG, "careerbot run after SIGTERM", proc.communicate())
            log += rest.decode(errors="replace")
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        assert proc.returncode == 0, log
        assert "Traceback" not in log and "careerbot stopped" in log, log
        check_recorded_truthfully(db, {key for _, key in dms(f, platform)})

        proc = await start_bot(env, "--platform", platform)
        try:
            await poll(lambda: all_sent(db), HANG, "every delivery sent after the restart")
            proc.send_signal(signal.SIGTERM)
            (out, _), _took = await within(HANG, "careerbot run after SIGTERM", proc.communicate())
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        log = out.decode(errors="replace")
        assert proc.returncode == 0 and "Traceback" not in log, log
        check_one_dm_each(f, platform)


def settings_for(f: Fakes, platform: str, db: Path) -> Settings:
    own: object
    if platform == "slack":
        own = slack_env.settings_for(f.slack, db.parent)
    else:
        own = discord_env.settings_for(f.discord)
    return Settings(db=str(db), platforms={platform: own})


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_sends_still_in_flight_at_the_bound_stay_pending_and_go_once(
    tmp_path: Path,
    platform: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The fake never answers while the bot stops: past the (shortened) bound the sends
    are cancelled and stay 'pending'; after a restart each goes out once (the platform
    dedups the ones it had accepted: Slack by the key in the DM history, Discord by the
    nonce)."""
    monkeypatch.setattr(runner, "SCHEDULER_STOP_TIMEOUT", 2.0)
    caplog.set_level(logging.INFO)
    db = tmp_path / "bot.db"
    async with fakes() as f:
        await seed(db, f, platform)
        s = settings_for(f, platform, db)
        fake = fake_of(f, platform)
        fake.hold()
        stop = asyncio.Event()
        task = asyncio.create_task(runner.serve(s, [platform], stop=stop))
        try:
            await fan_out_held(f, platform, db)
            stop.set()
            status, _took = await within(HANG, "serve after stop", asyncio.shield(task))
        finally:
            stop.set()
            fake.release()
            await asyncio.wait_for(task, HANG)
        assert status == 0
        accepted = {key for _, key in dms(f, platform)}
        assert len(accepted) == at_the_platform(platform)
        rows = check_recorded_truthfully(db, accepted)
        assert not [r for r in rows if r["state"] == "sent"]  # no answer came in time
        assert "they stay pending" in caplog.text
        assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]

        stop = asyncio.Event()
        task = asyncio.create_task(runner.serve(s, [platform], stop=stop))
        try:
            await poll(lambda: all_sent(db), HANG, "every delivery sent after the restart")
        finally:
            stop.set()
            assert await asyncio.wait_for(task, HANG) == 0
        check_one_dm_each(f, platform)
        assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
