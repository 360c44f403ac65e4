"""Stores implementing the core's storage ports (:mod:`bot.core.ports`).

``open_store(location)`` picks the backend from ``CAREERBOT_DB``'s value:

* a file path, or ``sqlite:///relative/path`` / ``sqlite:////absolute/path`` — SQLite
  (:mod:`bot.storage.sqlite`), the embedded default;
* ``postgresql://user:pass@host:port/db`` (or ``postgres://…``) — PostgreSQL
  (:mod:`bot.storage.postgres`);
* any other ``scheme://`` — a clear error naming the scheme.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.errors import StoreError
from bot.core.ports import Store

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://(.*)", re.DOTALL)
POSTGRES_SCHEMES = ("postgresql", "postgres")


def sqlite_target(location: str | Path) -> str | None:
    """The SQLite file (or ``:memory:``) a location names; None for another scheme."""
    text = str(location)
    found = _SCHEME.fullmatch(text)
    if found is None:
        return text if text == ":memory:" else str(Path(text).expanduser())
    if found.group(1).lower() != "sqlite":
        return None
    rest = found.group(2)
    if not rest.startswith("/") or rest == "/":
        raise StoreError(
            f"CAREERBOT_DB: {text!r} names no file (use sqlite:///relative/path.db or "
            "sqlite:////absolute/path.db)"
        )
    return str(Path(rest[1:]).expanduser())


async def open_store(location: str | Path) -> Store:
    """Open (creating and migrating if needed) the store at ``location``.

    Raises :class:`~bot.core.errors.StoreError` with a one-line reason.
    """
    target = sqlite_target(location)
    if target is None:
        scheme = str(location).split("://", 1)[0].lower()
        if scheme in POSTGRES_SCHEMES:
            from bot.storage.postgres import PostgresStore

            return await PostgresStore.open(str(location))
        raise StoreError(
            f"CAREERBOT_DB: unknown database scheme {scheme!r} (use a file path, sqlite:///path"
            " or postgresql://user:password@host:port/database)"
        )
    from bot.storage.sqlite import SqliteStore

    return await SqliteStore.open(target)


def is_postgres(location: str | Path) -> bool:
    """Whether ``location`` names a PostgreSQL database."""
    return str(location).split("://", 1)[0].lower() in POSTGRES_SCHEMES and "://" in str(location)


__all__ = ["StoreError", "is_postgres", "open_store", "sqlite_target"]
