"""The PostgreSQL leader lease: a session advisory lock, free the moment its holder dies."""

from __future__ import annotations

import asyncio
import signal
import sys

import psycopg

from bot.storage.postgres import PostgresStore
from bot.storage.postgres.lease import LEADER_LOCK
from tests.storage.postgres_server import PgServer

HOLD = """
import asyncio, sys
from bot.storage.postgres import PostgresStore
async def main():
    store = await PostgresStore.open(sys.argv[1], pool_size=1)
    lease = store.lease()
    assert await lease.acquire()
    print("held", flush=True)
    await asyncio.sleep(60)
asyncio.run(main())
"""


async def test_one_leader_per_database_and_release_hands_it_over(pg_server: PgServer) -> None:
    url = pg_server.fresh()
    a = await PostgresStore.open(url, pool_size=1)
    b = await PostgresStore.open(url, pool_size=1)
    try:
        first, second = a.lease(), b.lease()
        assert not first.exclusive  # a follower serves commands; it does not refuse to run
        assert await first.acquire() and await first.acquire()
        assert not await second.acquire()
        assert await first.held() and not await second.held()
        await first.release()
        assert await second.acquire()
        await second.release()
    finally:
        await a.close()
        await b.close()


async def test_a_killed_leader_frees_the_lock_at_once(pg_server: PgServer) -> None:
    url = pg_server.fresh()
    store = await PostgresStore.open(url, pool_size=1)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD, url, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        assert (await asyncio.wait_for(proc.stdout.readline(), 60)).strip() == b"held"
        lease = store.lease()
        assert not await lease.acquire()
        proc.send_signal(signal.SIGKILL)
        await asyncio.wait_for(proc.wait(), 30)
        for _ in range(200):  # the server ends the dead session as soon as it sees EOF
            if await lease.acquire():
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the dead leader's lock was never freed")
        await lease.release()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await store.close()


async def test_a_lost_session_is_noticed_and_the_lock_can_be_taken(pg_server: PgServer) -> None:
    url = pg_server.fresh()
    a = await PostgresStore.open(url, pool_size=1)
    b = await PostgresStore.open(url, pool_size=1)
    try:
        leader, follower = a.lease(), b.lease()
        assert await leader.acquire()
        with psycopg.connect(url, autocommit=True) as admin:  # as a server restart would
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks"
                " WHERE locktype = 'advisory' AND ((classid::bigint << 32) | objid::bigint) = %s",
                (LEADER_LOCK,),
            )
        assert not await leader.held()
        assert await follower.acquire()
        assert not await leader.acquire()
        await follower.release()
    finally:
        await a.close()
        await b.close()
