"""SQLite repositories of daily tips: subscriptions and the delivery ledger (migration 2).

They run inside the caller's unit of work (:mod:`bot.storage.sqlite.store`), so each use
case stays one transaction. Instants are Unix seconds (UTC).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.core.records import Cursor, DeliveryRow, Planned, SubRow, delivery_key
from bot.storage.sqlite.repos import Repo

SUB_COLUMNS = (
    "s.id, s.user_pk, s.platform, s.tenant, s.channel_id, s.owner_pk, s.minute, s.tz, s.days,"
    " s.status, s.paused_until, s.next_due, s.next_date, s.missed, s.reason, u.user_id,"
    " u.display_name, s.kind"
)
# the account a DM goes to: the one the subscription was set up on (bot/storage/link.py)
SUB_FROM = "subscriptions s LEFT JOIN users u ON u.id = coalesce(s.identity_pk, s.user_pk)"


def _sub(row: Any) -> SubRow:
    return SubRow(*row)


DELIVERY_COLUMNS = (
    "d.id, d.sub_id, d.local_date, d.due_at, d.state, d.key, d.tip_id, d.missed, d.attempts,"
    " d.retry_at"
)


class SqliteSubscriptions(Repo):
    __slots__ = ()

    # subscriptions ---------------------------------------------------------------------

    def of_user(self, user_pk: int, kind: str = "daily") -> SubRow | None:
        row = self.fetchone(
            f"SELECT {SUB_COLUMNS} FROM {SUB_FROM} WHERE s.user_pk = ? AND s.kind = ?",  # noqa: S608 (constants)
            (user_pk, kind),
        )
        return _sub(row) if row else None

    def get(self, sub_id: int) -> SubRow | None:
        row = self.fetchone(
            f"SELECT {SUB_COLUMNS} FROM {SUB_FROM} WHERE s.id = ?",  # noqa: S608 (constants)
            (sub_id,),
        )
        return _sub(row) if row else None

    def of_channels(self, platform: str, tenant: str) -> list[SubRow]:
        rows = self.fetchall(
            f"SELECT {SUB_COLUMNS} FROM {SUB_FROM}"  # noqa: S608 (constants)
            " WHERE s.platform = ? AND s.tenant = ? AND s.channel_id IS NOT NULL"
            " AND s.kind = 'daily' ORDER BY s.id",
            (platform, tenant),
        )
        return [_sub(r) for r in rows]

    def save_user(
        self,
        *,
        user_pk: int,
        platform: str,
        tenant: str,
        minute: int,
        tz: str,
        days: int,
        next_due: int,
        next_date: str,
        now: datetime,
        kind: str = "daily",
    ) -> int:
        """Create or replace the user's subscription (active, unpaused); returns its id.

        The id survives changes and ``daily off``, so the ledger's one-row-per-local-date
        rule still holds when someone changes their time after today's tip went out.
        """
        row = self.fetchone(
            # identity_pk: the linked account on this platform and tenant, when it is not
            # the profile's own (bot/storage/link.py); a change moves the tip there
            """INSERT INTO subscriptions (user_pk, platform, tenant, minute, tz, days, status,
                   next_due, next_date, created_at, updated_at, kind, identity_pk)
               VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?,
                       (SELECT id FROM users WHERE profile_pk = ? AND platform = ?
                          AND tenant = ?))
               ON CONFLICT (user_pk, kind) WHERE user_pk IS NOT NULL DO UPDATE SET
                 platform = excluded.platform, tenant = excluded.tenant,
                 identity_pk = excluded.identity_pk,
                 minute = excluded.minute, tz = excluded.tz, days = excluded.days,
                 status = 'active', paused_until = NULL, reason = '',
                 next_due = excluded.next_due, next_date = excluded.next_date,
                 updated_at = excluded.updated_at
               RETURNING id""",
            (user_pk, platform, tenant, minute, tz, days, next_due, next_date, now.isoformat(),
             now.isoformat(), kind, user_pk, platform, tenant),
        )  # fmt: skip
        return int(row[0])

    def save_channel(
        self,
        *,
        platform: str,
        tenant: str,
        channel_id: str,
        owner_pk: int,
        minute: int,
        tz: str,
        days: int,
        next_due: int,
        next_date: str,
        now: datetime,
    ) -> int:
        row = self.fetchone(
            """INSERT INTO subscriptions (platform, tenant, channel_id, owner_pk, minute, tz, days,
                   status, next_due, next_date, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)
               ON CONFLICT (platform, tenant, channel_id) WHERE channel_id IS NOT NULL DO UPDATE SET
                 owner_pk = excluded.owner_pk, minute = excluded.minute, tz = excluded.tz,
                 days = excluded.days, status = 'active', paused_until = NULL, reason = '',
                 next_due = excluded.next_due, next_date = excluded.next_date,
                 updated_at = excluded.updated_at
               RETURNING id""",
            (platform, tenant, channel_id, owner_pk, minute, tz, days, next_due, next_date,
             now.isoformat(), now.isoformat()),
        )  # fmt: skip
        return int(row[0])

    def set_status(self, sub_id: int, status: str, reason: str, now: datetime) -> None:
        self.execute(
            "UPDATE subscriptions SET status = ?, reason = ?, updated_at = ? WHERE id = ?",
            (status, reason, now.isoformat(), sub_id),
        )

    def channels_off(self, platform: str, tenant: str, now: datetime) -> int:
        return self.execute(
            """UPDATE subscriptions SET status = 'off', updated_at = ?
               WHERE platform = ? AND tenant = ? AND channel_id IS NOT NULL AND status != 'off'""",
            (now.isoformat(), platform, tenant),
        )

    def set_pause(
        self, sub_id: int, paused_until: int, next_due: int, next_date: str, now: datetime
    ) -> None:
        self.execute(
            """UPDATE subscriptions
               SET paused_until = ?, next_due = ?, next_date = ?, updated_at = ?
               WHERE id = ?""",
            (paused_until, next_due, next_date, now.isoformat(), sub_id),
        )

    def due(self, now: int, limit: int, platforms: Sequence[str] | None = None) -> list[SubRow]:
        """Active subscriptions whose next delivery instant has come (index range scan).

        ``platforms``: only those (the ones connected now); the others keep their cursor and
        are caught up — or skipped, by the catch-up rule — once their platform is back.
        """
        where = ""
        params: tuple[str, ...] = ()
        if platforms is not None:
            if not platforms:
                return []
            where = f" AND s.platform IN ({','.join('?' for _ in platforms)})"
            params = tuple(platforms)
        rows = self.fetchall(
            f"SELECT {SUB_COLUMNS} FROM {SUB_FROM}"  # noqa: S608 (constants and placeholders)
            f" WHERE s.status = 'active' AND s.next_due <= ?{where} ORDER BY s.next_due LIMIT ?",
            (now, *params, limit),
        )
        return [_sub(r) for r in rows]

    def advance(self, sub_id: int, next_due: int, next_date: str, missed: int) -> None:
        """Move the subscription's cursor past planned dates; add newly skipped ones to missed."""
        self.execute(
            "UPDATE subscriptions SET next_due = ?, next_date = ?, missed = missed + ?"
            " WHERE id = ?",
            (next_due, next_date, missed, sub_id),
        )

    def advance_many(self, cursors: Sequence[Cursor]) -> None:
        """``advance`` for many."""
        if cursors:
            self.db.executemany(
                "UPDATE subscriptions SET next_due = ?, next_date = ?, missed = missed + ?"
                " WHERE id = ?",
                [(c.next_due, c.next_date, c.missed, c.sub_id) for c in cursors],
            )

    def take_missed(self, sub_id: int) -> int:
        """The number of skipped deliveries not yet reported, reset to zero."""
        row = self.fetchone("SELECT missed FROM subscriptions WHERE id = ?", (sub_id,))
        if not row or not row[0]:
            return 0
        self.execute("UPDATE subscriptions SET missed = 0 WHERE id = ?", (sub_id,))
        return int(row[0])

    def earliest_due(self, platforms: Sequence[str]) -> int | None:
        if not platforms:
            return None
        marks = ",".join("?" for _ in platforms)
        row = self.fetchone(
            "SELECT min(next_due) FROM subscriptions"  # noqa: S608 (placeholders only)
            f" WHERE status = 'active' AND platform IN ({marks})",
            tuple(platforms),
        )
        return int(row[0]) if row and row[0] is not None else None


class SqliteDeliveries(Repo):
    __slots__ = ()

    # deliveries (the ledger) -----------------------------------------------------------

    def insert(self, sub_id: int, local_date: str, due_at: int, state: str, now: datetime) -> bool:
        """Write the ledger row for (subscription, local date); False when it already exists."""
        row = self.fetchone(
            """INSERT INTO deliveries (sub_id, local_date, due_at, state, key, retry_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (sub_id, local_date) DO NOTHING
               RETURNING id""",
            (sub_id, local_date, due_at, state, delivery_key(sub_id, local_date), due_at,
             now.isoformat()),
        )  # fmt: skip
        return row is not None

    def insert_pending(self, rows: Sequence[Planned], now: datetime) -> int:
        """Pending ledger rows; returns how many were new."""
        if not rows:
            return 0
        stamp = now.isoformat()
        cur = self.db.executemany(
            """INSERT INTO deliveries (sub_id, local_date, due_at, state, key, retry_at, updated_at)
               VALUES (?, ?, ?, 'pending', ?, ?, ?)
               ON CONFLICT (sub_id, local_date) DO NOTHING""",
            [
                (
                    r.sub_id,
                    r.local_date,
                    r.due_at,
                    delivery_key(r.sub_id, r.local_date),
                    r.due_at,
                    stamp,
                )
                for r in rows
            ],  # fmt: skip
        )
        return max(0, cur.rowcount)

    def pending(self, now: int, platforms: Sequence[str], limit: int) -> list[DeliveryRow]:
        """Pending deliveries ready to (re)try on the given platforms, oldest first."""
        if not platforms:
            return []
        marks = ",".join("?" for _ in platforms)
        rows = self.fetchall(
            f"SELECT {DELIVERY_COLUMNS} FROM deliveries d JOIN subscriptions s ON s.id = d.sub_id"  # noqa: S608
            f" WHERE d.state = 'pending' AND d.retry_at <= ? AND s.status = 'active'"
            f" AND s.platform IN ({marks})"
            " ORDER BY d.retry_at, d.id LIMIT ?",
            (now, *platforms, limit),
        )
        return [DeliveryRow(*r) for r in rows]

    def get(self, delivery_id: int) -> DeliveryRow | None:
        row = self.fetchone(
            f"SELECT {DELIVERY_COLUMNS} FROM deliveries d WHERE d.id = ?",  # noqa: S608 (constants)
            (delivery_id,),
        )
        return DeliveryRow(*row) if row else None

    def claim(
        self,
        delivery_id: int,
        tip_id: str,
        missed: int,
        now: datetime,
        review: tuple[str, int] | None = None,
    ) -> None:
        """Fix the tip (and the missed count it reports) and count the attempt, before sending."""
        self.execute(
            """UPDATE deliveries SET tip_id = ?, missed = ?, attempts = attempts + 1, updated_at = ?
               WHERE id = ?""",
            (tip_id, missed, now.isoformat(), delivery_id),
        )
        if review is not None:  # the due review the card carries (spaced review)
            self.execute(
                "UPDATE deliveries SET review_tip_id = ?, review_seq = ? WHERE id = ?",
                (*review, delivery_id),
            )

    def review_of(self, delivery_id: int) -> tuple[str, int] | None:
        row = self.fetchone(
            "SELECT review_tip_id, review_seq FROM deliveries WHERE id = ?", (delivery_id,)
        )
        if row is None or row[0] is None:
            return None
        return str(row[0]), int(row[1] or 0)

    def count_attempt(self, delivery_id: int, now: datetime) -> None:
        self.execute(
            "UPDATE deliveries SET attempts = attempts + 1, updated_at = ? WHERE id = ?",
            (now.isoformat(), delivery_id),
        )

    def finish(
        self,
        delivery_id: int,
        state: str,
        now: datetime,
        *,
        message_id: str | None = None,
        detail: str = "",
        retry_at: int | None = None,
    ) -> None:
        self.execute(
            """UPDATE deliveries SET state = ?, message_id = COALESCE(?, message_id), detail = ?,
                 retry_at = COALESCE(?, retry_at), updated_at = ?
               WHERE id = ?""",
            (state, message_id, detail[:200], retry_at, now.isoformat(), delivery_id),
        )

    def channel_views(self, sub_id: int) -> dict[str, int]:
        """How often each tip was posted by this (channel) subscription: its ledger rows
        and the counts of its pruned ones."""
        rows = self.fetchall(
            """SELECT tip_id, sum(n) FROM (
                 SELECT tip_id, count(*) AS n FROM deliveries
                 WHERE sub_id = ? AND tip_id IS NOT NULL AND state IN ('pending', 'sent')
                 GROUP BY tip_id
                 UNION ALL
                 SELECT tip_id, times FROM channel_tip_views WHERE sub_id = ?
               ) GROUP BY tip_id""",
            (sub_id, sub_id),
        )
        return {r[0]: int(r[1]) for r in rows}

    def prune(self, before: int, limit: int) -> int:
        """Delete up to ``limit`` finished rows due before ``before``, oldest first (the
        ``deliveries_finished`` range scan); a channel's posted tips are counted first."""
        rows = self.fetchall(
            # CROSS JOIN: SQLite keeps deliveries as the outer loop (the index range scan)
            """SELECT d.id, d.sub_id, d.tip_id,
                      d.state = 'sent' AND d.tip_id IS NOT NULL AND s.channel_id IS NOT NULL
               FROM deliveries d CROSS JOIN subscriptions s ON s.id = d.sub_id
               WHERE d.state <> 'pending' AND d.due_at < ?
               ORDER BY d.due_at LIMIT ?""",
            (before, limit),
        )
        posted = Counter((r[1], r[2]) for r in rows if r[3])
        if posted:
            self.db.executemany(
                """INSERT INTO channel_tip_views (sub_id, tip_id, times) VALUES (?, ?, ?)
                   ON CONFLICT (sub_id, tip_id) DO UPDATE SET times = times + excluded.times""",
                [(sub, tip, n) for (sub, tip), n in posted.items()],
            )
        self.db.executemany("DELETE FROM deliveries WHERE id = ?", [(r[0],) for r in rows])
        return len(rows)

    def earliest_retry(self, platforms: Sequence[str]) -> int | None:
        """The earliest retry of a pending delivery that ``pending`` would return."""
        if not platforms:
            return None
        marks = ",".join("?" for _ in platforms)
        row = self.fetchone(
            "SELECT min(d.retry_at) FROM deliveries d JOIN subscriptions s ON s.id = d.sub_id"  # noqa: S608
            f" WHERE d.state = 'pending' AND s.status = 'active' AND s.platform IN ({marks})",
            tuple(platforms),
        )
        return int(row[0]) if row and row[0] is not None else None

    def overdue_count(self, now: int) -> int:
        """Pending rows due by ``now`` plus subscriptions due and not planned (both active)."""
        row = self.fetchone(
            """SELECT
                 (SELECT count(*) FROM deliveries d JOIN subscriptions s ON s.id = d.sub_id
                  WHERE d.state = 'pending' AND d.due_at <= ? AND s.status = 'active')
               + (SELECT count(*) FROM subscriptions
                  WHERE status = 'active' AND next_due <= ?)""",
            (now, now),
        )
        return int(row[0]) if row else 0

    def states(self, sub_id: int) -> dict[str, str]:
        """local date -> state, for tests and ``next``."""
        rows = self.fetchall(
            "SELECT local_date, state FROM deliveries WHERE sub_id = ? ORDER BY local_date",
            (sub_id,),
        )
        return {r[0]: r[1] for r in rows}
