"""SQLite storage (aiosqlite): one file, WAL, migrations by ``PRAGMA user_version``."""

from bot.storage.store import Store, StoreError, Tx, default_db_path

__all__ = ["Store", "StoreError", "Tx", "default_db_path"]
