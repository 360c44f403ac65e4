"""Shared fixtures: a real database per test, the fixed test bank, an injected clock.

The database: the tests under ``tests/core`` and ``tests/delivery`` that use ``store``,
``core`` or ``db_location`` run twice, on a SQLite file and on a real throwaway
PostgreSQL (``pg_server``); elsewhere on SQLite only.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.bank import Bank, load_bank
from bot.core.app import Core
from bot.core.ports import Store
from bot.core.replies import Reply
from bot.core.requests import Request, User
from bot.storage import open_store
from tests.storage.postgres_server import PgServer, find_bin

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_BANK = ROOT / "tests" / "fixtures" / "bank"

# slack-sdk reads proxy variables itself and ignores NO_PROXY: loopback fakes need them gone.
for _var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
    os.environ.pop(_var, None)


class FakeClock:
    """A settable clock for the core and the scheduler: tests never wait on real time."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)

    def seconds(self) -> float:
        """The clock as Unix seconds: the pacing clock of a scheduler whose sleep advances it."""
        return self.now.timestamp()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def fixture_bank() -> Bank:
    return load_bank(FIXTURE_BANK)


@pytest.fixture(scope="session")
def real_bank() -> Bank:
    return load_bank()


# test folders whose storage-touching tests run on every backend
BOTH_BACKENDS = ("core", "delivery")
BACKEND_NAMES = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" not in metafunc.fixturenames:
        return
    folder = Path(str(metafunc.definition.path)).relative_to(ROOT / "tests").parts[0]
    if folder in BOTH_BACKENDS:
        metafunc.parametrize("db_backend", BACKEND_NAMES, indirect=True)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL cluster for the whole run (fails in CI when it cannot start)."""
    bindir = find_bin()
    if bindir is None:
        reason = (
            "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb or initdb "
            "on PATH): apt-get install -y postgresql"
        )
        if in_ci():
            pytest.fail(f"{reason}; CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip(reason)
    server = PgServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_location(request: pytest.FixtureRequest, db_backend: str, tmp_path: Path) -> str:
    """An empty database of the test's backend: a SQLite file, or a PostgreSQL URL."""
    if db_backend == "postgres":
        server: PgServer = request.getfixturevalue("pg_server")
        return server.clean()
    return str(tmp_path / "careerbot.db")


@pytest.fixture
async def store(db_location: str) -> AsyncIterator[Store]:
    s = await open_store(db_location)
    yield s
    await s.close()


@pytest.fixture
def core(fixture_bank: Bank, store: Store, clock: FakeClock) -> Core:
    return Core(fixture_bank, store, clock=clock)


class Chat:
    """Talk to a core as one user, the way an adapter does."""

    def __init__(self, core: Core, user: User) -> None:
        self.core = core
        self.user = user

    async def __call__(self, text: str, **kw: Any) -> Reply:
        return await self.core.respond(Request(user=self.user, text=text, **kw))


@pytest.fixture
def alice(core: Core) -> Chat:
    return Chat(core, User("console", "local", "alice", "Alice"))


@pytest.fixture
def bob(core: Core) -> Chat:
    return Chat(core, User("console", "local", "bob", "Bob"))
