"""Benchmark of the core on a real SQLite file (issue 2): ``python -m tests.bench.core``.

Builds (once, cached under $BENCH_DIR, default /tmp/careerbot-bench) databases of N
users, each with progress (skills, tips seen, a saved tip, a roadmap step, activity
days), then times ``tip``, ``skill``, ``progress`` and ``learn`` through
``Core.respond`` for random users. Prints one JSON line per (users, command) and a
summary line with the p99 ratio between the largest and the smallest database.
Goals: p99 <= 2 ms, >= 2,000 commands/s, p99(1M) <= 2 x p99(10k).

``--db postgresql://user@host:port/postgres`` runs the same bench on PostgreSQL too,
beside SQLite in the same run: a database ``careerbot_core_<N>`` per size on that server,
loaded (COPY) from the same SQLite file so both backends hold identical data.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bot.bank import Bank, load_bank
from bot.core.app import Core
from bot.core.requests import Request, User
from bot.storage import open_store

COMMANDS = ("tip", "skill", "progress", "learn")


async def build(path: Path, users: int, bank: Bank) -> None:
    if path.exists():
        return
    tmp = path.with_suffix(".tmp")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    store = await open_store(tmp)  # creates the schema through the real migrations
    await store.close()
    rng = random.Random(7)
    skills, tips, steps = list(bank.skills), list(bank.tips), [s.id for s in bank.steps]
    stamp = "2026-01-01T00:00:00+00:00"
    with sqlite3.connect(tmp) as db:
        db.execute("PRAGMA synchronous = OFF")
        for start in range(0, users, 50_000):
            ids = range(start + 1, min(users, start + 50_000) + 1)
            db.executemany(
                "INSERT INTO users (id, platform, tenant, user_id, display_name, created_at)"
                " VALUES (?, 'slack', 'T1', ?, ?, ?)",
                ((i, f"U{i}", f"user {i}", stamp) for i in ids),
            )
            db.executemany(
                "INSERT OR IGNORE INTO skill_status (user_pk, skill_id, status, updated_at)"
                " VALUES (?, ?, ?, ?)",
                (
                    (i, rng.choice(skills), rng.choice(("learning", "done")), stamp)
                    for i in ids
                    for _ in range(3)
                ),
            )
            db.executemany(
                "INSERT OR IGNORE INTO tip_views (user_pk, tip_id, times, first_seen, last_seen)"
                " VALUES (?, ?, 1, ?, ?)",
                ((i, rng.choice(tips), stamp, stamp) for i in ids for _ in range(5)),
            )
            db.executemany(
                "INSERT OR IGNORE INTO tip_marks (user_pk, tip_id, vote, saved_at)"
                " VALUES (?, ?, 1, ?)",
                ((i, rng.choice(tips), stamp) for i in ids),
            )
            db.executemany(
                "INSERT OR IGNORE INTO roadmap_done (user_pk, step_id, done_at) VALUES (?, ?, ?)",
                ((i, rng.choice(steps), stamp) for i in ids),
            )
            db.executemany(
                "INSERT OR IGNORE INTO activity (user_pk, day) VALUES (?, ?)",
                ((i, f"2026-01-0{d}") for i in ids for d in (1, 2)),
            )
    db.close()
    tmp.rename(path)


PG_TABLES = {
    "users": "id, platform, tenant, user_id, display_name, tz, created_at",
    "skill_status": "user_pk, skill_id, status, updated_at",
    "tip_views": "user_pk, tip_id, times, first_seen, last_seen",
    "tip_marks": "user_pk, tip_id, vote, saved_at",
    "roadmap_done": "user_pk, step_id, done_at",
    "activity": "user_pk, day",
}


def pg_url(base: str, database: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))


async def build_pg(base: str, source: Path, users: int) -> str:
    """A PostgreSQL copy of the SQLite bench database (kept between runs)."""
    import psycopg
    from psycopg import sql

    name = f"careerbot_core_{users}"
    url = pg_url(base, name)
    with psycopg.connect(base, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            with psycopg.connect(url) as conn:
                done = conn.execute("SELECT to_regclass('bench_done') IS NOT NULL").fetchone()
            if done and done[0]:
                return url
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    store = await open_store(url)  # the schema, through the real migrations
    await store.close()
    src = sqlite3.connect(source)
    with psycopg.connect(url) as conn:
        for table, cols in PG_TABLES.items():
            query = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table),
                sql.SQL(cols),  # constants above
            )
            with conn.cursor().copy(query) as copy:
                for row in src.execute(f"SELECT {cols} FROM {table}"):  # noqa: S608
                    copy.write_row(row)
        conn.execute("SELECT setval(pg_get_serial_sequence('users', 'id'), max(id)) FROM users")
        conn.execute("CREATE TABLE bench_done ()")
    src.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return url


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(
    path: Path | str, users: int, bank: Bank, n: int, backend: str = "sqlite"
) -> dict[str, float]:
    store = await open_store(path)
    core = Core(bank, store)
    rng = random.Random(1)
    skill_names = [s.name for s in bank.skills.values()]
    p99s: dict[str, float] = {}
    try:
        for command in COMMANDS:
            for warm in (True, False):
                lat: list[float] = []
                count = 200 if warm else n
                began = time.perf_counter()
                for _ in range(count):
                    uid = rng.randint(1, users)
                    text = command
                    if command in ("skill", "learn"):
                        text = f"{command} {rng.choice(skill_names)}"
                    req = Request(User("slack", "T1", f"U{uid}"), text)
                    t0 = time.perf_counter()
                    reply = await core.respond(req)
                    lat.append(time.perf_counter() - t0)
                    assert reply.ok, reply.body
                elapsed = time.perf_counter() - began
            p99s[command] = pct(lat, 0.99) * 1000
            print(
                json.dumps(
                    {
                        "bench": "core",
                        "backend": backend,
                        "users": users,
                        "command": command,
                        "n": n,
                        "p50_ms": round(statistics.median(lat) * 1000, 3),
                        "p99_ms": round(p99s[command], 3),
                        "commands_per_s": round(n / elapsed),
                    }
                ),
                flush=True,
            )
    finally:
        await store.close()
    return p99s


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", default="10000,100000,1000000", help="comma-separated sizes")
    ap.add_argument("-n", type=int, default=3000, help="timed commands per command type")
    ap.add_argument("--db", help="also run on PostgreSQL: a postgresql:// URL of the server")
    args = ap.parse_args()
    bank = load_bank()
    base = Path(os.environ.get("BENCH_DIR", "/tmp/careerbot-bench"))
    base.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.users.split(",")]
    results: dict[int, dict[str, float]] = {}
    for users in sizes:
        path = base / f"core-{users}.db"
        t0 = time.perf_counter()
        await build(path, users, bank)
        print(
            json.dumps(
                {
                    "bench": "core-build",
                    "users": users,
                    "seconds": round(time.perf_counter() - t0, 1),
                }
            ),
            flush=True,
        )
        results[users] = await measure(path, users, bank, args.n)
        if args.db:
            t0 = time.perf_counter()
            url = await build_pg(args.db, path, users)
            print(
                json.dumps(
                    {
                        "bench": "core-build",
                        "backend": "postgres",
                        "users": users,
                        "seconds": round(time.perf_counter() - t0, 1),
                    }
                ),
                flush=True,
            )
            await measure(url, users, bank, args.n, backend="postgres")
    if len(sizes) > 1:
        small, large = results[min(sizes)], results[max(sizes)]
        print(
            json.dumps(
                {
                    "bench": "core-scaling",
                    "p99_ratio_largest_vs_smallest": {
                        c: round(large[c] / small[c], 2) for c in COMMANDS
                    },
                    "sizes": [min(sizes), max(sizes)],
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    asyncio.run(main())
