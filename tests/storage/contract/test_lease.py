"""Every store hands out a leader lease that one holder at a time can take."""

from __future__ import annotations

from tests.storage.contract.conftest import Backend


async def test_one_holder_at_a_time_across_two_stores(backend: Backend) -> None:
    a, b = await backend.open(), await backend.open()
    try:
        first, second = a.lease(), b.lease()
        assert await first.acquire()
        assert not await second.acquire()
        assert await first.held()
        await first.release()
        assert not await first.held()
        assert await second.acquire()
        await second.release()
    finally:
        await a.close()
        await b.close()
