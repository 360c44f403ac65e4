"""The bounded ledger (issue 12, item 6): ``python -m tests.bench.ledger``.

Simulates a year of daily tips — ``--subs`` daily subscribers (default 100,000; 1 % of
them channel subscriptions) and ``--days`` days of ledger rows (default 365) — on both
backends (a real SQLite file; a throwaway PostgreSQL server started like the tests'),
built with bulk SQL (``INSERT … SELECT`` over the days), not through the scheduler.
The last day is "today" at noon: the subscriptions due before noon have a pending row,
the others are due. Two ledgers per backend:

* ``unbounded``: every row of the ``--days`` days (no pruning);
* ``bounded``: what pruning with the default retention (30 days) leaves at steady
  state: the last 31 days' rows (older ones pruned, a channel's tips folded into
  ``channel_tip_views``).

For each it reports the database size and the scheduler's scans on the last day
through the stores' own ports: the due-scan (``subscriptions.due``, 500 rows) and the
pending scan (``deliveries.pending``, 500 rows), p50 and max of repeated runs (goal
<= 200 ms), plus ``states`` of one subscription (``daily``/``next``) and a channel's
``channel_views``. Then the prune cost on the unbounded ledger: ``--prune-batches``
batches of 5,000 rows (each its own transaction, as the scheduler runs them): rows/s
and the longest batch.

``--days 60`` (say) measures a smaller year; the JSON says which was measured and
extrapolates the unbounded size linearly to 365 days (the scans do not depend on it).

Prints one JSON line per measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from bot.core.ports import Store, UnitOfWork
from bot.core.schedule import epoch
from bot.delivery.scheduler import PRUNE_BATCH
from bot.storage import open_store
from tests.storage.postgres_server import PgServer, find_bin

START = datetime(2026, 1, 1, tzinfo=UTC)
RETENTION = 30
STAMP = START.isoformat()


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


# building -----------------------------------------------------------------------------
#
# Subscription i (1..subs) sends at minute (i * 7) % 1440 UTC; every 100th is a channel
# subscription. Day d (0-based) has a row per subscription, 'sent' with a tip (every
# 50th 'skipped', every 200th 'failed', never a channel's); the last day only for those
# due before noon, 'pending'. Ids grow with the day, as the planner writes them.

SQLITE_SUBS = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :subs)
INSERT INTO users (id, platform, tenant, user_id, display_name, tz, created_at)
SELECT i, 'slack', 'T1', 'U' || i, 'user ' || i, 'UTC', :stamp FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :subs)
INSERT INTO subscriptions (id, user_pk, platform, tenant, channel_id, owner_pk, minute, tz,
    days, status, next_due, next_date, created_at, updated_at)
SELECT i, CASE WHEN i % 100 = 0 THEN NULL ELSE i END, 'slack', 'T1',
       CASE WHEN i % 100 = 0 THEN 'C' || i END, CASE WHEN i % 100 = 0 THEN i END,
       (i * 7) % 1440, 'UTC', 127, 'active',
       :today + ((i * 7) % 1440) * 60
         + CASE WHEN (i * 7) % 1440 < 720 THEN 86400 ELSE 0 END,
       CASE WHEN (i * 7) % 1440 < 720 THEN :tomorrow ELSE :today_date END,
       :stamp, :stamp
FROM n
"""

SQLITE_DAY = """
INSERT INTO deliveries (sub_id, local_date, due_at, state, key, tip_id, attempts, retry_at,
    message_id, updated_at)
SELECT s.id, :date, :day + s.minute * 60,
       CASE WHEN :pending THEN 'pending' WHEN s.id % 200 = 3 THEN 'failed'
            WHEN s.id % 50 = 7 THEN 'skipped' ELSE 'sent' END,
       'd' || s.id || '-' || :compact,
       CASE WHEN s.id % 50 = 7 AND NOT :pending THEN NULL
            ELSE 't' || printf('%03d', (s.id + :d) % 60) END,
       1, :day + s.minute * 60, 'm' || s.id, :stamp
FROM subscriptions s WHERE NOT :pending OR s.minute < 720 ORDER BY s.id
"""

PG_SUBS = """
INSERT INTO users (id, platform, tenant, user_id, display_name, tz, created_at)
SELECT i, 'slack', 'T1', 'U' || i, 'user ' || i, 'UTC', %(stamp)s
FROM generate_series(1, %(subs)s) i;
INSERT INTO subscriptions (id, user_pk, platform, tenant, channel_id, owner_pk, minute, tz,
    days, status, next_due, next_date, created_at, updated_at)
SELECT i, CASE WHEN i %% 100 = 0 THEN NULL ELSE i END, 'slack', 'T1',
       CASE WHEN i %% 100 = 0 THEN 'C' || i END, CASE WHEN i %% 100 = 0 THEN i END,
       (i * 7) %% 1440, 'UTC', 127, 'active',
       %(today)s + ((i * 7) %% 1440) * 60
         + CASE WHEN (i * 7) %% 1440 < 720 THEN 86400 ELSE 0 END,
       CASE WHEN (i * 7) %% 1440 < 720 THEN %(tomorrow)s ELSE %(today_date)s END,
       %(stamp)s, %(stamp)s
FROM generate_series(1, %(subs)s) i;
SELECT setval(pg_get_serial_sequence('users', 'id'), %(subs)s);
SELECT setval(pg_get_serial_sequence('subscriptions', 'id'), %(subs)s)
"""

PG_DAY = """
INSERT INTO deliveries (sub_id, local_date, due_at, state, key, tip_id, attempts, retry_at,
    message_id, updated_at)
SELECT s.id, %(date)s, %(day)s + s.minute * 60,
       CASE WHEN %(pending)s THEN 'pending' WHEN s.id %% 200 = 3 THEN 'failed'
            WHEN s.id %% 50 = 7 THEN 'skipped' ELSE 'sent' END,
       'd' || s.id || '-' || %(compact)s,
       CASE WHEN s.id %% 50 = 7 AND NOT %(pending)s THEN NULL
            ELSE 't' || lpad(((s.id + %(d)s) %% 60)::text, 3, '0') END,
       1, %(day)s + s.minute * 60, 'm' || s.id, %(stamp)s
FROM subscriptions s WHERE NOT %(pending)s OR s.minute < 720 ORDER BY s.id
"""


def day_params(days: int, d: int) -> dict[str, Any]:
    day = START + timedelta(days=d)
    return {
        "date": day.date().isoformat(),
        "compact": f"{day:%Y%m%d}",
        "day": epoch(day),
        "d": d,
        "pending": d == days - 1,
        "stamp": STAMP,
    }


def sub_params(subs: int, days: int) -> dict[str, Any]:
    today = START + timedelta(days=days - 1)
    return {
        "subs": subs,
        "stamp": STAMP,
        "today": epoch(today),
        "today_date": today.date().isoformat(),
        "tomorrow": (today + timedelta(days=1)).date().isoformat(),
    }


def first_day(days: int, bounded: bool) -> int:
    return max(0, days - RETENTION - 1) if bounded else 0


def build_sqlite(path: Path, subs: int, days: int, bounded: bool) -> float:
    import sqlite3

    t0 = time.perf_counter()
    with sqlite3.connect(path, isolation_level=None) as con:
        con.execute("PRAGMA synchronous = OFF")
        con.execute("BEGIN")
        for statement in SQLITE_SUBS.split(";"):
            con.execute(statement, sub_params(subs, days))
        con.execute("COMMIT")
        for d in range(first_day(days, bounded), days):
            con.execute("BEGIN")
            con.execute(SQLITE_DAY, day_params(days, d))
            con.execute("COMMIT")
        if bounded:
            fold_sqlite(con, days)
        con.execute("ANALYZE")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - t0


def folded_counts(subs: int, days: int) -> list[tuple[int, str, int]]:
    """What pruning the days before the bounded window folded for the channels."""
    counts: dict[tuple[int, str], int] = {}
    for d in range(first_day(days, True)):
        for sub in range(100, subs + 1, 100):  # the channels' rows are all 'sent'
            key = (sub, f"t{(sub + d) % 60:03d}")
            counts[key] = counts.get(key, 0) + 1
    return [(s, t, n) for (s, t), n in counts.items()]


def fold_sqlite(con: Any, days: int) -> None:
    rows = folded_counts(int(con.execute("SELECT max(id) FROM subscriptions").fetchone()[0]), days)
    con.executemany("INSERT INTO channel_tip_views VALUES (?, ?, ?)", rows)


def build_pg(url: str, subs: int, days: int, bounded: bool) -> float:
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as con:
        for statement in PG_SUBS.split(";"):
            con.execute(statement.encode(), sub_params(subs, days))
        for d in range(first_day(days, bounded), days):
            con.execute(PG_DAY.encode(), day_params(days, d))
        if bounded:
            with con.cursor() as cur:
                cur.executemany(
                    "INSERT INTO channel_tip_views VALUES (%s, %s, %s)",
                    folded_counts(subs, days),
                )
        con.execute("SELECT setval(pg_get_serial_sequence('deliveries', 'id'),"
                    " (SELECT max(id) FROM deliveries))")  # fmt: skip
        con.execute("VACUUM ANALYZE")
    return time.perf_counter() - t0


# measuring ----------------------------------------------------------------------------


async def timed(store: Store, fn: Callable[[UnitOfWork], Any], runs: int) -> dict[str, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        await store.run(fn)
        times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}


async def scans(location: str, days: int, runs: int) -> dict[str, Any]:
    # 14:00 on the last day: the morning's rows are pending, 12:00..14:00 is due
    noon = epoch(START + timedelta(days=days - 1, hours=14))
    store = await open_store(location)
    try:
        due = await store.run(lambda tx: len(tx.subscriptions.due(noon, 500, ["slack"])))
        ready = await store.run(lambda tx: len(tx.deliveries.pending(noon, ["slack"], 500)))
        assert due == ready == 500, (due, ready)
        return {
            "due_scan": await timed(
                store, lambda tx: tx.subscriptions.due(noon, 500, ["slack"]), runs
            ),
            "pending_scan": await timed(
                store, lambda tx: tx.deliveries.pending(noon, ["slack"], 500), runs
            ),
            "states_one_sub": await timed(store, lambda tx: tx.deliveries.states(4242), runs),
            "channel_views": await timed(store, lambda tx: tx.deliveries.channel_views(4200), runs),
        }
    finally:
        await store.close()


async def prune_cost(location: str, days: int, batches: int) -> dict[str, Any]:
    """``batches`` prunes of PRUNE_BATCH rows older than the retention, as the scheduler
    runs them (one transaction each, through the port)."""
    before = epoch(START + timedelta(days=days - 1 - RETENTION))
    store = await open_store(location)
    times, total = [], 0
    try:
        for _ in range(batches):
            t0 = time.perf_counter()
            gone = await store.run(lambda tx: tx.deliveries.prune(before, PRUNE_BATCH))
            times.append(time.perf_counter() - t0)
            total += gone
            if gone < PRUNE_BATCH:
                break
    finally:
        await store.close()
    return {
        "rows": total,
        "batches": len(times),
        "rows_per_s": round(total / sum(times)),
        "batch_p50_ms": round(statistics.median(times) * 1000, 1),
        "longest_batch_ms": round(max(times) * 1000, 1),
    }


def sqlite_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def pg_size(url: str) -> int:
    with psycopg.connect(url) as con:
        row = con.execute("SELECT pg_database_size(current_database())").fetchone()
        return int(row[0]) if row else 0


def pending_rows(subs: int) -> int:
    return sum(1 for i in range(1, subs + 1) if (i * 7) % 1440 < 720)


async def bench(backend: str, args: argparse.Namespace, where: Path, pg: PgServer | None) -> None:
    sizes: dict[str, int] = {}
    for variant in ("bounded", "unbounded"):
        bounded = variant == "bounded"
        if backend == "sqlite":
            path = where / f"{variant}.db"
            location = str(path)
            await (await open_store(location)).close()  # the real migrations
            build_s = await asyncio.to_thread(build_sqlite, path, args.subs, args.days, bounded)
            size = sqlite_size(path)
        else:
            assert pg is not None
            location = pg.fresh()
            await (await open_store(location)).close()
            build_s = await asyncio.to_thread(build_pg, location, args.subs, args.days, bounded)
            size = pg_size(location)
        sizes[variant] = size
        kept = args.days - first_day(args.days, bounded)
        out: dict[str, Any] = {
            "bench": "ledger",
            "backend": backend,
            "ledger": variant,
            "subs": args.subs,
            "days_simulated": args.days,
            "days_of_rows": kept,
            "rows": args.subs * (kept - 1) + pending_rows(args.subs),
            "build_s": round(build_s, 1),
            "db_bytes": size,
        }
        full = args.days - first_day(args.days, True)
        if not bounded and args.days < 365 and kept > full:
            # two sizes, two unknowns: fixed part + bytes per day of rows
            per_day = (size - sizes["bounded"]) / (kept - full)
            out["bytes_per_day_of_rows"] = round(per_day)
            out["db_bytes_365_days_extrapolated"] = round(size + per_day * (365 - kept))
        out.update(await scans(location, args.days, args.runs))
        emit(**out)
        if not bounded:
            cost = await prune_cost(location, args.days, args.prune_batches)
            emit(bench="ledger-prune", backend=backend, batch=PRUNE_BATCH, **cost)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subs", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=20, help="repetitions of each scan")
    parser.add_argument("--prune-batches", type=int, default=40)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="careerbot-ledger-bench-") as tmp:
        if args.backend in ("sqlite", "both"):
            await bench("sqlite", args, Path(tmp), None)
        if args.backend in ("postgres", "both"):
            bindir = find_bin()
            if bindir is None:
                emit(bench="ledger", backend="postgres", error="no PostgreSQL binaries")
                return
            server = PgServer(bindir)
            try:
                server.start()
                await bench("postgres", args, Path(tmp), server)
            finally:
                server.stop()


if __name__ == "__main__":
    asyncio.run(main())
