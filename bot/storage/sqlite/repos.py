"""SQLite repositories of users, progress and tips (:mod:`bot.core.ports`).

Each holds the store's connection; the store runs them inside its transaction, on its
own thread (:mod:`bot.storage.sqlite.store`). SQL is parameterized.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import Any

from bot.core.records import Changes, ReviewRow, UserRow
from bot.core.schedule import as_utc


class Repo:
    """Queries on the store's connection, inside the transaction of the running unit."""

    __slots__ = ("db",)

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        return self.db.execute(sql, params).fetchall()

    def fetchone(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        rows = self.db.execute(sql, params).fetchall()  # step to the end: RETURNING
        return rows[0] if rows else None

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        return self.db.execute(sql, params).rowcount


class SqliteUsers(Repo):
    __slots__ = ()

    # users -------------------------------------------------------------------------

    def user(
        self,
        platform: str,
        tenant: str,
        user_id: str,
        display_name: str,
        now: datetime,
        tz_hint: str | None = None,
    ) -> UserRow:
        """The user's row, created on first use; keeps the display name fresh.

        Reads first and writes only what changed: most commands then write nothing at
        all, and a read-only transaction commits without touching the WAL.
        """
        key = (platform, tenant, user_id)
        # the account and the profile it uses (its own, or the one it was linked to):
        # one statement, the unique index then the primary key
        row = self.fetchone(
            "SELECT p.id, p.tz, i.display_name, i.id, p.level FROM users i"
            " JOIN users p ON p.id = coalesce(i.profile_pk, i.id)"
            " WHERE i.platform = ? AND i.tenant = ? AND i.user_id = ?",
            key,
        )
        if row is None:
            row = self.fetchone(
                """INSERT INTO users (platform, tenant, user_id, display_name, tz, created_at)
                   VALUES (?, ?, ?, ?, ?, ?) RETURNING id, tz, display_name""",
                (*key, display_name, tz_hint, now.isoformat()),
            )
            return UserRow(int(row[0]), row[1])
        pk, tz, name, account, level = int(row[0]), row[1], row[2], int(row[3]), row[4]
        new_name = display_name or name
        new_tz = tz or tz_hint
        if new_name != name:
            self.execute("UPDATE users SET display_name = ? WHERE id = ?", (new_name, account))
        if new_tz != tz:
            self.execute("UPDATE users SET tz = ? WHERE id = ?", (new_tz, pk))
        return UserRow(pk, new_tz, level)

    def find_user(self, platform: str, tenant: str, user_id: str) -> int | None:
        row = self.fetchone(
            "SELECT coalesce(profile_pk, id) FROM users WHERE platform = ? AND tenant = ?"
            " AND user_id = ?",
            (platform, tenant, user_id),
        )
        return int(row[0]) if row else None

    def set_tz(self, pk: int, tz: str) -> None:
        self.execute("UPDATE users SET tz = ? WHERE id = ?", (tz, pk))

    def level(self, pk: int) -> str | None:
        row = self.fetchone("SELECT level FROM users WHERE id = ?", (pk,))
        return row[0] if row else None

    def set_level(self, pk: int, level: str | None) -> None:
        self.execute("UPDATE users SET level = ? WHERE id = ?", (level, pk))

    def forget(self, pk: int) -> None:
        self.execute("DELETE FROM users WHERE id = ?", (pk,))

    # activity (streaks) ------------------------------------------------------------

    def record_activity(self, pk: int, day: date) -> None:
        self.execute(
            "INSERT INTO activity (user_pk, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (pk, day.isoformat()),
        )

    def activity_days(self, pk: int) -> list[date]:
        rows = self.fetchall("SELECT day FROM activity WHERE user_pk = ? ORDER BY day", (pk,))
        return [date.fromisoformat(r[0]) for r in rows]

    # notices -----------------------------------------------------------------------

    def push_notice(self, pk: int, text: str, now: datetime) -> None:
        self.execute(
            "INSERT INTO notices (user_pk, text, created_at) VALUES (?, ?, ?)",
            (pk, text, now.isoformat()),
        )

    def pop_notices(self, pk: int) -> list[str]:
        rows = self.fetchall("DELETE FROM notices WHERE user_pk = ? RETURNING id, text", (pk,))
        return [r[1] for r in sorted(rows, key=lambda r: int(r[0]))]

    # export ------------------------------------------------------------------------

    def export(self, pk: int) -> dict[str, Any]:
        """Every row about the user, table by table (for ``export``)."""
        out: dict[str, Any] = {}
        row = self.fetchone(
            "SELECT platform, tenant, user_id, display_name, tz, created_at, level"
            " FROM users WHERE id = ?",
            (pk,),
        )
        keys = ("platform", "tenant", "user_id", "display_name", "tz", "created_at", "level")
        out["user"] = dict(zip(keys, row, strict=True)) if row else {}
        for table, sql in EXPORT_QUERIES.items():
            cur = self.db.execute(sql, (pk,))
            cols = [d[0] for d in cur.description]
            out[table] = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        return out


class SqliteProgress(Repo):
    __slots__ = ()

    # skills ------------------------------------------------------------------------

    def skill_statuses(self, pk: int) -> dict[str, str]:
        rows = self.fetchall("SELECT skill_id, status FROM skill_status WHERE user_pk = ?", (pk,))
        return {r[0]: r[1] for r in rows}

    def set_skill(self, pk: int, skill_id: str, status: str | None, now: datetime) -> None:
        if status is None:
            self.execute(
                "DELETE FROM skill_status WHERE user_pk = ? AND skill_id = ?", (pk, skill_id)
            )
            return
        self.execute(
            """INSERT INTO skill_status (user_pk, skill_id, status, updated_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (user_pk, skill_id) DO UPDATE SET
                 status = excluded.status, updated_at = excluded.updated_at""",
            (pk, skill_id, status, now.isoformat()),
        )

    # roadmap -----------------------------------------------------------------------

    def roadmap_done(self, pk: int) -> set[str]:
        rows = self.fetchall("SELECT step_id FROM roadmap_done WHERE user_pk = ?", (pk,))
        return {r[0] for r in rows}

    def set_step(self, pk: int, step_id: str, done: bool, now: datetime) -> None:
        if done:
            self.execute(
                """INSERT INTO roadmap_done (user_pk, step_id, done_at) VALUES (?, ?, ?)
                   ON CONFLICT (user_pk, step_id) DO NOTHING""",
                (pk, step_id, now.isoformat()),
            )
        else:
            self.execute(
                "DELETE FROM roadmap_done WHERE user_pk = ? AND step_id = ?", (pk, step_id)
            )

    def changes(self, pk: int, since: datetime, until: datetime) -> Changes:
        """What the user did in ``[since, until]`` (ISO UTC instants compare as text)."""
        window = (pk, as_utc(since).isoformat(), as_utc(until).isoformat())
        seen = self.fetchall(
            "SELECT tip_id FROM tip_views WHERE user_pk = ? AND last_seen BETWEEN ? AND ?"
            " ORDER BY tip_id",
            window,
        )
        skills = self.fetchall(
            "SELECT skill_id, status FROM skill_status"
            " WHERE user_pk = ? AND updated_at BETWEEN ? AND ? ORDER BY updated_at, skill_id",
            window,
        )
        steps = self.fetchall(
            "SELECT step_id FROM roadmap_done WHERE user_pk = ? AND done_at BETWEEN ? AND ?"
            " ORDER BY done_at, step_id",
            window,
        )
        helpful = self.fetchall(
            "SELECT tip_id FROM tip_marks WHERE user_pk = ? AND vote = 1"
            " AND voted_at BETWEEN ? AND ? ORDER BY voted_at DESC, tip_id",
            window,
        )
        return Changes(
            tips_seen=tuple(r[0] for r in seen),
            skills={r[0]: r[1] for r in skills},
            steps=tuple(r[0] for r in steps),
            helpful=tuple(r[0] for r in helpful),
        )


class SqliteTips(Repo):
    __slots__ = ()

    # tips --------------------------------------------------------------------------

    def tip_views(self, pk: int) -> dict[str, int]:
        rows = self.fetchall("SELECT tip_id, times FROM tip_views WHERE user_pk = ?", (pk,))
        return {r[0]: int(r[1]) for r in rows}

    def record_view(self, pk: int, tip_id: str, now: datetime) -> None:
        self.execute(
            """INSERT INTO tip_views (user_pk, tip_id, times, first_seen, last_seen)
               VALUES (?, ?, 1, ?, ?)
               ON CONFLICT (user_pk, tip_id) DO UPDATE SET
                 times = times + 1, last_seen = excluded.last_seen""",
            (pk, tip_id, now.isoformat(), now.isoformat()),
        )

    def marks(self, pk: int) -> dict[str, tuple[int, str | None]]:
        """tip id -> (vote, saved_at)."""
        rows = self.fetchall(
            "SELECT tip_id, vote, saved_at FROM tip_marks WHERE user_pk = ?", (pk,)
        )
        return {r[0]: (int(r[1]), r[2]) for r in rows}

    def set_vote(self, pk: int, tip_id: str, vote: int, now: datetime | None = None) -> None:
        stamp = now.isoformat() if now else None
        self.execute(
            """INSERT INTO tip_marks (user_pk, tip_id, vote, voted_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (user_pk, tip_id) DO UPDATE SET
                 vote = excluded.vote, voted_at = excluded.voted_at""",
            (pk, tip_id, vote, stamp),
        )

    def set_saved(self, pk: int, tip_id: str, saved_at: datetime | None) -> None:
        stamp = saved_at.isoformat() if saved_at else None
        self.execute(
            """INSERT INTO tip_marks (user_pk, tip_id, saved_at) VALUES (?, ?, ?)
               ON CONFLICT (user_pk, tip_id) DO UPDATE SET saved_at = excluded.saved_at""",
            (pk, tip_id, stamp),
        )

    # spaced review -----------------------------------------------------------------

    def reviews(self, pk: int) -> list[ReviewRow]:
        rows = self.fetchall(
            """SELECT r.tip_id, r.due_at, r.interval_days, r.ease, r.streak, r.answers,
                      r.remembered,
                      r.carried_on, coalesce(m.saved_at IS NOT NULL OR m.vote = 1, false)
               FROM tip_reviews r
               LEFT JOIN tip_marks m ON m.user_pk = r.user_pk AND m.tip_id = r.tip_id
               WHERE r.user_pk = ? ORDER BY r.tip_id""",
            (pk,),
        )
        return [_review(r) for r in rows]

    def start_review(self, pk: int, tip_id: str, due_at: int) -> None:
        self.execute(
            """INSERT INTO tip_reviews (user_pk, tip_id, due_at) VALUES (?, ?, ?)
               ON CONFLICT (user_pk, tip_id) DO NOTHING""",
            (pk, tip_id, due_at),
        )

    def answer_review(
        self,
        pk: int,
        tip_id: str,
        *,
        seq: int,
        remembered: bool,
        due_at: int,
        interval: int,
        ease: int,
        streak: int,
        now: datetime,
    ) -> bool:
        changed = self.execute(
            """UPDATE tip_reviews SET due_at = ?, interval_days = ?, ease = ?, streak = ?,
                 answers = answers + 1, remembered = remembered + ?, reviewed_at = ?
               WHERE user_pk = ? AND tip_id = ? AND answers = ?""",
            (due_at, interval, ease, streak, int(remembered), now.isoformat(), pk, tip_id, seq),
        )
        return changed == 1

    def carry_review(self, pk: int, tip_id: str, local_date: str) -> None:
        self.execute(
            "UPDATE tip_reviews SET carried_on = ? WHERE user_pk = ? AND tip_id = ?",
            (local_date, pk, tip_id),
        )


def _review(row: Any) -> ReviewRow:
    return ReviewRow(
        str(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]), int(row[5]),
        int(row[6]), row[7], bool(row[8]),
    )  # fmt: skip


# Tables holding per-user data; later migrations add theirs here so export stays whole.
EXPORT_QUERIES: dict[str, str] = {
    "skills": "SELECT skill_id, status, updated_at FROM skill_status WHERE user_pk = ?",
    "tips_seen": "SELECT tip_id, times, first_seen, last_seen FROM tip_views WHERE user_pk = ?",
    "tip_marks": "SELECT tip_id, vote, saved_at FROM tip_marks WHERE user_pk = ?",
    "roadmap": "SELECT step_id, done_at FROM roadmap_done WHERE user_pk = ?",
    "activity_days": "SELECT day FROM activity WHERE user_pk = ? ORDER BY day",
    "notices": "SELECT text, created_at FROM notices WHERE user_pk = ?",
    "streak_settings": "SELECT day_start, away_skip, weekends_since, days_zone FROM user_prefs"
    " WHERE user_pk = ?",
    "quiet_days": "SELECT day, kind FROM quiet_days WHERE user_pk = ? ORDER BY day",
    "daily": "SELECT minute, tz, days, status, paused_until, reason, created_at, updated_at"
    " FROM subscriptions WHERE user_pk = ? AND kind = 'daily'",
    "linked_accounts": "SELECT platform, tenant, user_id, display_name, created_at FROM users"
    " WHERE profile_pk = ? ORDER BY id",
    "link_codes": "SELECT c.created_at, c.expires_at, c.used_at FROM link_codes c"
    " JOIN users u ON u.id = c.identity_pk WHERE coalesce(u.profile_pk, u.id) = ?",
    "daily_deliveries": "SELECT d.local_date, d.state, d.tip_id, d.attempts, d.updated_at"
    " FROM deliveries d JOIN subscriptions s ON s.id = d.sub_id"
    " WHERE s.user_pk = ? AND s.kind = 'daily' ORDER BY d.local_date",
    # the weekly report (issue 14): its subscription and its deliveries
    "weekly": "SELECT minute, tz, days, status, paused_until, reason, created_at, updated_at"
    " FROM subscriptions WHERE user_pk = ? AND kind = 'weekly'",
    "weekly_deliveries": "SELECT d.local_date, d.state, d.attempts, d.updated_at"
    " FROM deliveries d JOIN subscriptions s ON s.id = d.sub_id"
    " WHERE s.user_pk = ? AND s.kind = 'weekly' ORDER BY d.local_date",
    "reviews": "SELECT tip_id, due_at, interval_days, ease, streak, answers, remembered,"
    " reviewed_at, carried_on FROM tip_reviews WHERE user_pk = ? ORDER BY tip_id",
}
