"""SQLite storage (aiosqlite): one file, WAL, migrations by ``PRAGMA user_version``."""

from bot.storage.store import Store, Tx, default_db_path

__all__ = ["Store", "Tx", "default_db_path"]
