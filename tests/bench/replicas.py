"""Replicas on PostgreSQL (issue 12, item 8): ``python -m tests.bench.replicas``.

Real ``careerbot run`` processes (:mod:`tests.deploy.live`) on a throwaway PostgreSQL
server (:class:`PgServer`) against the fake Discord on loopback:

1. failover: two replicas; SIGKILL the leader; the seconds until the follower logs
   "this replica leads the daily fan-out" (followers try every ``POLL`` = 5 s: the
   leader is killed at a random point of the follower's cycle, so expect 0-5 s; killed
   just after a failed try it is the whole 5 s). Repeated ``--failovers`` times in a chain (the new
   leader is killed next, a fresh follower stands by): min/median/max.
2. fan-out: ``--tips`` daily subscribers due now, the fake enforcing Discord's 50
   requests/s; two replicas; the leader is SIGKILLed once half the ledger rows are
   'sent'; the follower takes over and finishes. Duplicates and misses are counted
   from the DMs the fake accepted per channel (goal 0 and 0); the share of the rate
   limit is all REST requests the fake saw over the fan-out's wall time ÷ 50 (a first
   DM costs two requests: the DM channel, then the message).

Commands/s of two replicas against one is not measured here (see the note in the
report). Prints one JSON line per measurement. Not a test: nothing is asserted on time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg

from bot.delivery.leader import POLL
from tests.deploy.live import fakes, read_until, start_bot
from tests.deploy.test_replicas_live import Output, seed, stop
from tests.deploy.test_stop_live import dms
from tests.storage.postgres_server import PgServer, find_bin

LEADS = "this replica leads the daily fan-out"
FOLLOWS = "leads the daily fan-out; following"
HANG = 120.0
RATE = 50  # Discord: 50 requests/s per bot


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def sent(conn: psycopg.Connection) -> int:
    row = conn.execute("SELECT count(*) FROM deliveries WHERE state = 'sent'").fetchone()
    return int(row[0]) if row else 0


async def wait_for(predicate: Any, within: float, what: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {within:g} s")
        await asyncio.sleep(every)


async def failover(pg: PgServer, tmp: Path, repeats: int) -> None:
    url = pg.fresh()
    took: list[float] = []
    rng = random.Random(12)
    async with fakes() as f:
        base = f.env(slack=False, discord=True) | {"CAREERBOT_DB": url}
        homes = iter(range(1000))

        def env() -> dict[str, str]:
            return base | {"HOME": str(tmp / f"fo{next(homes)}")}

        leader = await start_bot(env())
        procs = [leader]
        try:
            await read_until(leader, LEADS, HANG)
            Output(leader)
            for _ in range(repeats):
                follower = await start_bot(env())
                procs.append(follower)
                await read_until(follower, FOLLOWS, HANG)
                # Killed right after the follower's failed try, it would always wait a
                # whole POLL: kill at a random point of its cycle, as a crash would.
                await asyncio.sleep(rng.uniform(0, POLL))
                leader.send_signal(signal.SIGKILL)
                killed = time.monotonic()
                await read_until(follower, LEADS, HANG)
                took.append(time.monotonic() - killed)
                await leader.wait()
                Output(follower)  # keep its pipe drained
                leader = follower
        finally:
            for p in procs:
                await stop(p)
    emit(
        bench="replicas_failover",
        backend="postgres",
        platform="discord",
        repeats=len(took),
        min_s=round(min(took), 2),
        median_s=round(statistics.median(took), 2),
        max_s=round(max(took), 2),
        each_s=[round(t, 2) for t in took],
        follower_poll_s=POLL,
        kill_at="a random point of the follower's poll cycle",
    )


async def fanout(pg: PgServer, tmp: Path, n: int) -> None:
    url = pg.fresh()
    async with fakes() as f:
        t0 = time.monotonic()
        await seed(url, f, "discord", n)
        emit(bench="replicas_fanout_seed", subscribers=n, seconds=round(time.monotonic() - t0, 1))
        f.discord.rate_limit(RATE, 1.0)
        env = f.env(slack=False, discord=True) | {"CAREERBOT_DB": url}
        watch = psycopg.connect(url, autocommit=True)
        leader = await start_bot(env | {"HOME": str(tmp / "a")})
        follower: asyncio.subprocess.Process | None = None
        try:
            await read_until(leader, LEADS, HANG)
            start, before = time.monotonic(), len(f.discord.requests)
            out_a = Output(leader)
            follower = await start_bot(env | {"HOME": str(tmp / "b")})
            await read_until(follower, FOLLOWS, HANG)
            out_b = Output(follower)
            await wait_for(lambda: sent(watch) >= n // 2, n / 10 + HANG, "half the tips sent")
            leader.send_signal(signal.SIGKILL)
            killed, at_kill = time.monotonic(), sent(watch)
            await leader.wait()
            await wait_for(lambda: LEADS in out_b.text, HANG, "the follower takes over", 0.02)
            took_over = time.monotonic() - killed
            await wait_for(lambda: sent(watch) >= n, n / 10 + HANG, "every tip sent")
            elapsed = time.monotonic() - start
            requests = len(f.discord.requests) - before
            per_dm = Counter(channel for channel, _ in dms(f, "discord"))
            states = Counter(s for (s,) in watch.execute("SELECT state FROM deliveries").fetchall())
            emit(
                bench="replicas_fanout_sigkill",
                backend="postgres",
                platform="discord",
                tips=n,
                sent_at_kill=at_kill,
                ledger=dict(states),
                dm_channels=len(per_dm),
                duplicates=sum(c - 1 for c in per_dm.values() if c > 1),
                misses=n - len(per_dm),
                seconds=round(elapsed, 1),
                takeover_s=round(took_over, 2),
                requests=requests,
                requests_per_s=round(requests / elapsed, 2),
                allowed_per_s=RATE,
                share_of_rate_limit=round(requests / elapsed / RATE, 3),
                http_429=sum(1 for _, why in f.discord.rejected if why == "429"),
                tracebacks=out_a.text.count("Traceback") + out_b.text.count("Traceback"),
            )
        finally:
            watch.close()
            await stop(leader)
            if follower is not None:
                await stop(follower)


async def main(args: argparse.Namespace) -> None:
    bindir = find_bin()
    if bindir is None:
        raise SystemExit("replicas bench: no PostgreSQL binaries (initdb) found")
    pg = PgServer(bindir)
    pg.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if args.failovers:
                await failover(pg, Path(tmp), args.failovers)
            if args.tips:
                await fanout(pg, Path(tmp), args.tips)
    finally:
        pg.stop()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--failovers", type=int, default=3, help="leader kills to time (0: skip)")
    p.add_argument("--tips", type=int, default=10_000, help="fan-out size (0: skip)")
    asyncio.run(main(p.parse_args()))
