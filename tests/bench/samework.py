"""The same work as careerbot, hand-written: the baseline of the Slack and Discord benches.

What careerbot does for ``tip`` and ``skill pytorch`` (the two representative commands:
one writes, one only reads), with nothing else around it:

- the SAME SQLite transaction: the statements :class:`~bot.storage.sqlite.store.SqliteStore`
  runs for that command (its repositories in ``bot/storage/sqlite/repos.py``), in the same
  order, between ``BEGIN IMMEDIATE`` and ``COMMIT``, on a stdlib ``sqlite3`` connection to
  the same database file with the same connection settings, owned by one thread that a
  coroutine reaches in one hop (``loop.call_soon_threadsafe``), as the store's is;
- the SAME answer: careerbot's own rendering of that command's reply, computed once
  before the timed rounds (:func:`payloads`), sent the way careerbot sends it.

``tests/bench/test_samework.py`` checks that the statements match what careerbot's
store runs (a SQLite trace of both), so the baseline follows the store when it changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import queue
import sqlite3
import statistics
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.core.app import Core
from bot.core.replies import Reply
from bot.core.requests import Request, User

T = TypeVar("T")

COMMANDS = ("tip", "skill pytorch")  # the representative pair, alternating

USER = (  # the account and the profile it uses (its own, or a linked one's)
    "SELECT p.id, p.tz, i.display_name, i.id, p.level FROM users i"
    " JOIN users p ON p.id = coalesce(i.profile_pk, i.id)"
    " WHERE i.platform = ? AND i.tenant = ? AND i.user_id = ?"
)
NEW_USER = (
    "INSERT INTO users (platform, tenant, user_id, display_name, tz, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id, tz, display_name"
)
RENAME = "UPDATE users SET display_name = ? WHERE id = ?"
NOTICES = "DELETE FROM notices WHERE user_pk = ? RETURNING id, text"
SKILLS = "SELECT skill_id, status FROM skill_status WHERE user_pk = ?"
VIEWS = "SELECT tip_id, times FROM tip_views WHERE user_pk = ?"
MARKS = "SELECT tip_id, vote, saved_at FROM tip_marks WHERE user_pk = ?"
VIEW = (
    "INSERT INTO tip_views (user_pk, tip_id, times, first_seen, last_seen) VALUES (?, ?, 1, ?, ?)"
    " ON CONFLICT (user_pk, tip_id) DO UPDATE SET times = times + 1, last_seen = excluded.last_seen"
)
ACTIVE = "INSERT INTO activity (user_pk, day) VALUES (?, ?) ON CONFLICT DO NOTHING"
PREFS = "SELECT day_start, away_skip, weekends_since, days_zone FROM user_prefs WHERE user_pk = ?"
LAST_DAY = "SELECT max(day) FROM activity WHERE user_pk = ?"
SET_PREFS = (
    "INSERT INTO user_prefs (user_pk, day_start, away_skip, weekends_since, days_zone)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_pk) DO UPDATE SET"
    " day_start = excluded.day_start, away_skip = excluded.away_skip,"
    " weekends_since = excluded.weekends_since, days_zone = excluded.days_zone"
)


class DbThread:
    """One ``sqlite3`` connection on its own thread; ``await call(fn)`` runs ``fn(db)``."""

    def __init__(self, path: str | Path) -> None:
        self._jobs: queue.SimpleQueue[tuple[asyncio.Future[Any], Callable[..., Any]] | None]
        self._jobs = queue.SimpleQueue()
        self._path = str(path)
        self.profiler: Any = None  # a cProfile.Profile for --profile runs
        self._thread = threading.Thread(target=self._serve, name="samework-db", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        # the store's connection settings (bot/storage/sqlite/store.py): they change the cost
        db = sqlite3.connect(self._path, isolation_level=None, timeout=10.0)
        for pragma in (
            "journal_mode = WAL",
            "synchronous = NORMAL",
            "foreign_keys = ON",
            "busy_timeout = 10000",
            "cache_size = -32768",
            "mmap_size = 1073741824",
            "wal_autocheckpoint = 10000",
        ):
            db.execute(f"PRAGMA {pragma}")
        while (job := self._jobs.get()) is not None:
            future, fn = job
            try:
                if self.profiler is not None:
                    result, error = self.profiler.runcall(fn, db), None
                else:
                    result, error = fn(db), None
            except Exception as exc:
                result, error = None, exc
            with contextlib.suppress(RuntimeError):
                future.get_loop().call_soon_threadsafe(_settle, future, result, error)
        db.close()

    async def call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put((future, fn))
        return await future

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join()


def _settle(future: asyncio.Future[Any], result: Any, error: Exception | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _user(db: sqlite3.Connection, key: tuple[str, str, str], name: str, now: str) -> int:
    row = db.execute(USER, key).fetchall()
    if not row:
        return int(db.execute(NEW_USER, (*key, name, None, now)).fetchall()[0][0])
    pk, _tz, old, account, _level = row[0]
    if name and name != old:
        db.execute(RENAME, (name, account))
    return int(pk)


class Work:
    """The two transactions; ``tip`` records the next tip id of the bank, in turn."""

    def __init__(self, tip_ids: list[str]) -> None:
        self._tips = itertools.cycle(tip_ids)

    def transaction(
        self, command: str, key: tuple[str, str, str], name: str
    ) -> Callable[[sqlite3.Connection], None]:
        now = datetime.now(UTC)
        stamp = now.isoformat()
        tip_id = next(self._tips) if command == "tip" else ""

        def run(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                pk = _user(db, key, name, stamp)
                db.execute(NOTICES, (pk,)).fetchall()
                if command == "tip":
                    db.execute(VIEWS, (pk,)).fetchall()
                    db.execute(MARKS, (pk,)).fetchall()
                    db.execute(SKILLS, (pk,)).fetchall()
                    db.execute(VIEW, (pk, tip_id, stamp, stamp))
                    prefs = db.execute(PREFS, (pk,)).fetchall()  # the streak's day (UTC here)
                    [(last,)] = db.execute(LAST_DAY, (pk,)).fetchall()
                    if last != now.date().isoformat():
                        db.execute(ACTIVE, (pk, now.date().isoformat()))
                    if not prefs or prefs[0][3] != "UTC":
                        db.execute(SET_PREFS, (pk, 0, 0, None, "UTC"))
                else:
                    db.execute(SKILLS, (pk,)).fetchall()
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

        return run


async def replies(core: Core, user: User) -> dict[str, Reply]:
    """careerbot's replies to :data:`COMMANDS` (for one user, through the real core)."""
    out = {}
    for text in COMMANDS:
        reply = await core.respond(Request(user=user, text=text))
        assert reply.ok, reply.body
        out[text] = reply
    return out


def summary(
    bench: str, rates: dict[str, list[float]], cpus: dict[str, list[float]], goal: float
) -> dict[str, Any]:
    """careerbot / same-work and careerbot / bare per round (runs of the same round), their
    median and spread; the median CPU milliseconds per command of each variant."""

    def ratios(other: str) -> list[float]:
        return [a / b for a, b in zip(rates["careerbot"], rates[other], strict=True)]

    same, bare = ratios("same-work"), ratios("bare")
    median_same = statistics.median(same)
    return {
        "bench": bench,
        "summary": True,
        "ratio_careerbot_vs_same_work": round(median_same, 3),
        "ratio_careerbot_vs_bare": round(statistics.median(bare), 3),
        "rounds_vs_same_work": [round(x, 3) for x in same],
        "rounds_vs_bare": [round(x, 3) for x in bare],
        "per_second_median": {a: round(statistics.median(v), 1) for a, v in rates.items()},
        "bot_cpu_ms_median": {a: round(statistics.median(v), 3) for a, v in cpus.items()},
        # CPU is less disturbed by a shared machine than wall time: same-work / careerbot
        "cpu_ratio_same_work_vs_careerbot": round(
            statistics.median(cpus["same-work"]) / statistics.median(cpus["careerbot"]), 3
        ),
        "goal_vs_same_work": goal,
        "met": median_same >= goal,
    }


# profiling (a separate run, never the measured rounds) ----------------------------------

# (category, substrings of "file:line(function)"); the first match wins
CATEGORIES = (
    ("careerbot", ("/bot/",)),
    ("sqlite", ("sqlite3",)),
    ("discord.py (+ gateway zlib)", ("/discord/", "zlib")),
    (
        "slack-bolt/sdk (+ form parsing, signature)",
        ("/slack_bolt/", "/slack_sdk/", "urllib/", "hmac"),
    ),
    ("aiohttp", ("/aiohttp/", "/yarl/", "/multidict/")),
    ("json", ("/json/",)),
    ("thread hop (queue, GIL)", ("SimpleQueue", "call_soon_threadsafe")),
    ("event loop + sockets", ("/asyncio/", "selectors", "epoll", "_socket", "_ssl")),
)


class ProfiledStore:
    """A store whose units run under ``profiler`` on the store's thread (the handlers)."""

    def __init__(self, store: Any, profiler: Any) -> None:
        self._store = store
        self._profiler = profiler

    async def run(self, fn: Callable[[Any], T]) -> T:
        result: T = await self._store.run(lambda tx: self._profiler.runcall(fn, tx))
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def profile_report(bench: str, stats: Any, commands: int, top: int = 12) -> dict[str, Any]:
    """CPU by category (shares) and the top functions by own CPU time, in µs per command
    (cProfile's overhead included: compare shares, not absolute figures)."""
    per: dict[str, float] = {}
    rows = []
    for (file, line, func), (_, _, tottime, _, _) in stats.stats.items():
        where = f"{file}:{line}({func})"
        category = next(
            (name for name, keys in CATEGORIES if any(k in where for k in keys)), "other"
        )
        per[category] = per.get(category, 0.0) + tottime
        rows.append((tottime, where.split("site-packages/")[-1].split("/wt/bench/")[-1]))
    total = sum(per.values())
    rows.sort(reverse=True)
    return {
        "bench": bench,
        "profile": True,
        "commands": commands,
        "profiled_cpu_us_per_command": round(total * 1e6 / commands, 1),
        "share": {k: round(v / total, 3) for k, v in sorted(per.items(), key=lambda kv: -kv[1])},
        "top_us_per_command": [[w, round(t * 1e6 / commands, 1)] for t, w in rows[:top]],
    }


async def profile(
    bench: str,
    core: Core,
    db: DbThread,
    fire: Callable[[str, int], Awaitable[Any]],
    count: int,
    out: str,
) -> None:
    """careerbot, then same-work, each once under cProfile: the event loop's thread and
    the database thread's units (careerbot: handlers and SQL; same-work: its SQL). Writes
    ``out.<variant>`` and prints a report for each."""
    import cProfile
    import json
    import pstats
    import time

    for variant in ("careerbot", "same-work"):
        # CPU time of each thread (not wall time: an idle poll or a blocked send is no cost)
        loop_thread = cProfile.Profile(time.thread_time)
        db_thread = cProfile.Profile(time.thread_time)
        real = core.store
        if variant == "careerbot":
            core.store = ProfiledStore(real, db_thread)
        else:
            db.profiler = db_thread
        loop_thread.enable()
        try:
            await fire(variant, count)
        finally:
            loop_thread.disable()
            core.store, db.profiler = real, None
        stats = pstats.Stats(loop_thread)
        stats.add(db_thread)
        stats.dump_stats(f"{out}.{variant}")
        report = profile_report(bench, stats, count)
        print(json.dumps(report | {"variant": variant, "file": f"{out}.{variant}"}), flush=True)
