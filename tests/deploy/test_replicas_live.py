"""Replicas: one fan-out leader per database, elected through the store's lease.

PostgreSQL: two ``careerbot run`` processes on one database serve commands; exactly one
(the holder of a session advisory lock) plans and sends the daily fan-out. SIGKILL the
leader in the middle of it: the other takes the lead (within its poll, well inside 30 s)
and finishes the day — every subscriber gets exactly one DM (the ledger's unique key,
and the platforms' dedup of a resend under the same key). SQLite: a second ``careerbot
run`` on the same file is refused with a clear message.

Time limits are hang guards, not timing assertions.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.bank import load_bank
from bot.core.app import Core
from bot.storage import open_store
from tests.bench.delivery import subscribe
from tests.deploy.live import Fakes, fakes, poll, read_until, start_bot, wait_healthy
from tests.deploy.test_stop_live import dms
from tests.storage.postgres_server import PgServer

SUBSCRIBERS = 40
HANG = 90.0


async def seed(db: str, f: Fakes, platform: str, n: int = SUBSCRIBERS) -> None:
    """``n`` daily subscribers on ``platform``, all due ten minutes ago (the replicas bench
    seeds thousands)."""
    now = datetime.now(UTC)
    at = (now - timedelta(minutes=10)).strftime("%H:%M")
    if platform == "slack":
        tenant, users = f.slack.team_id, [f"U{8000 + i}" for i in range(n)]
        for uid in users:
            f.slack.add_user(uid)
    else:
        tenant, users = str(f.discord.guild_id), [str(10**17 + i) for i in range(n)]
    store = await open_store(db)
    try:
        core = Core(load_bank(), store, clock=lambda: now - timedelta(hours=1))
        await subscribe(core, platform, tenant, users, at=at)
    finally:
        await store.close()


def states(url: str) -> Counter[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT state, tip_id IS NOT NULL FROM deliveries").fetchall()
    return Counter("claimed" if s == "pending" and t else s for s, t in rows)


class Output:
    """Drains a bot's output (a full pipe would stall it) and keeps it for assertions."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.text = ""
        self.task = asyncio.create_task(self._drain())

    async def _drain(self) -> None:
        assert self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            self.text += line.decode(errors="replace")


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()
            await proc.wait()


@pytest.mark.parametrize("platform", ["slack", "discord"])
async def test_a_killed_leader_is_replaced_and_the_day_is_finished_once(
    pg_server: PgServer, tmp_path: Path, platform: str
) -> None:
    url = pg_server.fresh()
    async with fakes() as f:
        await seed(url, f, platform)
        fake: Any = f.slack if platform == "slack" else f.discord
        fake.hold()  # DMs reach the fake at once; their answers wait: a slow platform
        env = f.env(slack=platform == "slack", discord=platform == "discord") | {
            "CAREERBOT_DB": url,
            "CAREERBOT_HEARTBEAT_SECONDS": "1",
            "HOME": str(tmp_path / "a"),  # the heartbeat file is per replica
        }
        leader = await start_bot(env)
        follower: asyncio.subprocess.Process | None = None
        try:
            await read_until(leader, "this replica leads the daily fan-out", HANG)
            env_b = env | {"HOME": str(tmp_path / "b")}
            follower = await start_bot(env_b)
            await read_until(follower, "another replica leads the daily fan-out", HANG)
            out = Output(follower)
            health = await wait_healthy(env_b, follower, HANG)  # a follower is healthy
            assert "daily fan-out: another replica leads (standing by)" in health, health
            await poll(lambda: states(url)["claimed"] >= 5, HANG, "sends in flight")
            await poll(lambda: fake.held >= 1, HANG, "DMs held by the fake")
            leader.send_signal(signal.SIGKILL)  # mid fan-out: claimed rows stay pending
            await leader.wait()
            fake.release()
            await poll(lambda: "this replica leads" in out.text, 30.0, "the follower takes over")
            await poll(
                lambda: states(url) == Counter(sent=SUBSCRIBERS), HANG, "every delivery sent"
            )
            per_dm = Counter(channel for channel, _ in dms(f, platform))
            assert len(per_dm) == SUBSCRIBERS, per_dm  # no miss
            assert set(per_dm.values()) == {1}, per_dm  # no duplicate
            assert "Traceback" not in out.text, out.text
        finally:
            await stop(leader)
            if follower is not None:
                await stop(follower)


async def test_a_second_run_on_one_sqlite_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "careerbot.db"
    async with fakes() as f:
        env = f.env(slack=True, discord=False) | {"CAREERBOT_DB": str(db)}
        first = await start_bot(env)
        try:
            health = await wait_healthy(env, first, HANG)
            assert "daily fan-out: this replica leads" in health
            second = await start_bot(env)
            out, _ = await asyncio.wait_for(second.communicate(), HANG)
            text = out.decode()
            assert second.returncode == 2, text
            assert f"another careerbot run (pid {first.pid}) is using {db}" in text, text
            assert "Traceback" not in text
            assert first.returncode is None  # the first one is untouched
        finally:
            await stop(first)
