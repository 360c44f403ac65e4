"""Shared fixtures: a real SQLite file per test, the fixed test bank, an injected clock."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
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


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await open_store(tmp_path / "careerbot.db")
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
