"""SQLite repository of streak settings and quiet days (:class:`bot.core.ports.Habits`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.core.records import Prefs, QuietPlan
from bot.storage.quiet import plans
from bot.storage.sqlite.repos import Repo


class SqliteHabits(Repo):
    __slots__ = ()

    def prefs(self, pk: int) -> Prefs:
        row = self.fetchone(
            "SELECT day_start, away_skip, weekends_since, days_zone FROM user_prefs"
            " WHERE user_pk = ?",
            (pk,),
        )
        if row is None:
            return Prefs()
        return Prefs(int(row[0]), bool(row[1]), row[2], row[3])

    def set_prefs(self, pk: int, prefs: Prefs) -> None:
        self.execute(
            """INSERT INTO user_prefs (user_pk, day_start, away_skip, weekends_since, days_zone)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (user_pk) DO UPDATE SET
                 day_start = excluded.day_start, away_skip = excluded.away_skip,
                 weekends_since = excluded.weekends_since, days_zone = excluded.days_zone""",
            (pk, prefs.day_start, int(prefs.away_skip), prefs.weekends_since, prefs.days_zone),
        )

    def last_day(self, pk: int) -> date | None:
        row = self.fetchone("SELECT max(day) FROM activity WHERE user_pk = ?", (pk,))
        return date.fromisoformat(row[0]) if row and row[0] else None

    def quiet_days(self, pk: int) -> dict[date, str]:
        rows = self.fetchall(
            "SELECT day, kind FROM quiet_days WHERE user_pk = ? ORDER BY day", (pk,)
        )
        return {date.fromisoformat(r[0]): r[1] for r in rows}

    def add_quiet(self, pk: int, days: Sequence[date], kind: str) -> int:
        new = 0
        for day in days:
            new += self.execute(
                "INSERT INTO quiet_days (user_pk, day, kind) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (pk, day.isoformat(), kind),
            )
        return new

    def unskip(self, pk: int, since: date, days: Sequence[date] | None = None) -> int:
        if days is None:
            return self.execute(
                "DELETE FROM quiet_days WHERE user_pk = ? AND kind = 'skip' AND day >= ?",
                (pk, since.isoformat()),
            )
        gone = 0
        for day in days:
            if day >= since:
                gone += self.execute(
                    "DELETE FROM quiet_days WHERE user_pk = ? AND kind = 'skip' AND day = ?",
                    (pk, day.isoformat()),
                )
        return gone

    def quiet_plans(self, pks: Sequence[int], since: date) -> dict[int, QuietPlan]:
        if not pks:
            return {}
        marks = ",".join("?" * len(pks))
        prefs = self.fetchall(
            f"SELECT user_pk, weekends_since, away_skip FROM user_prefs"  # noqa: S608 (marks)
            f" WHERE user_pk IN ({marks}) AND (weekends_since IS NOT NULL OR away_skip = 1)",
            tuple(pks),
        )
        skips = self.fetchall(
            f"SELECT user_pk, day FROM quiet_days WHERE user_pk IN ({marks})"  # noqa: S608
            " AND kind = 'skip' AND day >= ?",
            (*pks, since.isoformat()),
        )
        return plans(prefs, skips)
