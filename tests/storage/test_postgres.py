"""The PostgreSQL store itself, on a real throwaway server: choosing it from CAREERBOT_DB,
one-line errors without the password, its migrations and locks.

What every store must do is in tests/storage/contract (which runs here too).
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from bot.core.errors import StoreError
from bot.core.ports import UnitOfWork
from bot.core.records import Cursor
from bot.health import heartbeat_path, write_heartbeat
from bot.storage import open_store
from bot.storage.postgres import PostgresStore
from bot.storage.postgres.migrations import LATEST
from tests.storage.postgres_server import PASSWORD, PASSWORD_ROLE, PgServer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once it is closed


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
async def test_a_postgresql_url_opens_the_postgresql_store(
    pg_server: PgServer, scheme: str
) -> None:
    url = pg_server.clean().replace("postgresql://careerbot@", f"{scheme}://careerbot:hunter2@")
    store = await open_store(url)
    try:
        assert isinstance(store, PostgresStore)
        assert "hunter2" not in store.location and store.location.startswith(f"{scheme}://")
        assert await store.schema_version() == LATEST
        assert await store.integrity_check() == []
    finally:
        await store.close()


def assert_one_line_without(err: StoreError, secret: str) -> str:
    text = str(err)
    assert "\n" not in text and secret not in text and text.strip() == text
    return text


async def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    port = closed_port()
    with pytest.raises(StoreError) as err:
        await open_store(f"postgresql://bot:s3cr3t-pw@127.0.0.1:{port}/careerbot")
    text = assert_one_line_without(err.value, "s3cr3t-pw")
    assert text.startswith(f"cannot open the database postgresql://bot@127.0.0.1:{port}/careerbot:")
    assert "refused" in text.lower()


async def test_a_wrong_password_is_one_line_without_the_password(pg_server: PgServer) -> None:
    wrong = f"postgresql://{PASSWORD_ROLE}:not-{PASSWORD}@127.0.0.1:{pg_server.port}/postgres"
    with pytest.raises(StoreError) as err:
        await open_store(wrong)
    text = assert_one_line_without(err.value, f"not-{PASSWORD}")
    assert "password authentication failed" in text
    # and the right one gets in (the role may not create tables: a clear error too)
    right = wrong.replace(f"not-{PASSWORD}", PASSWORD)
    with pytest.raises(StoreError) as err:
        await open_store(right)
    assert_one_line_without(err.value, PASSWORD)
    assert "permission denied" in str(err.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://bot:s3cr3t-pw@localhost:notaport/careerbot",
        "postgresql://bot:s3cr3t-pw@localhost/careerbot?nonsense=1",
        "postgresql://bot@localhost/careerbot?password=s3cr3t-pw&sslmode=bogus",
    ],
)
async def test_a_bad_url_is_one_line_without_the_password(url: str) -> None:
    with pytest.raises(StoreError) as err:
        await open_store(url)
    assert_one_line_without(err.value, "s3cr3t-pw")


async def test_a_newer_schema_is_refused(pg_server: PgServer) -> None:
    url = pg_server.fresh()
    await (await PostgresStore.open(url)).close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE careerbot_schema SET version = %s", (LATEST + 1,))
    with pytest.raises(StoreError, match="newer than this careerbot"):
        await open_store(url)


async def test_replicas_starting_at_once_migrate_one_after_the_other(pg_server: PgServer) -> None:
    """Without the advisory lock, two would CREATE the same tables at once and one fail."""
    url = pg_server.fresh()
    stores = await asyncio.gather(*(PostgresStore.open(url, pool_size=1) for _ in range(4)))
    try:
        assert [await s.schema_version() for s in stores] == [LATEST] * 4
    finally:
        for s in stores:
            await s.close()


async def test_upgrading_v1_with_data_adds_the_scan_indexes(pg_server: PgServer) -> None:
    url = pg_server.fresh()
    old = await PostgresStore.open(url, migrate_to=1)

    await old.close()
    with psycopg.connect(url) as conn:  # schema 1's rows, written in schema 1's SQL
        conn.execute(
            "INSERT INTO users (platform, tenant, user_id, display_name, tz, created_at)"
            " VALUES ('slack', 'T1', 'U1', 'Ada', 'Europe/Berlin', %s)",
            (NOW.isoformat(),),
        )
        row = conn.execute(
            """INSERT INTO subscriptions (user_pk, platform, tenant, minute, tz, days, status,
                   next_due, next_date, created_at, updated_at)
               SELECT id, 'slack', 'T1', 600, 'UTC', 127, 'active', 100, '2026-03-02', %s, %s
               FROM users RETURNING id""",
            (NOW.isoformat(), NOW.isoformat()),
        ).fetchone()
        assert row is not None
        sub = int(row[0])
        conn.execute(
            "INSERT INTO deliveries (sub_id, local_date, due_at, state, key, retry_at, updated_at)"
            " VALUES (%s, '2026-03-01', 50, 'pending', %s, 50, %s)",
            (sub, f"d{sub}-20260301", NOW.isoformat()),
        )

    def indexes() -> set[str]:
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
            return {r[0] for r in rows}

    assert "subscriptions_due" not in indexes()
    store = await PostgresStore.open(url)
    try:
        assert await store.schema_version() == LATEST
        assert {"subscriptions_due", "deliveries_pending"} <= indexes()
        due = await store.run(lambda tx: tx.subscriptions.due(200, 10))
        assert [s.id for s in due] == [sub]
        ready = await store.run(lambda tx: tx.deliveries.pending(200, ["slack"], 10))
        assert [(d.sub_id, d.local_date, d.key) for d in ready] == [
            (sub, "2026-03-01", f"d{sub}-20260301")
        ]
        assert await store.integrity_check() == []
    finally:
        await store.close()


async def test_the_due_scan_locks_what_it_plans(pg_server: PgServer) -> None:
    """A `daily` change committed while the planner holds the due rows is not overwritten
    by the planner's cursor move: it waits for the plan and lands after it."""
    url = pg_server.clean()
    store = await PostgresStore.open(url)
    other = await PostgresStore.open(url)
    try:

        def subscribe(tx: UnitOfWork) -> int:
            pk = tx.users.user("slack", "T1", "U1", "Ada", NOW, "UTC").pk
            return tx.subscriptions.save_user(
                user_pk=pk, platform="slack", tenant="T1", minute=600, tz="UTC", days=127,
                next_due=100, next_date="2026-03-02", now=NOW,
            )  # fmt: skip

        sub = await store.run(subscribe)
        scanned, release = threading.Event(), threading.Event()

        def plan(tx: UnitOfWork) -> None:
            [row] = tx.subscriptions.due(150, 10)
            scanned.set()
            assert release.wait(30)
            tx.subscriptions.advance_many([Cursor(row.id, 1000, "2026-03-03", 0)])

        def change(tx: UnitOfWork) -> None:  # the user's `daily 08:00`, meanwhile
            pk = tx.users.user("slack", "T1", "U1", "Ada", NOW).pk
            tx.subscriptions.save_user(
                user_pk=pk, platform="slack", tenant="T1", minute=480, tz="UTC", days=127,
                next_due=2000, next_date="2026-03-04", now=NOW,
            )  # fmt: skip

        planning = asyncio.ensure_future(store.run(plan))
        await asyncio.to_thread(scanned.wait, 30)
        changing = asyncio.ensure_future(other.run(change))
        await wait_for_lock_wait(url)  # the change waits on the planner's row lock
        release.set()
        await planning
        await changing
        after = await store.run(lambda tx: tx.subscriptions.get(sub))
        assert after is not None and (after.next_due, after.minute) == (2000, 480)
    finally:
        await store.close()
        await other.close()


async def wait_for_lock_wait(url: str) -> None:
    """Until a session of this database waits for a row lock (a state, not a timer)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(3000):
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            ).fetchone()
            if row and row[0]:
                return
            await asyncio.sleep(0.01)
    raise AssertionError("nobody waited for the lock")


HAMMER = """
import asyncio, sys
from datetime import UTC, datetime
from pathlib import Path
from bot.storage.postgres import PostgresStore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

def unit(tx):
    pk = tx.users.user("slack", "T1", "racer", "racer", NOW).pk
    n = len(tx.progress.skill_statuses(pk))
    tx.progress.set_skill(pk, f"skill{n}", "learning", NOW)
    tx.tips.record_view(pk, "t001", NOW)

async def main(url, n):
    store = await PostgresStore.open(url)
    try:
        await asyncio.gather(*(store.run(unit) for _ in range(n)))
    finally:
        await store.close()

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def test_two_processes_hammering_one_user_lose_nothing(pg_server: PgServer) -> None:
    url = pg_server.clean()
    n = 100
    procs = [
        subprocess.Popen([sys.executable, "-c", HAMMER, url, str(n)], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    with psycopg.connect(url) as conn:
        skills = conn.execute("SELECT count(*) FROM skill_status").fetchone()
        views = conn.execute("SELECT times FROM tip_views").fetchone()
    assert skills is not None and skills[0] == 2 * n
    assert views is not None and views[0] == 2 * n


def careerbot(*args: str, db: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "CAREERBOT_DB": db}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_db_check_and_backup_on_postgresql(pg_server: PgServer, tmp_path: Path) -> None:
    url = pg_server.clean()
    out = careerbot("db", "check", db=url, home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"{url}: ok (schema version {LATEST}, latest {LATEST})"
    out = careerbot("db", "backup", str(tmp_path / "b.db"), db=url, home=tmp_path)
    assert out.returncode == 1 and "pg_dump" in out.stderr and "Traceback" not in out.stderr
    down = f"postgresql://bot:s3cr3t-pw@127.0.0.1:{closed_port()}/careerbot"
    out = careerbot("db", "check", db=down, home=tmp_path)
    assert out.returncode == 1 and len(out.stderr.strip().splitlines()) == 1
    assert "s3cr3t-pw" not in out.stderr and "cannot open the database" in out.stderr


def test_health_on_postgresql(pg_server: PgServer, tmp_path: Path) -> None:
    url = pg_server.clean().replace("careerbot@", "careerbot:pw-in-url@")
    out = careerbot("health", db=url, home=tmp_path)
    assert out.returncode == 1 and out.stdout.startswith("UNHEALTHY: no heartbeat at ")
    beat = tmp_path / ".local" / "share" / "careerbot" / heartbeat_path(url).name
    write_heartbeat(beat, adapters={"slack": True}, db_ok=True)  # as `careerbot run` would
    out = careerbot("health", db=url, home=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == "healthy: slack: connected; database: ok"
    down = f"postgresql://bot:s3cr3t-pw@127.0.0.1:{closed_port()}/careerbot"
    write_heartbeat(tmp_path / ".local/share/careerbot" / heartbeat_path(down).name,
                    adapters={"slack": True}, db_ok=True)  # fmt: skip
    out = careerbot("health", db=down, home=tmp_path)
    assert out.returncode == 1 and "database: unreachable: " in out.stdout
    assert "s3cr3t-pw" not in out.stdout + out.stderr
