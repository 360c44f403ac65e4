"""The backends the contract suite runs on: add one by adding a factory to BACKENDS.

A factory gets the test's fixture request and returns a :class:`Backend`: a fresh,
empty database that ``open()`` opens (call it twice for two stores on one database) and
``open_old(version)`` opens at an older schema version (for the migration tests).
PostgreSQL runs on the session's throwaway server (``pg_server`` in tests/conftest.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Protocol

import psycopg
import pytest

from bot.core.ports import Store
from bot.storage.postgres import PostgresStore
from bot.storage.postgres.migrations import HABITS as PG_HABITS
from bot.storage.postgres.migrations import LATEST as PG_LATEST
from bot.storage.postgres.migrations import MIGRATIONS as PG_MIGRATIONS
from bot.storage.postgres.migrations import V_REVIEW as PG_REVIEW
from bot.storage.postgres.migrations import V_WEEKLY as PG_WEEKLY
from bot.storage.sqlite import SqliteStore
from bot.storage.sqlite.migrations import LATEST, MIGRATIONS, V_REVIEW, V_WEEKLY, add_habits
from tests.storage.postgres_server import PgServer


class Backend(Protocol):
    latest: int
    bounded_ledger: int  # the version that added the ledger's pruning (issue 12)
    weekly: int  # the version that added the weekly report (issue 14)
    spaced_review: int  # the version that added spaced review (issue 14)
    habits: int  # the version that added streak settings and quiet days (issue 14)

    async def open(self) -> Store: ...

    async def open_old(self, version: int) -> Store: ...


class SqliteBackend:
    latest = LATEST
    bounded_ledger = 4
    weekly = MIGRATIONS.index(V_WEEKLY) + 1
    spaced_review = MIGRATIONS.index(V_REVIEW) + 1
    habits = MIGRATIONS.index(add_habits) + 1

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "contract.db"

    async def open(self) -> Store:
        return await SqliteStore.open(self.path)

    async def open_old(self, version: int) -> Store:
        return await SqliteStore.open(self.path, migrate_to=version)


class PostgresBackend:
    latest = PG_LATEST
    bounded_ledger = 3
    weekly = PG_MIGRATIONS.index(PG_WEEKLY) + 1
    spaced_review = PG_MIGRATIONS.index(PG_REVIEW) + 1
    habits = PG_MIGRATIONS.index(PG_HABITS) + 1

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self.url = server.clean()  # the shared migrated database, emptied
        self.fresh = False

    async def open(self) -> Store:
        return await PostgresStore.open(self.url)

    async def open_old(self, version: int) -> Store:
        if not self.fresh:  # an old schema needs a database of its own
            self.url, self.fresh = self.server.fresh(), True
        return await PostgresStore.open(self.url, migrate_to=version)


Statement = str | tuple[str, tuple[Any, ...]]  # SQL with ``?`` marks, and its values


def old_sql(backend: Backend, *statements: Statement) -> list[tuple[Any, ...]]:
    """Statements in an old schema's own SQL, on the database ``open_old`` opened (the
    repositories speak the latest schema); returns the last statement's rows."""
    rows: list[tuple[Any, ...]] = []
    steps = [(s, ()) if isinstance(s, str) else s for s in statements]
    if isinstance(backend, SqliteBackend):
        db = sqlite3.connect(backend.path)
        try:
            with db:
                for sql, params in steps:
                    rows = db.execute(sql, params).fetchall()
        finally:
            db.close()
    else:
        assert isinstance(backend, PostgresBackend)
        with psycopg.connect(backend.url) as conn:
            for sql, params in steps:
                cur = conn.execute(sql.replace("?", "%s").encode(), params)
                rows = cur.fetchall() if cur.description else []
    return rows


BACKENDS: dict[str, Callable[[pytest.FixtureRequest], Backend]] = {
    "sqlite": lambda request: SqliteBackend(request.getfixturevalue("tmp_path")),
    "postgres": lambda request: PostgresBackend(request.getfixturevalue("pg_server")),
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param](request)


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[Store]:
    s = await backend.open()
    yield s
    await s.close()
