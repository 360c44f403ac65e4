"""``careerbot health``: healthy only with a fresh heartbeat, a live process, a reachable
database and every adapter connected."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bot.health import check, heartbeat_path, running, write_heartbeat

ROOT = Path(__file__).resolve().parents[2]


def make_db(tmp_path: Path) -> Path:
    db = tmp_path / "bot.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (x)")
    con.close()
    return db


def test_fresh_heartbeat_all_connected_is_healthy(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    write_heartbeat(heartbeat_path(db), adapters={"slack": True, "discord": True}, db_ok=True)
    health = check(db)
    assert health.ok, health.lines
    assert "slack: connected" in health.lines and "database: ok" in health.lines
    assert running(db) is False  # the heartbeat is this process's own: not "another bot"


def test_each_failure_makes_it_unhealthy(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    beat = heartbeat_path(db)
    write_heartbeat(beat, adapters={"slack": True, "discord": False}, db_ok=True)
    assert "discord: NOT connected" in check(db).lines and not check(db).ok

    write_heartbeat(beat, adapters={}, db_ok=True)
    assert not check(db).ok

    write_heartbeat(beat, adapters={"slack": True}, db_ok=False)
    assert not check(db).ok

    write_heartbeat(beat, adapters={"slack": True}, db_ok=True)
    stale = check(db, now=time.time() + 31)
    assert not stale.ok and "old" in stale.lines[0]

    state = json.loads(beat.read_text())
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    beat.write_text(json.dumps({**state, "pid": dead.pid}))
    assert not check(db).ok

    write_heartbeat(beat, adapters={"slack": True}, db_ok=True)
    assert check(db).ok
    db.unlink()
    assert not check(db).ok
    db.write_bytes(b"garbage" * 1000)
    result = check(db)
    assert not result.ok and result.lines[-1].startswith("database: unreachable")


def test_missing_or_corrupt_heartbeat(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    assert "no heartbeat" in check(db).lines[0]
    heartbeat_path(db).write_text("{half")
    assert "unreadable heartbeat" in check(db).lines[0]


def test_heartbeat_is_replaced_atomically(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    for i in range(50):
        write_heartbeat(heartbeat_path(db), adapters={"slack": i % 2 == 0}, db_ok=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.db", "bot.db.heartbeat.json"]


def test_cli_exit_codes(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    env = {**os.environ, "CAREERBOT_DB": str(db)}
    cmd = [sys.executable, "-m", "bot", "health"]
    down = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert down.returncode == 1 and down.stdout.startswith("UNHEALTHY: no heartbeat")
    write_heartbeat(heartbeat_path(db), adapters={"discord": True}, db_ok=True)
    up = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert up.returncode == 0, up.stdout + up.stderr
    assert up.stdout.startswith("healthy: discord: connected")
    quiet = subprocess.run([*cmd, "--quiet"], env=env, capture_output=True, text=True, timeout=60)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
