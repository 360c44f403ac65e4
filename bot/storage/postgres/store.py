"""The PostgreSQL store: psycopg 3's sync API on a few owned threads, one pooled
connection and ONE transaction per use case.

``await store.run(fn)`` queues the unit; one of the store's threads borrows a connection
from a :class:`psycopg_pool.ConnectionPool` (as many connections as threads), runs
``fn(unit)`` between ``BEGIN`` and ``COMMIT`` (``ROLLBACK`` when it raises) and settles
the caller's future through ``loop.call_soon_threadsafe``. The same model as the SQLite
store: use cases stay synchronous, one command is one transaction and one thread hop.
Unlike SQLite's single writer, several units run at once (one per connection); the
repositories lock what they read to write (see :mod:`bot.storage.postgres.repos`).

Why psycopg's sync API rather than asyncpg: asyncpg is async only, so every repository
method would become a coroutine and every statement an ``await`` — a round trip through
the event loop per statement (~8 per command), the model the SQLite store measured as
slow under load and left for one hop per command. psycopg 3 has the sync API (and
psycopg_pool a thread-safe pool with reconnection), ``%s`` parameters, server-side
prepared statements after a few executions, and ships binary wheels.

Passwords never leave this module: :attr:`location` and every error message name the
database without one.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool

from bot.core.errors import StoreError
from bot.core.ports import UnitOfWork
from bot.storage.link import StoreLinks
from bot.storage.postgres.daily import PgDeliveries, PgSubscriptions
from bot.storage.postgres.habits import PgHabits
from bot.storage.postgres.installations import PgInstallations
from bot.storage.postgres.lease import PgLease
from bot.storage.postgres.migrations import LATEST, TABLES, SchemaTooNew, current_version, migrate
from bot.storage.postgres.repos import Cursor, PgProgress, PgTips, PgUsers
from bot.storage.threads import Workers

log = logging.getLogger(__name__)
T = TypeVar("T")

POOL_SIZE = 4  # connections, and threads to use them
CONNECT_TIMEOUT = 10  # seconds, unless the URL sets connect_timeout


class PgUnit:
    """The repositories of one transaction, on the cursor of the borrowed connection."""

    __slots__ = (
        "deliveries",
        "habits",
        "installations",
        "links",
        "progress",
        "subscriptions",
        "tips",
        "users",
    )

    def __init__(self, cur: Cursor) -> None:
        self.users = PgUsers(cur)
        self.progress = PgProgress(cur)
        self.tips = PgTips(cur)
        self.subscriptions = PgSubscriptions(cur)
        self.deliveries = PgDeliveries(cur)
        self.installations = PgInstallations(cur)
        self.habits = PgHabits(cur)
        self.links = StoreLinks(self.users, "%s", self.subscriptions.get)


def redact(url: str) -> str:
    """The URL without its password (in the authority or as a ``password=`` parameter)."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            auth, host = netloc.rsplit("@", 1)
            netloc = f"{auth.split(':', 1)[0]}@{host}"
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "password"])
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
    except ValueError:
        return url.split("://", 1)[0] + "://…"


def _secrets(url: str) -> list[str]:
    """The password as the URL spells it and decoded, to scrub from messages."""
    found: list[str] = []
    with contextlib.suppress(ValueError):
        parts = urlsplit(url)
        if parts.password:
            found.append(parts.password)
        netloc = parts.netloc
        if "@" in netloc and ":" in netloc.rsplit("@", 1)[0]:
            found.append(netloc.rsplit("@", 1)[0].split(":", 1)[1])
        found += [v for k, v in parse_qsl(parts.query) if k == "password"]
    with contextlib.suppress(psycopg.Error):
        password = conninfo_to_dict(url).get("password")
        if password:
            found.append(str(password))
    return sorted({s for s in found if s}, key=len, reverse=True)


def one_line(exc: BaseException, secrets: list[str]) -> str:
    """An error as one line, without the password."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


class PostgresStore:
    def __init__(
        self,
        workers: Workers,
        pool: ConnectionPool[Any],
        url: str,
        options: dict[str, Any] | None = None,
    ) -> None:
        self._url = url
        self._options = dict(options or {})
        self._workers = workers
        self._pool = pool
        self._location = redact(url)
        self._secrets = _secrets(url)

    @property
    def location(self) -> str:
        return self._location

    @classmethod
    async def open(
        cls, url: str, *, migrate_to: int = LATEST, pool_size: int = POOL_SIZE
    ) -> PostgresStore:
        """Connect, migrate (under an advisory lock) and open the pool.

        Raises :class:`StoreError` with a one-line reason, never the password: a bad URL,
        an unreachable server, a refused login, a newer schema.
        """
        where, secrets = redact(url), _secrets(url)
        try:
            given = conninfo_to_dict(url)
        except psycopg.Error as exc:
            reason = one_line(exc, secrets)
            raise StoreError(f"CAREERBOT_DB: bad PostgreSQL URL {where}: {reason}") from None
        options: dict[str, Any] = {"autocommit": True}
        if "connect_timeout" not in given:
            options["connect_timeout"] = CONNECT_TIMEOUT
        if "application_name" not in given:
            options["application_name"] = "careerbot"
        workers = Workers(pool_size, "careerbot-pg")

        def setup() -> ConnectionPool[Any]:
            with psycopg.connect(url, **options) as conn:
                migrate(conn, migrate_to)
            pool: ConnectionPool[Any] = ConnectionPool(
                url,
                kwargs=options,
                min_size=pool_size,
                max_size=pool_size,
                open=False,
                name="careerbot-pg",
                num_workers=1,
                timeout=60.0,
            )
            try:
                pool.open(wait=True, timeout=float(options.get("connect_timeout", 30)))
            except BaseException:
                pool.close()
                raise
            return pool

        try:
            pool = await workers.call(setup)
        except (psycopg.Error, SchemaTooNew) as exc:
            workers.stop()
            raise StoreError(
                f"cannot open the database {where}: {one_line(exc, secrets)}"
            ) from None
        except BaseException:
            workers.stop()
            raise
        return cls(workers, pool, url, options)

    def lease(self) -> PgLease:
        return PgLease(self._url, self._options)

    async def _call(self, fn: Callable[[], T]) -> T:
        try:
            return await self._workers.call(fn)
        except psycopg.OperationalError as exc:  # connection lost, server gone, timeout
            raise StoreError(f"database {self._location}: {one_line(exc, self._secrets)}") from None

    async def run(self, fn: Callable[[UnitOfWork], T]) -> T:
        """Run ``fn(unit)`` as one transaction on a pooled connection; return its result."""
        pool = self._pool

        def work() -> T:
            with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                return fn(PgUnit(cur))

        return await self._call(work)

    def _with_conn(self, fn: Callable[[psycopg.Connection[TupleRow]], T]) -> Callable[[], T]:
        def work() -> T:
            with self._pool.connection() as conn:
                return fn(conn)

        return work

    async def schema_version(self) -> int:
        return await self._call(self._with_conn(current_version))

    async def integrity_check(self) -> list[str]:
        """What PostgreSQL itself does not guarantee: the schema is ours and whole, no
        constraint was left unvalidated, no index left invalid (a failed build)."""

        def check(conn: psycopg.Connection[TupleRow]) -> list[str]:
            found: list[str] = []
            version = current_version(conn)
            if version > LATEST:
                found.append(f"schema version {version} is newer than this careerbot ({LATEST})")
            for table in TABLES:
                row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
                if not row or not row[0]:
                    found.append(f"table {table} is missing")
            rows = conn.execute(
                """SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c
                   JOIN pg_namespace n ON n.oid = c.connamespace
                   WHERE n.nspname = current_schema() AND NOT c.convalidated"""
            ).fetchall()
            found += [f"constraint {r[1]} on {r[0]} is not validated" for r in rows]
            rows = conn.execute(
                """SELECT i.indexrelid::regclass::text FROM pg_index i
                   JOIN pg_class c ON c.oid = i.indexrelid
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = current_schema() AND NOT i.indisvalid"""
            ).fetchall()
            found += [f"index {r[0]} is invalid" for r in rows]
            return found

        return await self._call(self._with_conn(check))

    async def close(self) -> None:
        if not self._workers.is_open:
            return
        try:
            await self._workers.call(self._pool.close)
        finally:
            self._workers.stop()


def probe(url: str, timeout: int = 5) -> str:
    """'' when a fresh connection can query the database, else the reason (one line, no
    password): ``careerbot health`` asks this of a PostgreSQL database."""
    try:
        with psycopg.connect(url, connect_timeout=timeout, autocommit=True) as conn:
            conn.execute("SELECT 1").fetchone()
    except psycopg.Error as exc:
        return f"unreachable: {one_line(exc, _secrets(url))}"
    return ""
