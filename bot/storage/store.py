"""The store: one aiosqlite connection, one explicit transaction per use case.

Everything a command reads and writes happens inside ``async with store.transaction()
as tx``: an asyncio lock serialises use cases on the connection and ``BEGIN
IMMEDIATE`` takes SQLite's write lock up front, so concurrent commands — in this
process or another one on the same file — never lose an update. SQL is
parameterized; identifiers are never formatted in.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.requests import User
from bot.storage.migrations import LATEST, migrate

log = logging.getLogger(__name__)


def default_db_path() -> Path:
    """``$CAREERBOT_DB``, else ``$XDG_DATA_HOME/careerbot/careerbot.db`` (~/.local/share)."""
    env = os.environ.get("CAREERBOT_DB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "careerbot" / "careerbot.db"


@dataclass(frozen=True, slots=True)
class UserRow:
    pk: int
    tz: str | None


class Store:
    def __init__(self, db: aiosqlite.Connection, path: str) -> None:
        self._db = db
        self.path = path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path, *, migrate_to: int = LATEST) -> Store:
        """Open (creating if needed) and migrate the database at ``path``."""
        target = str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(target, isolation_level=None, timeout=10.0)
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA busy_timeout = 10000")
            await db.execute("PRAGMA cache_size = -32768")  # 32 MiB of page cache
            await db.execute("PRAGMA mmap_size = 268435456")  # reads without syscalls
            await migrate(db, migrate_to)
        except BaseException:
            await db.close()
            raise
        return cls(db, target)

    async def close(self) -> None:
        async with self._lock:
            await self._db.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._db)
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def schema_version(self) -> int:
        async with self._lock, self._db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def integrity_check(self) -> list[str]:
        async with self._lock:
            rows = await self._db.execute_fetchall("PRAGMA integrity_check")
            fk = await self._db.execute_fetchall("PRAGMA foreign_key_check")
        problems = [str(r[0]) for r in rows if r[0] != "ok"]
        problems += [f"foreign key violation in {r[0]} rowid {r[1]}" for r in fk]
        return problems


class Tx:
    """Queries inside one transaction. Created by :meth:`Store.transaction` only."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    # Each helper is one round trip to aiosqlite's worker thread: on the hot path the
    # hops, not SQLite, dominate the cost of a command.

    async def fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        return list(await self.db.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        rows = await self.db.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        cursor = await self.db.execute(sql, params)
        return cursor.rowcount

    # users -------------------------------------------------------------------------

    async def user(self, user: User, now: datetime, tz_hint: str | None = None) -> UserRow:
        """The user's row, created on first use; keeps the display name fresh."""
        row = await self.fetchone(
            """INSERT INTO users (platform, tenant, user_id, display_name, tz, created_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (platform, tenant, user_id) DO UPDATE SET
                 display_name = CASE WHEN excluded.display_name = '' THEN display_name
                                     ELSE excluded.display_name END,
                 tz = COALESCE(tz, excluded.tz)
               RETURNING id, tz""",
            (user.platform, user.tenant, user.user_id, user.display_name, tz_hint, now.isoformat()),
        )
        return UserRow(int(row[0]), row[1])

    async def find_user(self, user: User) -> int | None:
        row = await self.fetchone(
            "SELECT id FROM users WHERE platform = ? AND tenant = ? AND user_id = ?",
            (user.platform, user.tenant, user.user_id),
        )
        return int(row[0]) if row else None

    async def set_tz(self, pk: int, tz: str) -> None:
        await self.execute("UPDATE users SET tz = ? WHERE id = ?", (tz, pk))

    async def forget(self, pk: int) -> None:
        await self.execute("DELETE FROM users WHERE id = ?", (pk,))

    # skills ------------------------------------------------------------------------

    async def skill_statuses(self, pk: int) -> dict[str, str]:
        rows = await self.fetchall(
            "SELECT skill_id, status FROM skill_status WHERE user_pk = ?", (pk,)
        )
        return {r[0]: r[1] for r in rows}

    async def set_skill(self, pk: int, skill_id: str, status: str | None, now: datetime) -> None:
        if status is None:
            await self.execute(
                "DELETE FROM skill_status WHERE user_pk = ? AND skill_id = ?", (pk, skill_id)
            )
            return
        await self.execute(
            """INSERT INTO skill_status (user_pk, skill_id, status, updated_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (user_pk, skill_id) DO UPDATE SET
                 status = excluded.status, updated_at = excluded.updated_at""",
            (pk, skill_id, status, now.isoformat()),
        )

    # tips --------------------------------------------------------------------------

    async def tip_views(self, pk: int) -> dict[str, int]:
        rows = await self.fetchall("SELECT tip_id, times FROM tip_views WHERE user_pk = ?", (pk,))
        return {r[0]: int(r[1]) for r in rows}

    async def record_view(self, pk: int, tip_id: str, now: datetime) -> None:
        await self.execute(
            """INSERT INTO tip_views (user_pk, tip_id, times, first_seen, last_seen)
               VALUES (?, ?, 1, ?, ?)
               ON CONFLICT (user_pk, tip_id) DO UPDATE SET
                 times = times + 1, last_seen = excluded.last_seen""",
            (pk, tip_id, now.isoformat(), now.isoformat()),
        )

    async def marks(self, pk: int) -> dict[str, tuple[int, str | None]]:
        """tip id -> (vote, saved_at)."""
        rows = await self.fetchall(
            "SELECT tip_id, vote, saved_at FROM tip_marks WHERE user_pk = ?", (pk,)
        )
        return {r[0]: (int(r[1]), r[2]) for r in rows}

    async def set_vote(self, pk: int, tip_id: str, vote: int) -> None:
        await self.execute(
            """INSERT INTO tip_marks (user_pk, tip_id, vote) VALUES (?, ?, ?)
               ON CONFLICT (user_pk, tip_id) DO UPDATE SET vote = excluded.vote""",
            (pk, tip_id, vote),
        )

    async def set_saved(self, pk: int, tip_id: str, saved_at: datetime | None) -> None:
        stamp = saved_at.isoformat() if saved_at else None
        await self.execute(
            """INSERT INTO tip_marks (user_pk, tip_id, saved_at) VALUES (?, ?, ?)
               ON CONFLICT (user_pk, tip_id) DO UPDATE SET saved_at = excluded.saved_at""",
            (pk, tip_id, stamp),
        )

    # roadmap -----------------------------------------------------------------------

    async def roadmap_done(self, pk: int) -> set[str]:
        rows = await self.fetchall("SELECT step_id FROM roadmap_done WHERE user_pk = ?", (pk,))
        return {r[0] for r in rows}

    async def set_step(self, pk: int, step_id: str, done: bool, now: datetime) -> None:
        if done:
            await self.execute(
                """INSERT INTO roadmap_done (user_pk, step_id, done_at) VALUES (?, ?, ?)
                   ON CONFLICT (user_pk, step_id) DO NOTHING""",
                (pk, step_id, now.isoformat()),
            )
        else:
            await self.execute(
                "DELETE FROM roadmap_done WHERE user_pk = ? AND step_id = ?", (pk, step_id)
            )

    # activity (streaks) ------------------------------------------------------------

    async def record_activity(self, pk: int, day: date) -> None:
        await self.execute(
            "INSERT INTO activity (user_pk, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (pk, day.isoformat()),
        )

    async def activity_days(self, pk: int) -> list[date]:
        rows = await self.fetchall("SELECT day FROM activity WHERE user_pk = ? ORDER BY day", (pk,))
        return [date.fromisoformat(r[0]) for r in rows]

    # notices -----------------------------------------------------------------------

    async def push_notice(self, pk: int, text: str, now: datetime) -> None:
        await self.execute(
            "INSERT INTO notices (user_pk, text, created_at) VALUES (?, ?, ?)",
            (pk, text, now.isoformat()),
        )

    async def pop_notices(self, pk: int) -> list[str]:
        rows = await self.fetchall(
            "DELETE FROM notices WHERE user_pk = ? RETURNING id, text", (pk,)
        )
        return [r[1] for r in sorted(rows, key=lambda r: int(r[0]))]

    # export ------------------------------------------------------------------------

    async def export(self, pk: int) -> dict[str, Any]:
        """Every row about the user, table by table (for ``export``)."""
        out: dict[str, Any] = {}
        row = await self.fetchone(
            "SELECT platform, tenant, user_id, display_name, tz, created_at"
            " FROM users WHERE id = ?",
            (pk,),
        )
        keys = ("platform", "tenant", "user_id", "display_name", "tz", "created_at")
        out["user"] = dict(zip(keys, row, strict=True)) if row else {}
        for table, sql in EXPORT_QUERIES.items():
            async with self.db.execute(sql, (pk,)) as cur:
                cols = [d[0] for d in cur.description]
                out[table] = [dict(zip(cols, r, strict=True)) for r in await cur.fetchall()]
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
