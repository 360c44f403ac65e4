"""Sizing for self-hosters (issue 7): ``python -m tests.bench.sizing`` (part of ``make bench``).

1. Peak memory (VmHWM) of ``careerbot run`` with both adapters connected to the fake
   Slack and Discord on loopback, the daily-tip scheduler on, and a database of
   100,000 subscribed users (half Slack, half Discord) of whom ``--due`` are due right
   now, so the scheduler really plans and sends during the measurement.
   Goal: <= 100 MB.
2. Wall time of ``careerbot say tip`` (the console script, a fresh process each time)
   on that database. Goal: <= 0.3 s. Also lists which platform libraries that process
   imported (none may be).

Prints one JSON line per measurement. The database is built once and cached under
$BENCH_DIR (default /tmp/careerbot-bench).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.storage import open_store
from tests.deploy.live import ROOT, clean_env, fakes, sigterm_and_time, start_bot, wait_healthy
from tests.fakes.discord import GUILD_ID
from tests.fakes.slack import TEAM_ID

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "America/Los_Angeles")
PLATFORM_LIBS = ("slack_sdk", "slack_bolt", "discord")


def uid(platform: str, i: int) -> str:
    return f"U{i:08d}" if platform == "slack" else str(10**17 + i)


async def build(path: Path, users: int, due: int, now: datetime) -> None:
    """``users`` subscribed users; ``due`` of them due a minute ago, the rest later today."""
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    await (await open_store(path)).close()  # the schema through the real migrations
    rng = random.Random(7)
    stamp = now.isoformat()
    con = sqlite3.connect(path)
    with con:
        user_rows, sub_rows = [], []
        for i in range(1, users + 1):
            platform = "slack" if i % 2 else "discord"
            tenant = TEAM_ID if platform == "slack" else str(GUILD_ID)
            zone = ZONES[i % len(ZONES)]
            user_rows.append((i, platform, tenant, uid(platform, i), f"user{i}", zone, stamp))
            offset = -60 if i <= due else rng.randint(3_600, 86_000)
            moment = (now + timedelta(seconds=offset)).astimezone(ZoneInfo(zone))
            moment = moment.replace(second=0, microsecond=0)  # deliveries fall on minutes
            sub_rows.append(
                (i, platform, tenant, moment.hour * 60 + moment.minute, zone, 127,
                 int(moment.timestamp()), moment.date().isoformat(), stamp, stamp)
            )  # fmt: skip
        con.executemany(
            "INSERT INTO users (id, platform, tenant, user_id, display_name, tz, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            user_rows,
        )
        con.executemany(
            """INSERT INTO subscriptions (user_pk, platform, tenant, minute, tz, days, status,
                   next_due, next_date, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)""",
            sub_rows,
        )
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc status")


async def measure_run(db: Path, users: int, due: int, seconds: float) -> dict[str, object]:
    async with fakes() as f:
        for i in range(1, min(due, users) + 1, 2):  # the due Slack users exist in the fake
            f.slack.add_user(uid("slack", i), name=f"user{i}")
        env = f.env() | {"CAREERBOT_DB": str(db), "CAREERBOT_LOG_LEVEL": "WARNING"}
        proc = await start_bot(env)
        started = time.monotonic()
        try:
            await wait_healthy(env, proc, within=60)
            ready = time.monotonic() - started
            await asyncio.sleep(seconds)  # the scheduler works through the due users
            peak = vm_hwm_kib(proc.pid)
            out, stop = await sigterm_and_time(proc, 15)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        dms_discord = sum(1 for m in f.discord.messages if m.get("source") == "channel")
        dms_slack = len(f.slack.messages)
    con = sqlite3.connect(db)
    states = dict(con.execute("SELECT state, count(*) FROM deliveries GROUP BY state").fetchall())
    con.close()
    return {
        "bench": "careerbot run: peak RSS",
        "users": users,
        "due_now": due,
        "peak_rss_mb": round(peak / 1024, 1),
        "goal_mb": 100,
        "ok": peak / 1024 <= 100,
        "ready_s": round(ready, 2),
        "window_s": seconds,
        "sent": {"slack": dms_slack, "discord": dms_discord},
        "ledger": states,
        "sigterm_to_exit_s": round(stop, 2),
        "exit": proc.returncode,
        "log_tail": out[-300:] if proc.returncode else "",
    }


def measure_say(db: Path, runs: int) -> dict[str, object]:
    exe = shutil.which("careerbot", path=str(Path(sys.executable).parent)) or "careerbot"
    env = clean_env({"CAREERBOT_DB": str(db)})
    times, cpu = [], []
    for i in range(runs):
        argv = [exe, "say", "--user", f"bench{i % 3}", "tip"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            raise RuntimeError(f"careerbot say tip failed: {proc.stderr[-500:]}")
    probe = (
        "import sys; from bot.cli import main; main(['say', 'tip']); "
        f"print([m for m in {PLATFORM_LIBS!r} if m in sys.modules], file=sys.stderr)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True
    ).stderr.strip()
    return {
        "bench": "careerbot say tip: wall time",
        "runs": runs,
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "median_cpu_s": round(statistics.median(cpu), 3),  # wall minus waiting for a CPU
        "load_avg_1min": round(os.getloadavg()[0], 1),
        "goal_s": 0.3,
        "ok": statistics.median(times) <= 0.3,
        "platform_libraries_imported": json.loads(loaded.replace("'", '"') or "[]"),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=100_000)
    p.add_argument("--due", type=int, default=400, help="users due right now")
    p.add_argument("--seconds", type=float, default=20.0, help="measurement window")
    p.add_argument("--runs", type=int, default=10, help="careerbot say tip runs")
    args = p.parse_args()
    for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        os.environ.pop(var, None)
    bench_dir = Path(os.environ.get("BENCH_DIR", "/tmp/careerbot-bench"))
    bench_dir.mkdir(parents=True, exist_ok=True)
    db = bench_dir / f"sizing-{args.users}.db"
    t0 = time.monotonic()
    asyncio.run(build(db, args.users, args.due, datetime.now(UTC)))  # fresh: due times move
    built = time.monotonic() - t0
    print(json.dumps({"bench": "sizing database", "users": args.users, "build_s": round(built, 1),
                      "size_mb": round(db.stat().st_size / 1e6, 1)}))  # fmt: skip
    print(json.dumps(asyncio.run(measure_run(db, args.users, args.due, args.seconds))))
    print(json.dumps(measure_say(db, args.runs)))


if __name__ == "__main__":
    main()
