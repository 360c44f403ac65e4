"""The PostgreSQL store: psycopg 3 (sync API, pooled), one transaction per use case."""

from bot.storage.postgres.store import PgUnit, PostgresStore, redact

__all__ = ["PgUnit", "PostgresStore", "redact"]
