"""Contract: concurrent units of work lose no update, in one store or two on one database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from bot.core.ports import Store, UnitOfWork
from tests.storage.contract.conftest import Backend

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = ("slack", "T1", "racer")


def bump(i: int) -> Callable[[UnitOfWork], int]:
    """A read-modify-write: the user's row, a counter, and a status that depends on it."""

    def unit(tx: UnitOfWork) -> int:
        pk = tx.users.user(*KEY, "racer", NOW).pk
        tx.tips.record_view(pk, "t001", NOW)
        views = tx.tips.tip_views(pk)["t001"]
        tx.progress.set_skill(pk, f"skill{views}", "learning", NOW)  # one per count seen
        tx.users.record_activity(pk, date(2026, 1, 1) + timedelta(days=i % 10))
        return views

    return unit


async def check(store: Store, n: int, seen: list[int]) -> None:
    assert sorted(seen) == list(range(1, n + 1))  # each unit saw its own count
    pk = await store.run(lambda tx: tx.users.find_user(*KEY))
    assert pk is not None
    assert await store.run(lambda tx: tx.tips.tip_views(pk)) == {"t001": n}
    statuses = await store.run(lambda tx: tx.progress.skill_statuses(pk))
    assert len(statuses) == n
    assert len(await store.run(lambda tx: tx.users.activity_days(pk))) == 10


async def test_many_concurrent_units_on_one_user(store: Store) -> None:
    n = 200
    seen = await asyncio.gather(*(store.run(bump(i)) for i in range(n)))
    await check(store, n, list(seen))


async def test_two_stores_on_one_database(backend: Backend) -> None:
    """Two stores (as the bot and a `careerbot say` would have) interleave safely."""
    a, b = await backend.open(), await backend.open()
    try:
        n = 120
        seen = await asyncio.gather(*((a if i % 2 else b).run(bump(i)) for i in range(n)))
        await check(a, n, list(seen))
        await check(b, n, list(seen))
    finally:
        await a.close()
        await b.close()


def next_skill(tx: UnitOfWork) -> int:
    """A read-modify-write with no atomic SQL to lean on: read the user's skills, add one
    named after how many there were. Two units that both read n would both write
    'skill{n}' and one skill would be lost."""
    pk = tx.users.user(*KEY, "racer", NOW).pk
    n = len(tx.progress.skill_statuses(pk))
    tx.progress.set_skill(pk, f"skill{n}", "learning", NOW)
    return n


async def test_a_read_modify_write_of_one_user_is_serialized(backend: Backend) -> None:
    a, b = await backend.open(), await backend.open()
    try:
        n = 60
        seen = await asyncio.gather(*((a if i % 2 else b).run(next_skill) for i in range(n)))
        assert sorted(seen) == list(range(n))
        pk = await a.run(lambda tx: tx.users.find_user(*KEY))
        assert pk is not None
        assert len(await a.run(lambda tx: tx.progress.skill_statuses(pk))) == n
    finally:
        await a.close()
        await b.close()
