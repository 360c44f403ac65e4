"""Database maintenance that depends on the backend ``CAREERBOT_DB`` names.

SQLite: :mod:`bot.storage.sqlite.maintenance` (online backup, restore, check).
PostgreSQL: :func:`check_postgres` opens the store (migrating it, as ``run`` would) and
reports the schema version and :meth:`~bot.core.ports.Store.integrity_check`; backups
and restores are the server's own tools' job (``pg_dump`` / ``pg_restore``).
"""

from __future__ import annotations

from dataclasses import dataclass

PG_BACKUP = (
    "PostgreSQL databases are backed up with the server's tools: "
    'pg_dump -Fc -f careerbot.dump "$CAREERBOT_DB" (restore: pg_restore --clean -d "$CAREERBOT_DB" '
    "careerbot.dump, with the bot stopped)"
)


@dataclass(frozen=True)
class Checked:
    where: str  # the database, for messages (never a password)
    version: int
    latest: int
    problems: list[str]


async def check_postgres(url: str) -> Checked:
    """Schema version and problems of a PostgreSQL database; raises StoreError."""
    from bot.storage.postgres import PostgresStore
    from bot.storage.postgres.migrations import LATEST

    store = await PostgresStore.open(url, pool_size=1)
    try:
        return Checked(
            store.location, await store.schema_version(), LATEST, await store.integrity_check()
        )
    finally:
        await store.close()
