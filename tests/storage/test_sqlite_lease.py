"""One ``careerbot run`` per SQLite file: the lease is an flock the kernel drops on exit."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.storage.sqlite import SqliteStore
from bot.storage.sqlite.lease import SqliteLease

HOLD = """
import asyncio, sys
from bot.storage.sqlite.lease import SqliteLease
async def main():
    lease = SqliteLease(sys.argv[1])
    assert await lease.acquire()
    print("held", flush=True)
    await asyncio.sleep(60)
asyncio.run(main())
"""


async def test_one_holder_per_file_and_release_hands_it_over(tmp_path: Path) -> None:
    db = str(tmp_path / "careerbot.db")
    first, second = SqliteLease(db), SqliteLease(db)
    assert first.exclusive
    assert await first.acquire()
    assert await first.acquire()  # idempotent for the holder
    assert not await second.acquire()
    assert second.holder() == f"pid {os.getpid()}"
    assert await first.held() and not await second.held()
    await first.release()
    assert await second.acquire()
    await second.release()


async def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    db = str(tmp_path / "careerbot.db")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD, db, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        assert (await asyncio.wait_for(proc.stdout.readline(), 30)).strip() == b"held"
        lease = SqliteLease(db)
        assert not await lease.acquire()
        assert lease.holder() == f"pid {proc.pid}"
        proc.send_signal(signal.SIGKILL)
        await asyncio.wait_for(proc.wait(), 30)
        assert await lease.acquire()
        await lease.release()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_the_store_hands_out_its_files_lease(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "careerbot.db")
    try:
        a, b = store.lease(), store.lease()
        assert await a.acquire() and not await b.acquire()
        await a.release()
    finally:
        await store.close()
    memory = SqliteLease(":memory:")
    assert await memory.acquire() and await SqliteLease(":memory:").acquire()
