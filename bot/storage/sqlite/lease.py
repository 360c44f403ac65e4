"""One ``careerbot run`` per SQLite file: an exclusive lock on ``<db>.lock``.

SQLite serves one process well (several share a file safely, but only one may plan and
send the daily fan-out, and the heartbeat file is per database). The lock is an
``flock`` on a file beside the database: the kernel drops it when the process ends,
SIGKILL included, so a crash never leaves a stale lock behind. The file holds the
holder's pid, for the message a second process prints.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from pathlib import Path


class SqliteLease:
    exclusive = True

    def __init__(self, db_path: str) -> None:
        self.path = None if db_path == ":memory:" else Path(f"{db_path}.lock")
        self._fd: int | None = None

    async def acquire(self) -> bool:
        if self.path is None:
            return True
        if self._fd is not None:
            return True
        return await asyncio.to_thread(self._lock)

    def _lock(self) -> bool:
        assert self.path is not None
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return True

    async def held(self) -> bool:
        return self.path is None or self._fd is not None

    def holder(self) -> str:
        if self.path is None:
            return ""
        try:
            pid = self.path.read_text(encoding="ascii").strip()
        except OSError:
            return ""
        return f"pid {pid}" if pid.isdigit() else ""

    async def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
