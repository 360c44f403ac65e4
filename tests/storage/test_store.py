"""The SQLite store: migrations, WAL, transactions that lose no update."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.bank import Bank
from bot.core.app import Core
from bot.core.requests import Request, User
from bot.storage import Store, StoreError, Tx
from bot.storage.migrations import LATEST, MIGRATIONS, migrate
from tests.conftest import FakeClock


async def test_new_database_is_wal_with_foreign_keys_and_latest_schema(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "a.db")
    assert await store.schema_version() == LATEST
    await store.close()
    with sqlite3.connect(tmp_path / "a.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


async def test_upgrade_from_the_first_schema_keeps_data(
    tmp_path: Path, fixture_bank: Bank, clock: FakeClock
) -> None:
    path = tmp_path / "old.db"
    # A database as the first release left it: schema 1 with a user's progress.
    db = await aiosqlite.connect(path, isolation_level=None)
    assert await migrate(db, target=1) == 1
    await db.execute(
        "INSERT INTO users (platform, tenant, user_id, created_at)"
        " VALUES ('console', 'local', 'u', 'x')"
    )
    await db.execute(
        "INSERT INTO skill_status VALUES (1, 'rust', 'learning', '2026-01-01T00:00:00+00:00')"
    )
    await db.close()

    store = await Store.open(path)  # migrations run on open
    assert await store.schema_version() == LATEST == len(MIGRATIONS)
    core = Core(fixture_bank, store, clock=clock)
    reply = await core.respond(Request(User("console", "local", "u"), "progress"))
    assert "Rust" in reply.fields[0].value
    assert await store.integrity_check() == []
    await store.close()


async def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {LATEST + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this careerbot"):
        await Store.open(path)


async def test_a_failing_transaction_changes_nothing(store: Store, clock: FakeClock) -> None:
    user = User("console", "local", "u")

    def half_done(tx: Tx) -> None:
        row = tx.user(user, clock())
        tx.set_skill(row.pk, "rust", "learning", clock())
        _ = 1 / 0

    with pytest.raises(ZeroDivisionError):
        await store.run(half_done)
    assert await store.run(lambda tx: tx.find_user(user)) is None


async def test_concurrent_commands_for_one_user_lose_no_update(
    core: Core, fixture_bank: Bank
) -> None:
    user = User("console", "local", "racer")
    skills = list(fixture_bank.skills)
    steps = [f"roadmap done {n}" for n in range(1, len(fixture_bank.steps) + 1)]
    texts = [f"learn {s}" for s in skills] + steps + ["tip"] * len(fixture_bank.tips)
    replies = await asyncio.gather(*(core.respond(Request(user, t)) for t in texts))
    assert all(r.ok for r in replies)
    shown = [r.footer.split(" ")[0] for r in replies if r.kind == "tip"]
    assert sorted(shown) == sorted(fixture_bank.tips)  # no two concurrent tips alike
    progress = await core.respond(Request(user, "progress"))
    assert progress.fields[0].name == f"📘 Learning ({len(skills)})"
    roadmap = next(f for f in progress.fields if f.name == "Roadmap")
    assert roadmap.value.endswith(f"{len(steps)}/{len(steps)}")


async def test_two_processes_worth_of_stores_on_one_file(
    tmp_path: Path, fixture_bank: Bank, clock: FakeClock
) -> None:
    """Two connections (as the bot and a `careerbot say` would have) interleave safely."""
    path = tmp_path / "shared.db"
    a, b = await Store.open(path), await Store.open(path)
    try:
        ca, cb = Core(fixture_bank, a, clock=clock), Core(fixture_bank, b, clock=clock)
        user = User("console", "local", "u")
        texts = [f"learn {s}" for s in fixture_bank.skills]
        await asyncio.gather(
            *(
                (ca if i % 2 else cb).respond(Request(user, t))
                for i, t in enumerate(texts + ["save t001", "rate t002 up"])
            )
        )
        pk = await a.run(lambda tx: tx.find_user(user))
        assert pk is not None
        assert set(await a.run(lambda tx: tx.skill_statuses(pk))) == set(fixture_bank.skills)
        assert set(await b.run(lambda tx: tx.marks(pk))) == {"t001", "t002"}
    finally:
        await a.close()
        await b.close()


async def test_user_row_is_written_only_when_something_changed(
    store: Store, clock: FakeClock
) -> None:
    ada = User("slack", "T1", "U1", "Ada")
    first = await store.run(lambda tx: tx.user(ada, clock(), "Europe/Berlin"))
    before = await store.run(lambda tx: tx.db.total_changes)
    again = await store.run(lambda tx: tx.user(ada, clock(), "America/New_York"))
    assert again == first and again.tz == "Europe/Berlin"  # a known zone is kept
    assert await store.run(lambda tx: tx.db.total_changes) == before  # nothing written
    renamed = User("slack", "T1", "U1", "Ada L.")
    await store.run(lambda tx: tx.user(renamed, clock()))
    row = await store.run(lambda tx: tx.fetchone("SELECT display_name, tz FROM users"))
    assert tuple(row) == ("Ada L.", "Europe/Berlin")
    await store.run(lambda tx: tx.user(User("slack", "T1", "U1", ""), clock()))
    row = await store.run(lambda tx: tx.fetchone("SELECT display_name FROM users"))
    assert row[0] == "Ada L."  # an unknown name does not erase the known one
