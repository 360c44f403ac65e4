"""The SQLite store: one file, WAL, migrations by ``PRAGMA user_version``."""

from bot.storage.sqlite.store import SqliteStore, SqliteUnit

__all__ = ["SqliteStore", "SqliteUnit"]
