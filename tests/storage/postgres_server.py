"""A real, throwaway PostgreSQL server for the tests (no Docker: the distribution's binaries).

:class:`PgServer` initdb's a cluster in a temporary folder (as the ``postgres`` user when
we are root: initdb refuses root), starts it on a free loopback port with ``fsync=off``
and stops and removes it at the end. Tests get either a fresh empty database
(:meth:`PgServer.fresh`) or the shared migrated one, emptied between tests
(:meth:`PgServer.clean`: a few DELETEs and sequence resets, far cheaper than a new
database per test).

Binaries: ``/usr/lib/postgresql/*/bin`` (Debian's ``postgresql`` package), else
``initdb`` on PATH. When they are missing, :func:`find_bin` says so; the fixture fails
under CI (``CI=true``) and skips locally with that reason.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

from bot.storage.postgres.migrations import migrate

USER = "careerbot"  # the superuser, trusted on loopback
PASSWORD_ROLE, PASSWORD = "pwuser", "right-pass"  # a role that must give its password


def find_bin() -> Path | None:
    """The folder with initdb/pg_ctl, newest version first; None when not installed."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="careerbot-pg-"))
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0
        self._names = itertools.count(1)
        self._admin: psycopg.Connection | None = None
        self._shared: psycopg.Connection | None = None
        self.shared = ""

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.dir / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr or done.stdout}{tail}")

    def start(self) -> None:
        if self._as_postgres:
            shutil.chown(self.dir, "postgres")
        data = str(self.dir / "data")
        self._run(str(self.bindir / "initdb"), "-D", data, "-A", "trust", "-U", USER, "-E", "UTF8")
        hba = self.dir / "data" / "pg_hba.conf"  # one role that needs its password, first
        hba.write_text(f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        self._run(
            str(self.bindir / "pg_ctl"), "-D", data, "-l", str(self.dir / "log"), "-w", "start",
            "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
        )  # fmt: skip
        self._admin = psycopg.connect(self.url("postgres"), autocommit=True)
        self._admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(PASSWORD_ROLE), sql.Literal(PASSWORD)
            )
        )
        self.shared = self.fresh()
        self._shared = psycopg.connect(self.shared, autocommit=True)
        migrate(self._shared)

    def stop(self) -> None:
        for conn in (self._shared, self._admin):
            if conn is not None:
                conn.close()
        if (self.dir / "data" / "postmaster.pid").exists():
            self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"
            )
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def fresh(self) -> str:
        """A new, empty database (no schema yet); its URL."""
        assert self._admin is not None
        name = f"t{next(self._names)}"
        self._admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def clean(self) -> str:
        """The shared migrated database, emptied and its ids reset; its URL."""
        conn = self._shared
        assert conn is not None
        with conn.transaction():
            conn.execute("SET LOCAL lock_timeout = '10s'")
            conn.execute("DELETE FROM deliveries")
            conn.execute("DELETE FROM subscriptions")
            conn.execute("DELETE FROM users")
            conn.execute("DELETE FROM link_failures")  # keyed by account, no reference
            for table in ("users", "notices", "subscriptions", "deliveries"):
                conn.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)", (table,))
        return self.shared
