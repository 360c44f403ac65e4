"""The backends the contract suite runs on: add one by adding a factory to BACKENDS.

A factory gets the test's tmp_path and returns a :class:`Backend`: a fresh, empty
database that ``open()`` opens (call it twice for two stores on one database) and
``open_old(version)`` opens at an older schema version (for the migration tests).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Protocol

import pytest

from bot.core.ports import Store
from bot.storage.sqlite import SqliteStore
from bot.storage.sqlite.migrations import LATEST


class Backend(Protocol):
    latest: int

    async def open(self) -> Store: ...

    async def open_old(self, version: int) -> Store: ...


class SqliteBackend:
    latest = LATEST

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "contract.db"

    async def open(self) -> Store:
        return await SqliteStore.open(self.path)

    async def open_old(self, version: int) -> Store:
        return await SqliteStore.open(self.path, migrate_to=version)


BACKENDS: dict[str, Callable[[Path], Backend]] = {"sqlite": SqliteBackend}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    return BACKENDS[request.param](tmp_path)


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[Store]:
    s = await backend.open()
    yield s
    await s.close()
