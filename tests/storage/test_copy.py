"""``careerbot db copy SRC DST``: SQLite -> PostgreSQL -> SQLite with data in every table,
the refusal of a non-empty target, ``--force``, and mismatches detected.

Real SQLite files and the session's throwaway PostgreSQL server (``pg_server``).
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.cli import main
from bot.core.errors import StoreError
from bot.core.ports import UnitOfWork
from bot.core.records import Planned, Prefs
from bot.storage import open_store
from bot.storage.copy import TABLES, compare, copy
from tests.storage.postgres_server import PgServer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ODD = "Zoë ✓ 'single' \"double\" back\\slash tab\there\nnew line, 🦀"


def fill(tx: UnitOfWork, n: int = 3) -> None:
    """Something in every table, through the stores' own use cases."""
    pks = [tx.users.user("slack", "T1", f"U{i}", f"{ODD} {i}", NOW, "Europe/Berlin").pk
           for i in range(n)]  # fmt: skip
    tx.users.user("discord", "", "D1", "", NOW)  # no zone, empty name
    for pk in pks:
        tx.progress.set_skill(pk, "rust", "learning", NOW)
        tx.progress.set_skill(pk, "sql", "done", NOW)
        tx.tips.record_view(pk, "t001", NOW)
        tx.tips.record_view(pk, "t001", NOW)
        tx.tips.set_vote(pk, "t002", -1)
        tx.tips.set_saved(pk, "t003", NOW)
        tx.tips.start_review(pk, "t003", 1_900_000_000)
        tx.tips.carry_review(pk, "t003", "2030-03-16")
        tx.progress.set_step(pk, "s1", True, NOW)
        tx.users.record_activity(pk, NOW.date())
        tx.users.push_notice(pk, ODD, NOW)
        tx.subscriptions.save_user(
            user_pk=pk, platform="slack", tenant="T1", minute=450, tz="Europe/Berlin",
            days=127, next_due=2_000_000_000, next_date="2033-05-18", now=NOW,
        )  # fmt: skip
    chan = tx.subscriptions.save_channel(
        platform="slack", tenant="T1", channel_id="C1", owner_pk=pks[0], minute=540, tz="UTC",
        days=31, next_due=2_000_000_000, next_date="2033-05-18", now=NOW,
    )  # fmt: skip
    tx.subscriptions.set_pause(chan, 1_900_000_000, 2_000_000_000, "2033-05-18", NOW)
    tx.deliveries.insert_pending([Planned(chan, f"2026-01-0{d}", 10 * d) for d in (1, 2, 3)], NOW)
    for row in tx.deliveries.pending(100, ["slack"], 10):
        tx.deliveries.claim(row.id, f"t00{row.id % 3 + 1}", 2, NOW, ("t003", row.id))
        if row.due_at < 30:
            tx.deliveries.finish(row.id, "sent", NOW, message_id="m1", detail=ODD)
    assert tx.deliveries.prune(15, 10) == 1  # folded into channel_tip_views
    tx.deliveries.insert(chan, "2026-01-04", 40, "skipped", NOW)
    tx.deliveries.insert(chan, "2026-01-05", 50, "quiet", NOW)
    tx.deliveries.insert(chan, "2026-01-06", 60, "away", NOW)
    tx.habits.set_prefs(pks[0], Prefs(4, True, "2026-01-03", "Europe/Berlin"))
    tx.habits.add_quiet(pks[0], [NOW.date(), date(2026, 1, 9)], "skip")
    tx.habits.add_quiet(pks[1], [NOW.date()], "away")
    tx.installations.install("slack", "T1", ODD, "sealed-opaque-bytes", NOW)
    tx.installations.issue_state("s-1", 1_000, 2_000)
    # the Discord account links to the first Slack one (a reference to an older row),
    # whose row then changes (PostgreSQL then stores it after the newer one)
    slack = tx.links.identity("slack", "T1", "U0")
    discord = tx.links.identity("discord", "", "D1")
    assert slack is not None and discord is not None
    tx.links.issue(slack.pk, "hash-1", 1_000, 1_600)
    tx.links.link("hash-1", discord.pk, 1_100)
    tx.links.issue(pks[1], "hash-2", 1_000, 1_600)
    tx.users.set_tz(pks[0], "Asia/Tokyo")
    tx.links.fail("slack", "T1", "U2", 1_200, 0)


async def sqlite_with_data(path: Path) -> Path:
    store = await open_store(str(path))
    try:
        await store.run(fill)
    finally:
        await store.close()
    return path


def sqlite_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as db:
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES}  # noqa: S608


async def cli(*args: str) -> int:
    """``careerbot ARGS`` (it runs its own event loop: off this test's loop)."""
    return await asyncio.to_thread(main, list(args))


def pg_count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
        return int(row[0]) if row else 0


async def test_sqlite_to_postgresql_and_back_keeps_every_row_and_id(
    pg_server: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = await sqlite_with_data(tmp_path / "first.db")
    rows = sqlite_rows(first)
    assert all(rows[t] for t in TABLES), {t: len(r) for t, r in rows.items()}
    url = pg_server.fresh()

    report = await copy(str(first), url)
    assert report.target.startswith("postgresql://")
    assert {t.table: t.rows for t in report.tables} == {t: len(r) for t, r in rows.items()}

    # back, through the command line
    back = tmp_path / "back.db"
    assert await cli("db", "copy", url, f"sqlite:///{back}") == 0
    out = capsys.readouterr().out
    assert f"verified: {len(TABLES)} tables" in out and "counts and checksums match" in out
    assert sqlite_rows(back) == rows
    same = await compare(str(first), str(back))
    assert same.mismatches == []
    assert (await compare(str(first), url)).mismatches == []

    # PostgreSQL's identity sequences were set past the copied ids
    store = await open_store(url)
    try:
        new = await store.run(lambda tx: tx.users.user("slack", "T9", "U9", "new", NOW).pk)
        assert new == max(r[0] for r in rows["users"]) + 1
    finally:
        await store.close()


async def test_a_non_empty_target_is_refused_unless_forced(
    pg_server: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = await sqlite_with_data(tmp_path / "src.db")
    url = pg_server.fresh()
    await copy(str(src), url)
    users = pg_count(url, "users")

    with pytest.raises(StoreError, match=r"not empty \(users, .*--force"):
        await copy(str(src), url)
    assert await cli("db", "copy", str(src), url) == 1
    err = capsys.readouterr().err
    assert "--force" in err and "Traceback" not in err
    assert pg_count(url, "users") == users  # untouched

    store = await open_store(str(src))  # the source changes; --force replaces the target
    try:
        await store.run(lambda tx: tx.users.user("slack", "T2", "U7", "late", NOW))
        await store.run(lambda tx: tx.users.forget(2))  # (1 is linked: forget takes 2 rows)
    finally:
        await store.close()
    assert await cli("db", "copy", str(src), url, "--force") == 0
    assert pg_count(url, "users") == users  # one more, one less
    assert (await compare(str(src), url)).mismatches == []
    # a SQLite target is refused the same way
    other = await sqlite_with_data(tmp_path / "other.db")
    with pytest.raises(StoreError, match="not empty"):
        await copy(url, str(other))


async def test_a_changed_row_is_detected(
    pg_server: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = await sqlite_with_data(tmp_path / "src.db")
    url = pg_server.fresh()
    await copy(str(src), url)
    assert await cli("db", "copy", "--verify", str(src), url) == 0
    capsys.readouterr()
    with psycopg.connect(url) as conn:  # one character of one cell
        conn.execute("UPDATE notices SET text = text || '.' WHERE id = 2")
    found = await compare(str(src), url)
    assert found.mismatches == [found.mismatches[0]]
    assert found.mismatches[0].startswith("notices: same 3 rows, different checksums")
    assert await cli("db", "copy", "--verify", str(src), url) == 1
    assert "notices: same 3 rows, different checksums" in capsys.readouterr().err
    with psycopg.connect(url) as conn:
        conn.execute("DELETE FROM activity WHERE user_pk = 3")
    assert (
        "activity: 3 rows in the source, 2 in the target"
        in (await compare(str(src), url)).mismatches
    )


async def test_a_value_that_does_not_survive_the_copy_rolls_it_back(
    pg_server: PgServer, tmp_path: Path
) -> None:
    """SQLite's dynamic typing lets a TEXT column hold a BLOB; PostgreSQL's text cannot
    hold those bytes as they are: the read-back checksum differs, nothing is committed."""
    src = await sqlite_with_data(tmp_path / "src.db")
    with sqlite3.connect(src) as db:
        db.execute("UPDATE notices SET text = x'41424300' WHERE id = 1")
    url = pg_server.fresh()
    with pytest.raises(StoreError, match=r"verification failed, .* is unchanged: notices: same"):
        await copy(str(src), url)
    assert pg_count(url, "users") == 0  # rolled back


async def test_a_missing_source_or_the_same_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database at"):
        await copy(str(tmp_path / "nothing.db"), str(tmp_path / "b.db"))
    assert not (tmp_path / "nothing.db").exists()
    src = await sqlite_with_data(tmp_path / "a.db")
    with pytest.raises(StoreError, match="the same database"):
        await copy(str(src), f"sqlite:///{src}")


def test_the_copy_knows_every_table(tmp_path: Path) -> None:
    """A migration adding a table must add it to bot.storage.copy.TABLES."""

    async def tables() -> set[str]:
        store = await open_store(str(tmp_path / "x.db"))
        await store.close()
        with sqlite3.connect(tmp_path / "x.db") as db:
            names = db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            return {r[0] for r in names}

    assert asyncio.run(tables()) == set(TABLES)


async def test_a_postgresql_database_the_bot_wrote_copies_to_sqlite(
    pg_server: PgServer, tmp_path: Path
) -> None:
    """Linked accounts reference their profile's row; PostgreSQL keeps an updated row
    after newer ones, so the users are read in id order (the profile is always older)."""
    url = pg_server.fresh()
    store = await open_store(url)
    try:
        await store.run(fill)
    finally:
        await store.close()
    target = tmp_path / "from-pg.db"
    report = await copy(url, str(target))
    assert all(t.rows for t in report.tables)
    assert (await compare(url, str(target))).mismatches == []
