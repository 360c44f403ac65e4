"""The store: one aiosqlite connection, one explicit transaction per use case.

A use case is a plain function of a :class:`Tx`; ``await store.run(fn)`` runs it as
ONE unit of work on aiosqlite's connection thread, between ``BEGIN IMMEDIATE`` and
``COMMIT`` (``ROLLBACK`` when it raises). aiosqlite's queue runs one unit at a time and
``BEGIN IMMEDIATE`` takes SQLite's write lock up front, so concurrent commands — in
this process or another one on the same file — never lose an update.

Why whole units rather than one ``await`` per statement: every await is a round trip
between the event loop and the connection thread. A command needs ~8 statements, and
under load (a busy gateway, many commands in flight) each round trip waits behind the
loop's other work while the transaction holds the write lock: throughput collapsed.
One round trip per command keeps the loop free and the lock short.

SQL is parameterized; identifiers are never formatted in.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import aiosqlite

from bot.core.requests import User
from bot.storage.migrations import LATEST, SchemaTooNew, migrate

log = logging.getLogger(__name__)
T = TypeVar("T")


def default_db_path() -> Path:
    """``$CAREERBOT_DB``, else ``$XDG_DATA_HOME/careerbot/careerbot.db`` (~/.local/share)."""
    env = os.environ.get("CAREERBOT_DB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "careerbot" / "careerbot.db"


def _prepare(target: str) -> None:
    """Create the database's folder; refuse a folder as the database (start-up only)."""
    if target == ":memory:":
        return
    if Path(target).is_dir():
        raise IsADirectoryError(f"{target} is a folder, not a database file")
    Path(target).parent.mkdir(parents=True, exist_ok=True)


async def _close_all(*conns: aiosqlite.Connection | None) -> None:
    for conn in conns:
        if conn is not None:
            await conn.close()


class StoreError(Exception):
    """The database cannot be opened or used; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class UserRow:
    pk: int
    tz: str | None


# Checkpoints (copying WAL pages back into the database) happen in the background, on a
# second connection, so that no command pays for one: with a large database the pages a
# command dirties are scattered, and an inline checkpoint was the slowest 1% of writes.
CHECKPOINT_SECONDS = 1.0
WAL_AUTOCHECKPOINT_PAGES = 10_000  # inline fallback, should the background one fall behind


class Store:
    def __init__(
        self, db: aiosqlite.Connection, path: str, checkpoints: aiosqlite.Connection | None = None
    ) -> None:
        self._db = db
        self.path = path
        self._checkpoints = checkpoints
        self._checkpointer: asyncio.Task[None] | None = None
        if checkpoints is not None:
            self._checkpointer = asyncio.create_task(self._checkpoint_loop(checkpoints))

    @classmethod
    async def open(cls, path: str | Path, *, migrate_to: int = LATEST) -> Store:
        """Open (creating if needed) and migrate the database at ``path``.

        Raises :class:`StoreError` with a one-line reason when that is impossible: a
        folder that cannot be created, a file that is no database, a newer schema.
        """
        target = str(path)
        try:
            _prepare(target)
            db = await aiosqlite.connect(target, isolation_level=None, timeout=10.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the database {target}: {exc}") from exc
        checkpoints = None
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA busy_timeout = 10000")
            await db.execute("PRAGMA cache_size = -32768")  # 32 MiB of page cache
            # reads straight from the page cache, no syscalls; 1 GiB of address space
            # covers ~3 million users' data (resident only as pages are touched)
            await db.execute("PRAGMA mmap_size = 1073741824")
            await migrate(db, migrate_to)
            if target != ":memory:":
                await db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES:d}")
                checkpoints = await aiosqlite.connect(target, isolation_level=None, timeout=10.0)
                await checkpoints.execute("PRAGMA busy_timeout = 10000")
        except (sqlite3.Error, SchemaTooNew) as exc:
            await _close_all(db, checkpoints)
            raise StoreError(f"cannot open the database {target}: {exc}") from exc
        except BaseException:
            await _close_all(db, checkpoints)
            raise
        return cls(db, target, checkpoints)

    async def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.cancel()
            await asyncio.gather(self._checkpointer, return_exceptions=True)
        await _close_all(self._db, self._checkpoints)

    @staticmethod
    async def _checkpoint_loop(conn: aiosqlite.Connection) -> None:
        while True:
            await asyncio.sleep(CHECKPOINT_SECONDS)
            try:  # PASSIVE: copies what it can without waiting for (or blocking) writers
                await conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error as exc:
                log.warning("background WAL checkpoint failed: %s", exc)

    async def run(self, fn: Callable[[Tx], T]) -> T:
        """Run ``fn(tx)`` as one transaction on the connection thread; return its result."""

        def unit(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(Tx(conn))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        # ``_execute`` is the one entry point all of aiosqlite's own methods go through:
        # it runs a callable with the sqlite3 connection on the connection's thread.
        # aiosqlite has no public name for it; the version is pinned in pyproject.toml
        # and tests/storage exercises it.
        execute: Callable[..., Awaitable[Any]] = self._db._execute
        return cast(T, await execute(unit, self._db._conn))

    async def schema_version(self) -> int:
        return await self.run(lambda tx: int(tx.fetchone("PRAGMA user_version")[0]))

    async def integrity_check(self) -> list[str]:
        def check(tx: Tx) -> list[str]:
            rows = tx.fetchall("PRAGMA integrity_check")
            fk = tx.fetchall("PRAGMA foreign_key_check")
            problems = [str(r[0]) for r in rows if r[0] != "ok"]
            return problems + [f"foreign key violation in {r[0]} rowid {r[1]}" for r in fk]

        return await self.run(check)


class Tx:
    """Queries inside one transaction. Created by :meth:`Store.transaction` only."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        return self.db.execute(sql, params).fetchall()

    def fetchone(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        rows = self.db.execute(sql, params).fetchall()  # step to the end: RETURNING
        return rows[0] if rows else None

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        return self.db.execute(sql, params).rowcount

    # users -------------------------------------------------------------------------

    def user(self, user: User, now: datetime, tz_hint: str | None = None) -> UserRow:
        """The user's row, created on first use; keeps the display name fresh.

        Reads first and writes only what changed: most commands then write nothing at
        all, and a read-only transaction commits without touching the WAL.
        """
        key = (user.platform, user.tenant, user.user_id)
        row = self.fetchone(
            "SELECT id, tz, display_name FROM users WHERE platform = ? AND tenant = ?"
            " AND user_id = ?",
            key,
        )
        if row is None:
            row = self.fetchone(
                """INSERT INTO users (platform, tenant, user_id, display_name, tz, created_at)
                   VALUES (?, ?, ?, ?, ?, ?) RETURNING id, tz, display_name""",
                (*key, user.display_name, tz_hint, now.isoformat()),
            )
            return UserRow(int(row[0]), row[1])
        pk, tz, name = int(row[0]), row[1], row[2]
        new_name = user.display_name or name
        new_tz = tz or tz_hint
        if new_name != name or new_tz != tz:
            self.execute(
                "UPDATE users SET display_name = ?, tz = ? WHERE id = ?", (new_name, new_tz, pk)
            )
        return UserRow(pk, new_tz)

    def find_user(self, user: User) -> int | None:
        row = self.fetchone(
            "SELECT id FROM users WHERE platform = ? AND tenant = ? AND user_id = ?",
            (user.platform, user.tenant, user.user_id),
        )
        return int(row[0]) if row else None

    def set_tz(self, pk: int, tz: str) -> None:
        self.execute("UPDATE users SET tz = ? WHERE id = ?", (tz, pk))

    def forget(self, pk: int) -> None:
        self.execute("DELETE FROM users WHERE id = ?", (pk,))

    # skills ------------------------------------------------------------------------

    def skill_statuses(self, pk: int) -> dict[str, str]:
        rows = self.fetchall("SELECT skill_id, status FROM skill_status WHERE user_pk = ?", (pk,))
        return {r[0]: r[1] for r in rows}

    def set_skill(self, pk: int, skill_id: str, status: str | None, now: datetime) -> None:
        if status is None:
            self.execute(
                "DELETE FROM skill_status WHERE user_pk = ? AND skill_id = ?", (pk, skill_id)
            )
            return
        self.execute(
            """INSERT INTO skill_status (user_pk, skill_id, status, updated_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (user_pk, skill_id) DO UPDATE SET
                 status = excluded.status, updated_at = excluded.updated_at""",
            (pk, skill_id, status, now.isoformat()),
        )

    # tips --------------------------------------------------------------------------

    def tip_views(self, pk: int) -> dict[str, int]:
        rows = self.fetchall("SELECT tip_id, times FROM tip_views WHERE user_pk = ?", (pk,))
        return {r[0]: int(r[1]) for r in rows}

    def record_view(self, pk: int, tip_id: str, now: datetime) -> None:
        self.execute(
            """INSERT INTO tip_views (user_pk, tip_id, times, first_seen, last_seen)
               VALUES (?, ?, 1, ?, ?)
               ON CONFLICT (user_pk, tip_id) DO UPDATE SET
                 times = times + 1, last_seen = excluded.last_seen""",
            (pk, tip_id, now.isoformat(), now.isoformat()),
        )

    def marks(self, pk: int) -> dict[str, tuple[int, str | None]]:
        """tip id -> (vote, saved_at)."""
        rows = self.fetchall(
            "SELECT tip_id, vote, saved_at FROM tip_marks WHERE user_pk = ?", (pk,)
        )
        return {r[0]: (int(r[1]), r[2]) for r in rows}

    def set_vote(self, pk: int, tip_id: str, vote: int) -> None:
        self.execute(
            """INSERT INTO tip_marks (user_pk, tip_id, vote) VALUES (?, ?, ?)
               ON CONFLICT (user_pk, tip_id) DO UPDATE SET vote = excluded.vote""",
            (pk, tip_id, vote),
        )

    def set_saved(self, pk: int, tip_id: str, saved_at: datetime | None) -> None:
        stamp = saved_at.isoformat() if saved_at else None
        self.execute(
            """INSERT INTO tip_marks (user_pk, tip_id, saved_at) VALUES (?, ?, ?)
               ON CONFLICT (user_pk, tip_id) DO UPDATE SET saved_at = excluded.saved_at""",
            (pk, tip_id, stamp),
        )

    # roadmap -----------------------------------------------------------------------

    def roadmap_done(self, pk: int) -> set[str]:
        rows = self.fetchall("SELECT step_id FROM roadmap_done WHERE user_pk = ?", (pk,))
        return {r[0] for r in rows}

    def set_step(self, pk: int, step_id: str, done: bool, now: datetime) -> None:
        if done:
            self.execute(
                """INSERT INTO roadmap_done (user_pk, step_id, done_at) VALUES (?, ?, ?)
                   ON CONFLICT (user_pk, step_id) DO NOTHING""",
                (pk, step_id, now.isoformat()),
            )
        else:
            self.execute(
                "DELETE FROM roadmap_done WHERE user_pk = ? AND step_id = ?", (pk, step_id)
            )

    # activity (streaks) ------------------------------------------------------------

    def record_activity(self, pk: int, day: date) -> None:
        self.execute(
            "INSERT INTO activity (user_pk, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (pk, day.isoformat()),
        )

    def activity_days(self, pk: int) -> list[date]:
        rows = self.fetchall("SELECT day FROM activity WHERE user_pk = ? ORDER BY day", (pk,))
        return [date.fromisoformat(r[0]) for r in rows]

    # notices -----------------------------------------------------------------------

    def push_notice(self, pk: int, text: str, now: datetime) -> None:
        self.execute(
            "INSERT INTO notices (user_pk, text, created_at) VALUES (?, ?, ?)",
            (pk, text, now.isoformat()),
        )

    def pop_notices(self, pk: int) -> list[str]:
        rows = self.fetchall("DELETE FROM notices WHERE user_pk = ? RETURNING id, text", (pk,))
        return [r[1] for r in sorted(rows, key=lambda r: int(r[0]))]

    # export ------------------------------------------------------------------------

    def export(self, pk: int) -> dict[str, Any]:
        """Every row about the user, table by table (for ``export``)."""
        out: dict[str, Any] = {}
        row = self.fetchone(
            "SELECT platform, tenant, user_id, display_name, tz, created_at"
            " FROM users WHERE id = ?",
            (pk,),
        )
        keys = ("platform", "tenant", "user_id", "display_name", "tz", "created_at")
        out["user"] = dict(zip(keys, row, strict=True)) if row else {}
        for table, sql in EXPORT_QUERIES.items():
            cur = self.db.execute(sql, (pk,))
            cols = [d[0] for d in cur.description]
            out[table] = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        return out


# Tables holding per-user data; later migrations add theirs here so export stays whole.
EXPORT_QUERIES: dict[str, str] = {
    "skills": "SELECT skill_id, status, updated_at FROM skill_status WHERE user_pk = ?",
    "tips_seen": "SELECT tip_id, times, first_seen, last_seen FROM tip_views WHERE user_pk = ?",
    "tip_marks": "SELECT tip_id, vote, saved_at FROM tip_marks WHERE user_pk = ?",
    "roadmap": "SELECT step_id, done_at FROM roadmap_done WHERE user_pk = ?",
    "activity_days": "SELECT day FROM activity WHERE user_pk = ? ORDER BY day",
    "notices": "SELECT text, created_at FROM notices WHERE user_pk = ?",
    "daily": "SELECT minute, tz, days, status, paused_until, reason, created_at, updated_at"
    " FROM subscriptions WHERE user_pk = ?",
    "daily_deliveries": "SELECT d.local_date, d.state, d.tip_id, d.attempts, d.updated_at"
    " FROM deliveries d JOIN subscriptions s ON s.id = d.sub_id WHERE s.user_pk = ?"
    " ORDER BY d.local_date",
}
