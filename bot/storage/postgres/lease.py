"""The daily fan-out's leader: a session advisory lock on a connection of its own.

Why a session advisory lock rather than a lease row with an expiry: the lock lives
exactly as long as the session that took it. When the leader dies — SIGKILL included —
the kernel closes its socket, the server ends the session and the lock is free at once;
a follower's next try (every few seconds) takes it. A lease row would need a renewal
loop and an expiry long enough to ride out a slow renewal, so a failover would wait for
the expiry, and clock skew between replicas would matter. The cost of the lock: a
leader cut off from the server (network partition) must notice by itself that its
session is gone — :meth:`held` asks the server every few seconds and TCP keepalives end
a silent connection within ~15 s — and stop sending; a send already in flight then may
overlap the new leader's, which the ledger's unique key and the platforms' dedup of a
resend (Discord nonce, Slack metadata + history) absorb.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import psycopg

# pg_try_advisory_lock key of the fan-out leader: a constant of our own ("careerbot-lead").
LEADER_LOCK = 0x6361726565726C64
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3}


class PgLease:
    exclusive = False

    def __init__(self, url: str, options: dict[str, Any]) -> None:
        self._url = url
        self._options = {**options, **KEEPALIVE, "autocommit": True}
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = asyncio.Lock()  # one call at a time on the lease's connection

    async def acquire(self) -> bool:
        async with self._lock:
            if self._conn is not None and await asyncio.to_thread(self._alive):
                return True
            return await asyncio.to_thread(self._try)

    def _try(self) -> bool:
        self._drop()
        conn = psycopg.connect(self._url, **self._options)
        try:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (LEADER_LOCK,)).fetchone()
        except BaseException:
            conn.close()
            raise
        if row is None or not row[0]:
            conn.close()
            return False
        self._conn = conn
        return True

    def _alive(self) -> bool:
        conn = self._conn
        if conn is None or conn.closed:
            self._drop()
            return False
        try:
            conn.execute("SELECT 1")
        except psycopg.Error:
            self._drop()
            return False
        return True

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                # unlock first: closing alone frees the lock only once the server has
                # ended the session, a moment after the close returns
                if not conn.closed:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (LEADER_LOCK,))
            with contextlib.suppress(psycopg.Error):
                conn.close()

    async def held(self) -> bool:
        async with self._lock:
            return self._conn is not None and await asyncio.to_thread(self._alive)

    def holder(self) -> str:
        return ""

    async def release(self) -> None:
        async with self._lock:
            await asyncio.to_thread(self._drop)  # closing the session frees the lock
