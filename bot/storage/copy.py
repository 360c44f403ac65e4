"""``careerbot db copy SRC DST``: every row of one database into another, any backend to
any (a SQLite file to PostgreSQL and back), verified.

1. Both databases are opened with :func:`bot.storage.open_store` first, so both are at
   the latest schema (the stores' migrations are the same tables in both dialects).
2. The target must be empty; ``force`` empties it first (in the copy's transaction).
3. The source is read in ONE read transaction (a consistent snapshot, even while a bot
   writes to it), table by table in foreign-key order, ``batch`` rows at a time; the
   target is written in ONE transaction (``executemany`` on SQLite, ``COPY`` on
   PostgreSQL), ids included; PostgreSQL's identity sequences are then set past the
   largest id.
4. Before the target commits, each table is read back from it and compared with what
   was read from the source: row count and an order-independent checksum (the sum,
   modulo 2**128, of a SHA-256 of each row's canonical JSON text, computed by the same
   code on both sides). A mismatch rolls the target back and raises
   :class:`~bot.core.errors.StoreError`: the target is as it was.

:func:`compare` computes the same counts and checksums of two databases without
writing (``careerbot db copy --verify``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.core.errors import StoreError
from bot.storage import open_store, sqlite_target

# Every table of the schema, parents before children (the order rows are written in).
TABLES = (
    "users",
    "skill_status",
    "tip_views",
    "tip_marks",
    "roadmap_done",
    "activity",
    "notices",
    "subscriptions",
    "deliveries",
    "channel_tip_views",
    "installations",  # sealed: readable only with the same CAREERBOT_SECRET_KEY
    "oauth_states",
    "tip_reviews",
    "user_prefs",
    "quiet_days",
    "link_codes",
    "link_failures",
)
# Tables read in id order: a linked account references its profile's row, always an
# older (lower) id (bot/storage/link.py), so id order writes the profile first.
IN_ID_ORDER = frozenset({"users"})
# Tables with a generated integer ``id`` (PostgreSQL identity; SQLite rowid).
ID_TABLES = ("users", "notices", "subscriptions", "deliveries")
BATCH = 5000
_MOD = 1 << 128


@dataclass(frozen=True, slots=True)
class TableSum:
    table: str
    rows: int
    checksum: str  # 32 hex digits


@dataclass(frozen=True, slots=True)
class CopyReport:
    source: str  # locations, for messages (never a password)
    target: str
    tables: tuple[TableSum, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


@dataclass(frozen=True, slots=True)
class Comparison:
    source: str
    target: str
    tables: tuple[tuple[TableSum, TableSum], ...]  # (source, target) per table

    @property
    def mismatches(self) -> list[str]:
        return [_mismatch(s, t) for s, t in self.tables if s != t]


def _mismatch(s: TableSum, t: TableSum) -> str:
    if s.rows != t.rows:
        return f"{s.table}: {s.rows} rows in the source, {t.rows} in the target"
    return f"{s.table}: same {s.rows} rows, different checksums ({s.checksum} vs {t.checksum})"


def _canonical(value: Any) -> Any:
    """A value as JSON can carry it, its type kept apart (``1`` is not ``"1"``)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"blob": bytes(value).hex()}
    if isinstance(value, float):
        return {"real": repr(value)}
    return value


class _Sum:
    """Row count and order-independent checksum of a stream of rows."""

    def __init__(self) -> None:
        self.rows = 0
        self.total = 0

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            text = json.dumps(
                [_canonical(v) for v in row], ensure_ascii=False, separators=(",", ":")
            )
            digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
            self.total = (self.total + int.from_bytes(digest[:16], "big")) % _MOD
            self.rows += 1

    def result(self, table: str) -> TableSum:
        return TableSum(table, self.rows, f"{self.total:032x}")


# the two kinds of database, as the copy needs them ------------------------------------


class _Db(Protocol):
    where: str

    def tables(self) -> dict[str, list[str]]: ...  # table -> columns, in schema order

    def read(self, table: str, columns: Sequence[str], batch: int) -> Iterator[list[Any]]: ...

    def count(self, table: str) -> int: ...

    def begin_write(self) -> None: ...

    def empty(self) -> None: ...

    def write(self, table: str, columns: Sequence[str], rows: list[Any]) -> None: ...

    def reset_ids(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def close(self) -> None: ...


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _known(table: str) -> str:
    """The table name, checked against our own list (identifiers are never data)."""
    if table not in TABLES:
        raise StoreError(f"table {table} is not known to the copy")
    return table


class _Sqlite:
    def __init__(self, path: str) -> None:
        self.where = path
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA busy_timeout = 10000")
        self.conn.execute("BEGIN")  # reads: one snapshot (WAL)

    def tables(self) -> dict[str, list[str]]:
        names = [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            n: [c[1] for c in self.conn.execute("SELECT * FROM pragma_table_info(?)", (n,))]
            for n in names
        }

    def read(self, table: str, columns: Sequence[str], batch: int) -> Iterator[list[Any]]:
        order = " ORDER BY id" if table in IN_ID_ORDER else ""
        cur = self.conn.execute(f"SELECT {_quoted(columns)} FROM {_known(table)}{order}")  # noqa: S608
        while rows := cur.fetchmany(batch):
            yield rows

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {_known(table)}").fetchone()[0])  # noqa: S608

    def begin_write(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.execute("BEGIN IMMEDIATE")

    def empty(self) -> None:
        for table in reversed(TABLES):
            self.conn.execute(f"DELETE FROM {_known(table)}")  # noqa: S608

    def write(self, table: str, columns: Sequence[str], rows: list[Any]) -> None:
        marks = ", ".join("?" for _ in columns)
        self.conn.executemany(
            f"INSERT INTO {_known(table)} ({_quoted(columns)}) VALUES ({marks})",  # noqa: S608
            rows,
        )

    def reset_ids(self) -> None:
        """Nothing to do: the next rowid is past the largest, AUTOINCREMENT's counter
        moves with explicit ids."""

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.rollback()
        self.conn.close()


class _Postgres:
    def __init__(self, url: str, where: str) -> None:
        import psycopg

        self.where = where
        self.conn = psycopg.connect(url, autocommit=False)
        # reads: one snapshot; the write transaction (begin_write) is READ COMMITTED
        self.conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        self._names = 0

    def tables(self) -> dict[str, list[str]]:
        rows = self.conn.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name <> 'careerbot_schema'
               ORDER BY table_name, ordinal_position"""
        ).fetchall()
        found: dict[str, list[str]] = {}
        for table, column in rows:
            found.setdefault(table, []).append(column)
        return found

    def read(self, table: str, columns: Sequence[str], batch: int) -> Iterator[list[Any]]:
        from psycopg import sql

        self._names += 1
        query = sql.SQL("SELECT {} FROM {}{}").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.Identifier(_known(table)),
            sql.SQL(" ORDER BY id" if table in IN_ID_ORDER else ""),
        )
        with self.conn.cursor(name=f"careerbot_copy_{self._names}") as cur:  # server-side
            cur.itersize = batch
            cur.execute(query)
            while rows := cur.fetchmany(batch):
                yield rows

    def count(self, table: str) -> int:
        from psycopg import sql

        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(_known(table)))
        row = self.conn.execute(query).fetchone()
        return int(row[0]) if row else 0

    def begin_write(self) -> None:
        self.conn.rollback()  # end the read snapshot; the next statement begins anew
        self.conn.isolation_level = None  # the server's default, READ COMMITTED

    def empty(self) -> None:
        from psycopg import sql

        self.conn.execute(
            sql.SQL("TRUNCATE {}").format(
                sql.SQL(", ").join(sql.Identifier(_known(t)) for t in TABLES)
            )
        )

    def write(self, table: str, columns: Sequence[str], rows: list[Any]) -> None:
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(_known(table)), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self.conn.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def reset_ids(self) -> None:
        from psycopg import sql

        for table in ID_TABLES:
            self.conn.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({t}, 'id'),"
                    " coalesce((SELECT max(id) FROM {i}), 1), (SELECT count(*) > 0 FROM {i}))"
                ).format(t=sql.Literal(table), i=sql.Identifier(table))
            )

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.rollback()
        self.conn.close()


# opening ----------------------------------------------------------------------------


async def _migrated(location: str, *, must_exist: bool) -> str:
    """Bring the database at ``location`` to the latest schema; its name for messages."""
    _check_file(location, must_exist=must_exist)
    store = await open_store(location)
    try:
        return store.location
    finally:
        await store.close()


def _check_file(location: str, *, must_exist: bool) -> None:
    target = sqlite_target(location)
    if target == ":memory:":
        raise StoreError("an in-memory database cannot be copied from or to")
    if must_exist and target is not None and not Path(target).is_file():
        raise StoreError(f"no database at {target}")


def _connect(location: str, where: str) -> _Db:
    target = sqlite_target(location)
    try:
        if target is not None:
            return _Sqlite(target)
        return _Postgres(location, where)
    except Exception as exc:
        raise StoreError(f"cannot open {where}: {_line(exc, location)}") from None


def _line(exc: BaseException, location: str) -> str:
    from bot.storage.postgres.store import _secrets, one_line

    return one_line(exc, _secrets(location))


def _same_tables(src: _Db, dst: _Db) -> dict[str, list[str]]:
    """The columns of each table, checked equal on both sides and known to the copy."""
    a, b = src.tables(), dst.tables()
    for side, found in ((src, a), (dst, b)):
        if set(found) != set(TABLES):
            odd = sorted(set(found) ^ set(TABLES))
            raise StoreError(f"{side.where}: tables differ from this careerbot's: {odd}")
    for table in TABLES:
        if sorted(a[table]) != sorted(b[table]):
            raise StoreError(f"table {table} has other columns in {src.where} and {dst.where}")
    return {t: a[t] for t in TABLES}


def _sums(db: _Db, columns: dict[str, list[str]], batch: int) -> tuple[TableSum, ...]:
    out = []
    for table, cols in columns.items():
        acc = _Sum()
        for rows in db.read(table, cols, batch):
            acc.add(rows)
        out.append(acc.result(table))
    return tuple(out)


# the copy ---------------------------------------------------------------------------


async def copy(src: str, dst: str, *, force: bool = False, batch: int = BATCH) -> CopyReport:
    """Copy every row of ``src`` into ``dst`` (both migrated first), verified; raises
    :class:`StoreError` (the target unchanged) when it cannot."""
    if _same(src, dst):
        raise StoreError("the source and the target are the same database")
    src_where = await _migrated(src, must_exist=True)
    dst_where = await _migrated(dst, must_exist=False)
    return await asyncio.to_thread(_copy, src, dst, src_where, dst_where, force=force, batch=batch)


def _same(src: str, dst: str) -> bool:
    a, b = sqlite_target(src), sqlite_target(dst)
    if a is not None and b is not None:
        return Path(a).resolve() == Path(b).resolve()
    return src == dst


def _copy(
    src_loc: str, dst_loc: str, src_where: str, dst_where: str, *, force: bool, batch: int
) -> CopyReport:
    src = _connect(src_loc, src_where)
    try:
        dst = _connect(dst_loc, dst_where)
        try:
            return _copy_between(src, dst, force=force, batch=batch)
        except StoreError:
            raise
        except Exception as exc:
            where = f"{src.where} -> {dst.where}"
            raise StoreError(f"copy {where} failed: {_line(exc, dst_loc)}") from None
        finally:
            dst.close()
    finally:
        src.close()


def _copy_between(src: _Db, dst: _Db, *, force: bool, batch: int) -> CopyReport:
    columns = _same_tables(src, dst)
    dst.begin_write()
    filled = [t for t in TABLES if dst.count(t)]
    if filled and not force:
        raise StoreError(
            f"{dst.where} is not empty ({', '.join(filled)}): use --force to replace its data"
        )
    if filled:
        dst.empty()
    read: list[TableSum] = []
    for table, cols in columns.items():
        acc = _Sum()
        for rows in src.read(table, cols, batch):
            acc.add(rows)
            dst.write(table, cols, rows)
        read.append(acc.result(table))
    dst.reset_ids()
    written = _sums(dst, columns, batch)  # read back inside the target's transaction
    bad = [_mismatch(s, t) for s, t in zip(read, written, strict=True) if s != t]
    if bad:
        dst.rollback()
        raise StoreError(
            f"copy verification failed, {dst.where} is unchanged: " + "; ".join(bad[:3])
        )
    dst.commit()
    return CopyReport(src.where, dst.where, tuple(read))


async def compare(src: str, dst: str, *, batch: int = BATCH) -> Comparison:
    """Row counts and checksums of every table of both databases (nothing written)."""
    src_where = await _migrated(src, must_exist=True)
    dst_where = await _migrated(dst, must_exist=True)

    def work() -> Comparison:
        a = _connect(src, src_where)
        try:
            b = _connect(dst, dst_where)
            try:
                columns = _same_tables(a, b)
                pairs = zip(_sums(a, columns, batch), _sums(b, columns, batch), strict=True)
                return Comparison(a.where, b.where, tuple(pairs))
            finally:
                b.close()
        finally:
            a.close()

    return await asyncio.to_thread(work)
