"""The SQLite store: one file, WAL, one explicit transaction per use case.

A use case is a plain function of a unit of work (:class:`bot.core.ports.UnitOfWork`);
``await store.run(fn)`` runs it as ONE transaction on the store's own thread, between
``BEGIN IMMEDIATE`` and ``COMMIT`` (``ROLLBACK`` when it raises). That thread runs one
unit at a time and ``BEGIN IMMEDIATE`` takes SQLite's write lock up front, so concurrent
commands — in this process or another one on the same file — never lose an update.

Why whole units rather than one ``await`` per statement: every await is a round trip
between the event loop and the database thread. A command needs ~8 statements, and
under load (a busy gateway, many commands in flight) each round trip waits behind the
loop's other work while the transaction holds the write lock: throughput collapsed.
One round trip per command keeps the loop free and the lock short.

The thread is the store's own (:class:`_Thread`) and owns the stdlib ``sqlite3``
connection: ``run`` queues the unit and awaits a future the thread settles through
``loop.call_soon_threadsafe`` — public APIs only, the same one hop per command an async
driver's queue would give. Opening, migrations and closing run on
that thread too (a ``sqlite3`` connection stays on the thread that made it).

SQL is parameterized; identifiers are never formatted in.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bot.core.errors import StoreError
from bot.core.ports import UnitOfWork
from bot.storage.link import StoreLinks
from bot.storage.sqlite.daily import SqliteDeliveries, SqliteSubscriptions
from bot.storage.sqlite.habits import SqliteHabits
from bot.storage.sqlite.installations import SqliteInstallations
from bot.storage.sqlite.lease import SqliteLease
from bot.storage.sqlite.migrations import LATEST, SchemaTooNew, migrate
from bot.storage.sqlite.repos import SqliteProgress, SqliteTips, SqliteUsers
from bot.storage.threads import Workers

log = logging.getLogger(__name__)
T = TypeVar("T")


def _prepare(target: str) -> None:
    """Create the database's folder; refuse a folder as the database (start-up only)."""
    if target == ":memory:":
        return
    if Path(target).is_dir():
        raise IsADirectoryError(f"{target} is a folder, not a database file")
    Path(target).parent.mkdir(parents=True, exist_ok=True)


def _connect(target: str) -> sqlite3.Connection:
    # isolation_level=None: autocommit; every unit opens its own BEGIN IMMEDIATE
    return sqlite3.connect(target, isolation_level=None, timeout=10.0)


# Checkpoints (copying WAL pages back into the database) happen in the background, on a
# second connection and thread, so that no command pays for one: with a large database
# the pages a command dirties are scattered, and an inline checkpoint was the slowest 1%
# of writes.
CHECKPOINT_SECONDS = 1.0
WAL_AUTOCHECKPOINT_PAGES = 10_000  # inline fallback, should the background one fall behind


class SqliteUnit:
    """The repositories of one transaction, all on the store's connection.

    One instance per store, reused by every unit: the repositories hold nothing but
    the connection, and only the store's thread ever calls them.
    """

    __slots__ = (
        "db",
        "deliveries",
        "habits",
        "installations",
        "links",
        "progress",
        "subscriptions",
        "tips",
        "users",
    )

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.users = SqliteUsers(db)
        self.progress = SqliteProgress(db)
        self.tips = SqliteTips(db)
        self.subscriptions = SqliteSubscriptions(db)
        self.deliveries = SqliteDeliveries(db)
        self.installations = SqliteInstallations(db)
        self.habits = SqliteHabits(db)
        self.links = StoreLinks(self.users, "?", self.subscriptions.get)


class _Thread(Workers):
    """One thread owning the store's connection: every call on it runs there, in order."""

    def __init__(self, name: str) -> None:
        super().__init__(1, name)
        self.conn: sqlite3.Connection | None = None

    async def close(self) -> None:
        conn, self.conn = self.conn, None
        try:
            if conn is not None and self.is_open:
                await self.call(conn.close)
        finally:
            self.stop()  # the thread ends after the calls before it


class SqliteStore:
    def __init__(self, main: _Thread, unit: SqliteUnit, path: str, checkpoints: _Thread | None):
        self._main = main
        self._unit = unit
        self.path = path
        self._checkpoints = checkpoints
        self._checkpointer: asyncio.Task[None] | None = None
        if checkpoints is not None:
            self._checkpointer = asyncio.create_task(self._checkpoint_loop(checkpoints))

    @property
    def location(self) -> str:
        return self.path

    @classmethod
    async def open(cls, path: str | Path, *, migrate_to: int = LATEST) -> SqliteStore:
        """Open (creating if needed) and migrate the database at ``path``.

        Raises :class:`StoreError` with a one-line reason when that is impossible: a
        folder that cannot be created, a file that is no database, a newer schema.
        """
        target = str(path)
        main = _Thread("careerbot-db")
        checkpoints: _Thread | None = None

        def setup() -> sqlite3.Connection:
            _prepare(target)
            db = main.conn = _connect(target)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA busy_timeout = 10000")
            db.execute("PRAGMA cache_size = -32768")  # 32 MiB of page cache
            # reads straight from the page cache, no syscalls; 1 GiB of address space
            # covers ~3 million users' data (resident only as pages are touched)
            db.execute("PRAGMA mmap_size = 1073741824")
            migrate(db, migrate_to)
            if target != ":memory:":
                db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES:d}")
            return db

        def setup_checkpoints() -> None:
            assert checkpoints is not None
            checkpoints.conn = _connect(target)
            checkpoints.conn.execute("PRAGMA busy_timeout = 10000")

        try:
            db = await main.call(setup)
            if target != ":memory:":
                checkpoints = _Thread("careerbot-db-checkpoint")
                await checkpoints.call(setup_checkpoints)
        except (OSError, sqlite3.Error, SchemaTooNew) as exc:
            await _close_all(main, checkpoints)
            raise StoreError(f"cannot open the database {target}: {exc}") from exc
        except BaseException:
            await _close_all(main, checkpoints)
            raise
        return cls(main, SqliteUnit(db), target, checkpoints)

    async def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.cancel()
            await asyncio.gather(self._checkpointer, return_exceptions=True)
        await _close_all(self._main, self._checkpoints)

    @staticmethod
    async def _checkpoint_loop(thread: _Thread) -> None:
        def checkpoint() -> None:
            if thread.conn is not None:  # PASSIVE: copies what it can without waiting
                thread.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")  # for writers

        while True:
            await asyncio.sleep(CHECKPOINT_SECONDS)
            try:
                await thread.call(checkpoint)
            except sqlite3.Error as exc:
                log.warning("background WAL checkpoint failed: %s", exc)

    async def run(self, fn: Callable[[UnitOfWork], T]) -> T:
        """Run ``fn(unit)`` as one transaction on the store's thread; return its result."""
        unit = self._unit
        db = unit.db

        def work() -> T:
            db.execute("BEGIN IMMEDIATE")
            try:
                result = fn(unit)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return result

        return await self._main.call(work)

    def lease(self) -> SqliteLease:
        return SqliteLease(self.path)

    async def schema_version(self) -> int:
        return await self._main.call(
            lambda: int(self._unit.db.execute("PRAGMA user_version").fetchone()[0])
        )

    async def integrity_check(self) -> list[str]:
        def check() -> list[str]:
            db = self._unit.db
            rows = db.execute("PRAGMA integrity_check").fetchall()
            fk = db.execute("PRAGMA foreign_key_check").fetchall()
            problems = [str(r[0]) for r in rows if r[0] != "ok"]
            return problems + [f"foreign key violation in {r[0]} rowid {r[1]}" for r in fk]

        return await self._main.call(check)


async def _close_all(*threads: _Thread | None) -> None:
    for thread in threads:
        if thread is not None:
            await thread.close()
