"""PostgreSQL repositories of daily tips: subscriptions and the delivery ledger.

Same behaviour as :mod:`bot.storage.sqlite.daily`. Where SQLite's single writer made a
read-then-write safe, PostgreSQL needs it said: the due-scan locks the subscriptions it
returns (``FOR UPDATE OF s``) until the planning unit has moved their cursors, so a
``daily`` change committed meanwhile is not overwritten; a delivery row read to claim or
finish it is locked (``FOR UPDATE``), so two senders cannot both claim it; counters move
in one statement (``missed = missed + %s``, ``take_missed`` reads and resets at once).
Lists go in as arrays (``= ANY(%s)``, ``unnest``): one statement, one round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.core.records import Cursor, DeliveryRow, Planned, SubRow, delivery_key
from bot.storage.postgres.repos import Repo

SUB_SELECT = (
    "SELECT s.id, s.user_pk, s.platform, s.tenant, s.channel_id, s.owner_pk, s.minute, s.tz,"
    " s.days, s.status, s.paused_until, s.next_due, s.next_date, s.missed, s.reason,"
    " u.user_id, u.display_name, s.kind FROM subscriptions s"
    # the account a DM goes to: the one the subscription was set up on (bot/storage/link.py)
    " LEFT JOIN users u ON u.id = coalesce(s.identity_pk, s.user_pk)"
)

DELIVERY_SELECT = (
    "SELECT d.id, d.sub_id, d.local_date, d.due_at, d.state, d.key, d.tip_id, d.missed,"
    " d.attempts, d.retry_at FROM deliveries d"
)


def _sub(row: Any) -> SubRow:
    return SubRow(*row)


class PgSubscriptions(Repo):
    __slots__ = ()

    def of_user(self, user_pk: int, kind: str = "daily") -> SubRow | None:
        row = self.fetchone(SUB_SELECT + " WHERE s.user_pk = %s AND s.kind = %s", (user_pk, kind))
        return _sub(row) if row else None

    def get(self, sub_id: int) -> SubRow | None:
        row = self.fetchone(SUB_SELECT + " WHERE s.id = %s", (sub_id,))
        return _sub(row) if row else None

    def of_channels(self, platform: str, tenant: str) -> list[SubRow]:
        rows = self.fetchall(
            SUB_SELECT + " WHERE s.platform = %s AND s.tenant = %s AND s.channel_id IS NOT NULL"
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
        row = self.fetchone(
            # identity_pk: the linked account on this platform and tenant, when it is not
            # the profile's own (bot/storage/link.py); a change moves the tip there
            """INSERT INTO subscriptions (user_pk, platform, tenant, minute, tz, days, status,
                   next_due, next_date, created_at, updated_at, kind, identity_pk)
               VALUES (%s, %s, %s, %s, %s, %s, 'active', %s, %s, %s, %s, %s,
                       (SELECT id FROM users WHERE profile_pk = %s AND platform = %s
                          AND tenant = %s))
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
               VALUES (%s, %s, %s, %s, %s, %s, %s, 'active', %s, %s, %s, %s)
               ON CONFLICT (platform, tenant, channel_id) WHERE channel_id IS NOT NULL
               DO UPDATE SET
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
            "UPDATE subscriptions SET status = %s, reason = %s, updated_at = %s WHERE id = %s",
            (status, reason, now.isoformat(), sub_id),
        )

    def channels_off(self, platform: str, tenant: str, now: datetime) -> int:
        return self.execute(
            """UPDATE subscriptions SET status = 'off', updated_at = %s
               WHERE platform = %s AND tenant = %s AND channel_id IS NOT NULL
                 AND status != 'off'""",
            (now.isoformat(), platform, tenant),
        )

    def set_pause(
        self, sub_id: int, paused_until: int, next_due: int, next_date: str, now: datetime
    ) -> None:
        self.execute(
            """UPDATE subscriptions
               SET paused_until = %s, next_due = %s, next_date = %s, updated_at = %s
               WHERE id = %s""",
            (paused_until, next_due, next_date, now.isoformat(), sub_id),
        )

    def due(self, now: int, limit: int, platforms: Sequence[str] | None = None) -> list[SubRow]:
        """Active subscriptions whose next instant has come, earliest first, locked until
        the unit ends (the planner moves their cursors in the same unit)."""
        if platforms is None:
            rows = self.fetchall(
                SUB_SELECT + " WHERE s.status = 'active' AND s.next_due <= %s"
                " ORDER BY s.next_due, s.id LIMIT %s FOR UPDATE OF s",
                (now, limit),
            )
        elif not platforms:
            return []
        else:
            rows = self.fetchall(
                SUB_SELECT + " WHERE s.status = 'active' AND s.next_due <= %s"
                " AND s.platform = ANY(%s) ORDER BY s.next_due, s.id LIMIT %s FOR UPDATE OF s",
                (now, list(platforms), limit),
            )
        return [_sub(r) for r in rows]

    def advance(self, sub_id: int, next_due: int, next_date: str, missed: int) -> None:
        self.execute(
            "UPDATE subscriptions SET next_due = %s, next_date = %s, missed = missed + %s"
            " WHERE id = %s",
            (next_due, next_date, missed, sub_id),
        )

    def advance_many(self, cursors: Sequence[Cursor]) -> None:
        if not cursors:
            return
        self.execute(
            """UPDATE subscriptions s
               SET next_due = c.next_due, next_date = c.next_date, missed = s.missed + c.missed
               FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::integer[])
                 AS c(id, next_due, next_date, missed)
               WHERE s.id = c.id""",
            (
                [c.sub_id for c in cursors],
                [c.next_due for c in cursors],
                [c.next_date for c in cursors],
                [c.missed for c in cursors],
            ),
        )

    def take_missed(self, sub_id: int) -> int:
        """The number of skipped deliveries not yet reported, reset to zero (one statement:
        the old value is read under the row lock the update takes)."""
        row = self.fetchone(
            """UPDATE subscriptions s SET missed = 0
               FROM (SELECT id, missed FROM subscriptions WHERE id = %s FOR UPDATE) old
               WHERE s.id = old.id RETURNING old.missed""",
            (sub_id,),
        )
        return int(row[0]) if row and row[0] else 0

    def earliest_due(self, platforms: Sequence[str]) -> int | None:
        if not platforms:
            return None
        row = self.fetchone(
            "SELECT min(next_due) FROM subscriptions"
            " WHERE status = 'active' AND platform = ANY(%s)",
            (list(platforms),),
        )
        return int(row[0]) if row and row[0] is not None else None


class PgDeliveries(Repo):
    __slots__ = ()

    def insert(self, sub_id: int, local_date: str, due_at: int, state: str, now: datetime) -> bool:
        row = self.fetchone(
            """INSERT INTO deliveries (sub_id, local_date, due_at, state, key, retry_at,
                   updated_at)
               VALUES (%s, %s, %s, %s, %s, %s, %s)
               ON CONFLICT (sub_id, local_date) DO NOTHING
               RETURNING id""",
            (sub_id, local_date, due_at, state, delivery_key(sub_id, local_date), due_at,
             now.isoformat()),
        )  # fmt: skip
        return row is not None

    def insert_pending(self, rows: Sequence[Planned], now: datetime) -> int:
        if not rows:
            return 0
        return self.execute(
            """INSERT INTO deliveries (sub_id, local_date, due_at, state, key, retry_at,
                   updated_at)
               SELECT p.sub_id, p.local_date, p.due_at, 'pending', p.key, p.due_at, %s
               FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::text[])
                 AS p(sub_id, local_date, due_at, key)
               ON CONFLICT (sub_id, local_date) DO NOTHING""",
            (
                now.isoformat(),
                [r.sub_id for r in rows],
                [r.local_date for r in rows],
                [r.due_at for r in rows],
                [delivery_key(r.sub_id, r.local_date) for r in rows],
            ),
        )

    def pending(self, now: int, platforms: Sequence[str], limit: int) -> list[DeliveryRow]:
        if not platforms:
            return []
        rows = self.fetchall(
            DELIVERY_SELECT + " JOIN subscriptions s ON s.id = d.sub_id"
            " WHERE d.state = 'pending' AND d.retry_at <= %s AND s.status = 'active'"
            " AND s.platform = ANY(%s) ORDER BY d.retry_at, d.id LIMIT %s",
            (now, list(platforms), limit),
        )
        return [DeliveryRow(*r) for r in rows]

    def get(self, delivery_id: int) -> DeliveryRow | None:
        """The row, locked until the unit ends: it is read to be claimed or finished."""
        row = self.fetchone(DELIVERY_SELECT + " WHERE d.id = %s FOR UPDATE", (delivery_id,))
        return DeliveryRow(*row) if row else None

    def claim(
        self,
        delivery_id: int,
        tip_id: str,
        missed: int,
        now: datetime,
        review: tuple[str, int] | None = None,
    ) -> None:
        self.execute(
            """UPDATE deliveries SET tip_id = %s, missed = %s, attempts = attempts + 1,
                 updated_at = %s
               WHERE id = %s""",
            (tip_id, missed, now.isoformat(), delivery_id),
        )
        if review is not None:  # the due review the card carries (spaced review)
            self.execute(
                "UPDATE deliveries SET review_tip_id = %s, review_seq = %s WHERE id = %s",
                (*review, delivery_id),
            )

    def review_of(self, delivery_id: int) -> tuple[str, int] | None:
        row = self.fetchone(
            "SELECT review_tip_id, review_seq FROM deliveries WHERE id = %s", (delivery_id,)
        )
        if row is None or row[0] is None:
            return None
        return str(row[0]), int(row[1] or 0)

    def count_attempt(self, delivery_id: int, now: datetime) -> None:
        self.execute(
            "UPDATE deliveries SET attempts = attempts + 1, updated_at = %s WHERE id = %s",
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
            """UPDATE deliveries SET state = %s, message_id = COALESCE(%s, message_id),
                 detail = %s, retry_at = COALESCE(%s::bigint, retry_at), updated_at = %s
               WHERE id = %s""",
            (state, message_id, detail[:200], retry_at, now.isoformat(), delivery_id),
        )

    def channel_views(self, sub_id: int) -> dict[str, int]:
        """Its ledger rows and the counts of its pruned ones, in ONE statement (one
        snapshot: a prune committing meanwhile is seen wholly or not at all)."""
        rows = self.fetchall(
            """SELECT tip_id, sum(n) FROM (
                 SELECT tip_id, count(*) AS n FROM deliveries
                 WHERE sub_id = %s AND tip_id IS NOT NULL AND state IN ('pending', 'sent')
                 GROUP BY tip_id
                 UNION ALL
                 SELECT tip_id, times FROM channel_tip_views WHERE sub_id = %s
               ) AS seen GROUP BY tip_id""",
            (sub_id, sub_id),
        )
        return {r[0]: int(r[1]) for r in rows}

    def prune(self, before: int, limit: int) -> int:
        """Delete up to ``limit`` finished rows due before ``before``, oldest first, and
        fold a channel's posted tips into ``channel_tip_views``: one statement. Rows
        another transaction holds are left for the next batch (SKIP LOCKED)."""
        row = self.fetchone(
            """WITH doomed AS (
                 SELECT id FROM deliveries WHERE state <> 'pending' AND due_at < %s
                 ORDER BY due_at LIMIT %s FOR UPDATE SKIP LOCKED
               ), gone AS (
                 DELETE FROM deliveries d USING doomed WHERE d.id = doomed.id
                 RETURNING d.sub_id, d.tip_id, d.state
               ), folded AS (
                 INSERT INTO channel_tip_views (sub_id, tip_id, times)
                 SELECT g.sub_id, g.tip_id, count(*) FROM gone g
                   JOIN subscriptions s ON s.id = g.sub_id
                 WHERE g.state = 'sent' AND g.tip_id IS NOT NULL AND s.channel_id IS NOT NULL
                 GROUP BY g.sub_id, g.tip_id
                 ON CONFLICT (sub_id, tip_id)
                 DO UPDATE SET times = channel_tip_views.times + excluded.times
               )
               SELECT count(*) FROM gone""",
            (before, limit),
        )
        return int(row[0]) if row else 0

    def earliest_retry(self, platforms: Sequence[str]) -> int | None:
        if not platforms:
            return None
        row = self.fetchone(
            "SELECT min(d.retry_at) FROM deliveries d JOIN subscriptions s ON s.id = d.sub_id"
            " WHERE d.state = 'pending' AND s.status = 'active' AND s.platform = ANY(%s)",
            (list(platforms),),
        )
        return int(row[0]) if row and row[0] is not None else None

    def overdue_count(self, now: int) -> int:
        """Pending rows due by ``now`` plus subscriptions due and not planned (both active)."""
        row = self.fetchone(
            """SELECT
                 (SELECT count(*) FROM deliveries d JOIN subscriptions s ON s.id = d.sub_id
                  WHERE d.state = 'pending' AND d.due_at <= %s AND s.status = 'active')
               + (SELECT count(*) FROM subscriptions
                  WHERE status = 'active' AND next_due <= %s)""",
            (now, now),
        )
        return int(row[0]) if row else 0

    def states(self, sub_id: int) -> dict[str, str]:
        rows = self.fetchall(
            "SELECT local_date, state FROM deliveries WHERE sub_id = %s ORDER BY local_date",
            (sub_id,),
        )
        return {r[0]: r[1] for r in rows}
