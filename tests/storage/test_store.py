"""The SQLite store itself: WAL, its own thread, the schema, choosing it from CAREERBOT_DB.

What every store must do is in tests/storage/contract; this is what only SQLite has.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pytest

from bot.core.errors import StoreError
from bot.core.ports import Store, UnitOfWork
from bot.storage import open_store, sqlite_target
from bot.storage.sqlite import SqliteStore, SqliteUnit
from bot.storage.sqlite.migrations import LATEST
from bot.storage.sqlite.repos import EXPORT_QUERIES

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def conn(tx: UnitOfWork) -> sqlite3.Connection:
    return cast(SqliteUnit, tx).db


async def test_new_database_is_wal_with_foreign_keys_and_latest_schema(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "a.db")
    assert await store.schema_version() == LATEST
    assert await store.run(lambda tx: conn(tx).execute("PRAGMA foreign_keys").fetchone()[0]) == 1
    await store.close()
    with sqlite3.connect(tmp_path / "a.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


async def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {LATEST + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this careerbot"):
        await open_store(path)


async def test_units_run_on_one_thread_of_the_store_not_the_loop(tmp_path: Path) -> None:
    a, b = await open_store(tmp_path / "a.db"), await open_store(tmp_path / "b.db")
    try:
        here = threading.get_ident()
        ids = await asyncio.gather(
            *(s.run(lambda tx: threading.get_ident()) for s in (a, b) for _ in range(20))
        )
        assert here not in ids
        assert len(set(ids[:20])) == 1 and len(set(ids[20:])) == 1 and ids[0] != ids[20]
    finally:
        await a.close()
        await b.close()
    with pytest.raises(RuntimeError):  # closed: its thread is gone
        await a.run(lambda tx: None)


async def test_user_row_is_written_only_when_something_changed(store: Store) -> None:
    key = ("slack", "T1", "U1")
    first = await store.run(lambda tx: tx.users.user(*key, "Ada", NOW, "Europe/Berlin"))
    before = await store.run(lambda tx: conn(tx).total_changes)
    again = await store.run(lambda tx: tx.users.user(*key, "Ada", NOW, "America/New_York"))
    assert again == first and again.tz == "Europe/Berlin"  # a known zone is kept
    assert await store.run(lambda tx: conn(tx).total_changes) == before  # nothing written
    await store.run(lambda tx: tx.users.user(*key, "Ada L.", NOW))
    assert await store.run(lambda tx: conn(tx).total_changes) == before + 1


async def test_export_names_every_table_that_holds_user_data(store: Store) -> None:
    """A later migration adding a per-user table must add it to export as well."""

    def tables(tx: UnitOfWork) -> set[str]:
        db = conn(tx)
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t
            for t in names
            for fk in db.execute("SELECT * FROM pragma_foreign_key_list(?)", (t,))
            if fk[2] in ("users", "subscriptions")
        }

    exported = " ".join(EXPORT_QUERIES.values())
    # counts per CHANNEL subscription (which has no user: user_pk IS NULL), not user data
    not_personal = {"channel_tip_views"}
    assert {t for t in await store.run(tables) if t not in exported} == not_personal


async def test_the_ledger_uses_its_indexes_and_checks_its_keys(store: Store) -> None:
    def use(tx: UnitOfWork) -> list[str]:
        plan = conn(tx).execute(
            "EXPLAIN QUERY PLAN SELECT id FROM subscriptions s"
            " WHERE s.status = 'active' AND s.next_due <= ? ORDER BY s.next_due LIMIT 10",
            (5,),
        )
        pk = tx.users.user("slack", "T1", "U1", "ada", NOW).pk
        sub = tx.subscriptions.save_user(
            user_pk=pk, platform="slack", tenant="T1", minute=450, tz="Europe/Berlin",
            days=127, next_due=1, next_date="2026-03-03", now=NOW,
        )  # fmt: skip
        tx.deliveries.insert(sub, "2026-03-03", 1, "pending", NOW)
        return [str(r[-1]) for r in plan]

    assert "subscriptions_due" in " ".join(await store.run(use))
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        await store.run(lambda tx: conn(tx).execute("UPDATE deliveries SET key = ?", ("x" * 26,)))


# choosing the store from CAREERBOT_DB ------------------------------------------------


def test_sqlite_locations() -> None:
    assert sqlite_target("/var/lib/careerbot/bot.db") == "/var/lib/careerbot/bot.db"
    assert sqlite_target("sqlite:////var/lib/bot.db") == "/var/lib/bot.db"
    assert sqlite_target("sqlite:///data/bot.db") == "data/bot.db"
    assert sqlite_target(":memory:") == ":memory:"
    assert sqlite_target("postgresql://u:p@h/db") is None
    with pytest.raises(StoreError, match="names no file"):
        sqlite_target("sqlite://")


async def test_a_sqlite_url_opens_that_file(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path}/via-url.db")
    try:
        assert isinstance(store, SqliteStore) and store.location == f"{tmp_path}/via-url.db"
    finally:
        await store.close()
    assert (tmp_path / "via-url.db").is_file()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
async def test_postgresql_is_not_taken_for_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scheme: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="cannot open the database") as err:
        await open_store(f"{scheme}://bot:secret@127.0.0.1:{closed_port()}/careerbot")
    assert "secret" not in str(err.value)
    assert list(tmp_path.iterdir()) == []  # no 'postgresql:' folder, no file


async def test_another_scheme_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unknown database scheme 'mysql'") as err:
        await open_store("mysql://bot:secret@localhost/careerbot")
    assert "secret" not in str(err.value)


def test_the_run_command_reports_an_unreachable_postgresql_in_one_line(tmp_path: Path) -> None:
    port = closed_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "CAREERBOT_DB": f"postgresql://bot:secret@127.0.0.1:{port}/careerbot",
        "DISCORD_TOKEN": "x",
    }
    out = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1, out.stderr
    [line] = out.stderr.strip().splitlines()
    assert line.startswith(
        f"careerbot run: cannot open the database postgresql://bot@127.0.0.1:{port}/careerbot: "
    )
    assert "secret" not in line
    assert list(tmp_path.iterdir()) == []


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
