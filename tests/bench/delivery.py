"""Daily-tip delivery benchmarks (issue 6): ``python -m tests.bench.delivery``.

1. due: find the due deliveries among 100,000 subscriptions on a real SQLite file —
   the index range scan the scheduler runs every tick (goal <= 200 ms), and the whole
   planning step that writes their ledger rows.
2. fan-out: 1,000 due tips through the real clients against the rate-enforcing fakes
   (Discord: 50 requests/s per bot; Slack: chat.postMessage 1/s per channel plus a
   workspace budget, set to 50/s in the fake) with the scheduler's own token buckets.
   Goal: >= 95 % of the allowed rate, zero 429s.

Prints one JSON line per measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.bank import load_bank
from bot.core.app import Core
from bot.core.requests import Request, User
from bot.core.schedule import Daily, epoch, minute_of_day, time_of_minute
from bot.core.zones import zone_info
from bot.delivery import Limits, Scheduler
from bot.delivery.ledger import Ledger
from bot.platforms.discord import PLATFORM as DISCORD
from bot.platforms.slack.messenger import SlackMessenger
from bot.storage import open_store
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.platforms.discord_env import running

NOW = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Sydney")


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


async def fill(path: Path, subs: int, due: int) -> None:
    """``subs`` users with a daily subscription; ``due`` of them due at NOW."""
    store = await open_store(path)  # the real migrations
    await store.close()
    rng = random.Random(6)
    stamp = NOW.isoformat()
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA synchronous = OFF")
        con.executemany(
            "INSERT INTO users (id, platform, tenant, user_id, display_name, created_at)"
            " VALUES (?, 'slack', 'T1', ?, '', ?)",
            ((i, f"U{i}", stamp) for i in range(1, subs + 1)),
        )
        rows = []
        for i in range(1, subs + 1):
            tz = rng.choice(ZONES)
            if i <= due:  # its instant passed within the last ten minutes
                local = (NOW - timedelta(seconds=rng.randint(0, 600))).astimezone(zone_info(tz))
                at = time_of_minute(local.hour * 60 + local.minute)
            else:
                at = time_of_minute(rng.randint(0, 1439))
            plan = Daily(at, tz)
            day, moment = plan.next_after(NOW - timedelta(minutes=11))
            if i > due and moment <= NOW:
                day, moment = plan.next_after(NOW)
            rows.append(
                (i, minute_of_day(at), tz, 127, epoch(moment), day.isoformat(), stamp, stamp)
            )
        con.executemany(
            "INSERT INTO subscriptions (user_pk, platform, tenant, minute, tz, days, status,"
            " next_due, next_date, created_at, updated_at)"
            " VALUES (?, 'slack', 'T1', ?, ?, ?, 'active', ?, ?, ?, ?)",
            rows,
        )
        con.execute("ANALYZE")


async def bench_due(subs: int, due: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "due.db"
        await fill(path, subs, due)
        store = await open_store(path)
        try:
            with sqlite3.connect(path) as db:
                plan = db.execute(
                    "EXPLAIN QUERY PLAN SELECT id FROM subscriptions s"
                    " WHERE s.status = 'active' AND s.next_due <= ? ORDER BY s.next_due LIMIT ?",
                    (epoch(NOW), 500),
                ).fetchall()
            db.close()
            times = []
            found = 0
            for _ in range(runs):
                start = time.perf_counter()
                found = len(await store.run(lambda tx: tx.subscriptions.due(epoch(NOW), subs)))
                times.append((time.perf_counter() - start) * 1000)
            emit(
                bench="due_query",
                subscriptions=subs,
                due=due,
                found=found,
                median_ms=round(statistics.median(times), 3),
                max_ms=round(max(times), 3),
                runs=runs,
                plan=" | ".join(str(r[-1]) for r in plan),
                goal_ms=200,
            )
            core = Core(load_bank(), store, clock=lambda: NOW)
            start = time.perf_counter()
            stats = await Ledger(core, timedelta(hours=6)).plan(NOW, batch=500)
            elapsed = (time.perf_counter() - start) * 1000
            emit(
                bench="due_plan",
                subscriptions=subs,
                due=due,
                planned=stats.pending,
                skipped=stats.skipped,
                ms=round(elapsed, 1),
                goal_ms=200,
            )
        finally:
            await store.close()


async def subscribe(
    core: Core, platform: str, tenant: str, users: list[str], at: str = "11:00"
) -> None:
    """A daily subscription at ``at`` UTC for each user, made at ``core.clock()``."""
    for uid in users:
        reply = await core.respond(Request(User(platform, tenant, uid), f"daily {at} UTC"))
        assert reply.ok, reply.plain_text()


def clock_at(moment: datetime) -> Any:
    return lambda: moment


async def bench_discord(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(Path(tmp) / "discord.db")
        then = NOW - timedelta(hours=7)
        core = Core(load_bank(), store, clock=clock_at(then))
        try:
            await subscribe(core, "discord", "1000", [str(10_000 + i) for i in range(n)])
            async with FakeDiscord() as fake, running(core, fake) as adapter:
                fake.rate_limit(50, 1.0)
                await asyncio.sleep(1.1)  # start the fan-out with an empty window
                before = len(fake.requests)
                core.clock = clock_at(NOW)
                scheduler = Scheduler(
                    core, [adapter.messenger], clock=core.clock, limits={"discord": DISCORD.limits}
                )
                start = time.perf_counter()
                stats = await scheduler.tick()
                elapsed = time.perf_counter() - start
                requests = len(fake.requests) - before
                limits = DISCORD.limits
                emit(
                    bench="fanout_discord",
                    tips=n,
                    sent=stats.sent,
                    messages=len([m for m in fake.messages if m.get("nonce")]),
                    requests=requests,
                    seconds=round(elapsed, 2),
                    requests_per_s=round(requests / elapsed, 2),
                    allowed_per_s=50,
                    pct_of_allowed=round(100 * requests / elapsed / 50, 1),
                    http_429=sum(1 for _, why in fake.rejected if why == "429"),
                    limiter=f"{limits.limit} per {limits.window:g} s",
                )
        finally:
            await store.close()


async def bench_slack(n: int, workspace_limit: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(Path(tmp) / "slack.db")
        then = NOW - timedelta(hours=7)
        core = Core(load_bank(), store, clock=clock_at(then))
        try:
            async with FakeSlack(channel_limit=1, workspace_limit=workspace_limit) as fake:
                uids = [f"U{100_000 + i}" for i in range(n)]
                for uid in uids:
                    fake.add_user(uid, tz="UTC")
                await subscribe(core, "slack", fake.team_id, uids)
                async with aiohttp.ClientSession() as session:
                    client = AsyncWebClient(
                        token=fake.bot_token,
                        base_url=fake.api_url,
                        session=session,
                        retry_handlers=[],
                    )
                    messenger = SlackMessenger(client)
                    # The fake's workspace budget (Slack publishes none): use it, less one.
                    budget = workspace_limit - 1
                    limits = {"slack": Limits(budget, scope="tenant", channel_limit=1)}
                    core.clock = clock_at(NOW)
                    scheduler = Scheduler(core, [messenger], clock=core.clock, limits=limits)
                    start = time.perf_counter()
                    stats = await scheduler.tick()
                    elapsed = time.perf_counter() - start
                posts = len(fake.api_calls("chat.postMessage"))
                emit(
                    bench="fanout_slack",
                    tips=n,
                    sent=stats.sent,
                    messages=len([m for m in fake.messages if m.metadata]),
                    post_calls=posts,
                    all_calls=len(fake.calls),
                    seconds=round(elapsed, 2),
                    posts_per_s=round(posts / elapsed, 2),
                    allowed_per_s=workspace_limit,
                    pct_of_allowed=round(100 * posts / elapsed / workspace_limit, 1),
                    http_429=scheduler.sender.rate_limited,
                    limiter=f"{budget} per 1 s",
                )
        finally:
            await store.close()


async def main(args: argparse.Namespace) -> None:
    await bench_due(args.subscriptions, args.due, args.runs)
    if not args.skip_fanout:
        await bench_discord(args.tips)
        await bench_slack(args.tips, 50)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--subscriptions", type=int, default=100_000)
    p.add_argument("--due", type=int, default=1_000)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--tips", type=int, default=1_000)
    p.add_argument("--skip-fanout", action="store_true")
    asyncio.run(main(p.parse_args()))
