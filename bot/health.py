"""Liveness for self-hosters: the heartbeat file ``careerbot run`` keeps, and its check.

The running bot rewrites ``<database>.heartbeat.json`` every few seconds
(``CAREERBOT_HEARTBEAT_SECONDS``, default 5) (atomically: a
temporary file, then ``os.replace``) with its pid, the time, whether its last database
query worked, and each adapter's ``connected`` flag. ``careerbot health`` (the image's
HEALTHCHECK) exits 0 only when that file is fresh, its process is alive, the database
answers a query, and every adapter the bot runs is connected. No schema change: the
state is about this process, not the data, and a file works even when the database is
the thing that is broken. :func:`check` returns a :class:`Health`; the command line
(:mod:`bot.cli.health`) prints it and chooses the exit status.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

INTERVAL = 5.0  # seconds between heartbeats: the default of CAREERBOT_HEARTBEAT_SECONDS
MAX_AGE = 30.0  # a heartbeat older than this means the bot is stuck or gone


def max_age_for(interval: float) -> float:
    """The age limit for a heartbeat written every ``interval`` seconds (3 missed beats)."""
    return max(MAX_AGE, 3 * interval)


def heartbeat_path(db_path: Path | str) -> Path:
    """Beside a SQLite file; for a PostgreSQL URL (no file to sit beside) in the local data
    folder, named after the database (one file per host or container, i.e. per replica)."""
    from bot.storage import is_postgres

    if is_postgres(db_path):
        from bot.storage.postgres import redact

        digest = hashlib.sha256(redact(str(db_path)).encode()).hexdigest()[:16]
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "careerbot" / f"postgres-{digest}.heartbeat.json"
    return Path(f"{db_path}.heartbeat.json")


def database_of(settings: Settings) -> Path | str:
    """What health and heartbeat watch: the SQLite file, or the PostgreSQL URL."""
    from bot.storage import is_postgres

    return settings.db if is_postgres(settings.db) else settings.db_path


def write_heartbeat(
    path: Path, *, adapters: Mapping[str, bool], db_ok: bool, leader: bool | None = None
) -> None:
    """Atomically replace the heartbeat file (never a half-written file for a reader).

    ``leader``: whether this process leads the daily fan-out (None: not started yet).
    """
    state = {
        "pid": os.getpid(),
        "time": time.time(),
        "db_ok": db_ok,
        "adapters": dict(adapters),
        "leader": leader,
    }
    path.parent.mkdir(parents=True, exist_ok=True)  # PostgreSQL: the local data folder
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, path)


def remove_heartbeat(path: Path) -> None:
    path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Health:
    ok: bool
    lines: list[str]


def check(db_path: Path | str, *, max_age: float = MAX_AGE, now: float | None = None) -> Health:
    """The bot's health as seen from outside its process (no exception escapes)."""
    path = heartbeat_path(db_path)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        pid, stamp = int(state["pid"]), float(state["time"])
        adapters = {str(k): bool(v) for k, v in dict(state["adapters"]).items()}
        db_ok = bool(state["db_ok"])
    except FileNotFoundError:
        return Health(False, [f"no heartbeat at {path}: is 'careerbot run' running?"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Health(False, [f"unreadable heartbeat {path}: {exc}"])
    lines: list[str] = []
    ok = True
    age = (time.time() if now is None else now) - stamp
    if age > max_age:
        ok = False
        lines.append(f"heartbeat is {age:.0f} s old (limit {max_age:.0f} s): the bot is stuck")
    if not _alive(pid):
        ok = False
        lines.append(f"process {pid} that wrote the heartbeat is gone")
    if not adapters:
        ok = False
        lines.append("no platform adapter is running")
    for name, connected in sorted(adapters.items()):
        ok = ok and connected
        lines.append(f"{name}: {'connected' if connected else 'NOT connected'}")
    problem = _probe_db(db_path)
    if problem or not db_ok:
        ok = False
    lines.append(f"database: {problem or ('ok' if db_ok else 'the bot cannot query it')}")
    leader = state.get("leader")
    if leader is not None:  # a follower is healthy: it serves commands and stands by
        lines.append(
            "daily fan-out: "
            + ("this replica leads" if leader else "another replica leads (standing by)")
        )
    return Health(ok, lines)


def running(db_path: Path, *, max_age: float = MAX_AGE) -> bool:
    """True when a bot process is (very likely) running on this database right now."""
    try:
        state = json.loads(heartbeat_path(db_path).read_text(encoding="utf-8"))
        pid, stamp = int(state["pid"]), float(state["time"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return time.time() - stamp <= max_age and pid != os.getpid() and _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _probe_db(db: Path | str) -> str:
    """'' when a fresh connection can read the database, else the reason."""
    from bot.storage import is_postgres

    if is_postgres(db):
        from bot.storage.postgres.store import probe

        return probe(str(db))
    db_path = Path(db)
    if not db_path.exists():
        return f"missing: {db_path}"
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=rw", uri=True, timeout=5.0)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:
        return f"unreachable: {exc}"
    return ""
