"""``careerbot db backup|restore|check`` on real SQLite files, with the bot's store open."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.ports import Store, UnitOfWork
from bot.health import heartbeat_path, write_heartbeat
from bot.storage import open_store
from bot.storage.sqlite.maintenance import MaintenanceError, backup, check, restore

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def add_user(store: Store, uid: str) -> None:
    await store.run(lambda tx: tx.users.user("console", "local", uid, uid, NOW))


def partials(directory: Path) -> list[Path]:
    return list(directory.glob(".*partial"))


def users(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT user_id FROM users ORDER BY user_id")]
    finally:
        con.close()


async def test_backup_while_the_bot_writes(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    store = await open_store(db)
    try:
        await add_user(store, "alice")

        def bob_in_flight(tx: UnitOfWork) -> Path:  # a write in flight during the backup
            tx.users.user("console", "local", "bob", "bob", NOW)
            return backup(db, tmp_path / "b1.db")

        out = await store.run(bob_in_flight)
        await add_user(store, "carol")
    finally:
        await store.close()
    assert users(out) == ["alice"]  # a consistent snapshot: committed data only
    assert users(db) == ["alice", "bob", "carol"]
    con = sqlite3.connect(out)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    con.close()
    assert not partials(tmp_path)


async def test_backup_into_directory_refuses_overwrite(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    await (await open_store(db)).close()  # create and migrate
    dest = tmp_path / "backups"
    dest.mkdir()
    out = backup(db, dest)
    assert out.parent == dest and out.name.startswith("careerbot-")
    with pytest.raises(MaintenanceError, match="exists; pass --force"):
        backup(db, out)
    assert backup(db, out, force=True) == out
    with pytest.raises(MaintenanceError, match="no database at"):
        backup(tmp_path / "nope.db", tmp_path / "x.db")
    with pytest.raises(MaintenanceError, match="no such directory"):
        backup(db, tmp_path / "missing" / "x.db")


async def test_restore_round_trip_and_refusals(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    store = await open_store(db)
    await add_user(store, "alice")
    await store.close()
    saved = backup(db, tmp_path / "saved.db")
    store = await open_store(db)
    await add_user(store, "mallory")
    await store.close()

    with pytest.raises(MaintenanceError, match="the bot is running"):
        restore(saved, db, bot_running=True)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite" * 500)
    with pytest.raises(MaintenanceError, match="not a careerbot database"):
        restore(junk, db, bot_running=False)
    assert users(db) == ["alice", "mallory"]  # nothing lost by a refused restore

    version = restore(saved, db, bot_running=False)
    assert version >= 1 and users(db) == ["alice"]
    store = await open_store(db)  # the restored file opens and migrates as usual
    await store.close()


def test_check_finds_damage(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA page_size = 1024")
    con.execute("CREATE TABLE t (x TEXT)")
    con.execute("CREATE INDEX t_x ON t (x)")
    con.executemany("INSERT INTO t VALUES (?)", [(f"row {i} " * 20,) for i in range(400)])
    con.commit()
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 't_x'").fetchone()[0]
    con.close()
    assert check(db)[1] == []
    data = bytearray(db.read_bytes())
    start = (root - 1) * 1024  # the index's root page: give it an invalid b-tree header
    data[start : start + 8] = b"\x07" * 8
    db.write_bytes(bytes(data))
    _, found = check(db)
    assert found


def run_cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CAREERBOT_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "db", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


async def seed(db: Path, uid: str) -> None:
    store = await open_store(db)
    await add_user(store, uid)
    await store.close()


def test_cli(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    missing = run_cli("check", db=db)
    assert missing.returncode == 1 and "no database at" in missing.stderr
    asyncio.run(seed(db, "alice"))
    ok = run_cli("check", db=db)
    assert ok.returncode == 0 and ": ok (schema version" in ok.stdout
    made = run_cli("backup", str(tmp_path / "b.db"), db=db)
    assert made.returncode == 0 and "backup written" in made.stdout
    again = run_cli("backup", str(tmp_path / "b.db"), db=db)
    assert again.returncode == 1 and "Traceback" not in again.stderr
    # restore is refused while a live bot keeps its heartbeat (here: a child process)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        beat = heartbeat_path(db)
        write_heartbeat(beat, adapters={"slack": True}, db_ok=True)
        text = beat.read_text().replace(f'"pid": {os.getpid()}', f'"pid": {child.pid}')
        beat.write_text(text)
        refused = run_cli("restore", str(tmp_path / "b.db"), db=db)
        assert refused.returncode == 1 and "stop it before restoring" in refused.stderr
    finally:
        child.kill()
        child.wait()
    beat.unlink()
    done = run_cli("restore", str(tmp_path / "b.db"), db=db)
    assert done.returncode == 0, done.stderr
    assert users(db) == ["alice"]


def test_check_refuses_a_schema_newer_than_this_careerbot(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    asyncio.run(seed(db, "alice"))
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 99")
    con.close()
    newer = run_cli("check", db=db)
    assert newer.returncode == 1, newer.stdout
    assert "schema version 99, newer than this careerbot" in newer.stderr
    assert ": ok" not in newer.stdout and "Traceback" not in newer.stderr
